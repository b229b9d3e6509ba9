"""How the pages of an edition are described to search engines, social networks and feed readers: the
<head> metadata (canonical, OpenGraph, X cards, hreflang, feed links), JSON-LD, and the images those
cards and the feeds' enclosures use. Which edition is being read, and absolute URLs, come from
articles.editions.

Each page type describes itself in its own function (`describe_page`, dispatched on the page's class);
`page_metadata` adds what every page shares.
"""

from __future__ import annotations

import json
from functools import singledispatch

from django.conf import settings
from django.urls import NoReverseMatch, reverse
from django.utils import translation
from django.utils.safestring import SafeString, mark_safe
from wagtail.models import Page

from .editions import (
    absolute_url,
    alternates,
    edition_home,
    edition_language,
    root_url,
    site_for,
    site_name,
    site_settings,
)
from .generation import generation_cached
from .models import ArticlePage, Author, HomePage, SectionPage, Tag

# OpenGraph wants a region; these are what Facebook and LinkedIn recognise for each edition.
OG_LOCALES = {"ar": "ar_AR", "en": "en_GB"}
# 1200×630 is the size Facebook, X and LinkedIn crop to for a large card.
SOCIAL_IMAGE_FILTER = "fill-1200x630|format-jpeg|jpegquality-85"
# Google asks for a publisher logo that fits inside 600×60.
LOGO_FILTER = "max-600x60|format-png"
FEED_IMAGE_FILTER = "fill-1200x630|format-jpeg|jpegquality-85"


def rendition_url(request, image, filter_spec: str):
    """(absolute URL, rendition) for an image, or (None, None) when there is no image."""
    if image is None:
        return None, None
    rendition = image.get_rendition(filter_spec)
    return absolute_url(request, rendition.url), rendition


# --- Structured data ---------------------------------------------------------------------------------

_JSON_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


def json_ld(data: dict) -> SafeString:
    """JSON for a <script type="application/ld+json">: `<`, `>` and `&` escaped as Django's json_script does,
    so a headline containing `</script>` cannot close the element."""
    return mark_safe(json.dumps(data, ensure_ascii=False, default=str).translate(_JSON_ESCAPES))


def _person(request, author: Author, home: HomePage | None) -> dict:
    data = {"@type": "Organization" if author.is_desk else "Person", "name": author.name}
    if home is not None:
        url = home.get_url(request)
        if url:
            data["url"] = absolute_url(request, url + home.reverse_subpage("author", args=[author.slug]))
    if author.job_title and not author.is_desk:
        data["jobTitle"] = author.job_title
    return data


def publisher(request, language: str) -> dict:
    data = {"@type": "Organization", "name": site_name(request, language), "url": root_url(request) + "/"}
    logo_url, logo = rendition_url(request, site_settings(request).logo, LOGO_FILTER)
    if logo_url:
        data["logo"] = {"@type": "ImageObject", "url": logo_url, "width": logo.width, "height": logo.height}
    return data


def breadcrumbs(request, page: Page, home: HomePage | None) -> dict:
    trail = []
    if home is not None:
        trail.append(home)
    if isinstance(page, ArticlePage) and page.section is not None:
        trail.append(page.section)
    if page not in trail:
        trail.append(page)
    return {
        "@context": "https://schema.org",
        "@type": "BreadcrumbList",
        "itemListElement": [
            {
                "@type": "ListItem",
                "position": position,
                "name": crumb.title,
                "item": crumb.get_full_url(request),
            }
            for position, crumb in enumerate(trail, start=1)
        ],
    }


def article_structured_data(
    request,
    article: ArticlePage,
    home: HomePage | None,
    image_url: str | None,
    *,
    authors: list[Author] | None = None,
    tags: list[str] | None = None,
) -> dict:
    """`authors` and `tags` may be passed by a caller that already read them (one query each saved)."""
    language = edition_language(article)
    modified = article.updated_at or article.last_published_at or article.first_published_at
    data = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "mainEntityOfPage": {"@type": "WebPage", "@id": article.get_full_url(request)},
        "url": article.get_full_url(request),
        "headline": article.title[:110],
        "description": article.summary,
        "inLanguage": language,
        "datePublished": article.first_published_at.isoformat() if article.first_published_at else None,
        "dateModified": modified.isoformat() if modified else None,
        "author": [_person(request, author, home) for author in (article.authors if authors is None else authors)],
        "publisher": publisher(request, language),
    }
    if image_url:
        data["image"] = [image_url]
    if article.section is not None:
        data["articleSection"] = article.section.title
    if tags is None:
        tags = [tag.name for tag in article.tags.all()]
    if tags:
        data["keywords"] = tags
    return {key: value for key, value in data.items() if value is not None}


def website_structured_data(request, home: HomePage) -> dict:
    language = edition_language(home)
    with translation.override(language):
        search_path = reverse("search")
    return {
        "@context": "https://schema.org",
        "@type": "WebSite",
        "name": site_name(request, language),
        "url": home.get_full_url(request),
        "inLanguage": language,
        "publisher": publisher(request, language),
        "potentialAction": {
            "@type": "SearchAction",
            "target": absolute_url(request, search_path) + "?q={search_term_string}",
            "query-input": "required name=search_term_string",
        },
    }


def collection_structured_data(request, page: Page, home: HomePage | None, description: str) -> dict:
    language = edition_language(page)
    data = {
        "@context": "https://schema.org",
        "@type": "CollectionPage",
        "name": page.title,
        "url": page.get_full_url(request),
        "inLanguage": language,
    }
    if description:
        data["description"] = description
    if home is not None:
        data["isPartOf"] = {"@type": "WebSite", "name": site_name(request, language), "url": home.get_full_url(request)}
    return data


# --- Everything <head> needs -------------------------------------------------------------------------


def feed_links(request, page: Page | None, *, author: Author | None = None, tag: Tag | None = None) -> list[dict]:
    """RSS and Atom <link rel="alternate"> for the edition, plus the section, author or tag being read."""
    name = site_name(request)
    links = []

    def add(title: str, rss: str, atom: str, kwargs: dict | None = None):
        try:
            links.append(
                {"title": f"{title} (RSS)", "type": "application/rss+xml", "href": reverse(rss, kwargs=kwargs)}
            )
            links.append(
                {"title": f"{title} (Atom)", "type": "application/atom+xml", "href": reverse(atom, kwargs=kwargs)}
            )
        except NoReverseMatch:
            pass

    add(name, "feed_rss", "feed_atom")
    if isinstance(page, SectionPage):
        add(f"{name}: {page.title}", "feed_section_rss", "feed_section_atom", {"slug": page.slug})
    if author is not None:
        add(f"{name}: {author.name}", "feed_author_rss", "feed_author_atom", {"slug": author.slug})
    if tag is not None:
        add(f"{name}: {tag.name}", "feed_tag_rss", "feed_tag_atom", {"slug": tag.slug})
    for link in links:
        link["href"] = absolute_url(request, link["href"])
    return links


def page_metadata(context) -> dict:
    """What templates/includes/meta.html renders, computed once from the template context.

    A page's metadata is the same for every reader of the same URL path (the query string changes
    nothing: the canonical URL has none), so it is cached per site, language, page and path for the
    content generation; a preview (unsaved content) is never cached."""
    request = context.get("request")
    if request is None:
        return {}
    page = context.get("page")
    if not isinstance(page, Page) or getattr(request, "is_preview", False):
        return _page_metadata(context, request)
    site = site_for(request)
    return generation_cached(
        "page-metadata",
        site.pk if site is not None else 0,
        page.pk,
        translation.get_language(),
        request.path,
        compute=lambda: _page_metadata(context, request),
    )


def _page_metadata(context, request) -> dict:
    page = context.get("page")
    if not isinstance(page, Page):
        page = None
    elif not isinstance(page, (HomePage, SectionPage, ArticlePage)):
        page = page.specific
    language = translation.get_language()
    home = edition_home(request)
    if home is not None and page is not None and page.locale_id == home.locale_id:
        # The page's Locale is the home's, already loaded: reading page.locale below costs no query.
        Page.locale.field.set_cached_value(page, home.locale)
    author, tag = context.get("author"), context.get("tag")
    author = author if isinstance(author, Author) else None
    tag = tag if isinstance(tag, Tag) else None
    meta: dict = {
        "site_name": site_name(request),
        "og_locale": OG_LOCALES.get(language, language),
        "og_type": "website",
        "feeds": feed_links(request, page, author=author, tag=tag),
        "x_handle": (site_settings(request).x_handle or "").lstrip("@"),
        "json_ld": [],
    }
    if page is None:
        meta["canonical"] = absolute_url(request, request.path)
        return meta

    meta.update(_translations(request, page, language))
    page_url = page.get_url(request) or request.path
    meta["title"] = page.seo_title or page.title
    meta["description"] = page.search_description
    if request.path != page_url and request.path.startswith(page_url):
        meta["canonical"] = absolute_url(request, request.path)
        _describe_route(page, request, meta, home, author=author, tag=tag)
    else:
        meta["canonical"] = page.get_full_url(request)
        describe_page(page, request, meta, home)
    if meta.get("image") is None:
        logo_url, logo = rendition_url(request, site_settings(request).logo, SOCIAL_IMAGE_FILTER)
        if logo_url:
            meta.update(image=logo_url, image_width=logo.width, image_height=logo.height, image_alt=meta["site_name"])
    return meta


def _translations(request, page: Page, language: str) -> dict:
    """hreflang pairs (only when the page has a live translation) and OpenGraph's alternate locales."""
    translated = [alt for alt in alternates(request, page) if alt.is_translation]
    links: dict = {}
    if len(translated) > 1:
        links["hreflang"] = translated
        default = next((alt for alt in translated if alt.language == settings.LANGUAGE_CODE), None)
        links["x_default"] = default.url if default else None
    links["og_locale_alternates"] = [
        OG_LOCALES.get(alt.language, alt.language) for alt in translated if alt.language != language
    ]
    return links


@singledispatch
def describe_page(page: Page, request, meta: dict, home: HomePage | None) -> None:
    """Any other page (a form page, say): a collection of what it lists, with its breadcrumbs."""
    _describe_collection(page, request, meta, home)


@describe_page.register
def _(page: HomePage, request, meta: dict, home: HomePage | None) -> None:
    """An edition's front page: the website itself, with its search box for search engines."""
    meta["description"] = page.search_description or page.tagline or site_settings(request).tagline
    meta["json_ld"] = [json_ld(website_structured_data(request, page))]


@describe_page.register
def _(page: SectionPage, request, meta: dict, home: HomePage | None) -> None:
    """A section: a collection of its articles, described by its intro unless an editor wrote a description."""
    meta["description"] = meta["description"] or page.intro
    _describe_collection(page, request, meta, home)


@describe_page.register
def _(page: ArticlePage, request, meta: dict, home: HomePage | None) -> None:
    """An article: a large card with its lead image, its authors' X handles, and NewsArticle JSON-LD."""
    image_url, rendition = rendition_url(request, page.lead_image, SOCIAL_IMAGE_FILTER)
    authors, tags = page.authors, [t.name for t in page.tags.all()]
    meta.update(
        og_type="article",
        description=page.search_description or page.summary,
        published=page.first_published_at,
        modified=page.updated_at or page.last_published_at,
        section=page.section.title if page.section else "",
        tags=tags,
        image=image_url,
        image_width=rendition.width if rendition else None,
        image_height=rendition.height if rendition else None,
        image_alt=page.lead_image_caption or page.title,
        creators=[a.twitter_handle.lstrip("@") for a in authors if a.twitter_handle],
    )
    meta["json_ld"] = [
        json_ld(article_structured_data(request, page, home, image_url, authors=authors, tags=tags)),
        json_ld(breadcrumbs(request, page, home)),
    ]


def _describe_collection(page: Page, request, meta: dict, home: HomePage | None) -> None:
    meta["json_ld"] = [
        json_ld(collection_structured_data(request, page, home, meta["description"])),
        json_ld(breadcrumbs(request, page, home)),
    ]


def _describe_route(
    page: Page, request, meta: dict, home: HomePage | None, *, author: Author | None, tag: Tag | None
) -> None:
    """A routed sub-page of the front page (an author's or a tag's articles): a collection named after
    the author or tag, at its own URL, without breadcrumbs (it is not in the page tree)."""
    if author is not None:
        meta["title"] = author.name
        meta["description"] = meta["description"] or author.bio
    elif tag is not None:
        meta["title"] = tag.name
    collection = collection_structured_data(request, page, home, meta["description"])
    collection.update(name=meta["title"], url=meta["canonical"])
    meta["json_ld"] = [json_ld(collection)]

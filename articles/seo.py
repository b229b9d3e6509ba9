"""How an edition and its pages are described to search engines, social networks and feed readers.

Absolute URLs are built from Wagtail's Site (its hostname and port), never from django.contrib.sites,
whose domain is a placeholder kept only for django-contrib-comments. The same helpers serve the
metadata in <head>, the feeds, the sitemaps and the language switcher, so they cannot disagree.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Q
from django.urls import translate_url
from django.utils import translation
from django.utils.safestring import SafeString, mark_safe
from wagtail.models import Locale, Page, Site

from . import selectors
from .models import ArticlePage, Author, HomePage, NewsroomSettings, SectionPage, Tag

# OpenGraph wants a region; these are what Facebook and LinkedIn recognise for each edition.
OG_LOCALES = {"ar": "ar_AR", "en": "en_GB"}
# 1200×630 is the size Facebook, X and LinkedIn crop to for a large card.
SOCIAL_IMAGE_FILTER = "fill-1200x630|format-jpeg|jpegquality-85"
# Google asks for a publisher logo that fits inside 600×60.
LOGO_FILTER = "max-600x60|format-png"
FEED_IMAGE_FILTER = "fill-1200x630|format-jpeg|jpegquality-85"


# --- Sites, editions and absolute URLs ---------------------------------------------------------------


def site_for(request) -> Site | None:
    return Site.find_for_request(request) if request is not None else None


def root_url(request) -> str:
    """`https://host[:port]` of the Wagtail Site serving this request."""
    site = site_for(request)
    if site is not None:
        return site.root_url
    return request.build_absolute_uri("/").rstrip("/")


def absolute_url(request, path: str) -> str:
    if path.startswith(("http://", "https://")):
        return path
    return root_url(request) + path


def active_locale(request=None) -> Locale | None:
    """The Locale of the active language (Wagtail falls back to the default one). With a request, the
    edition homes already loaded for it answer without a query when one of them is in that language."""
    if request is not None:
        language = _content_language()
        for home in edition_homes(site_for(request), request=request):
            if home.locale.language_code == language:
                return home.locale
    try:
        return Locale.get_active()
    except Locale.DoesNotExist:
        return None


def _content_language() -> str | None:
    from wagtail.coreutils import get_supported_content_language_variant

    try:
        return get_supported_content_language_variant(translation.get_language())
    except LookupError:
        return None


def edition_homes(site: Site | None, *, request=None) -> list[HomePage]:
    """The site's home page and its live translations: one per edition, default language first.

    One query (locales joined); with a request, once per request."""
    key = ("edition_homes", site.pk if site is not None else None)
    return selectors.request_memo(request, key, lambda: _edition_homes(site))


def _edition_homes(site: Site | None) -> list[HomePage]:
    if site is None:
        return list(HomePage.objects.live().select_related("locale").order_by("locale_id"))
    root = site.root_page
    homes = list(
        HomePage.objects.filter(translation_key=root.translation_key)
        .filter(Q(pk=root.pk) | Q(live=True))
        .select_related("locale")
    )
    default = settings.LANGUAGE_CODE
    return sorted(homes, key=lambda home: (home.locale.language_code != default, home.locale.language_code))


def edition_home(request, locale: Locale | None = None) -> HomePage | None:
    """The home page of the edition in `locale` (default: the active language) for this request's site."""
    locale = locale or active_locale(request)
    if locale is None:
        return None
    for home in edition_homes(site_for(request), request=request):
        if home.locale_id == locale.pk:
            return home
    return None


def edition_language(locale_or_page) -> str:
    locale = getattr(locale_or_page, "locale", locale_or_page)
    return locale.language_code if locale is not None else settings.LANGUAGE_CODE


def site_settings(request) -> NewsroomSettings:
    return NewsroomSettings.for_request(request)


def site_name(request, language: str | None = None) -> str:
    """The outlet's name in `language` (modeltranslation falls back to Arabic when the English one is empty)."""
    with translation.override(language or translation.get_language()):
        name = site_settings(request).site_name
    return name or settings.WAGTAIL_SITE_NAME


def rendition_url(request, image, filter_spec: str):
    """(absolute URL, rendition) for an image, or (None, None) when there is no image."""
    if image is None:
        return None, None
    rendition = image.get_rendition(filter_spec)
    return absolute_url(request, rendition.url), rendition


# --- Translations: the language switcher and hreflang ------------------------------------------------


@dataclass
class Alternate:
    language: str
    name: str
    url: str
    is_current: bool
    is_translation: bool


def alternates(request, page: Page | None) -> list[Alternate]:
    """One link per edition for the page being read: its live translation when there is one, otherwise
    the other edition's home page (`is_translation` False: not an hreflang pair).

    Views outside the page tree (search) are translated by their URL pattern; routed sub-pages of a
    home page (an author's or a tag's page) keep their route under the other edition's home.
    """
    current = translation.get_language()
    key = ("alternates", page.pk if page is not None else None, request.get_full_path(), current)
    return selectors.request_memo(request, key, lambda: _alternates(request, page, current))


def _alternates(request, page: Page | None, current: str) -> list[Alternate]:
    languages = dict(settings.LANGUAGES)
    site = site_for(request)
    home_list = edition_homes(site, request=request)
    homes = {home.locale.language_code: home for home in home_list}
    translations: dict[str, Page] = {}
    suffix = ""
    if page is not None and page.pk:
        locales = {home.locale_id: home.locale for home in home_list}
        page_language = (locales.get(page.locale_id) or page.locale).language_code
        translations = {page_language: page}
        for other in page.get_translations().live().select_related("locale"):
            translations[other.locale.language_code] = other
        page_path = page.get_url(request) or ""
        if request.path != page_path and request.path.startswith(page_path):
            suffix = request.path[len(page_path) :]  # a routable sub-page such as authors/<slug>/
    result = []
    for code, name in languages.items():
        if page is None:
            url = translate_url(request.get_full_path(), code)
            found = True
        elif code in translations:
            url = (translations[code].get_url(request) or "/") + suffix
            found = True
        elif code in homes:
            url = homes[code].get_url(request) or "/"
            found = False
        else:
            continue
        result.append(Alternate(code, name, absolute_url(request, url), code == current, found))
    return result


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
    from django.urls import reverse

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
    from django.urls import NoReverseMatch, reverse

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
    """What templates/includes/meta.html renders, computed once from the template context."""
    request = context.get("request")
    if request is None:
        return {}
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
    meta: dict = {
        "site_name": site_name(request),
        "og_locale": OG_LOCALES.get(language, language),
        "og_type": "website",
        "feeds": feed_links(
            request,
            page,
            author=author if isinstance(author, Author) else None,
            tag=tag if isinstance(tag, Tag) else None,
        ),
        "x_handle": (site_settings(request).x_handle or "").lstrip("@"),
        "json_ld": [],
    }
    if page is None:
        meta["canonical"] = absolute_url(request, request.path)
        return meta

    links = alternates(request, page)
    translated = [alt for alt in links if alt.is_translation]
    if len(translated) > 1:
        meta["hreflang"] = translated
        default = next((alt for alt in translated if alt.language == settings.LANGUAGE_CODE), None)
        meta["x_default"] = default.url if default else None
    meta["og_locale_alternates"] = [
        OG_LOCALES.get(alt.language, alt.language) for alt in translated if alt.language != language
    ]

    page_url = page.get_url(request) or request.path
    routed = request.path != page_url and request.path.startswith(page_url)
    meta["canonical"] = absolute_url(request, request.path) if routed else page.get_full_url(request)
    meta["title"] = page.seo_title or page.title
    if routed and author is not None:
        meta["title"] = author.name
    elif routed and tag is not None:
        meta["title"] = tag.name
    meta["description"] = page.search_description

    if isinstance(page, ArticlePage) and not routed:
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
    elif isinstance(page, HomePage) and not routed:
        meta["description"] = page.search_description or page.tagline or site_settings(request).tagline
        meta["json_ld"] = [json_ld(website_structured_data(request, page))]
    else:
        description = meta["description"]
        if isinstance(page, SectionPage):
            description = description or page.intro
        elif routed and author is not None:
            description = description or author.bio
        meta["description"] = description
        collection = collection_structured_data(request, page, home, description)
        if routed:
            collection.update(name=meta["title"], url=meta["canonical"])
        meta["json_ld"] = [json_ld(collection)]
        if not routed:
            meta["json_ld"].append(json_ld(breadcrumbs(request, page, home)))
    if meta.get("image") is None:
        logo_url, logo = rendition_url(request, site_settings(request).logo, SOCIAL_IMAGE_FILTER)
        if logo_url:
            meta.update(image=logo_url, image_width=logo.width, image_height=logo.height, image_alt=meta["site_name"])
    return meta

"""Template tags for the public site: dates and numbers in the edition's style, bylines, navigation,
the breaking-news strip and card data.

Dates and digits depend on a site setting (NewsroomSettings.digits, .show_hijri_date), so these are
tags that read the request from the context rather than plain filters. Without a request (an error
page, a unit test) they fall back to the defaults: Western digits, no Hijri date.
"""

from __future__ import annotations

import datetime
import functools
from dataclasses import dataclass
from urllib.parse import quote

from django import template
from django.conf import settings
from django.core.cache import cache
from django.urls import NoReverseMatch, reverse
from django.utils import dateformat, timezone, translation
from django.utils.formats import get_format
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from hijridate import Gregorian

from articles import editions
from articles.generation import content_generation, generation_cached
from articles.models import NavigationSettings, NewsroomSettings, SectionPage
from articles.selectors import breaking_news as breaking_news_selector
from articles.selectors import most_read as most_read_selector
from articles.selectors import request_memo, with_card_data
from articles.text import to_arabic_indic

register = template.Library()


def _newsroom_settings(context) -> NewsroomSettings | None:
    request = context.get("request")
    if request is None:
        return None
    try:
        return editions.site_settings(request)
    except Exception:  # no Site matches this host: show defaults rather than fail the page
        return None


def _uses_arabic_digits(context) -> bool:
    """Arabic-Indic digits only on the Arabic edition and only when the outlet chose them."""
    return _date_style(context).arabic_indic


@dataclass(frozen=True)
class DateStyle:
    """How this request shows dates: the language, the outlet's digits, whether the Hijri date is shown
    and the language's format strings. Read once per request and language (`_date_style`): an article
    with fifty comments shows some sixty dates, and each used to look the settings and formats up again."""

    language: str
    arabic_indic: bool
    show_hijri: bool
    formats: dict[str, str]


def _date_style(context) -> DateStyle:
    language = translation.get_language() or "ar"

    def compute() -> DateStyle:
        site_settings = _newsroom_settings(context)
        return DateStyle(
            language=language,
            arabic_indic=bool(
                language == "ar" and site_settings and site_settings.digits == NewsroomSettings.DIGITS_ARABIC_INDIC
            ),
            show_hijri=bool(site_settings and site_settings.show_hijri_date),
            formats={
                name: get_format(name) for name in ("DATE_FORMAT", "DATETIME_FORMAT", "TIME_FORMAT", "MONTH_DAY_FORMAT")
            },
        )

    return request_memo(context.get("request"), ("date-style", language), compute)


def localise_digits(text, *, arabic_indic: bool) -> str:
    return to_arabic_indic(text) if arabic_indic else str(text)


@functools.lru_cache(maxsize=4096)
def hijri_date(day: datetime.date, *, language: str) -> str | None:
    """The Umm al-Qura date, such as "4 رمضان 1446 هـ"; None outside the calendar's range (1924–2077).
    Remembered per day and language (a thread's comments share a few days)."""
    try:
        hijri = Gregorian(day.year, day.month, day.day).to_hijri()
    except OverflowError:
        return None
    lang = "ar" if language == "ar" else "en"
    return f"{hijri.day} {hijri.month_name(lang)} {hijri.year} {hijri.notation(lang)}"


@register.simple_tag(takes_context=True)
def news_date(context, value, with_time: bool = False, hijri: bool = True) -> SafeString:
    """`<time datetime="ISO">4 مارس 2025</time>` in the active language, with the outlet's digits, and
    the Hijri date beside it when the outlet shows it (`hijri=False` leaves it out, for compact cards).
    `with_time=True` adds the time of day."""
    if not value:
        return mark_safe("")
    if isinstance(value, datetime.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        day = value.date()
    else:
        day = value
        with_time = False
    style = _date_style(context)
    shown = dateformat.format(value, style.formats["DATETIME_FORMAT" if with_time else "DATE_FORMAT"])
    shown = localise_digits(shown, arabic_indic=style.arabic_indic)
    machine = value.replace(microsecond=0).isoformat() if isinstance(value, datetime.datetime) else value.isoformat()
    html = format_html('<time datetime="{}">{}</time>', machine, shown)
    if hijri and style.show_hijri:
        hijri = hijri_date(day, language=style.language)
        if hijri:
            html += format_html(
                ' <span class="hijri-date">({})</span>', localise_digits(hijri, arabic_indic=style.arabic_indic)
            )
    return html


@register.simple_tag(takes_context=True)
def news_time(context, value) -> SafeString:
    """A compact time for a headline list: the time of day for today's stories ("3:05 م"), the day and
    month for older ones ("4 مارس"), in the outlet's digits."""
    if not value:
        return mark_safe("")
    local = timezone.localtime(value) if timezone.is_aware(value) else value
    style = _date_style(context)
    shown = dateformat.format(
        local, style.formats["TIME_FORMAT" if local.date() == timezone.localdate() else "MONTH_DAY_FORMAT"]
    )
    shown = localise_digits(shown, arabic_indic=style.arabic_indic)
    machine = local.replace(microsecond=0).isoformat()
    return format_html('<time class="news-time" datetime="{}">{}</time>', machine, shown)


@register.simple_tag(takes_context=True)
def news_number(context, value) -> str:
    """A number in the outlet's digits (Arabic-Indic or Western) on the Arabic edition."""
    return localise_digits(value, arabic_indic=_uses_arabic_digits(context))


@register.simple_tag(takes_context=True)
def byline(context, authors) -> SafeString:
    """Authors linked to their pages and joined as a reader would write them: «أ وب», «أ، ب وج».

    Names are user content of either direction, so each sits in a <bdi>. A desk (the editorial
    team) is named as itself, without "By".
    """
    authors = list(authors)
    if not authors:
        return mark_safe("")
    home = context.get("edition_home")
    parts = []
    for author in authors:
        css = "byline__desk" if author.is_desk else "byline__author"
        url = _author_url(home, author)
        if url:
            parts.append(format_html('<a class="{}" href="{}" rel="author"><bdi>{}</bdi></a>', css, url, author.name))
        else:
            parts.append(format_html('<span class="{}"><bdi>{}</bdi></span>', css, author.name))
    names = join_names(parts)
    if all(author.is_desk for author in authors):
        return format_html('<span class="byline__names">{}</span>', names)
    return format_html('<span class="byline__by">{}</span> <span class="byline__names">{}</span>', _("By"), names)


def join_names(parts: list[SafeString]) -> SafeString:
    """ "A", "A and B", "A, B and C" (Arabic: «أ وب», «أ، ب وج»: و attaches to the next name)."""
    if len(parts) == 1:
        return parts[0]
    separator = pgettext("list separator", ", ")
    head = mark_safe(separator.join(str(part) for part in parts[:-1]))
    # Translators: joins the last name of a list to the others; Arabic attaches و to the last name.
    return mark_safe(pgettext("names", "%(names)s and %(last)s") % {"names": head, "last": parts[-1]})


def _author_url(home, author) -> str | None:
    """The author's page, routed by the edition's home page (`<home>/authors/<slug>/`)."""
    if home is None or not author.slug:
        return None
    try:
        return home.url + home.reverse_subpage("author", args=[author.slug])
    except NoReverseMatch:
        return None


@register.filter
def author_names(authors) -> SafeString:
    """Names only (cards): each bidi-isolated, joined as in the byline."""
    parts = [format_html("<bdi>{}</bdi>", author.name) for author in authors]
    return join_names(parts) if parts else mark_safe("")


@register.simple_tag
def search_url() -> str | None:
    """The search page's URL in the active language, or None while no view is named "search"."""
    try:
        return reverse("search")
    except NoReverseMatch:
        return None


@register.simple_tag(takes_context=True)
def nav_links(context) -> list[dict]:
    """The header menu: the editor's menu when one is set, otherwise every section of the edition.

    Each item is {"label", "url", "current"}; "current" marks the section the reader is in.
    """
    request = context.get("request")
    page = context.get("page")
    items = []
    for link in _menu_links(request):
        items.append({"label": link["label"], "url": link["url"], "current": _current(page, link["path"])})
    if not items:
        for section in context.get("nav_sections") or []:
            items.append({"label": section.title, "url": section.url, "current": _current(page, section.path)})
    return items


def _menu_links(request) -> list[dict]:
    """The editor's menu as [{"label", "url", "path"}] (path: the linked page's tree path, or None),
    cached per site, language and content generation (saving the menu starts a new one)."""
    site = editions.site_for(request)
    if site is None:
        return []

    def compute() -> list[dict]:
        try:
            links = list(NavigationSettings.for_site(site).links.select_related("page"))
        except Exception:
            return []
        return [
            {
                "label": str(link.label),
                "url": link.page.url if link.page_id else link.url,
                "path": link.page.path if link.page_id else None,
            }
            for link in links
        ]

    return generation_cached("menu", site.pk, translation.get_language(), compute=compute)


def _current(page, target_path: str | None) -> str:
    """aria-current: "page" on the section's own page, "true" inside it (an article), else ""."""
    if page is None or not target_path or not hasattr(page, "path"):
        return ""
    if page.path == target_path:
        return "page"
    return "true" if page.path.startswith(target_path) else ""


@register.simple_tag(takes_context=True)
def card_data(context, articles) -> list:
    """Attach section and authors to a listing's articles in a fixed number of queries. The sections the
    page already holds (the header's, or the section being read) are reused rather than fetched again."""
    known = list(context.get("nav_sections") or [])
    page = context.get("page")
    if isinstance(page, SectionPage):
        known.append(page)
    return with_card_data(articles, known_sections=known)


@register.simple_tag(takes_context=True)
def body_cache(context, page) -> dict | None:
    """How long and under which key an article's rendered story (headline, byline, body, tags, related
    articles: templates/articles/article_main.html) may be cached, or None not to cache it.

    The key names the live revision (an edit is a new key), with the language, the site and the content
    generation (any publish, unpublish or move retires every body, since a body links to other pages).
    """
    if not page.live_revision_id:
        return None
    return editions.fragment_cache(context.get("request"), page.pk, page.live_revision_id)


@register.simple_tag(takes_context=True)
def listing_cache(context, name, subject, number) -> dict | None:
    """How long and under which key a page of a listing's cards (a section's, a tag's, an author's:
    `name` and the `subject`'s primary key, page `number`) may be cached, or None. Which articles a
    listing shows, and what their cards say, change only when an article is published, unpublished or
    moved, or an author, a tag or a section is edited: each starts a new content generation."""
    return editions.fragment_cache(context.get("request"), name, getattr(subject, "pk", subject), number)


@register.simple_tag(takes_context=True)
def front_cache(context, page) -> dict | None:
    """How long and under which key the front page's stories may be cached (templates/articles/
    home_stories.html), or None: per content generation (any publish starts a new one), language and site.
    A story's time of day ("3:05 م") may read as yesterday's for up to `PAGE_CACHE_SECONDS` after midnight."""
    return editions.fragment_cache(context.get("request"), page.pk)


# Share icons: simple single-path glyphs (24×24, drawn in currentColor), inline so no request leaves the site.
SHARE_ICONS = {
    "whatsapp": (
        "M12 2a10 10 0 0 0-8.6 15.1L2 22l5-1.3A10 10 0 1 0 12 2Zm0 18.2a8.2 8.2 0 0 1-4.2-1.2l-.3-.2-3 .8.8-2.9"
        "-.2-.3A8.2 8.2 0 1 1 12 20.2Zm4.5-6.1c-.2-.1-1.5-.7-1.7-.8-.2-.1-.4-.1-.6.1l-.8 1c-.1.2-.3.2-.5.1a6.7 6.7"
        " 0 0 1-3.3-2.9c-.3-.4.3-.4.7-1.4.1-.2 0-.3 0-.4l-.8-1.8c-.2-.5-.4-.4-.6-.4h-.5a1 1 0 0 0-.7.3 3 3 0 0 0"
        "-.9 2.2 5.2 5.2 0 0 0 1.1 2.8 11.9 11.9 0 0 0 4.6 4c1.7.7 2.4.8 3.2.7.5-.1 1.5-.6 1.8-1.2.2-.6.2-1.1.1"
        "-1.2l-.5-.3Z"
    ),
    "telegram": (
        "M21.4 3.6 2.9 10.7c-1.3.5-1.2 1.2-.2 1.5l4.7 1.5 1.8 5.6c.2.6.4.8.9.8.4 0 .6-.2.9-.4l2.3-2.2 4.7 3.5c.9.5"
        " 1.5.2 1.7-.8l3.1-14.6c.3-1.3-.5-1.9-1.4-1.5ZM9.6 14.2l-.4 4-1.4-4.6 10.8-6.8-9 7.4Z"
    ),
    "x": (
        "M17.8 3h3.1l-6.8 7.8 8 10.2h-6.3l-4.9-6.4L5.3 21H2.2l7.3-8.3L1.9 3h6.4l4.4 5.9L17.8 3Zm-1.1 16.2h1.7"
        "L7.4 4.7H5.6l11.1 14.5Z"
    ),
    "facebook": (
        "M13.5 21.9v-7.6h2.6l.4-3h-3v-1.9c0-.9.3-1.5 1.5-1.5h1.6V5.2a21 21 0 0 0-2.3-.1c-2.3 0-3.9 1.4-3.9 4"
        "v2.2H7.8v3h2.6v7.6a10 10 0 1 1 3.1 0Z"
    ),
    "copy": (
        "M10.6 13.4a4 4 0 0 0 5.7 0l3-3a4 4 0 0 0-5.7-5.7l-1.1 1.1 1.4 1.4 1.1-1.1a2 2 0 0 1 2.9 2.9l-3 3a2 2 0 0 1-2.9"
        " 0l-1.4 1.4Zm2.8-2.8a4 4 0 0 0-5.7 0l-3 3a4 4 0 0 0 5.7 5.7l1.1-1.1-1.4-1.4-1.1 1.1a2 2 0 0 1-2.9-2.9l3-3a2"
        " 2 0 0 1 2.9 0l1.4-1.4Z"
    ),
}


@register.simple_tag
def share_icon(network: str) -> SafeString:
    """A network's icon as inline SVG, hidden from assistive technology (the link's text names it)."""
    return format_html(
        '<svg class="share__icon" aria-hidden="true" focusable="false" width="20" height="20" viewBox="0 0 24 24">'
        '<path fill="currentColor" d="{}"/></svg>',
        SHARE_ICONS[network],
    )


@register.simple_tag(takes_context=True)
def share_links(context, page) -> list[dict]:
    """Plain share links (no third-party scripts): each network's own share URL with ours in it."""
    request = context.get("request")
    url = page.get_full_url(request)
    title = page.title
    q_url, q_title = quote(url, safe=""), quote(title, safe="")
    q_both = quote(f"{title} {url}", safe="")
    return [
        {"network": "whatsapp", "label": "WhatsApp", "href": f"https://wa.me/?text={q_both}"},
        {"network": "telegram", "label": "Telegram", "href": f"https://t.me/share/url?url={q_url}&text={q_title}"},
        {"network": "x", "label": "X", "href": f"https://x.com/intent/post?url={q_url}&text={q_title}"},
        {"network": "facebook", "label": "Facebook", "href": f"https://www.facebook.com/sharer/sharer.php?u={q_url}"},
    ]


@register.simple_tag(takes_context=True)
def site_logo(context, site_settings) -> dict | None:
    """The outlet's logo (NewsroomSettings.logo) drawn 96 px high for the header, as its URL and size.

    Cached under the image's id for `PAGE_CACHE_SECONDS`, so a page view costs no query for it (the
    settings row, read anyway, carries the id); choosing another logo changes the key at once."""
    logo_id = getattr(site_settings, "logo_id", None)
    if not logo_id:
        return None
    key = f"newsroom:logo:{logo_id}"
    logo = cache.get(key)
    if logo is None:
        try:
            rendition = site_settings.logo.get_rendition("height-96")
        except Exception:  # an unreadable file: the site's name in text, as without a logo
            return None
        logo = {"url": rendition.url, "width": rendition.width, "height": rendition.height}
        cache.set(key, logo, settings.NEWSROOM["PAGE_CACHE_SECONDS"])
    return logo


@register.inclusion_tag("articles/breaking_news.html", takes_context=True)
def breaking_news(context):
    """The breaking-news strip for the page's edition (empty when nothing is breaking).

    The edition's breaking stories are cached per content generation (publishing or unpublishing one
    starts a new one); an expiry passing is applied when the strip is shown, so a story leaves it on time."""
    page = context.get("page")
    items = []
    if page is not None:
        candidates = generation_cached(
            "breaking",
            page.locale_id,
            compute=lambda: breaking_news_selector(locale=page.locale_id, limit=BREAKING_CANDIDATES),
        )
        items = [article for article in candidates if article.is_breaking_now][:BREAKING_SHOWN]
    return {"items": items, "request": context.get("request")}


# The strip shows this many stories; more are cached, so that one expiring leaves room for the next.
BREAKING_SHOWN = 3
BREAKING_CANDIDATES = 12


@register.inclusion_tag("articles/most_read.html", takes_context=True)
def most_read(context, aside=False):
    """The edition's "most read" list (articles/selectors.most_read) as titles and links.

    Cached for `PAGE_CACHE_SECONDS` under the content generation, so the sum over the recent days runs
    once per edition and period rather than on every page view, and an unpublished article leaves the
    list at once (unpublishing starts a new generation). `aside=True` makes it a complementary landmark
    (beside an article) rather than a section of the front page."""
    page, request = context.get("page"), context.get("request")
    links = []
    if page is not None:
        key = f"newsroom:most-read:{page.locale_id}:{translation.get_language()}:{content_generation()}"
        links = cache.get(key)
        if links is None:
            links = [
                {"title": article.title, "url": article.get_url(request)}
                for article in most_read_selector(locale=page.locale_id)
            ]
            cache.set(key, links, settings.NEWSROOM["PAGE_CACHE_SECONDS"])
    return {"links": links, "request": request, "aside": aside}

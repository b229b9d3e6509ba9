"""Which edition a request is reading, and where its pages live.

The site's home page and its translations are the editions (Arabic first, English beside it). Feeds,
search, sitemaps, the page chrome, <head> metadata and the language switcher all resolve the edition,
its outlet name and absolute URLs here, so they cannot disagree. Absolute URLs are built from Wagtail's
Site (its hostname and port), never from django.contrib.sites, whose domain is a placeholder kept only
for django-contrib-comments.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.db.models import Q
from django.http.request import split_domain_port
from django.urls import translate_url
from django.utils import translation
from wagtail.coreutils import get_supported_content_language_variant
from wagtail.models import Locale, Page, Site

from . import selectors
from .generation import content_generation, generation_cached
from .models import HomePage, NewsroomSettings, SectionPage

# --- Sites, editions and absolute URLs ---------------------------------------------------------------


def site_for(request) -> Site | None:
    """Wagtail's Site for the request, found as Wagtail finds it (`Site.find_for_request`) but looked up
    once per host and port per content generation (a Site's change starts a new one) instead of by a
    query on every request; kept on the request where Wagtail's own code looks for it."""
    if request is None:
        return None
    if not hasattr(request, "_wagtail_site"):
        hostname = split_domain_port(request._get_raw_host())[0]  # as Wagtail: before ALLOWED_HOSTS checks
        port = request.get_port()
        request._wagtail_site = generation_cached(
            "site-for-host", hostname, port, compute=lambda: Site._find_for_request(request)
        )
    return request._wagtail_site


def fragment_cache(request, *parts) -> dict | None:
    """How long and under which key a rendered fragment of a public page may be kept (`{% cache
    seconds name key %}`), or None not to keep it: `parts` name what the fragment shows, and the key adds
    the language, the site (links are relative on their own site only) and the content generation (a
    publish, an unpublish, a move or an editor's change to what pages are framed in starts a new one).
    Never for previews, which render unsaved or old content of the same page."""
    seconds = settings.NEWSROOM["PAGE_CACHE_SECONDS"]
    if not seconds or request is None or getattr(request, "is_preview", False):
        return None
    site = site_for(request)
    key = ":".join(
        str(part)
        for part in (*parts, translation.get_language(), site.pk if site is not None else 0, content_generation())
    )
    return {"seconds": seconds, "key": key}


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
    try:
        return get_supported_content_language_variant(translation.get_language())
    except LookupError:
        return None


def edition_homes(site: Site | None, *, request=None) -> list[HomePage]:
    """The site's home page and its live translations: one per edition, default language first.

    One query (locales joined) per content generation (cached), remembered for the request."""
    site_key = site.pk if site is not None else None
    return selectors.request_memo(
        request,
        ("edition_homes", site_key),
        lambda: generation_cached("edition-homes", site_key, compute=lambda: _edition_homes(site)),
    )


def edition_sections(request, home: HomePage) -> list[SectionPage]:
    """The live sections of an edition, in the editors' order: the header's menu and the footer's list.
    Cached per content generation (a section published, moved or unpublished starts a new one)."""
    return selectors.request_memo(
        request,
        ("sections", home.pk),
        lambda: generation_cached("sections", home.pk, compute=lambda: selectors.sections(home=home)),
    )


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
    """The site's NewsroomSettings, cached per content generation (saving them starts a new one) and
    kept on the request where Wagtail's `for_request` and the templates' `settings` look first."""
    attr = NewsroomSettings.get_cache_attr_name()
    if hasattr(request, attr):
        return getattr(request, attr)
    site = site_for(request)
    if site is None:
        return NewsroomSettings.for_request(request)
    found = generation_cached("newsroom-settings", site.pk, compute=lambda: NewsroomSettings.for_site(site))
    found._request = request  # as for_request does: page links in the settings resolve for this request
    setattr(request, attr, found)
    return found


def site_name(request, language: str | None = None) -> str:
    """The outlet's name in `language` (modeltranslation falls back to Arabic when the English one is empty)."""
    with translation.override(language or translation.get_language()):
        name = site_settings(request).site_name
    return name or settings.WAGTAIL_SITE_NAME


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
    if page is None or getattr(request, "is_preview", False):
        return selectors.request_memo(request, key, lambda: _alternates(request, page, current))
    # A page's links depend on its path (a routed sub-page keeps its route), not on the query string.
    site = site_for(request)
    return selectors.request_memo(
        request,
        key,
        lambda: generation_cached(
            "alternates",
            site.pk if site is not None else 0,
            page.pk,
            current,
            request.path,
            compute=lambda: _alternates(request, page, current),
        ),
    )


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

"""Sitemaps for search engines: an index at /sitemap.xml, one section per kind of page (paginated at
NEWSROOM["SITEMAP_LIMIT"] URLs), and a Google News sitemap of the last 48 hours.

Both editions are listed, each URL with its `xhtml:link` hreflang alternates. Drafts, expired pages
and anything under a view restriction never appear: pages come from `.live().public()`, articles from
`published_articles()`. Absolute URLs come from Wagtail's Site; Django's sitemap index would build them
from django.contrib.sites (a placeholder domain here), so the index view is our own.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.contrib.sitemaps.views import x_robots_tag
from django.core.cache import cache
from django.db.models import Max, Q
from django.http import Http404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone, translation
from wagtail.contrib.sitemaps import Sitemap
from wagtail.contrib.sitemaps.views import sitemap as wagtail_sitemap_view
from wagtail.models import Page

from . import editions, selectors
from .generation import content_generation
from .models import ArticlePage, HomePage, ListingPaginator, SectionPage

NEWS_WINDOW = datetime.timedelta(hours=48)
# Google News reads at most 1000 URLs from one news sitemap.
NEWS_LIMIT = 1000


def _under_homes(queryset, homes: list[HomePage]):
    if not homes:
        return queryset.none()
    condition = Q()
    for home in homes:
        condition |= Q(path__startswith=home.path)
    return queryset.filter(condition)


class EditionSitemap(Sitemap):
    """Base: the site's editions, lastmod from publication, and hreflang alternates per page."""

    @property
    def limit(self) -> int:
        return settings.NEWSROOM.get("SITEMAP_LIMIT", 5000)

    @property
    def paginator(self):
        """Pages of SITEMAP_LIMIT URLs; the total is counted once per content generation, not on each
        crawl of the index and of every page of it (200,000 articles are 40 pages)."""
        site = self.get_wagtail_site()
        return ListingPaginator(
            self._items(), self.limit, count_key=f"sitemap:{type(self).__name__}:{site.pk if site else 0}"
        )

    def homes(self) -> list[HomePage]:
        return editions.edition_homes(self.get_wagtail_site())

    def lastmod(self, obj):
        if isinstance(obj, ArticlePage) and obj.updated_at:
            return max(obj.updated_at, obj.last_published_at or obj.updated_at)
        return obj.last_published_at or obj.first_published_at

    def _urls(self, page, protocol, domain):
        items = list(self.paginator.page(page).object_list)
        keys = {item.translation_key for item in items}
        versions: dict = {}
        for version in (
            Page.objects.live().public().filter(translation_key__in=keys, expired=False).select_related("locale")
        ):
            versions.setdefault(version.translation_key, []).append(version)
        urls, last_mods = [], []
        for item in items:
            lastmod = self.lastmod(item)
            url = {"item": item, "location": item.get_full_url(self.request), "lastmod": lastmod}
            siblings = versions.get(item.translation_key, [])
            if len(siblings) > 1:
                url["alternates"] = [
                    {"lang_code": v.locale.language_code, "location": v.get_full_url(self.request)}
                    for v in sorted(siblings, key=lambda v: v.locale.language_code)
                ]
            urls.append(url)
            if lastmod:
                last_mods.append(lastmod)
        if last_mods:
            self.latest_lastmod = max(last_mods)
        return urls


class PagesSitemap(EditionSitemap):
    """Each edition's home page and sections."""

    def items(self):
        pages = Page.objects.live().public().filter(expired=False).type(HomePage, SectionPage)
        return _under_homes(pages, self.homes()).select_related("locale").order_by("path")


class ArticlesSitemap(EditionSitemap):
    """Every published article of every edition, newest first."""

    def items(self):
        articles = selectors.published_articles().select_related("locale").defer_streamfields()
        return _under_homes(articles, self.homes())

    def get_latest_lastmod(self):
        """The newest change among all articles (one aggregate query, once per content generation), for
        the index's <lastmod>."""
        site = self.get_wagtail_site()
        key = f"newsroom:sitemap-lastmod:{site.pk if site else 0}:{content_generation()}"
        if (cached := cache.get(key)) is not None:
            return cached or None
        dates = (
            self.items().order_by().aggregate(Max("last_published_at"), Max("first_published_at"), Max("updated_at"))
        )
        latest = max((value for value in dates.values() if value is not None), default=None)
        cache.set(key, latest or "", timeout=settings.NEWSROOM["PAGE_CACHE_SECONDS"] or 300)
        return latest


SITEMAPS = {"pages": PagesSitemap, "articles": ArticlesSitemap}


@x_robots_tag
def sitemap_index(request):
    """The index: one entry per section and page of it, with its latest change."""
    entries = []
    for name, sitemap_class in SITEMAPS.items():
        sitemap = sitemap_class(request)
        location = editions.absolute_url(request, reverse("sitemap_section", kwargs={"section": name}))
        last_mod = sitemap.get_latest_lastmod() if hasattr(sitemap, "get_latest_lastmod") else None
        entries.append({"location": location, "last_mod": last_mod})
        for number in range(2, sitemap.paginator.num_pages + 1):
            entries.append({"location": f"{location}?p={number}", "last_mod": None})
    return TemplateResponse(request, "sitemap_index.xml", {"sitemaps": entries}, content_type="application/xml")


def sitemap_section(request, section: str):
    if section not in SITEMAPS:
        raise Http404("No sitemap section with that name.")
    return wagtail_sitemap_view(request, sitemaps={section: SITEMAPS[section]}, section=section)


def news_articles(request) -> list[ArticlePage]:
    """Articles first published in the last 48 hours, in every edition of the site, newest first."""
    since = timezone.now() - NEWS_WINDOW
    articles = selectors.published_articles().filter(first_published_at__gte=since).select_related("locale")
    homes = editions.edition_homes(editions.site_for(request))
    return list(_under_homes(articles, homes).defer_streamfields()[:NEWS_LIMIT])


@x_robots_tag
def news_sitemap(request):
    """Google News sitemap: publication name (in the article's language) and language, date, title."""
    names: dict[str, str] = {}
    entries = []
    for article in news_articles(request):
        language = article.locale.language_code
        if language not in names:
            names[language] = editions.site_name(request, language)
        entries.append(
            {
                "location": article.get_full_url(request),
                "name": names[language],
                "language": language,
                "published": article.first_published_at,
                "title": article.title,
            }
        )
    with translation.override(settings.LANGUAGE_CODE):
        return TemplateResponse(
            request, "sitemaps/news_sitemap.xml", {"entries": entries}, content_type="application/xml"
        )


def robots_txt(request):
    """Crawl rules and where the sitemaps are; the admin and the search results are not for crawlers."""
    search_paths = []
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            search_paths.append(reverse("search"))
    return TemplateResponse(
        request,
        "robots.txt",
        {
            "sitemap_url": editions.absolute_url(request, reverse("sitemap_index")),
            "news_sitemap_url": editions.absolute_url(request, reverse("news_sitemap")),
            "search_paths": search_paths,
        },
        content_type="text/plain; charset=utf-8",
    )

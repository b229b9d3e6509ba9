"""URLs. Wagtail's pages sit inside i18n_patterns without a prefix for Arabic (Arabic at `/`,
English at `/en/`); the admin, comment posting, sitemaps and static files stay outside it."""

from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path, re_path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from articles import feeds, search, sitemaps, views

urlpatterns = [
    path("django-admin/", admin.site.urls),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("i18n/", include("django.conf.urls.i18n")),
    path("comments/", include("comments.urls")),
    # The "most read" counter: one anonymous beacon per article view (static/js/article.js).
    path("views/<int:article_id>/", views.article_view_beacon, name="article_view_beacon"),
    # Sitemaps and robots.txt list both editions, so they sit outside i18n_patterns.
    path("sitemap.xml", sitemaps.sitemap_index, name="sitemap_index"),
    path("sitemap-<str:section>.xml", sitemaps.sitemap_section, name="sitemap_section"),
    path("news-sitemap.xml", sitemaps.news_sitemap, name="news_sitemap"),
    path("robots.txt", sitemaps.robots_txt, name="robots_txt"),
]

if settings.DEBUG:
    from django.conf.urls.static import static
    from django.contrib.staticfiles.urls import staticfiles_urlpatterns

    urlpatterns += staticfiles_urlpatterns()
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

urlpatterns += i18n_patterns(
    path("search/", search.search_view, name="search"),
    path("feeds/rss/", feeds.EditionFeed(), name="feed_rss"),
    path("feeds/atom/", feeds.EditionAtomFeed(), name="feed_atom"),
    path("feeds/section/<str:slug>/rss/", feeds.SectionFeed(), name="feed_section_rss"),
    path("feeds/section/<str:slug>/atom/", feeds.SectionAtomFeed(), name="feed_section_atom"),
    path("feeds/tag/<str:slug>/rss/", feeds.TagFeed(), name="feed_tag_rss"),
    path("feeds/tag/<str:slug>/atom/", feeds.TagAtomFeed(), name="feed_tag_atom"),
    path("feeds/author/<str:slug>/rss/", feeds.AuthorFeed(), name="feed_author_rss"),
    path("feeds/author/<str:slug>/atom/", feeds.AuthorAtomFeed(), name="feed_author_atom"),
    # Wagtail's pages, through its own view; the page is found in one query (articles/routing.py). Its
    # pattern is Wagtail's own (WAGTAIL_APPEND_SLASH), less Wagtail's `_util/` views, which follow.
    re_path(r"^(?!_util/)((?:[\w\-]+/)*)$", views.serve),
    path("", include(wagtail_urls)),
    prefix_default_language=False,
)

handler404 = "articles.views.page_not_found"
handler500 = "articles.views.server_error"

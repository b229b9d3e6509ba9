"""Shared by the page cache's tests (articles and comments): a frontend cache that records its purges,
and a small site with one story to cache."""

from __future__ import annotations

from wagtail.contrib.frontend_cache.backends import BaseBackend

from articles.tests.factories import ArticlePageFactory, AuthorFactory

PURGED: list[str] = []
RECORDING = {"test": {"BACKEND": "articles.tests.pagecache_helpers.RecordingBackend"}}


class RecordingBackend(BaseBackend):
    """A frontend cache that writes down what it is asked to purge."""

    def purge(self, url):
        PURGED.append(url)

    def purge_batch(self, urls):
        PURGED.extend(urls)


def page_cache_on(settings) -> None:
    """The test settings turn the whole-page cache off (tests of rendering); these tests are about it."""
    settings.NEWSROOM = {**settings.NEWSROOM, "PAGE_CACHE": True}


def recording_cdn(settings):
    """For a fixture: WAGTAILFRONTENDCACHE is the recording backend; yields the list of purged URLs."""
    settings.WAGTAILFRONTENDCACHE = RECORDING
    PURGED.clear()
    yield PURGED
    PURGED.clear()


def story_tree(site_tree) -> dict:
    """The site tree with one published story in the first section, by the author `sara`, tagged دمشق."""
    home, (news, _other) = site_tree["home"], site_tree["sections"]
    author = AuthorFactory(slug="sara")
    article = ArticlePageFactory(parent=news, slug="story", title="العنوان الأول")
    article.article_authors.create(author=author)
    article.tags.add("دمشق")
    article.save_revision().publish()
    return {"home": home, "news": news, "article": article, "author": author}


def listing(url: str) -> set[str]:
    """A listing's URL and the later pages a purge names to the CDN (NEWSROOM_CDN_PURGE_PAGES = 5)."""
    return {url, *(f"{url}?page={n}" for n in range(2, 6))}


def edition_wide(root: str = "http://localhost", editions=("",)) -> set[str]:
    """Front pages and edition feeds of `editions` (path prefixes), and the sitemaps."""
    urls = set()
    for prefix in editions:
        urls |= {f"{root}{prefix}/", f"{root}{prefix}/feeds/rss/", f"{root}{prefix}/feeds/atom/"}
    urls |= {f"{root}/sitemap.xml", f"{root}/news-sitemap.xml"}
    for name in ("pages", "articles"):
        urls |= {f"{root}/sitemap-{name}.xml", *(f"{root}/sitemap-{name}.xml?p={n}" for n in range(2, 6))}
    return urls

"""The readers' page cache: whole responses for anonymous GETs, headers a CDN can hold, exact purges.

What is cached. An anonymous GET or HEAD of a public page (front pages, sections, articles and their
query-string variants such as later pages of comments, tag and author pages, feeds, sitemaps, robots.txt)
that answers 200, sets no cookie, asks for no privacy (no `private`/`no-store`/`no-cache` of its own) and
used no CSP nonce. Search is cached here too, but told to CDNs `no-cache`: its variants cannot be purged
there one by one, so a CDN asks the site every time and the site answers from this cache.

Never cached: requests with a session or messages cookie (a signed-in editor with Wagtail's user bar, a
reader about to see "your comment is published"), an `Authorization` header, anything but GET and HEAD,
the admins, documents, the comment endpoints (posting, the form's token, reports), the view beacon, and
any response other than 200. Not 404: an archive is crawled by URL guessing, and keeping every miss would
crowd out the pages; not 301/302: the redirects editors manage have no purge, and Wagtail's redirect
middleware answers them with one query.

Headers. A cached page carries `Cache-Control: public, max-age=0, s-maxage=CDN_MAX_AGE,
stale-while-revalidate=CDN_STALE_WHILE_REVALIDATE`: a CDN or Varnish keeps it (and is purged, below), a
browser asks again every time, so a reader sent back to an article after commenting never sees its own
older copy. A response this cache refuses because of who asked (session, messages) or because it sets a
cookie gets `private, no-store`. `Vary: Accept-Language` is dropped from a cached page: every cacheable
URL's language comes from its path (Arabic at `/`, English at `/en/`) or does not matter (sitemaps and
robots.txt name both editions), so varying on it would only split a CDN's copies.

Content-Security-Policy. The policy header is added by the CSP middleware, which sits outside this one:
a hit gets a freshly built header. A nonce in a cached body would be the same for every reader who gets
that copy, which defeats it (an injected script could reuse it). So the public templates use no nonce:
their scripts are files from this site (`script-src 'self'`), and JSON-LD `<script type="application/
ld+json">` blocks are data, which browsers never execute and CSP does not govern. As a safety net, a
response whose rendering asked for the request's nonce (`request._csp_nonce` set) is never stored.

Keys and purges. Every stored page records two generations: the site-wide one and its path's. A lookup
reads both in one round trip and serves the page only if both still match; the page itself comes from
this process's own recent copies when it has one (a hit then moves a few bytes from Redis, not the
page), else from the shared cache. Purging a path gives it a new random generation, which retires every
query-string variant of it at once (`?page=7` of a section, `?comments=3` of an article) without knowing
them; purging the site gives the site-wide one a new value. The generation is read before the view runs
and the purge runs after the change commits, so a page rendered from the old data is always stored
under a retired generation: a reader never gets it after the purge. A generation evicted from the cache
is simply made anew at random, which retires what was stored under the old one.

The same purges go to Wagtail's frontend cache (`WAGTAILFRONTENDCACHE`: Cloudflare, CloudFront or HTTP
PURGE to Varnish) as absolute URLs, through Wagtail's queued task. A CDN purges URL by URL, so a
listing's first `CDN_PURGE_PAGES` pages are named (`?page=2`…); later pages, an article's other comment
pages and search results follow within `CDN_MAX_AGE` seconds at the CDN (with Varnish, the VCL in README
bans every variant of a purged path). Wagtail's own publish handlers are not used: they purge only the
page itself, before the publish commits.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import secrets
import threading
import time
from collections import OrderedDict
from collections.abc import Iterable
from functools import cache as memoize
from urllib.parse import unquote, urlsplit

import redis
from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import translation
from django.utils.cache import add_never_cache_headers, patch_cache_control
from django.utils.encoding import iri_to_uri
from wagtail.contrib.frontend_cache.utils import purge_urls_from_cache
from wagtail.models import Page, ReferenceIndex

from .models import ArticleAuthor, ArticlePage, ArticleTag, HomePage

logger = logging.getLogger(__name__)

SITE_GENERATION_KEY = "pc:site"
HIT_HEADER = "X-Page-Cache"
# Paths that never go through the cache (besides non-GET requests and signed-in readers).
NEVER_CACHED_PREFIXES = (
    "/admin/",
    "/django-admin/",
    "/documents/",
    "/comments/",
    "/i18n/",
    "/views/",
    "/static/",
    "/media/",
)
REFUSING_CACHE_CONTROL = ("private", "no-store", "no-cache")


def _options() -> dict:
    newsroom = settings.NEWSROOM
    return {
        "enabled": newsroom.get("PAGE_CACHE", True),
        "seconds": newsroom["PAGE_CACHE_SECONDS"],
        "cdn_max_age": newsroom["CDN_MAX_AGE"],
        "cdn_swr": newsroom["CDN_STALE_WHILE_REVALIDATE"],
        "cdn_pages": newsroom["CDN_PURGE_PAGES"],
        "recheck_ms": newsroom.get("PAGE_CACHE_RECHECK_MS", 0),
        "tracking": newsroom.get("PAGE_CACHE_TRACKING", True),
    }


def _digest(text: str) -> str:
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()


def path_generation_key(path: str) -> str:
    """The generation key of a path, however it was written (percent-encoded or not)."""
    return f"pc:path:{_digest(unquote(path))}"


def _new_generation() -> int:
    # An integer: Django's Redis backend stores it as plain digits, which `_read_generations` reads directly.
    return secrets.randbits(48)


_redis_reader = None
# Generations this process read, with when: used without asking Redis again for PAGE_CACHE_RECHECK_MS
# milliseconds (0, the default: every hit asks). A purge made in this process updates them at once.
_known: dict[str, tuple[int, float]] = {}
KNOWN_LIMIT = 10_000


def _current_generations(keys: list[str], recheck_ms: int) -> tuple:
    """The generations to compare a stored page with. With `recheck_ms`, a page purged by another worker
    may still be served by this one for up to that long: a trade of exactness for one Redis round trip per
    hit, which the operator makes (see README, "Page cache and CDN")."""
    if recheck_ms:
        now = time.monotonic()
        known = [_known.get(key) for key in keys]
        if all(item is not None and now - item[1] < recheck_ms / 1000 for item in known):
            return tuple(item[0] for item in known)
    values = _read_generations(keys)
    if recheck_ms:
        if len(_known) > KNOWN_LIMIT:
            _known.clear()
        now = time.monotonic()
        _known.update({key: (value, now) for key, value in zip(keys, values, strict=True) if value is not None})
    return values


def _read_generations(keys: list[str]) -> tuple:
    """The values of the generation keys. With Redis, from this process's tracked copies when it has them
    (`TrackedGenerations`: no round trip, and Redis tells the process the moment one changes), else in one
    round trip through a client of our own: Django's `get_many` builds a client per call and costs about
    three times the round trip, which is most of what a hit costs. Django stores integers as their digits,
    so this reads exactly what it wrote."""
    global _redis_reader
    config = settings.CACHES["default"]
    location = config.get("LOCATION")
    if config["BACKEND"] != "django.core.cache.backends.redis.RedisCache" or not isinstance(location, str):
        found = cache.get_many(keys)
        return tuple(found.get(key) for key in keys)
    if _options()["tracking"]:
        tracked = _tracked_generations(location)
        if tracked is not None:
            names = [cache.make_key(key) for key in keys]
            values = tracked.read(names)
            if values is not None:
                return values
    if _redis_reader is None or _redis_reader[0] != location:
        _redis_reader = (location, redis.Redis.from_url(location))
    client = _redis_reader[1]
    names = [cache.make_key(key) for key in keys]
    generations = []
    for name, value in zip(names, client.mget(names), strict=True):
        try:
            generations.append(None if value is None else int(value))
        except ValueError:  # not a generation this code wrote: drop it, a new one is made
            client.delete(name)
            generations.append(None)
    return tuple(generations)


class TrackedGenerations:
    """This process's copies of the generations it read, kept exact by Redis's client-side caching
    protocol (`CLIENT TRACKING`, Redis 6 and later): the connection that reads them asks Redis to report
    every later change to a key it read, and the reports arrive on a second connection subscribed to
    `__redis__:invalidate`. A hit first takes in the reports waiting on that socket (a poll, no round trip),
    drops the copies they name, and serves from the copies left; only a generation it has no copy of is
    read from Redis. A purge is seen by every worker as soon as Redis's report reaches it, which is sent in
    the same step as the purge's own write (well under a millisecond on one network).

    Anything unexpected (a connection lost, Redis restarted, a message not understood) drops every copy
    and both connections: the next hit starts again from Redis. Copies are re-read after MAX_AGE seconds
    whatever happens, so even a report silently lost (a connection cut without a reset) costs at most that.
    """

    MAX_AGE = 30.0
    LIMIT = 20_000

    def __init__(self, location: str) -> None:
        self.location = location
        self.pid = os.getpid()
        self.lock = threading.Lock()
        self.values: dict[bytes, tuple[int | None, float]] = {}
        kwargs = redis.connection.parse_url(location)
        kwargs.pop("connection_class", None)
        # RESP2: the reports arrive as ordinary Pub/Sub messages, read with the plain reply parser.
        kwargs["protocol"] = 2
        self.reports = redis.Connection(**kwargs)
        self.reader = redis.Connection(**kwargs)
        self.reports.send_command("CLIENT", "ID")
        self.reports_id = int(self.reports.read_response())
        self.reports.send_command("SUBSCRIBE", "__redis__:invalidate")
        self.reports.read_response()
        self.reader.send_command("CLIENT", "TRACKING", "ON", "REDIRECT", self.reports_id)
        if self.reader.read_response() not in (b"OK", "OK"):
            raise redis.RedisError("CLIENT TRACKING was refused")

    def close(self) -> None:
        for connection in (self.reports, self.reader):
            with contextlib.suppress(Exception):  # closing what failed: nothing more to do
                connection.disconnect()

    def _take_reports(self) -> None:
        while self.reports.can_read(timeout=0):
            message = self.reports.read_response()
            if not isinstance(message, list) or len(message) != 3 or message[0] not in (b"message", "message"):
                continue
            names = message[2]
            if names is None:  # FLUSHDB, FLUSHALL, or too many keys tracked: everything goes
                self.values.clear()
            else:
                for name in names:
                    self.values.pop(name.encode() if isinstance(name, str) else name, None)

    def read(self, names: list[str]) -> tuple | None:
        """The generations named, or None when the connections failed (the caller asks Redis directly)."""
        encoded = [name.encode() for name in names]
        with self.lock:
            try:
                self._take_reports()
                now = time.monotonic()
                found = [self.values.get(name) for name in encoded]
                if all(item is not None and now - item[1] < self.MAX_AGE for item in found):
                    return tuple(item[0] for item in found)
                self.reader.send_command("MGET", *encoded)
                raw = self.reader.read_response()
                self._take_reports()  # a change made while this read was on its way
                if len(self.values) > self.LIMIT:
                    self.values.clear()
                values = []
                for name, value in zip(encoded, raw, strict=True):
                    try:
                        number = None if value is None else int(value)
                    except ValueError:  # not a generation this code wrote: a miss, the caller replaces it
                        number = None
                    if number is not None:
                        self.values[name] = (number, now)
                    values.append(number)
                return tuple(values)
            except Exception:
                logger.warning("Lost the tracked page-cache generations; reading them from Redis", exc_info=True)
                self.values.clear()
                _drop_tracked(self)
                return None


_tracked: TrackedGenerations | None = None
_tracked_lock = threading.Lock()


def _tracked_generations(location: str) -> TrackedGenerations | None:
    """This process's tracker (a forked worker makes its own), or None if Redis refuses tracking."""
    global _tracked
    tracked = _tracked
    if tracked is not None and tracked.location == location and tracked.pid == os.getpid():
        return tracked
    with _tracked_lock:
        try:
            _tracked = TrackedGenerations(location)
        except Exception:
            logger.warning("Redis does not track the page-cache generations; each hit asks it", exc_info=True)
            _tracked = None
        return _tracked


def _drop_tracked(tracked: TrackedGenerations) -> None:
    global _tracked
    tracked.close()
    if _tracked is tracked:
        _tracked = None


@memoize
def search_paths() -> frozenset[str]:
    """The search page's path in each edition (`/search/`, `/en/search/`)."""
    paths = set()
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            paths.add(reverse("search"))
    return frozenset(paths)


# --- The middleware -----------------------------------------------------------------------------------


class PageCacheMiddleware:
    """Serves and stores anonymous readers' pages (see the module's docstring). Placed right after
    SecurityMiddleware (HTTPS redirect, security headers), the CSP middleware (which adds the policy to
    hits too) and WhiteNoise (static files): a hit skips sessions, locale, CSRF, authentication, messages
    and the view."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.session_cookie = settings.SESSION_COOKIE_NAME
        self.messages_cookie = getattr(settings, "MESSAGES_COOKIE_NAME", "messages")

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method not in ("GET", "HEAD") or request.path_info.startswith(NEVER_CACHED_PREFIXES):
            return self.get_response(request)
        options = _options()
        if not (options["enabled"] and options["seconds"]):
            return self.get_response(request)
        cookies = request.COOKIES
        if self.session_cookie in cookies or self.messages_cookie in cookies or "HTTP_AUTHORIZATION" in request.META:
            return self._private(self.get_response(request))

        path = request.path
        scheme = "https" if request.is_secure() else "http"
        query = request.META.get("QUERY_STRING", "")
        entry_key = "pc:page:" + _digest(f"{scheme}|{request.get_host()}|{path}|{query}")
        path_key = path_generation_key(path)
        try:
            generations = _current_generations([SITE_GENERATION_KEY, path_key], options["recheck_ms"])
        except Exception:  # the cache is down: readers get rendered pages, nothing is stored
            logger.exception("Page cache unavailable; serving %s uncached", path)
            return self.get_response(request)
        if generations[0] is not None and generations[1] is not None:
            entry = _local_entry(entry_key, generations)
            if entry is None:
                entry = cache.get(entry_key)
                # (A value of another shape, left by an older version of this code, is a miss.)
                if isinstance(entry, tuple) and len(entry) == 5 and entry[0] == generations and entry[1] > time.time():
                    _keep_local(entry_key, entry)
                else:
                    entry = None
            if entry is not None:
                return _from_entry(entry, head=request.method == "HEAD")
        generations = _ensure_generations(generations, path_key)

        response = self.get_response(request)
        if self._storable(request, response):
            self._mark_public(response, search=path in search_paths())
            headers = [(name, value) for name, value in response.items() if name != HIT_HEADER]
            seconds = options["seconds"]
            entry = (generations, time.time() + seconds, response.status_code, headers, response.content)
            try:
                cache.set(entry_key, entry, seconds)
            except Exception:
                logger.exception("Could not store %s in the page cache", path)
            _keep_local(entry_key, entry)
            response[HIT_HEADER] = "miss"
        elif response.cookies:
            self._private(response)
        return response

    @staticmethod
    def _storable(request: HttpRequest, response: HttpResponse) -> bool:
        if response.status_code != 200 or response.streaming or response.cookies:
            return False
        if getattr(request, "_csp_nonce", None) is not None:
            logger.warning("Not caching %s: its page used the CSP nonce", request.path)
            return False
        cache_control = response.get("Cache-Control", "").lower()
        return not any(word in cache_control for word in REFUSING_CACHE_CONTROL)

    @staticmethod
    def _mark_public(response: HttpResponse, *, search: bool) -> None:
        options = _options()
        if search:
            patch_cache_control(response, public=True, max_age=0, no_cache=True)
        else:
            patch_cache_control(
                response,
                public=True,
                max_age=0,
                s_maxage=options["cdn_max_age"],
                stale_while_revalidate=options["cdn_swr"],
            )
        if response.has_header("Vary"):
            kept = [v.strip() for v in response["Vary"].split(",") if v.strip().lower() != "accept-language"]
            if kept:
                response["Vary"] = ", ".join(kept)
            else:
                del response["Vary"]

    @staticmethod
    def _private(response: HttpResponse) -> HttpResponse:
        if not response.has_header("Cache-Control"):
            add_never_cache_headers(response)
        return response


def _ensure_generations(generations: tuple, path_key: str) -> tuple:
    """Fill in a generation the cache does not have (first use, or evicted): `add`, so that of two
    workers doing it at once one value wins, then read back the winner."""
    if generations[0] is not None and generations[1] is not None:
        return generations
    missing = {}
    if generations[0] is None:
        missing[SITE_GENERATION_KEY] = _new_generation()
    if generations[1] is None:
        missing[path_key] = _new_generation()
    for key, value in missing.items():
        cache.add(key, value, timeout=None)
    found = cache.get_many(list(missing))
    return (
        found.get(SITE_GENERATION_KEY, generations[0]),
        found.get(path_key, generations[1]),
    )


# The pages this process served last, so that a hit fetches only the two small generations from the shared
# cache, not the whole page: an entry is used only while both generations still match (a purge in any process
# changes them) and until the expiry it was stored with. LOCAL_ENTRIES pages of ~70 KB: a few MB per worker.
LOCAL_ENTRIES = 200
_local: OrderedDict[str, tuple] = OrderedDict()
_local_lock = threading.Lock()


def _local_entry(key: str, generations: tuple) -> tuple | None:
    with _local_lock:
        entry = _local.get(key)
        if entry is None:
            return None
        if entry[0] != generations or entry[1] <= time.time():
            del _local[key]
            return None
        _local.move_to_end(key)
        return entry


def _keep_local(key: str, entry: tuple) -> None:
    with _local_lock:
        _local[key] = entry
        _local.move_to_end(key)
        while len(_local) > LOCAL_ENTRIES:
            _local.popitem(last=False)


def _from_entry(entry: tuple, *, head: bool) -> HttpResponse:
    _generations, _expires, status, headers, content = entry
    response = HttpResponse(b"" if head else content, status=status)
    for name, value in headers:
        response[name] = value
    if head:
        response["Content-Length"] = str(len(content))
    response[HIT_HEADER] = "hit"
    return response


# --- Purges --------------------------------------------------------------------------------------------


class Purge:
    """What one change retires: paths (every query-string variant, in this cache) and absolute URLs (the
    CDN). Collected while the change is made, carried out once it commits (`schedule`)."""

    def __init__(self) -> None:
        self.paths: set[str] = set()
        self.urls: set[str] = set()
        self.whole_site = False

    def add_url(self, url: str | None, *, pages: bool = False, cdn: bool = True) -> None:
        """An absolute URL (and, with `pages`, its listing's pages 2..CDN_PURGE_PAGES at the CDN)."""
        if not url:
            return
        url = iri_to_uri(url)  # as browsers request it, and CDNs key it: /tags/%D8%AF.../
        parts = urlsplit(url)
        self.paths.add(unquote(parts.path) or "/")
        if not cdn:
            return
        self.urls.add(url)
        if pages:
            for number in range(2, _options()["cdn_pages"] + 1):
                self.urls.add(f"{url}?page={number}")

    def add_page(self, page: Page | None, *, pages: bool = False) -> None:
        if page is not None:
            self.add_url(page.get_full_url(), pages=pages)

    def schedule(self) -> None:
        """Retire the local copies now (a test or a caller inside a transaction that never commits sees
        them go too) and again once the change commits (a page rendered in between, from the data as it
        was, is retired then); the CDN is told once, after the commit."""
        if self.paths or self.urls or self.whole_site:
            self.retire_local()
            transaction.on_commit(self.run)

    def run(self) -> None:
        self.retire_local()
        if self.urls and getattr(settings, "WAGTAILFRONTENDCACHE", None):
            try:
                purge_urls_from_cache(sorted(self.urls))
            except Exception:
                logger.exception("Could not queue the frontend-cache purge of %d URLs", len(self.urls))

    def retire_local(self) -> None:
        try:
            values = {path_generation_key(path): _new_generation() for path in self.paths}
            if self.whole_site:
                values[SITE_GENERATION_KEY] = _new_generation()
            if values:
                cache.set_many(values, timeout=None)
                now = time.monotonic()
                if len(_known) > KNOWN_LIMIT:
                    _known.clear()
                _known.update({key: (value, now) for key, value in values.items()})
        except Exception:  # a cache outage must not fail an editor's publish or a moderator's decision
            logger.exception("Could not purge %d paths from the page cache", len(self.paths))


def _site_root(page: Page) -> str:
    """`https://host[:port]` the page is served from (an edition's front page: its site's root)."""
    parts = urlsplit(page.get_full_url() or "")
    return f"{parts.scheme}://{parts.netloc}" if parts.netloc else ""


def _edition_homes() -> list[HomePage]:
    """Every live edition front page (HomePage), both languages."""
    return [home for home in HomePage.objects.live().select_related("locale") if home.get_full_url()]


def _add_edition_wide(purge: Purge, homes: list[Page]) -> None:
    """The front page, the edition's feeds and the sitemaps, in every edition."""
    for home in homes:
        purge.add_page(home)
        root = _site_root(home)
        with translation.override(home.locale.language_code):
            for name in ("feed_rss", "feed_atom"):
                purge.add_url(root + reverse(name))
            # Search results list titles and pictures: this cache only (CDNs are told not to keep them).
            purge.add_url(root + reverse("search"), cdn=False)
    roots = {_site_root(home) for home in homes}
    for root in roots:
        for path in ("/sitemap.xml", "/news-sitemap.xml"):
            purge.add_url(root + path)
        for name in ("pages", "articles"):
            purge.add_url(root + reverse("sitemap_section", kwargs={"section": name}))
            for number in range(2, _options()["cdn_pages"] + 1):
                purge.urls.add(iri_to_uri(root + reverse("sitemap_section", kwargs={"section": name})) + f"?p={number}")


def _add_listing_feeds(purge: Purge, home: Page, *, kind: str, slug: str) -> None:
    root = _site_root(home)
    with translation.override(home.locale.language_code):
        for suffix in ("rss", "atom"):
            purge.add_url(root + reverse(f"feed_{kind}_{suffix}", kwargs={"slug": slug}))


def _add_tag_and_author_pages(purge: Purge, homes: list[Page], *, tags: Iterable[str], authors: Iterable[str]):
    """Each tag's and author's listing and feeds in every edition (an article's translation shares them)."""
    tags, authors = sorted(set(tags)), sorted(set(authors))
    for home in homes:
        base = home.get_full_url()
        if not base:
            continue
        for slug in tags:
            purge.add_url(base + home.specific.reverse_subpage("tag", args=[slug]), pages=True)
            _add_listing_feeds(purge, home, kind="tag", slug=slug)
        for slug in authors:
            purge.add_url(base + home.specific.reverse_subpage("author", args=[slug]), pages=True)
            _add_listing_feeds(purge, home, kind="author", slug=slug)


def article_listing_keys(article: Page) -> dict[str, set[str]]:
    """The tags' and authors' slugs an article is listed under, as the database holds them now (read
    before a publish replaces them, so a removed tag's page is purged too)."""
    if not article.pk:
        return {"tags": set(), "authors": set()}
    tags = set(ArticleTag.objects.filter(content_object_id=article.pk).values_list("tag__slug", flat=True))
    authors = set(ArticleAuthor.objects.filter(page_id=article.pk).values_list("author__slug", flat=True))
    return {"tags": tags, "authors": authors}


def _referring_articles(page: Page) -> list[Page]:
    """Live pages that show `page` as a related article (an editor's pick or a `related_articles` block
    in the body), from Wagtail's reference index."""
    references = ReferenceIndex.get_references_to(page).filter(
        base_content_type__app_label="wagtailcore", base_content_type__model="page"
    )
    ids = {int(pk) for pk in references.values_list("object_id", flat=True) if str(pk).isdigit()}
    ids.discard(page.pk)
    if not ids:
        return []
    return list(Page.objects.live().filter(pk__in=ids))


def article_purge(
    article: Page,
    *,
    before: dict[str, set[str]] | None = None,
    old_parent: Page | None = None,
    old_url: str | None = None,
) -> Purge:
    """An article was published, unpublished, moved or deleted: the article in both editions, its
    section (and the one it left), every front page, its tags' and authors' pages (before and after),
    the feeds, the sitemaps, search, and the articles showing it as related. Scheduled for the commit."""
    purge = Purge()
    purge.add_page(article)
    purge.add_url(old_url)
    translations = list(article.get_translations().live().specific())
    for page in translations:
        purge.add_page(page)
    homes = _edition_homes()
    _add_edition_wide(purge, homes)
    sections = [article.get_parent(), old_parent, *(page.get_parent() for page in translations)]
    for section in filter(None, sections):
        purge.add_page(section, pages=True)
        home = section.get_parent()
        if home is not None and home.depth == 2:
            _add_listing_feeds(purge, home.specific, kind="section", slug=section.slug)
    keys = article_listing_keys(article)
    for page in translations:
        more = article_listing_keys(page)
        keys["tags"] |= more["tags"]
        keys["authors"] |= more["authors"]
    if before:
        keys["tags"] |= before.get("tags", set())
        keys["authors"] |= before.get("authors", set())
    _add_tag_and_author_pages(purge, homes, tags=keys["tags"], authors=keys["authors"])
    for page in _referring_articles(article):
        purge.add_page(page)
    purge.schedule()
    return purge


def site_purge(page: Page | None = None) -> Purge:
    """Something every page shows changed: a section's or a front page's title (the header menu), the site
    settings or the navigation. This whole cache is retired; the CDN is told the front pages, sections,
    feeds and sitemaps (and `page`, a section or front page that moved or went), and articles there follow
    within CDN_MAX_AGE."""
    purge = Purge()
    purge.whole_site = True
    purge.add_page(page, pages=True)
    homes = _edition_homes()
    _add_edition_wide(purge, homes)
    for home in homes:
        for section in home.get_children().live():
            purge.add_page(section, pages=True)
    purge.schedule()
    return purge


# A page made private: how many of the pages below it the CDN is told about (the newest first). This
# cache retires everything at once; at a CDN, older pages below it follow within CDN_MAX_AGE.
RESTRICTED_DESCENDANTS_AT_CDN = 500


def restriction_purge(page: Page) -> Purge:
    """A page's view restrictions changed: it and every page below it (a section made private takes its
    articles with it). Rare, so this whole cache is retired; the CDN is told the page and its newest
    descendants. Pages behind a restriction are never stored (the restriction's response is not a
    public 200), so what was cached while the page was public can no longer be served."""
    purge = Purge()
    purge.whole_site = True
    purge.add_page(page, pages=True)
    descendants = page.get_descendants().live().order_by("-first_published_at")[:RESTRICTED_DESCENDANTS_AT_CDN]
    for descendant in descendants:
        purge.add_page(descendant)
    purge.schedule()
    return purge


def article_comments_purge(article: Page | None, *, section_too: bool = False) -> Purge | None:
    """A comment was published, hidden, deleted or edited: the article's page (every comment page of
    it), and with `section_too` (a featured comment) its section, whose page lists featured comments."""
    if article is None:
        return None
    purge = Purge()
    purge.add_page(article)
    if section_too:
        purge.add_page(article.get_parent(), pages=True)
    purge.schedule()
    return purge


def author_or_tag_purge(*, author=None, tag=None) -> Purge:
    """An author's or a tag's name changed: its listing and feeds in each edition, and its live articles
    (the byline, the tag list)."""
    purge = Purge()
    homes = _edition_homes()
    if author is not None:
        _add_tag_and_author_pages(purge, homes, tags=(), authors=[author.slug])
        articles = ArticlePage.objects.live().filter(article_authors__author=author)
    else:
        _add_tag_and_author_pages(purge, homes, tags=[tag.slug], authors=())
        articles = ArticlePage.objects.live().filter(tagged_items__tag=tag)
    for article in articles.distinct().iterator():
        purge.add_page(article)
    purge.schedule()
    return purge

"""The readers' page cache (articles/pagecache.py): what is served from it, with which headers, to whom,
and that every change retires exactly the pages that show it, here and at the CDN."""

from __future__ import annotations

import uuid

import pytest
import redis
from django.contrib.auth.models import User
from django.test import Client
from django.utils.encoding import iri_to_uri
from wagtail.models import PageViewRestriction, Site

from articles import pagecache
from articles.models import NewsroomSettings
from articles.tests.factories import ArticlePageFactory, translate
from articles.tests.pagecache_helpers import PURGED, edition_wide, listing, page_cache_on, recording_cdn, story_tree


@pytest.fixture(autouse=True)
def whole_page_cache(settings):
    page_cache_on(settings)


@pytest.fixture
def cdn(settings):
    yield from recording_cdn(settings)


@pytest.fixture
def tree(site_tree):
    return story_tree(site_tree)


@pytest.fixture
def reader():
    return Client()


# --- What is served from the cache, and how ---------------------------------------------------------------


@pytest.mark.django_db
def test_an_anonymous_reader_gets_the_page_from_the_cache_with_cdn_headers_and_no_cookie(reader, tree):
    first = reader.get(tree["article"].url)
    second = reader.get(tree["article"].url)
    assert first.status_code == second.status_code == 200
    assert first["X-Page-Cache"] == "miss"
    assert second["X-Page-Cache"] == "hit"
    assert second.content == first.content
    assert "العنوان الأول" in second.content.decode()
    for response in (first, second):
        assert not response.cookies
        assert "Set-Cookie" not in response
        directives = {d.strip() for d in response["Cache-Control"].split(",")}
        assert directives == {"public", "max-age=0", "s-maxage=300", "stale-while-revalidate=60"}
        assert "accept-language" not in response.get("Vary", "").lower()
        # The policy is built afresh for every answer, and a cached body carries no nonce to be reused.
        assert "script-src 'self'" in response["Content-Security-Policy"]
        assert "nonce-" not in response["Content-Security-Policy"]
        assert "nonce=" not in response.content.decode()
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["X-Frame-Options"] == "SAMEORIGIN"
    # The comment form of a cached page has no token: its script asks for one.
    assert 'name="csrfmiddlewaretoken" value=""' in second.content.decode()
    assert f'data-token-url="/comments/form-token/{tree["article"].pk}/"' in second.content.decode()


@pytest.mark.django_db
def test_a_head_request_is_answered_from_the_cache_without_a_body(reader, tree):
    full = reader.get(tree["article"].url)
    head = reader.head(tree["article"].url)
    assert head.status_code == 200
    assert head["X-Page-Cache"] == "hit"
    assert head.content == b""
    assert head["Content-Length"] == str(len(full.content))


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url",
    ["/", "/section", "/en/", "/tags/", "/authors/sara/", "/feeds/rss/", "/feeds/atom/", "/sitemap.xml", "/robots.txt"],
)
def test_listings_feeds_and_sitemaps_are_cached(reader, tree, url):
    translate(tree["article"], "en", title="The story", slug="the-story")
    if url == "/section":
        url = tree["news"].url
    if url == "/tags/":
        url = f"/tags/{tree['article'].tags.first().slug}/"
    assert reader.get(url).status_code == 200
    again = reader.get(url)
    assert again["X-Page-Cache"] == "hit", url
    assert "s-maxage=300" in again["Cache-Control"]
    assert not again.cookies


@pytest.mark.django_db
def test_search_is_cached_here_but_not_kept_by_a_cdn(reader, tree):
    reader.get("/search/?q=العنوان")
    again = reader.get("/search/?q=العنوان")
    assert again["X-Page-Cache"] == "hit"
    assert "no-cache" in again["Cache-Control"]
    assert "s-maxage" not in again["Cache-Control"]


@pytest.mark.django_db
def test_a_signed_in_editor_never_gets_or_fills_the_cache(reader, tree):
    editor = User.objects.create_superuser("editor", "editor@example.com", "pass")
    reader.get(tree["article"].url)  # cached for anonymous readers
    reader.force_login(editor)
    response = reader.get(tree["article"].url)
    assert "X-Page-Cache" not in response
    assert "private" in response["Cache-Control"]
    assert "wagtail-userbar" in response.content.decode()
    # And what the editor was shown is not what the next anonymous reader gets.
    anonymous = Client().get(tree["article"].url)
    assert anonymous["X-Page-Cache"] == "hit"
    assert "wagtail-userbar" not in anonymous.content.decode()


@pytest.mark.django_db
def test_a_reader_with_messages_waiting_is_not_served_the_cached_page(reader, tree):
    reader.get(tree["article"].url)
    reader.cookies["messages"] = "anything"
    response = reader.get(tree["article"].url)
    assert "X-Page-Cache" not in response


@pytest.mark.django_db
def test_what_is_never_cached(reader, tree, admin_user):
    article = tree["article"]
    for _ in range(2):
        missing = reader.get("/no-such-page/")
        token = reader.get(f"/comments/form-token/{article.pk}/")
        admin = reader.get("/admin/login/")
    assert missing.status_code == 404 and "X-Page-Cache" not in missing
    assert admin.status_code == 200 and "X-Page-Cache" not in admin
    assert token.status_code == 200 and "X-Page-Cache" not in token
    assert "no-store" in token["Cache-Control"] and "private" in token["Cache-Control"]
    assert {"csrfmiddlewaretoken", "timestamp", "security_hash", "object_pk"} <= token.json().keys()
    assert "csrftoken" in token.cookies
    post = reader.post(article.url, {})
    assert "X-Page-Cache" not in post


# --- Purges: a reader never sees the page as it was --------------------------------------------------------


@pytest.mark.django_db
def test_publishing_a_change_shows_on_the_next_view_of_every_page_that_shows_it(reader, tree):
    article, news = tree["article"], tree["news"]
    tag_url = f"/tags/{article.tags.first().slug}/"
    urls = ["/", news.url, article.url, f"{article.url}?comments=2", "/authors/sara/", tag_url, "/feeds/rss/"]
    for url in urls:
        reader.get(url)
        assert reader.get(url)["X-Page-Cache"] == "hit"
    article.title = "العنوان الجديد"
    article.save_revision().publish()
    for url in urls:
        response = reader.get(url)
        assert response["X-Page-Cache"] == "miss", url
        assert "العنوان الجديد" in response.content.decode(), url


@pytest.mark.django_db
def test_a_site_settings_change_retires_every_page(reader, tree):
    for url in ("/", tree["article"].url):
        reader.get(url)
    settings_row = NewsroomSettings.for_site(Site.objects.get(is_default_site=True))
    settings_row.site_name = "صحيفة الغد"
    settings_row.save()
    for url in ("/", tree["article"].url):
        response = reader.get(url)
        assert response["X-Page-Cache"] == "miss"
        assert "صحيفة الغد" in response.content.decode()


# --- Purges: exactly which URLs the CDN is told ----------------------------------------------------------------


@pytest.mark.django_db
def test_publishing_an_article_purges_its_pages_in_both_editions_and_nothing_else(
    tree, cdn, django_capture_on_commit_callbacks
):
    article, news, home = tree["article"], tree["news"], tree["home"]
    english = translate(article, "en", title="The story", slug="the-story")
    english_news = english.get_parent()
    unrelated = ArticlePageFactory(parent=tree["news"], slug="other")
    referring = ArticlePageFactory(parent=tree["news"], slug="refers")
    referring.related_picks.create(article=article)
    referring.save_revision().publish()
    tag = article.tags.first().slug
    cdn.clear()
    with django_capture_on_commit_callbacks(execute=True):
        article.title = "العنوان الجديد"
        article.save_revision().publish()
    root = "http://localhost"
    expected = {
        f"{root}{article.url}",
        f"{root}{english.url}",
        f"{root}{referring.url}",
        *listing(f"{root}{news.url}"),
        *listing(f"{root}{english_news.url}"),
        *edition_wide(root, editions=("", "/en")),
    }
    authors = [author.slug for author in article.authors]
    assert "sara" in authors
    for prefix in ("", "/en"):
        expected |= listing(f"{root}{prefix}/tags/{tag}/")
        expected |= {f"{root}{prefix}/feeds/tag/{tag}/{suffix}/" for suffix in ("rss", "atom")}
        for author in authors:
            expected |= listing(f"{root}{prefix}/authors/{author}/")
            expected |= {f"{root}{prefix}/feeds/author/{author}/{suffix}/" for suffix in ("rss", "atom")}
        for section in (news, english_news):
            if section.locale.language_code == ("en" if prefix else "ar"):
                expected |= {f"{root}{prefix}/feeds/section/{section.slug}/{suffix}/" for suffix in ("rss", "atom")}
    assert set(cdn) == {iri_to_uri(url) for url in expected}
    assert f"{root}{unrelated.url}" not in cdn
    assert home.pk  # the front page of each edition is in edition_wide


@pytest.mark.django_db
def test_unpublishing_an_article_purges_the_same_pages(tree, cdn, django_capture_on_commit_callbacks):
    article = tree["article"]
    with django_capture_on_commit_callbacks(execute=True):
        article.title = "العنوان الجديد"
        article.save_revision().publish()
    published = set(cdn)
    cdn.clear()
    with django_capture_on_commit_callbacks(execute=True):
        article.unpublish()
    assert set(cdn) == published


@pytest.mark.django_db
def test_removing_a_tag_purges_the_tag_page_it_left(tree, cdn, django_capture_on_commit_callbacks):
    article = tree["article"]
    old_tag = article.tags.first().slug
    with django_capture_on_commit_callbacks(execute=True):
        article.tags.clear()
        article.tags.add("حلب")
        article.save_revision().publish()
    new_tag = article.tags.first().slug
    assert iri_to_uri(f"http://localhost/tags/{old_tag}/") in cdn
    assert iri_to_uri(f"http://localhost/tags/{new_tag}/") in cdn


@pytest.mark.django_db
def test_moving_an_article_purges_its_old_address_and_both_sections(
    tree, site_tree, cdn, django_capture_on_commit_callbacks
):
    article, news = tree["article"], tree["news"]
    other = site_tree["sections"][1]
    old_url = f"http://localhost{article.url}"
    with django_capture_on_commit_callbacks(execute=True):
        article.move(other, pos="last-child")
    article.refresh_from_db()
    assert old_url in cdn
    assert f"http://localhost{article.url}" in cdn
    assert f"http://localhost{news.url}" in cdn and f"http://localhost{other.url}" in cdn


@pytest.mark.django_db
def test_deleting_an_article_purges_its_pages(tree, cdn, django_capture_on_commit_callbacks, reader):
    article, news = tree["article"], tree["news"]
    url = article.url
    reader.get(news.url)
    with django_capture_on_commit_callbacks(execute=True):
        article.delete()
    assert f"http://localhost{url}" in cdn
    assert f"http://localhost{news.url}" in cdn
    assert reader.get(url).status_code == 404
    assert "العنوان الأول" not in reader.get(news.url).content.decode()


@pytest.mark.django_db
def test_site_settings_purge_the_listings_feeds_and_sitemaps(tree, site_tree, cdn, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        settings_row = NewsroomSettings.for_site(Site.objects.get(is_default_site=True))
        settings_row.site_name = "صحيفة الغد"
        settings_row.save()
    sections = set()
    for section in site_tree["sections"]:
        sections |= listing(f"http://localhost{section.url}")
    assert set(cdn) == edition_wide() | sections


@pytest.mark.django_db
def test_without_a_frontend_cache_nothing_is_sent(tree, settings, django_capture_on_commit_callbacks):
    settings.WAGTAILFRONTENDCACHE = {}
    PURGED.clear()
    with django_capture_on_commit_callbacks(execute=True):
        tree["article"].save_revision().publish()
    assert PURGED == []


@pytest.mark.django_db
def test_renaming_an_author_purges_their_pages_and_articles(tree, cdn, django_capture_on_commit_callbacks, reader):
    article, author = tree["article"], tree["author"]
    reader.get(article.url)
    with django_capture_on_commit_callbacks(execute=True):
        author.name = "سارة الأحمد"
        author.save()
    expected = listing("http://localhost/authors/sara/") | {
        "http://localhost/feeds/author/sara/rss/",
        "http://localhost/feeds/author/sara/atom/",
        iri_to_uri(f"http://localhost{article.url}"),
    }
    assert set(cdn) == expected
    assert "سارة الأحمد" in reader.get(article.url).content.decode()


@pytest.fixture
def redis_cache(settings):
    """Production's cache (Redis) under a key prefix of this test's own; its keys are removed after."""
    prefix = f"pagecache-test-{uuid.uuid4().hex}"
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:6379/1",
            "KEY_PREFIX": prefix,
        }
    }
    client = redis.Redis.from_url("redis://127.0.0.1:6379/1")
    yield prefix, client
    for key in client.scan_iter(f"{prefix}:*"):
        client.delete(key)


@pytest.mark.django_db
def test_with_redis_as_in_production_a_purge_is_seen_at_once(reader, tree, redis_cache):
    """Production's cache: the generations are read with our own Redis client (integers, as Django's
    backend stores them) and a purge by any process changes them."""
    prefix, client = redis_cache
    article = tree["article"]
    assert reader.get(article.url)["X-Page-Cache"] == "miss"
    assert reader.get(article.url)["X-Page-Cache"] == "hit"
    assert int(client.get(f"{prefix}:1:pc:site"))
    article.title = "عنوان بعد التعديل"
    article.save_revision().publish()
    response = reader.get(article.url)
    assert response["X-Page-Cache"] == "miss"
    assert "عنوان بعد التعديل" in response.content.decode()
    assert reader.get(article.url)["X-Page-Cache"] == "hit"


def spy_on_redis_reads(monkeypatch) -> list[tuple]:
    """The commands this process's tracked generations send to Redis (none on a hit that has them)."""
    tracked = pagecache._tracked
    assert tracked is not None, "the generations are not tracked"
    sent: list[tuple] = []
    original = tracked.reader.send_command

    def send_command(*args, **kwargs):
        sent.append(args)
        return original(*args, **kwargs)

    monkeypatch.setattr(tracked.reader, "send_command", send_command)
    return sent


@pytest.mark.django_db
def test_with_redis_a_hit_asks_redis_nothing_and_a_purge_by_another_worker_is_seen_at_once(
    reader, tree, redis_cache, monkeypatch
):
    """A hit serves from the generations this worker keeps; Redis reports the purge another worker makes
    (here: another client writing the path's new generation, as `Purge.retire_local` does), and the
    very next request renders the page again."""
    prefix, client = redis_cache
    article = tree["article"]
    assert reader.get(article.url)["X-Page-Cache"] == "miss"
    assert reader.get(article.url)["X-Page-Cache"] == "hit"
    sent = spy_on_redis_reads(monkeypatch)
    for _ in range(5):
        assert reader.get(article.url)["X-Page-Cache"] == "hit"
    assert sent == []

    # Another worker's purge of this path: a new generation written by another connection.
    client.set(f"{prefix}:1:{pagecache.path_generation_key(article.url)}", 12345)
    assert reader.get(article.url)["X-Page-Cache"] == "miss"
    assert [command[0] for command in sent] == ["MGET"]
    assert reader.get(article.url)["X-Page-Cache"] == "hit"

    # And the site-wide generation (a settings change) retires it too.
    client.set(f"{prefix}:1:{pagecache.SITE_GENERATION_KEY}", 67890)
    assert reader.get(article.url)["X-Page-Cache"] == "miss"


@pytest.mark.django_db
def test_with_redis_a_lost_report_connection_falls_back_to_asking_redis(reader, tree, redis_cache):
    """If the connection Redis reports on is cut, the worker forgets what it kept and asks Redis again:
    a purge made meanwhile is never missed."""
    prefix, client = redis_cache
    article = tree["article"]
    reader.get(article.url)
    assert reader.get(article.url)["X-Page-Cache"] == "hit"
    tracked = pagecache._tracked
    client.client_kill_filter(_id=tracked.reports_id)
    client.set(f"{prefix}:1:{pagecache.path_generation_key(article.url)}", 424242)
    response = reader.get(article.url)
    assert response["X-Page-Cache"] == "miss"
    assert reader.get(article.url)["X-Page-Cache"] == "hit"


@pytest.mark.django_db
def test_with_a_recheck_interval_a_purge_made_here_is_still_seen_at_once(reader, tree, settings):
    """NEWSROOM_PAGE_CACHE_RECHECK_MS lets a worker trust the generations it read for a while; a purge
    made in the same process updates them, so the editor's own worker never serves the old page."""
    settings.NEWSROOM = {**settings.NEWSROOM, "PAGE_CACHE_RECHECK_MS": 60_000}
    article = tree["article"]
    reader.get(article.url)
    assert reader.get(article.url)["X-Page-Cache"] == "hit"
    article.title = "عنوان بعد التعديل"
    article.save_revision().publish()
    response = reader.get(article.url)
    assert response["X-Page-Cache"] == "miss"
    assert "عنوان بعد التعديل" in response.content.decode()


@pytest.mark.django_db
def test_a_cache_outage_serves_rendered_pages(reader, tree, monkeypatch):
    def down(*args, **kwargs):
        raise ConnectionError("Redis is down")

    monkeypatch.setattr(pagecache, "_current_generations", down)
    response = reader.get(tree["article"].url)
    assert response.status_code == 200
    assert "X-Page-Cache" not in response
    assert "العنوان الأول" in response.content.decode()


@pytest.mark.django_db
def test_renaming_a_section_retires_every_page_it_is_named_on(
    reader, tree, site_tree, cdn, django_capture_on_commit_callbacks
):
    article, news = tree["article"], tree["news"]
    for url in ("/", article.url):
        reader.get(url)
    with django_capture_on_commit_callbacks(execute=True):
        news.title = "أخبار محلية"
        news.save_revision().publish()
    for url in ("/", article.url):
        response = reader.get(url)
        assert response["X-Page-Cache"] == "miss"
        assert "أخبار محلية" in response.content.decode()
    sections = set()
    for section in site_tree["sections"]:
        sections |= listing(f"http://localhost{section.url}")
    assert set(cdn) == edition_wide() | sections


@pytest.mark.django_db
def test_making_a_section_private_stops_serving_its_cached_articles_at_once(
    reader, tree, cdn, django_capture_on_commit_callbacks
):
    """An article read (and cached) while public is never served again once its section is made private:
    the next reader is sent to sign in, and the CDN is told to drop the section and the article."""
    article, news = tree["article"], tree["news"]
    reader.get(article.url)
    assert reader.get(article.url)["X-Page-Cache"] == "hit"

    with django_capture_on_commit_callbacks(execute=True):
        PageViewRestriction.objects.create(page=news, restriction_type=PageViewRestriction.LOGIN)
    response = reader.get(article.url)
    assert response.status_code == 302 and "login" in response["Location"]
    assert {iri_to_uri(article.full_url), iri_to_uri(news.full_url)} <= set(cdn)

    PageViewRestriction.objects.filter(page=news).delete()
    response = reader.get(article.url)
    assert response.status_code == 200 and "العنوان الأول" in response.content.decode()

"""Sitemaps and robots.txt: valid XML, both editions, only what readers may see, the news window."""

from __future__ import annotations

import datetime
from xml.etree import ElementTree

import pytest
from defusedxml.ElementTree import fromstring
from django.utils import timezone
from wagtail.models import PageViewRestriction, Site

from articles.models import NewsroomSettings
from articles.tests.factories import ArticlePageFactory, translate

NS = {
    "sm": "http://www.sitemaps.org/schemas/sitemap/0.9",
    "news": "http://www.google.com/schemas/sitemap-news/0.9",
    "xhtml": "http://www.w3.org/1999/xhtml",
}


def xml(client, url: str) -> ElementTree.Element:
    response = client.get(url)
    assert response.status_code == 200, url
    assert response["Content-Type"].startswith("application/xml")
    return fromstring(response.content)


def locations(root) -> list[str]:
    return [loc.text for loc in root.iterfind(".//sm:loc", NS)]


@pytest.fixture
def tree(site_tree):
    news, reports = site_tree["sections"]
    now = timezone.now()
    fresh = ArticlePageFactory(parent=news, title="خبر الساعة", first_published_at=now - datetime.timedelta(hours=2))
    old = ArticlePageFactory(
        parent=news, title="خبر الأسبوع الماضي", first_published_at=now - datetime.timedelta(days=3)
    )
    draft = ArticlePageFactory(parent=news, title="مسودة")
    draft.unpublish()
    expired = ArticlePageFactory(parent=news, title="منته", first_published_at=now - datetime.timedelta(hours=1))
    type(expired).objects.filter(pk=expired.pk).update(expired=True)
    private = ArticlePageFactory(parent=reports, title="خاص", first_published_at=now - datetime.timedelta(hours=1))
    PageViewRestriction.objects.create(page=reports, restriction_type="login")
    english = translate(fresh, "en", title="Story of the hour", slug="story-of-the-hour")
    site_settings = NewsroomSettings.for_site(Site.objects.get(is_default_site=True))
    site_settings.site_name_ar = "صوت المدينة"
    site_settings.site_name_en = "City Voice"
    site_settings.save()
    return {**site_tree, "fresh": fresh, "old": old, "english": english, "hidden": [draft, expired, private]}


def full(page) -> str:
    return "http://localhost" + page.url


def test_index_lists_each_section_with_absolute_urls(tree, client):
    root = xml(client, "/sitemap.xml")
    assert root.tag == "{" + NS["sm"] + "}sitemapindex"
    assert locations(root) == ["http://localhost/sitemap-pages.xml", "http://localhost/sitemap-articles.xml"]
    assert root.find(".//sm:lastmod", NS) is not None


def test_articles_sitemap_lists_both_editions_and_nothing_hidden(tree, client):
    root = xml(client, "/sitemap-articles.xml")
    urls = locations(root)
    assert set(urls) == {full(tree["fresh"]), full(tree["old"]), full(tree["english"])}
    for page in tree["hidden"]:
        assert full(page) not in urls
    assert all(url.find("sm:lastmod", NS) is not None for url in root.iterfind("sm:url", NS))
    # The translated story names its other edition (hreflang pairs).
    entry = next(url for url in root.iterfind("sm:url", NS) if url.find("sm:loc", NS).text == full(tree["fresh"]))
    alternates = {link.get("hreflang"): link.get("href") for link in entry.iterfind("xhtml:link", NS)}
    assert alternates == {"ar": full(tree["fresh"]), "en": full(tree["english"])}


def test_pages_sitemap_has_homes_and_public_sections(tree, client):
    urls = locations(xml(client, "/sitemap-pages.xml"))
    news, reports = tree["sections"]
    assert "http://localhost/" in urls
    assert "http://localhost/en/" in urls
    assert full(news) in urls
    assert full(reports) not in urls  # behind a login


def test_index_is_paginated_by_the_limit(tree, client, settings):
    settings.NEWSROOM = {**settings.NEWSROOM, "SITEMAP_LIMIT": 2}
    index = locations(xml(client, "/sitemap.xml"))
    assert "http://localhost/sitemap-articles.xml?p=2" in index
    first = locations(xml(client, "/sitemap-articles.xml"))
    second = locations(xml(client, "/sitemap-articles.xml?p=2"))
    assert len(first) == 2
    assert len(second) == 1
    assert client.get("/sitemap-articles.xml?p=3").status_code == 404
    assert client.get("/sitemap-nothing.xml").status_code == 404


def test_news_sitemap_covers_the_last_48_hours(tree, client):
    root = xml(client, "/news-sitemap.xml")
    entries = {url.find("sm:loc", NS).text: url for url in root.iterfind("sm:url", NS)}
    assert set(entries) == {full(tree["fresh"]), full(tree["english"])}

    arabic = entries[full(tree["fresh"])]
    assert arabic.find("news:news/news:publication/news:name", NS).text == "صوت المدينة"
    assert arabic.find("news:news/news:publication/news:language", NS).text == "ar"
    assert arabic.find("news:news/news:title", NS).text == "خبر الساعة"
    published = datetime.datetime.fromisoformat(arabic.find("news:news/news:publication_date", NS).text)
    assert abs(published - tree["fresh"].first_published_at) < datetime.timedelta(seconds=1)

    english = entries[full(tree["english"])]
    assert english.find("news:news/news:publication/news:name", NS).text == "City Voice"
    assert english.find("news:news/news:publication/news:language", NS).text == "en"


def test_robots_txt_points_to_both_sitemaps(tree, client):
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    lines = response.content.decode().splitlines()
    for rule in ["Disallow: /admin/", "Disallow: /search/", "Disallow: /en/search/"]:
        assert rule in lines
    assert "Sitemap: http://localhost/sitemap.xml" in lines
    assert "Sitemap: http://localhost/news-sitemap.xml" in lines

"""Section, tag and author listings at archive size: the count is not taken on every view, yet a new
story shows in it at once; the page links stay a handful however many pages there are."""

from __future__ import annotations

import re

import pytest

from articles.models import Tag
from articles.tests.factories import ArticlePageFactory

pytestmark = pytest.mark.django_db


def page_links(html: str) -> list[str]:
    return re.findall(r'class="pagination__link"[^>]*href="\?page=(\d+)"', html)


def test_many_pages_link_the_ends_and_the_neighbours_only(site_tree, client, settings):
    settings.NEWSROOM = {**settings.NEWSROOM, "SECTION_PAGE_SIZE": 1}
    news = site_tree["sections"][0]
    for n in range(20):
        ArticlePageFactory(parent=news, title=f"خبر {n}")

    html = client.get(news.url, {"page": 10}).content.decode()

    assert page_links(html) == ["1", "2", "7", "8", "9", "10", "11", "12", "13", "19", "20"]
    assert html.count('class="pagination__ellipsis"') == 2
    assert 'aria-current="page" href="?page=10"' in html


def test_few_pages_link_every_page(site_tree, client, settings):
    settings.NEWSROOM = {**settings.NEWSROOM, "SECTION_PAGE_SIZE": 2}
    news = site_tree["sections"][0]
    for n in range(5):
        ArticlePageFactory(parent=news, title=f"خبر {n}")
    html = client.get(news.url).content.decode()
    assert page_links(html) == ["1", "2", "3"]
    assert "pagination__ellipsis" not in html


def test_cached_count_follows_publishing_and_unpublishing(site_tree, client, settings):
    settings.NEWSROOM = {**settings.NEWSROOM, "SECTION_PAGE_SIZE": 2}
    news = site_tree["sections"][0]
    tag = Tag.objects.create(name="حلب", slug="aleppo")
    stories = [ArticlePageFactory(parent=news, tags=[tag]) for _ in range(4)]
    tag_url = site_tree["home"].url + "tags/aleppo/"
    for url in (news.url, tag_url):
        assert page_links(client.get(url).content.decode()) == ["1", "2"]
        assert client.get(url, {"page": 3}).status_code == 404

    ArticlePageFactory(parent=news, tags=[tag]).save_revision().publish()
    for url in (news.url, tag_url):
        assert page_links(client.get(url).content.decode()) == ["1", "2", "3"]
        assert client.get(url, {"page": 3}).status_code == 200

    stories[0].unpublish()
    stories[1].unpublish()
    for url in (news.url, tag_url):
        assert page_links(client.get(url).content.decode()) == ["1", "2"]
        assert client.get(url, {"page": 3}).status_code == 404

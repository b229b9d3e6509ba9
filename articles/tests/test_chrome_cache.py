"""The site chrome (header, menu, footer), the site settings, <head> metadata and the cached story are
kept per content generation: an editor's change to any of them shows on the very next view."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup
from wagtail.models import Site

from articles.models import NavigationLink, NavigationSettings, NewsroomSettings
from articles.tests.factories import ArticlePageFactory, AuthorFactory, SectionPageFactory

pytestmark = pytest.mark.django_db


def soup(client, url) -> BeautifulSoup:
    response = client.get(url)
    assert response.status_code == 200
    return BeautifulSoup(response.content.decode(), "html.parser")


def published(page):
    page.save_revision().publish()
    return page.__class__.objects.get(pk=page.pk)


def test_the_outlets_name_and_footer_change_at_once(client, site_tree):
    news = site_tree["sections"][0]
    for _ in range(2):  # cached now
        soup(client, news.url)
    site_settings = NewsroomSettings.for_site(Site.objects.get(is_default_site=True))
    site_settings.site_name = "الجريدة الجديدة"
    site_settings.footer_text = "نص التذييل المعدّل"
    site_settings.save()

    page = soup(client, news.url)
    assert page.select_one(".site-header__name").get_text(strip=True) == "الجريدة الجديدة"
    assert "الجريدة الجديدة" in page.title.get_text()
    assert page.select_one('meta[property="og:site_name"]')["content"] == "الجريدة الجديدة"
    assert "نص التذييل المعدّل" in page.select_one(".site-footer").get_text()


def test_an_edited_menu_shows_at_once(client, site_tree):
    home, news = site_tree["home"], site_tree["sections"][0]
    assert [a.get_text(strip=True) for a in soup(client, home.url).select(".site-nav__link")] == [
        section.title for section in site_tree["sections"]
    ]
    menu = NavigationSettings.for_site(Site.objects.get(is_default_site=True))
    NavigationLink.objects.create(settings=menu, label="الأخبار العاجلة", page=news, sort_order=0)

    links = soup(client, news.url).select(".site-nav__link")
    assert [a.get_text(strip=True) for a in links] == ["الأخبار العاجلة"]
    assert links[0]["aria-current"] == "page"


def test_a_new_section_joins_the_header_and_footer_when_published(client, site_tree):
    home = site_tree["home"]
    soup(client, home.url)
    section = SectionPageFactory(parent=home, title="رياضة", live=False)
    published(section)
    page = soup(client, home.url)
    assert "رياضة" in [a.get_text(strip=True) for a in page.select(".site-nav__link")]
    assert "رياضة" in page.select_one(".site-footer__sections").get_text()


def test_a_renamed_author_shows_on_the_cached_story(client, site_tree):
    author = AuthorFactory(name="سارة الأحمد")
    story = published(ArticlePageFactory(parent=site_tree["sections"][0], authors=[author]))
    assert "سارة الأحمد" in soup(client, story.url).select_one(".byline").get_text()

    author.name = "سارة أحمد الخطيب"
    author.save()
    page = soup(client, story.url)
    assert "سارة أحمد الخطيب" in page.select_one(".byline").get_text()
    assert "سارة أحمد الخطيب" in str(page.select('script[type="application/ld+json"]'))


def test_a_published_headline_changes_the_story_and_its_metadata(client, site_tree):
    story = published(ArticlePageFactory(parent=site_tree["sections"][0], title="العنوان الأول"))
    soup(client, story.url)
    story.title = "العنوان المصحّح"
    story = published(story)

    page = soup(client, story.url)
    assert page.h1.get_text(strip=True) == "العنوان المصحّح"
    assert page.select_one('meta[property="og:title"]')["content"] == "العنوان المصحّح"

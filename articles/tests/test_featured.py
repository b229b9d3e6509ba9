"""Featured stories (WordPress's sticky posts) lead the front page, newest featured first."""

import datetime

import pytest
from django.utils import timezone

from articles import selectors
from articles.tests.factories import ArticlePageFactory

pytestmark = pytest.mark.django_db


def test_a_featured_story_leads_the_front_page_before_newer_ones(site_tree):
    home, section = site_tree["home"], site_tree["sections"][0]
    now = timezone.now()
    old_featured = ArticlePageFactory(parent=section, first_published_at=now - datetime.timedelta(days=30))
    ArticlePage = type(old_featured)
    ArticlePage.objects.filter(pk=old_featured.pk).update(is_featured=True)
    newest = ArticlePageFactory(parent=section, first_published_at=now - datetime.timedelta(hours=1))
    older = ArticlePageFactory(parent=section, first_published_at=now - datetime.timedelta(days=2))

    page = selectors.front_page(home=home)
    assert page["lead"].pk == old_featured.pk
    assert [a.pk for a in page["latest"]] == [newest.pk, older.pk]


def test_without_a_featured_story_the_newest_leads(site_tree):
    section = site_tree["sections"][0]
    now = timezone.now()
    ArticlePageFactory(parent=section, first_published_at=now - datetime.timedelta(days=2))
    newest = ArticlePageFactory(parent=section, first_published_at=now - datetime.timedelta(hours=1))
    assert selectors.front_page(home=site_tree["home"])["lead"].pk == newest.pk

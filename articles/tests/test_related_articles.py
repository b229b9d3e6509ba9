"""Related articles: the editor's picks first, topped up by shared tags, then the section, newest first."""

import datetime

import pytest
from django.utils import timezone
from wagtail.models import PageViewRestriction

from articles import selectors
from articles.models import ArticleRelatedPick, Tag
from articles.tests.factories import ArticlePageFactory


def tags(*names):
    return [Tag.objects.get_or_create(name=name, slug=f"t-{abs(hash(name))}")[0] for name in names]


@pytest.fixture
def news(site_tree):
    return site_tree["sections"][0]


@pytest.fixture
def other_section(site_tree):
    return site_tree["sections"][1]


def pick(article, *picks):
    for order, target in enumerate(picks):
        ArticleRelatedPick.objects.create(page=article, article=target, sort_order=order)


def test_editor_picks_come_first_in_their_order(news, other_section):
    article = ArticlePageFactory(parent=news)
    first, second = ArticlePageFactory(parent=other_section), ArticlePageFactory(parent=other_section)
    pick(article, second, first)
    related = selectors.related_articles(article=article)
    assert related[:2] == [second, first]


def test_fewer_picks_are_topped_up_by_shared_tags_then_section_newest_first(news, other_section):
    aleppo, idlib, water = tags("حلب", "إدلب", "المياه")
    article = ArticlePageFactory(parent=news, tags=[aleppo, idlib, water])
    picked = ArticlePageFactory(parent=other_section)
    two_tags = ArticlePageFactory(parent=other_section, tags=[aleppo, idlib])
    one_tag_old = ArticlePageFactory(
        parent=other_section, tags=[water], first_published_at=timezone.now() - datetime.timedelta(days=9)
    )
    one_tag_new = ArticlePageFactory(
        parent=other_section, tags=[aleppo], first_published_at=timezone.now() - datetime.timedelta(days=2)
    )
    ArticlePageFactory(parent=other_section)  # shares nothing: never related
    same_section = ArticlePageFactory(parent=news, first_published_at=timezone.now() - datetime.timedelta(days=1))
    pick(article, picked)

    related = selectors.related_articles(article=article, limit=5)

    assert related == [picked, two_tags, one_tag_new, one_tag_old, same_section]


def test_never_the_article_itself_drafts_expired_or_private_pages(news):
    article = ArticlePageFactory(parent=news)
    draft = ArticlePageFactory(parent=news, live=False)
    expired = ArticlePageFactory(parent=news)
    expired.expired = True
    expired.save()
    private = ArticlePageFactory(parent=news)
    PageViewRestriction.objects.create(page=private, restriction_type=PageViewRestriction.PASSWORD, password="x")
    visible = ArticlePageFactory(parent=news)
    pick(article, article, draft, expired, private)

    related = selectors.related_articles(article=article)

    assert related == [visible]


def test_related_articles_take_a_fixed_number_of_queries(news, other_section, django_assert_num_queries):
    shared = tags("الاقتصاد")
    article = ArticlePageFactory(parent=news, tags=shared)
    few = [ArticlePageFactory(parent=other_section, tags=shared) for _ in range(2)]
    pick(article, few[0])
    article.refresh_from_db()
    # picks, pick pages, fill (tag ids and view restrictions are subqueries), then card data: sections
    # and authors (no lead images here, so no renditions query).
    with django_assert_num_queries(5):
        assert len(selectors.related_articles(article=article)) == 2

    for _ in range(6):
        ArticlePageFactory(parent=other_section, tags=shared)
    pick(article, *few)
    article.refresh_from_db()
    with django_assert_num_queries(5):
        assert len(selectors.related_articles(article=article)) == 4

"""Exact query counts for the public pages, with little and with much content, so an N+1 fails here.

Each page is requested once before it is counted: the first view of new content makes image renditions
(inserts) and fills the rendered-body cache, which readers after the first do not pay for.
"""

from __future__ import annotations

import pytest
import wagtail_factories
from django.core.cache import cache
from django.db import connection
from wagtail.images.models import Rendition

from articles import services
from articles.models import ArticlePage, ArticleRelatedPick, Tag
from articles.tests.factories import ArticlePageFactory, AuthorFactory, SectionPageFactory

# Figures on a warm page (see the module docstring), none of which grows with the content. The Wagtail site
# is looked up once per host and content generation (editions.site_for), and Wagtail's view-restriction
# check costs nothing while no ancestor of the page is restricted (models.restricted_paths).
# The site chrome (edition homes, sections, settings, menu), the <head> metadata, the breaking strip and
# the front page's stories are cached per content generation (articles/generation.py).
# The front page: its stories are one fragment cached per generation.
HOME_QUERIES = 0
# The section page: the page found by its path (articles/routing.py). Its page of cards (stories, authors,
# renditions) is a fragment cached per generation, its featured comments a list cached per generation and
# featured version (the comments' own changes, not the articles', decide what it shows).
SECTION_QUERIES = 1
# The article: the page found by its path. The story, its byline, tags and related articles are one cached
# fragment per live revision; its comments (the heading, a page of the thread, the form) another, per
# version of the thread (rendered, they cost the outline and the page of comments: comments/tests/
# test_query_count.py).
ARTICLE_QUERIES = 1
# The same pages after the cache is emptied (a restart of Redis, or the first view after a deploy).
COLD_HOME_QUERIES = 17
COLD_SECTION_QUERIES = 16
COLD_ARTICLE_QUERIES = 26


def image():
    return wagtail_factories.ImageFactory(file__width=320, file__height=180)


def article(section, **kwargs):
    kwargs.setdefault("lead_image", image())
    return published(ArticlePageFactory(parent=section, **kwargs))


def published(page):
    """Published through a revision, as editors publish (factory pages have none, and a body is cached
    per live revision)."""
    page.save_revision().publish()
    return page.__class__.objects.get(pk=page.pk)


def warm_then_count(client, url, django_assert_num_queries, expected):
    assert client.get(url).status_code == 200
    with django_assert_num_queries(expected):
        response = client.get(url)
    assert response.status_code == 200
    return response


@pytest.mark.django_db
def test_front_page_queries_do_not_grow_with_sections_or_articles(client, site_tree, django_assert_num_queries):
    home, (news, _reports) = site_tree["home"], site_tree["sections"]
    article(news)
    warm_then_count(client, home.url, django_assert_num_queries, HOME_QUERIES)

    more_sections = [SectionPageFactory(parent=home) for _ in range(3)]
    reporters = [AuthorFactory() for _ in range(3)]
    for section in [*site_tree["sections"], *more_sections]:
        for n in range(6):
            article(section, authors=reporters[: n % 3 + 1], is_breaking=n == 0)
    response = warm_then_count(client, home.url, django_assert_num_queries, HOME_QUERIES)
    # The page did show all of it: four cards in each of the five section blocks.
    assert response.content.decode().count('class="section-block"') == 5
    assert len(response.context["section_blocks"]) == 5
    assert all(len(block["articles"]) == 4 for block in response.context["section_blocks"])


@pytest.mark.django_db
def test_section_page_queries_do_not_grow_with_articles(client, site_tree, django_assert_num_queries):
    news = site_tree["sections"][0]
    article(news)
    warm_then_count(client, news.url, django_assert_num_queries, SECTION_QUERIES)

    reporters = [AuthorFactory() for _ in range(3)]
    for n in range(15):
        article(news, authors=reporters[: n % 3 + 1])
    response = warm_then_count(client, news.url, django_assert_num_queries, SECTION_QUERIES)
    assert response.content.decode().count('<article class="card') == 12  # one full page of the listing


@pytest.mark.django_db
def test_article_page_queries_do_not_grow_with_authors_tags_or_related(client, site_tree, django_assert_num_queries):
    news, reports = site_tree["sections"]
    story = article(news)
    # One editor's pick (an article without any saves the query that loads the picked pages).
    ArticleRelatedPick.objects.create(page=story, article=article(news), sort_order=0)
    warm_then_count(client, story.url, django_assert_num_queries, ARTICLE_QUERIES)

    tags = [Tag.objects.create(name=f"وسم {n}", slug=f"tag-{n}") for n in range(3)]
    story = article(news, authors=[AuthorFactory() for _ in range(3)], tags=tags)
    others = [article(reports, tags=tags[:1]) for _ in range(6)]
    for order, other in enumerate(others[:3]):
        ArticleRelatedPick.objects.create(page=story, article=other, sort_order=order)
    response = warm_then_count(client, story.url, django_assert_num_queries, ARTICLE_QUERIES)
    assert len(response.context["related_articles"]) == 4


@pytest.mark.django_db
def test_a_published_edit_shows_at_once_despite_the_cached_body(client, site_tree):
    story = published(ArticlePageFactory(parent=site_tree["sections"][0], body=[("paragraph", "<p>النص الأول</p>")]))
    assert "النص الأول" in client.get(story.url).content.decode()

    story = ArticlePage.objects.get(pk=story.pk)
    story.body = [("paragraph", "<p>النص المصحّح</p>")]
    story.save_revision().publish()
    page = client.get(story.url).content.decode()
    assert "النص المصحّح" in page and "النص الأول" not in page


@pytest.mark.django_db
def test_a_read_also_link_goes_when_its_article_is_unpublished(client, site_tree):
    news = site_tree["sections"][0]
    linked = ArticlePageFactory(parent=news, title="خبر مرتبط سيُسحب")
    story = published(ArticlePageFactory(parent=news, body=[("related_articles", {"title": "", "articles": [linked]})]))
    assert "خبر مرتبط سيُسحب" in client.get(story.url).content.decode()

    linked.unpublish()
    assert "خبر مرتبط سيُسحب" not in client.get(story.url).content.decode()


@pytest.mark.django_db
def test_preview_of_a_draft_is_not_served_from_the_cached_body(admin_client, client, site_tree):
    story = published(ArticlePageFactory(parent=site_tree["sections"][0], body=[("paragraph", "<p>المنشور</p>")]))
    assert "المنشور" in client.get(story.url).content.decode()  # cached now

    story = ArticlePage.objects.get(pk=story.pk)
    story.body = [("paragraph", "<p>مسودة لم تُنشر</p>")]
    draft = story.save_revision()
    # An editor looking at the unpublished revision sees it, not the cached live body.
    preview = admin_client.get(f"/admin/pages/{story.pk}/revisions/{draft.pk}/view/")
    assert preview.status_code == 200
    assert "مسودة لم تُنشر" in preview.content.decode()
    assert "مسودة لم تُنشر" not in client.get(story.url).content.decode()


@pytest.mark.django_db
def test_warming_makes_every_rendition_the_article_page_and_cards_use(client, site_tree):
    news = site_tree["sections"][0]
    body_image = image()
    story = article(news, body=[("image", {"image": body_image, "caption": "", "credit": ""})])
    assert services.article_renditions_warm(article=story) == 2
    made = Rendition.objects.count()
    assert made == len(services.lead_image_filter_specs()) + len(services.body_image_filter_specs())

    cache.clear()  # renditions are looked up in the database, not remembered from the warming
    for url in (story.url, news.url, site_tree["home"].url):
        assert client.get(url).status_code == 200
    assert Rendition.objects.count() == made  # the first readers made none


@pytest.mark.django_db
def test_publishing_an_article_warms_its_renditions_after_commit(site_tree, django_capture_on_commit_callbacks):
    story = article(site_tree["sections"][0])
    Rendition.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=True):
        story.save_revision().publish()
    assert Rendition.objects.filter(image=story.lead_image).count() == len(services.lead_image_filter_specs())


@pytest.mark.django_db
def test_query_counts_after_the_cache_is_emptied(client, site_tree, django_assert_num_queries):
    """After a flush of the cache (Redis restarted, a deploy) each page reads everything once again."""
    home, news = site_tree["home"], site_tree["sections"][0]
    story = article(news, tags=[Tag.objects.create(name="وسم", slug="tag")])
    ArticleRelatedPick.objects.create(page=story, article=article(news), sort_order=0)
    for url, expected in (
        (home.url, COLD_HOME_QUERIES),
        (news.url, COLD_SECTION_QUERIES),
        (story.url, COLD_ARTICLE_QUERIES),
    ):
        assert client.get(url).status_code == 200  # renditions made
        cache.clear()
        with django_assert_num_queries(expected):
            assert client.get(url).status_code == 200


# A page of search results: the matches (on SQLite their count; on PostgreSQL the newest candidates read
# once from the search documents, with sequential and plain index scans switched off for that query and,
# inside a test's enclosing transaction, put back after it: two statements more), the ranked page of
# articles, the cards' sections, bylines and renditions. The edition and its sections come from the
# per-generation caches the header uses. Neither figure grows with the results.
SEARCH_QUERIES = {"postgresql": 7, "sqlite": 5}


@pytest.mark.django_db
def test_search_results_queries_do_not_grow_with_the_results(client, site_tree, django_assert_num_queries):
    news, reports = site_tree["sections"]
    article(news, title="أمطار غزيرة في الساحل")
    expected = SEARCH_QUERIES[connection.vendor]
    one = warm_then_count(client, "/search/?q=أمطار", django_assert_num_queries, expected)
    assert len(one.context["items"]) == 1
    reporters = [AuthorFactory() for _ in range(3)]
    for n in range(11):
        # Photographs in the body too: the snippet reads the body's text, never its images.
        body = [("paragraph", "<p>سيول في الوادي</p>"), ("image", {"image": image(), "caption": f"صورة {n}"})]
        article(news if n % 2 else reports, title=f"أمطار وسيول {n}", authors=reporters[: n % 3 + 1], body=body)
    many = warm_then_count(client, "/search/?q=أمطار", django_assert_num_queries, expected)
    assert len(many.context["items"]) == 10
    assert many.content.decode().count('class="search-result__title"') == 10

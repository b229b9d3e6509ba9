"""The benchmark's archive builder: the rows it writes straight into the tables make a site readers can use.

Built at a small size on whichever database the suite runs on (COPY and deferred indexes on PostgreSQL,
bulk INSERTs on SQLite): the tree stays valid, the archive's articles are served, found by search and
listed, the comments are published threads on their articles, and on PostgreSQL every index is back.
"""

from __future__ import annotations

import random
import urllib.parse

import pytest
from django.db import connection
from wagtail.models import Page

from articles.models import ArticlePage, Author, SectionPage, Tag
from articles.tests.factories import ArticlePageFactory
from comments.models import ReaderComment, Status
from operations import archive_builder

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(site_tree):
    """A few articles whose words, like the demo's, the archive's text is drawn from."""
    for n, section in enumerate(site_tree["sections"] * 2):
        ArticlePageFactory(
            parent=section,
            title=f"اجتماع في دمشق حول الكهرباء والمياه رقم {n}",
            body=[("paragraph", "<p>قال مسؤولون في دمشق إن ساعات التقنين ستطول هذا الشتاء.</p>")],
        )
    return site_tree


def index_names() -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexname FROM pg_indexes WHERE schemaname = current_schema()")
        return {row[0] for row in cursor.fetchall()}


def build(demo, **kwargs):
    return archive_builder.build_archive(home=demo["home"], **{"articles": 30, "comments": 300, **kwargs})


def test_archive_articles_are_served_in_a_valid_tree(demo, client):
    made = build(demo)

    assert made == {"articles": 30, "comments": 300}
    assert ArticlePage.objects.live().count() == 34
    assert Page.find_problems() == ([], [], [], [], [])
    for section in SectionPage.objects.all():
        assert section.numchild == section.get_children().count()
    oldest = ArticlePage.objects.order_by("first_published_at").first()
    assert oldest.slug.startswith("archive-")
    response = client.get(oldest.url)
    assert response.status_code == 200
    assert oldest.title in response.content.decode()


def test_comments_are_published_threads_on_their_articles(demo):
    build(demo)

    comments = list(ReaderComment.objects.all())
    assert len(comments) == 300
    by_id = {comment.pk: comment for comment in comments}
    replies = [comment for comment in comments if comment.level > 0]
    assert replies, "some comments are replies"
    assert all(comment.status == Status.PUBLISHED and comment.is_public for comment in comments)
    assert max(comment.level for comment in comments) <= 2
    for reply in replies:
        parent = by_id[reply.parent_id]
        assert parent.article_id == reply.article_id
        assert parent.thread_id == reply.thread_id
        assert reply.level == parent.level + 1
        assert reply.submit_date >= parent.submit_date
    for comment in comments:
        assert comment.submit_date >= ArticlePage.objects.get(pk=comment.article_id).first_published_at


def test_a_commented_archive_article_shows_its_comments(demo, client):
    build(demo)

    article_id = ReaderComment.objects.values_list("article_id", flat=True).order_by("-article_id").first()
    article = ArticlePage.objects.get(pk=article_id)
    newest = ReaderComment.objects.filter(article_id=article_id).order_by("-submit_date").first()

    response = client.get(article.url)

    assert f'id="c{newest.pk}"' in response.content.decode()


def test_search_finds_the_archive(demo, client, monkeypatch):
    monkeypatch.setattr(archive_builder, "RARE_EVERY", 1)  # the rare term in every title
    build(demo, comments=0)

    response = client.get("/search/?" + urllib.parse.urlencode({"q": archive_builder.RARE_TERM}))

    assert response.status_code == 200
    found = [a for a in ArticlePage.objects.filter(slug__startswith="archive-") if a.url in response.content.decode()]
    assert found


def test_a_second_build_adds_to_the_first(demo):
    build(demo, articles=10, comments=20)
    build(demo, articles=10, comments=20)

    assert ArticlePage.objects.filter(slug__startswith="archive-").count() == 20
    assert ReaderComment.objects.count() == 40
    assert Author.objects.filter(slug__startswith="archive-reporter-").count() == archive_builder.EXTRA_AUTHORS
    assert Tag.objects.filter(slug__startswith="archive-tag-").count() == archive_builder.EXTRA_TAGS
    assert Page.find_problems() == ([], [], [], [], [])


def test_comments_under_one_article(demo):
    article = ArticlePage.objects.first()

    written = archive_builder.add_comments(ids=[article.pk], count=50, rng=random.Random(7))

    assert written == 50
    assert article.reader_comments.filter(status=Status.PUBLISHED).count() == 50


@pytest.mark.skipif(connection.vendor != "postgresql", reason="indexes are dropped for the load on PostgreSQL only")
def test_every_index_is_back_after_the_load(demo):
    before = index_names()

    build(demo)

    assert index_names() == before

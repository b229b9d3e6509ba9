"""Featured comments: a moderator or editor features a published comment (a row action and a bulk
action, through the service); it shows first on the article with a badge, and a JSON-LD block marks it."""

from __future__ import annotations

import json
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from articles.tests.factories import ArticlePageFactory
from comments import selectors, services
from comments.models import CommentEvent, EventKind, Status
from comments.tests.factories import ReaderCommentFactory

pytestmark = pytest.mark.django_db
BADGE = "اختاره المحررون"


def json_ld_blocks(html: str) -> list[dict]:
    return [json.loads(m) for m in re.findall(r'<script type="application/ld\+json"[^>]*>(.*?)</script>', html, re.S)]


def test_a_featured_comment_is_first_with_a_badge_and_json_ld(client, article, moderator_account):
    older = ReaderCommentFactory(article=article, status=Status.PUBLISHED, comment="أول تعليق")
    later = ReaderCommentFactory(
        article=article, status=Status.PUBLISHED, comment="تعليق مميز </script><b>", user_name="ليلى"
    )
    services.comment_feature(comment=later, actor=moderator_account)

    html = client.get(article.url).content.decode()
    assert html.index(f'id="c{later.pk}"') < html.index(f'id="c{older.pk}"')
    assert html.count(BADGE) == 1
    comments = [block for block in json_ld_blocks(html) if "comment" in block]
    assert len(comments) == 1
    (marked,) = comments[0]["comment"]
    assert marked["@type"] == "Comment"
    assert marked["author"] == {"@type": "Person", "name": "ليلى"}
    assert marked["text"] == "تعليق مميز </script><b>"
    assert marked["dateCreated"].startswith(str(later.submit_date.year))
    assert "</script><b>" not in html  # escaped inside the script, escaped in the page
    event = CommentEvent.objects.get(comment=later, kind=EventKind.FEATURED)
    assert event.actor == moderator_account

    services.comment_unfeature(comment=later, actor=moderator_account)
    html = client.get(article.url).content.decode()
    assert BADGE not in html
    assert not [block for block in json_ld_blocks(html) if "comment" in block]


def test_only_a_published_comment_can_be_featured(article, moderator_account):
    held = ReaderCommentFactory(article=article, status=Status.HELD)
    services.comment_feature(comment=held, actor=moderator_account)
    held.refresh_from_db()
    assert held.featured_at is None


def test_feature_as_a_row_action_and_a_bulk_action(client, moderator, article):
    one = ReaderCommentFactory(article=article, status=Status.PUBLISHED)
    two = ReaderCommentFactory(article=article, status=Status.PUBLISHED)
    response = client.post(reverse("comments_admin:moderate", args=[one.pk]), {"action": "feature"})
    assert response.status_code == 302
    one.refresh_from_db()
    assert one.featured_at is not None

    url = reverse("wagtail_bulk_action", args=["comments", "readercomment", "feature"])
    response = client.post(f"{url}?id={one.pk}&id={two.pk}&next=/admin/comments/")
    assert response.status_code == 302
    two.refresh_from_db()
    assert two.featured_at is not None
    assert CommentEvent.objects.filter(kind=EventKind.FEATURED).count() == 2  # the first was featured already

    html = client.get("/admin/comments/", {"queue": "published"}).content.decode()
    assert "إيقاف التمييز" in html  # "Stop featuring" on the featured rows


SECTION_HEADING = "تعليقات مختارة"


def section_html(client, section) -> str:
    response = client.get(section.url)
    assert response.status_code == 200
    return response.content.decode()


def test_the_section_page_lists_its_featured_comments_with_links(client, site_tree, article, moderator_account):
    section, other_section = site_tree["sections"]
    first = ReaderCommentFactory(article=article, status=Status.PUBLISHED, user_name="ليلى", comment="رأي " * 100)
    second = ReaderCommentFactory(article=article, status=Status.PUBLISHED, user_name="Sam", comment="قصير")
    assert SECTION_HEADING not in section_html(client, section)  # nothing featured, no empty heading

    services.comment_feature(comment=first, actor=moderator_account)
    services.comment_feature(comment=second, actor=moderator_account)
    html = section_html(client, section)
    assert SECTION_HEADING in html
    # Most recently featured first, each linking to the comment on its article.
    assert html.index(f'href="{article.url}#c{second.pk}"') < html.index(f'href="{article.url}#c{first.pk}"')
    assert "<bdi>ليلى</bdi>" in html and "<bdi>Sam</bdi>" in html
    assert "رأي " * 100 not in html  # an excerpt, not the whole comment
    assert "رأي رأي" in html and "…" in html
    # Not on another section's page.
    assert SECTION_HEADING not in section_html(client, other_section)


def test_only_three_most_recently_featured_show(client, site_tree, article, moderator_account):
    comments = [ReaderCommentFactory(article=article, status=Status.PUBLISHED) for _ in range(4)]
    for comment in comments:
        services.comment_feature(comment=comment, actor=moderator_account)
    html = section_html(client, site_tree["sections"][0])
    assert f"#c{comments[0].pk}" not in html
    assert all(f"#c{comment.pk}" in html for comment in comments[1:])


@pytest.mark.parametrize("status", [Status.HELD, Status.SPAM, Status.TRASH])
def test_a_featured_comment_no_longer_published_leaves_the_section(
    client, site_tree, article, moderator_account, status
):
    comment = ReaderCommentFactory(article=article, status=Status.PUBLISHED)
    services.comment_feature(comment=comment, actor=moderator_account)
    assert f"#c{comment.pk}" in section_html(client, site_tree["sections"][0])  # the list is now cached
    comment.status = status
    comment.save()
    assert f"#c{comment.pk}" not in section_html(client, site_tree["sections"][0])


def test_unfeatured_and_other_sections_comments_do_not_show(client, site_tree, article, moderator_account):
    section, other_section = site_tree["sections"]
    unfeatured = ReaderCommentFactory(article=article, status=Status.PUBLISHED)
    services.comment_feature(comment=unfeatured, actor=moderator_account)
    services.comment_unfeature(comment=unfeatured, actor=moderator_account)
    elsewhere = ReaderCommentFactory(article=ArticlePageFactory(parent=other_section), status=Status.PUBLISHED)
    services.comment_feature(comment=elsewhere, actor=moderator_account)

    html = section_html(client, section)
    assert SECTION_HEADING not in html
    assert f"#c{elsewhere.pk}" in section_html(client, other_section)


def test_unpublishing_the_article_removes_its_featured_comments(client, site_tree, article, moderator_account):
    comment = ReaderCommentFactory(article=article, status=Status.PUBLISHED)
    services.comment_feature(comment=comment, actor=moderator_account)
    section = site_tree["sections"][0]
    other = ArticlePageFactory(parent=section)  # the section still has a listing after the unpublish
    assert f"#c{comment.pk}" in section_html(client, section)

    article.unpublish()
    html = section_html(client, section)
    assert f"#c{comment.pk}" not in html
    assert other.title in html


def test_the_featured_list_costs_one_query_however_many_articles_it_links(client, site_tree, moderator_account):
    """Featured comments on three different articles: the same queries as one (the articles come with the
    comments, their URLs from the request's cached site roots)."""
    section = site_tree["sections"][0]
    comments = [
        ReaderCommentFactory(article=ArticlePageFactory(parent=section), status=Status.PUBLISHED) for _ in range(3)
    ]
    services.comment_feature(comment=comments[0], actor=moderator_account)
    section_html(client, section)
    with CaptureQueriesContext(connection) as one:
        section_html(client, section)
    for comment in comments[1:]:
        services.comment_feature(comment=comment, actor=moderator_account)
    section_html(client, section)
    with CaptureQueriesContext(connection) as three:
        html = section_html(client, section)
    assert all(f"#c{comment.pk}" in html for comment in comments)
    assert len(three) == len(one)


def test_the_featured_list_reads_the_partial_featured_index(site_tree):
    """The section's featured comments start from the few featured rows, not from every published comment
    (the status indexes) nor from every article of the section."""
    if connection.vendor != "sqlite":
        pytest.skip("the plan is read from SQLite's EXPLAIN QUERY PLAN")
    with CaptureQueriesContext(connection) as queries:
        selectors.featured_comments_for_section(section=site_tree["sections"][0])
    (query,) = queries.captured_queries
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN QUERY PLAN {query['sql']}")
        plan = "\n".join(row[-1] for row in cursor.fetchall())
    assert "comments_readercomment USING INDEX comments_featured " in plan
    assert "SCAN" not in plan

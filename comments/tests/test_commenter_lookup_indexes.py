"""Looking a commenter up by e-mail or IP goes through an index on django_comments (migration 0051),
and the lookups agree on letter case: "Sara@Example.com" is the same commenter as "sara@example.com"."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from comments import selectors
from comments.admin.selectors import approved_count, approved_counts_by_email, comments_by_email
from comments.models import ReaderComment, Status
from comments.tests.factories import ReaderCommentFactory

pytestmark = pytest.mark.django_db


def plan_of(run) -> str:
    """The database's plan for the last query `run` makes, as text (indexes named in it)."""
    with CaptureQueriesContext(connection) as queries:
        run()
    sql = queries.captured_queries[-1]["sql"]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # A test table has a handful of rows: without this the planner rightly prefers reading it all.
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute("EXPLAIN " + sql)
        else:
            cursor.execute("EXPLAIN QUERY PLAN " + sql)
        return " ".join(str(cell) for row in cursor.fetchall() for cell in row)


def test_known_commenter_check_uses_the_email_index_in_any_case(article):
    ReaderCommentFactory(article=article, user_email="Sara@Example.com", status=Status.PUBLISHED)
    assert selectors.has_approved_comment(email="sara@example.COM")
    plan = plan_of(lambda: selectors.has_approved_comment(email="sara@example.com"))
    assert "comments_user_email_lower" in plan


def test_privacy_lookup_uses_the_email_index(article):
    mine = ReaderCommentFactory(article=article, user_email="Sara@Example.com", status=Status.SPAM)
    ReaderCommentFactory(article=article, user_email="other@example.com")
    assert [c.pk for c in comments_by_email(" sara@example.com ")] == [mine.pk]
    assert "comments_user_email_lower" in plan_of(lambda: list(comments_by_email("sara@example.com")))


def test_approved_count_on_a_row_counts_every_letter_case(article):
    for email in ("Sara@Example.com", "sara@example.com", "SARA@EXAMPLE.COM"):
        ReaderCommentFactory(article=article, user_email=email, status=Status.PUBLISHED)
    ReaderCommentFactory(article=article, user_email="sara@example.com", status=Status.HELD)
    counts = approved_counts_by_email(["sara@example.com", "nobody@example.com"])
    assert approved_count(counts, "Sara@Example.com") == 3
    assert approved_count(counts, "nobody@example.com") == 0
    assert "comments_user_email_lower" in plan_of(lambda: approved_counts_by_email(["sara@example.com"]))


def test_queue_search_by_a_whole_ip_or_address_is_exact_and_indexed(article):
    wave = ReaderCommentFactory(article=article, status=Status.HELD, ip_address="192.0.2.4")
    ReaderCommentFactory(article=article, status=Status.HELD, ip_address="192.0.2.44")
    sara = ReaderCommentFactory(article=article, status=Status.HELD, user_email="Sara@Example.com")
    ReaderCommentFactory(article=article, status=Status.HELD, user_email="x.sara@example.com")

    def ids(term):
        return [c.pk for c in selectors.moderation_queue(search=term)]

    assert ids("192.0.2.4") == [wave.pk]  # not 192.0.2.44 as well
    assert sorted(ids("192.0.2.")) == sorted(
        ReaderComment.objects.filter(ip_address__startswith="192.0.2.").values_list("pk", flat=True)
    )  # a network prefix still finds the whole wave
    assert ids("sara@example.com") == [sara.pk]
    assert "comments_ip_address" in plan_of(lambda: ids("192.0.2.4"))
    assert "comments_user_email_lower" in plan_of(lambda: ids("sara@example.com"))

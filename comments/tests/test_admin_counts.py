"""The queue counts (tabs, menu badge) are cached between changes and exact right after one: a comment
posted, moderated or reported shows in the counts on the moderator's next click."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from comments import services
from comments.models import Status
from comments.tests.factories import ReaderCommentFactory

pytestmark = pytest.mark.django_db
QUEUE = "/admin/comments/"


@pytest.fixture
def desk(moderator_account):
    """The moderator's own browser (the `client` fixture is the reader's)."""
    browser = Client()
    browser.force_login(moderator_account)
    return browser


def tabs(browser) -> dict[str, int]:
    return {tab["queue"]: tab["count"] for tab in browser.get(QUEUE).context["tabs"]}


def counted(browser) -> bool:
    """Did showing the queue count the comments table (the GROUP BY over statuses)?"""
    with CaptureQueriesContext(connection) as queries:
        browser.get(QUEUE)
    return any("GROUP BY" in query["sql"] and '"status"' in query["sql"] for query in queries)


def test_a_posted_comment_is_in_the_pending_count_at_once(desk, post_comment, article, fake_akismet):
    assert tabs(desk)["pending"] == 0
    assert not counted(desk)  # cached between changes

    post_comment(article, comment="تعليق أول من قارئة جديدة")  # a first comment: held

    assert tabs(desk)["pending"] == 1
    assert not counted(desk)


def test_a_moderators_decision_and_a_readers_report_change_the_counts_at_once(desk, moderator_account, article):
    held = ReaderCommentFactory(article=article, status=Status.HELD)
    published = ReaderCommentFactory(article=article, status=Status.PUBLISHED)
    assert tabs(desk) == {"pending": 1, "published": 1, "spam": 0, "discarded": 0, "trash": 0, "reported": 0}

    desk.post(f"/admin/comments/{held.pk}/moderate/", {"action": "spam"})
    assert tabs(desk)["pending"] == 0 and tabs(desk)["spam"] == 1

    services.report_comment(comment=published, reason="abusive", reader_key="a" * 64, ip_address="203.0.113.8")
    assert tabs(desk)["reported"] == 1

"""Privacy tools: a reader's comments found by e-mail, exported as JSON, anonymised or erased; and old
IP addresses forgotten by the scheduler's daily job."""

from __future__ import annotations

import datetime
import io
import json

import pytest
from django.core.management import call_command
from django.utils import timezone

from comments.admin.privacy import anonymise_old_ips
from comments.models import CommentEvent, ReaderComment, Status
from comments.tests.factories import ReaderCommentFactory

pytestmark = pytest.mark.django_db
PRIVACY = "/admin/comments/privacy/"


@pytest.fixture
def readers_comments(article):
    mine = [
        ReaderCommentFactory(article=article, user_email="Huda@Example.com", ip_address="203.0.113.1", status=s)
        for s in (Status.PUBLISHED, Status.SPAM, Status.HELD)
    ]
    other = ReaderCommentFactory(article=article, user_email="someone@example.com", status=Status.PUBLISHED)
    return mine, other


def test_find_every_comment_by_email_in_any_case_and_status(client, moderator, readers_comments):
    mine, other = readers_comments
    response = client.get(PRIVACY, {"email": "huda@example.com"})
    assert [c.pk for c in response.context["comments"]] == [c.pk for c in mine]


def test_export_as_json(client, moderator, readers_comments, article):
    mine, _other = readers_comments
    response = client.post(PRIVACY, {"email": "huda@example.com", "operation": "export"})
    assert response["Content-Type"].startswith("application/json")
    assert "attachment" in response["Content-Disposition"]
    data = json.loads(response.content)
    assert data["email"] == "huda@example.com"
    assert [c["id"] for c in data["comments"]] == [c.pk for c in mine]
    assert data["comments"][0]["ip_address"] == "203.0.113.1"
    assert data["comments"][0]["article"] == article.title


def test_anonymise_keeps_the_words_and_forgets_the_person(client, moderator, readers_comments):
    mine, other = readers_comments
    client.post(PRIVACY, {"email": "huda@example.com", "operation": "anonymise"})
    for comment in ReaderComment.objects.filter(pk__in=[c.pk for c in mine]):
        assert (comment.user_email, comment.user_url, comment.ip_address) == ("", "", None)
        assert comment.user_name != mine[0].user_name
        assert comment.comment == mine[0].comment
        assert "user_ip" not in comment.akismet_payload and "comment_author" not in comment.akismet_payload
        assert CommentEvent.objects.filter(comment=comment, note="anonymised", actor=moderator).exists()
    assert ReaderComment.objects.get(pk=other.pk).user_email == "someone@example.com"


def test_erase_deletes_them(client, moderator, readers_comments):
    mine, other = readers_comments
    response = client.post(PRIVACY, {"email": "huda@example.com", "operation": "erase"})
    assert response.status_code == 302
    assert not ReaderComment.objects.filter(pk__in=[c.pk for c in mine]).exists()
    assert ReaderComment.objects.filter(pk=other.pk).exists()


def test_old_ip_addresses_are_anonymised_after_the_retention_period(article, settings):
    settings.COMMENTS = {**settings.COMMENTS, "IP_RETENTION_DAYS": 30}
    old = ReaderCommentFactory(
        article=article, ip_address="203.0.113.9", submit_date=timezone.now() - datetime.timedelta(days=31)
    )
    recent = ReaderCommentFactory(
        article=article, ip_address="203.0.113.10", submit_date=timezone.now() - datetime.timedelta(days=29)
    )

    assert anonymise_old_ips() == 1

    old.refresh_from_db()
    recent.refresh_from_db()
    assert old.ip_address is None and "user_ip" not in old.akismet_payload
    assert old.akismet_payload["comment_content"]  # the rest of what Akismet was sent stays
    assert recent.ip_address == "203.0.113.10" and recent.akismet_payload["user_ip"] == "203.0.113.7"


def test_the_scheduler_runs_the_ip_anonymisation(article, settings):
    settings.COMMENTS = {**settings.COMMENTS, "IP_RETENTION_DAYS": 30}
    old = ReaderCommentFactory(
        article=article, ip_address="203.0.113.9", submit_date=timezone.now() - datetime.timedelta(days=40)
    )
    call_command("run_scheduler", "--once", stdout=io.StringIO())
    old.refresh_from_db()
    assert old.ip_address is None

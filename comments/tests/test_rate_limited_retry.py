"""A reader refused for the rate limit has their next accepted comment held as a "rate-limited retry"
(by IP or by e-mail address, within COMMENTS["RATE_LIMITED_RETRY_MINUTES"]); anyone else is unaffected."""

from __future__ import annotations

import time
import types

import pytest
from django.core.cache.backends import locmem

from comments.models import ReaderComment, Reason, Status
from comments.tests.factories import ReaderCommentFactory

LABEL = "إعادة محاولة بعد تجاوز حدّ الإرسال"


@pytest.fixture
def limited(settings, article):
    """Two comments per IP per 5 minutes; the commenters are known, so only the rules tested here hold."""
    settings.COMMENTS = {**settings.COMMENTS, "RATE_LIMIT_COUNT": 2, "RATE_LIMITED_RETRY_MINUTES": 60}
    for email in ("sara@example.com", "omar@example.com"):
        ReaderCommentFactory(article=article, user_email=email, status=Status.PUBLISHED)


@pytest.fixture
def later(monkeypatch):
    """Move the cache's clock on by `seconds` (the rate limit and the retry mark both expire by it)."""

    def move(seconds: int) -> None:
        monkeypatch.setattr(locmem, "time", types.SimpleNamespace(time=lambda: time.time() + seconds))

    return move


def refuse_sara(post_comment, article) -> None:
    for i in range(2):
        assert post_comment(article, comment=f"تعليق رقم {i}").status_code == 302
    assert post_comment(article, comment="الثالث قبل أن يحين وقته").status_code == 429


def latest() -> ReaderComment:
    return ReaderComment.objects.latest("pk")


@pytest.mark.django_db
def test_refused_then_accepted_is_held_as_a_rate_limited_retry_once(
    post_comment, article, fake_akismet, limited, later
):
    refuse_sara(post_comment, article)
    later(6 * 60)  # the rate limit's five minutes are over; the retry mark's hour is not
    assert post_comment(article, comment="الثالث بعد الانتظار").status_code == 302
    retry = latest()
    assert retry.status == Status.HELD
    assert retry.hold_reasons == [Reason.RATE_LIMITED_RETRY]
    # Only the next accepted comment: the one after it is judged as usual.
    post_comment(article, comment="الرابع")
    assert latest().status == Status.PUBLISHED and latest().hold_reasons == []


@pytest.mark.django_db
def test_the_same_address_from_another_ip_is_held_and_an_unrelated_reader_is_not(
    post_comment, article, fake_akismet, limited
):
    refuse_sara(post_comment, article)
    post_comment(article, comment="من جهاز آخر", email="omar@example.com", name="عمر", ip="198.51.100.9")
    assert latest().status == Status.PUBLISHED  # another reader, another IP
    post_comment(article, comment="من الهاتف", ip="198.51.100.20")  # Sara's address, a new IP
    assert latest().status == Status.HELD
    assert latest().hold_reasons == [Reason.RATE_LIMITED_RETRY]


@pytest.mark.django_db
def test_after_the_window_the_next_comment_is_not_held(post_comment, article, fake_akismet, limited, later):
    refuse_sara(post_comment, article)
    later(61 * 60)
    post_comment(article, comment="بعد ساعة")
    assert latest().status == Status.PUBLISHED
    assert latest().hold_reasons == []


@pytest.mark.django_db
def test_the_queue_labels_and_filters_the_reason_in_arabic(client, moderator, article):
    retry = ReaderCommentFactory(article=article, status=Status.HELD, hold_reasons=[Reason.RATE_LIMITED_RETRY])
    other = ReaderCommentFactory(article=article, status=Status.HELD, hold_reasons=[Reason.FIRST_COMMENT])
    html = client.get("/admin/comments/").content.decode()
    assert LABEL in html
    assert f'<option value="rate_limited_retry">{LABEL}</option>' in html
    filtered = client.get("/admin/comments/", {"reason": "rate_limited_retry"})
    assert [row.pk for row in filtered.context["rows"]] == [retry.pk]
    assert other.pk not in [row.pk for row in filtered.context["rows"]]

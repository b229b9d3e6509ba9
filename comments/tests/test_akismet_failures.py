"""Akismet failing in every way a client meets: the comment is stored as "unchecked", the reader gets the
usual message, nothing is lost; and the recheck end to end."""

from __future__ import annotations

import datetime

import pytest
from django.core.management import call_command
from django.utils import timezone

from comments.models import AkismetHealth, EventKind, ReaderComment, Status, Verdict
from comments.tests.factories import ReaderCommentFactory
from demo.fake_akismet import FakeAkismet

AWAITING = "بانتظار المراجعة"
TEXT = "تعليق لا يجوز أن يضيع مهما حدث لخدمة Akismet."


def assert_kept_unchecked(response, error_fragment: str):
    assert response.status_code == 200  # followed back to the article
    assert AWAITING in response.content.decode()
    comment = ReaderComment.objects.get()
    assert comment.comment == TEXT
    assert comment.status == Status.UNCHECKED
    assert comment.akismet_verdict == Verdict.ERROR
    assert error_fragment in comment.akismet_error
    assert comment.next_recheck_at is not None and comment.next_recheck_at > timezone.now()
    assert comment.akismet_payload["comment_content"] == TEXT
    health = AkismetHealth.current()
    assert health.is_failing and error_fragment in health.last_error
    return comment


@pytest.mark.django_db
def test_akismet_down(post_comment, article, fake_akismet):
    fake_akismet.stop()
    assert_kept_unchecked(post_comment(article, comment=TEXT, follow=True), "unreachable")


@pytest.mark.django_db
def test_akismet_slower_than_the_timeout(post_comment, article, fake_akismet, settings):
    settings.AKISMET_TIMEOUT = 0.2
    fake_akismet.set_mode("slow", delay=1.0)
    assert_kept_unchecked(post_comment(article, comment=TEXT, follow=True), "timed out")


@pytest.mark.django_db
def test_akismet_server_error(post_comment, article, fake_akismet):
    fake_akismet.set_mode("error")
    assert_kept_unchecked(post_comment(article, comment=TEXT, follow=True), "HTTP 500")


@pytest.mark.django_db
def test_akismet_answers_garbage(post_comment, article, fake_akismet):
    fake_akismet.set_mode("garbage")
    assert_kept_unchecked(post_comment(article, comment=TEXT, follow=True), "unexpected")


@pytest.mark.django_db
def test_invalid_api_key(post_comment, article, fake_akismet, settings):
    settings.AKISMET_API_KEY = "invalid-key"
    assert_kept_unchecked(post_comment(article, comment=TEXT, follow=True), "API key")


@pytest.mark.django_db
def test_akismet_not_configured(post_comment, article, fake_akismet, settings):
    settings.AKISMET_API_KEY = ""
    assert_kept_unchecked(post_comment(article, comment=TEXT, follow=True), "not configured")
    assert fake_akismet.requests == []


@pytest.mark.django_db
def test_rate_limited_429_backs_off_without_asking_again(post_comment, article, fake_akismet):
    fake_akismet.set_mode("ratelimit", retry_after=120)
    assert_kept_unchecked(post_comment(article, comment=TEXT, follow=True), "HTTP 429")
    fake_akismet.set_mode("normal")
    post_comment(article, comment="تعليق ثانٍ", email="other@example.com")
    # Retry-After is honoured: the second comment is not sent to Akismet and waits too.
    assert len(fake_akismet.requests_to("comment-check")) == 1
    assert ReaderComment.objects.get(comment="تعليق ثانٍ").status == Status.UNCHECKED


@pytest.mark.django_db
def test_recheck_end_to_end(post_comment, article, fake_akismet):
    """Stand-in down → unchecked; stand-in back → recheck_comments → checked, with recheck_reason=retry."""
    ReaderCommentFactory(article=article, user_email="sara@example.com")  # known commenter: ham is published
    url = fake_akismet.url
    fake_akismet.stop()
    post_comment(article, comment=TEXT)
    comment = ReaderComment.objects.get(comment=TEXT)
    assert comment.status == Status.UNCHECKED

    # The stand-in comes back on the same port; the recheck is due.

    port = int(url.rsplit(":", 1)[1])
    back = FakeAkismet(port=port)
    back.start()
    try:
        ReaderComment.objects.filter(pk=comment.pk).update(next_recheck_at=timezone.now())
        call_command("recheck_comments", "--no-purge")
        comment.refresh_from_db()
        assert comment.status == Status.PUBLISHED
        assert comment.akismet_verdict == Verdict.HAM
        assert comment.akismet_checked_at is not None
        sent = back.requests_to("comment-check")
        assert [r.value("recheck_reason") for r in sent] == ["retry"]
        assert sent[0].value("comment_content") == TEXT
        assert sent[0].value("user_ip") == "203.0.113.7"
        assert comment.events.filter(kind=EventKind.RECHECKED, verdict=Verdict.HAM).exists()
    finally:
        back.stop()


@pytest.mark.django_db
def test_recheck_stops_at_the_first_failure_and_backs_off(article, fake_akismet):
    now = timezone.now()
    due = now - datetime.timedelta(minutes=1)
    comments = [ReaderCommentFactory(article=article, status=Status.UNCHECKED, next_recheck_at=due) for _ in range(3)]
    fake_akismet.set_mode("error")
    call_command("recheck_comments", "--no-purge")
    assert len(fake_akismet.requests_to("comment-check")) == 1
    first = ReaderComment.objects.get(pk=comments[0].pk)
    assert first.status == Status.UNCHECKED
    assert first.recheck_attempts == 1
    assert first.next_recheck_at > now + datetime.timedelta(minutes=30)  # 20 min doubled


@pytest.mark.django_db
def test_recheck_gives_up_after_fifteen_days(article, fake_akismet):
    old = ReaderCommentFactory(
        article=article,
        status=Status.UNCHECKED,
        submit_date=timezone.now() - datetime.timedelta(days=16),
        next_recheck_at=timezone.now(),
    )
    call_command("recheck_comments", "--no-purge")
    old.refresh_from_db()
    assert old.status == Status.UNCHECKED  # waits for a person
    assert old.next_recheck_at is None
    assert fake_akismet.requests_to("comment-check") == []


@pytest.mark.django_db
def test_purges_old_spam_and_discards_but_keeps_recent_ones(article):
    now = timezone.now()
    old_spam = ReaderCommentFactory(article=article, status=Status.SPAM)
    new_spam = ReaderCommentFactory(article=article, status=Status.SPAM)
    old_discard = ReaderCommentFactory(article=article, status=Status.DISCARDED)
    new_discard = ReaderCommentFactory(article=article, status=Status.DISCARDED)
    ReaderComment.objects.filter(pk=old_spam.pk).update(status_changed_at=now - datetime.timedelta(days=16))
    ReaderComment.objects.filter(pk=new_spam.pk).update(status_changed_at=now - datetime.timedelta(days=14))
    ReaderComment.objects.filter(pk=old_discard.pk).update(status_changed_at=now - datetime.timedelta(hours=49))
    ReaderComment.objects.filter(pk=new_discard.pk).update(status_changed_at=now - datetime.timedelta(hours=47))
    call_command("recheck_comments")
    assert set(ReaderComment.objects.values_list("pk", flat=True)) == {new_spam.pk, new_discard.pk}

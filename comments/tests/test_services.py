"""Moderators' decisions through comments.services: history, Akismet reports with the stored payload,
and the guard against django-comments-xtd republishing held replies."""

from __future__ import annotations

import pytest

from comments import selectors, services
from comments.models import EventKind, Status
from comments.tests.factories import ReaderCommentFactory

STORED = {
    "user_ip": "198.51.100.4",
    "user_agent": "Bot/1.0",
    "referrer": "http://testserver/x/",
    "permalink": "http://testserver/section/article/",
    "comment_type": "comment",
    "comment_author": "قارئ",
    "comment_author_email": "reader@example.com",
    "comment_content": "النص كما أُرسل",
    "blog_lang": "ar, en",
    "blog_charset": "UTF-8",
}


@pytest.mark.django_db
def test_mark_spam_reports_the_stored_payload_and_records_history(article, fake_akismet, moderator_account):
    comment = ReaderCommentFactory(article=article, status=Status.PUBLISHED, akismet_payload=STORED)
    services.edit_text(comment=comment, actor=moderator_account, text="نص عدّله المشرف")
    services.mark_spam(comment=comment, actor=moderator_account)
    comment.refresh_from_db()
    assert comment.status == Status.SPAM and not comment.is_public
    [report] = fake_akismet.requests_to("submit-spam")
    for key, value in STORED.items():
        assert report.value(key) == value, key  # the payload as checked, not the edited text
    kinds = list(comment.events.values_list("kind", "actor__username"))
    assert kinds == [
        (EventKind.EDITED, "moderator"),
        (EventKind.STATUS_CHANGED, "moderator"),
        (EventKind.REPORTED_SPAM, "moderator"),
    ]


@pytest.mark.django_db
def test_mark_ham_from_spam_reports_ham_and_publishes(article, fake_akismet, moderator_account):
    comment = ReaderCommentFactory(article=article, status=Status.SPAM, akismet_payload=STORED)
    services.mark_ham(comment=comment, actor=moderator_account)
    comment.refresh_from_db()
    assert comment.status == Status.PUBLISHED and comment.is_public
    [report] = fake_akismet.requests_to("submit-ham")
    assert report.value("comment_content") == STORED["comment_content"]
    assert fake_akismet.requests_to("submit-spam") == []


@pytest.mark.django_db
def test_moves_that_do_not_cross_the_spam_line_are_not_reported(article, fake_akismet, moderator_account):
    comment = ReaderCommentFactory(article=article, status=Status.HELD, akismet_payload=STORED)
    services.approve(comment=comment, actor=moderator_account)
    services.unapprove(comment=comment, actor=moderator_account)
    services.trash(comment=comment, actor=moderator_account)
    services.restore(comment=comment, actor=moderator_account)
    comment.refresh_from_db()
    assert comment.status == Status.HELD
    assert fake_akismet.requests == []
    assert [e.to_status for e in comment.events.all()] == [Status.PUBLISHED, Status.HELD, Status.TRASH, Status.HELD]


@pytest.mark.django_db
def test_a_failed_report_keeps_the_decision_and_says_so(article, fake_akismet, moderator_account):
    comment = ReaderCommentFactory(article=article, status=Status.PUBLISHED, akismet_payload=STORED)
    fake_akismet.set_mode("error")
    services.mark_spam(comment=comment, actor=moderator_account)
    comment.refresh_from_db()
    assert comment.status == Status.SPAM
    event = comment.events.get(kind=EventKind.REPORTED_SPAM)
    assert "HTTP 500" in event.note


@pytest.mark.django_db
def test_resaving_a_public_parent_does_not_publish_its_held_replies(article):
    parent = ReaderCommentFactory(article=article, status=Status.PUBLISHED)
    held = ReaderCommentFactory(article=article, parent=parent, status=Status.HELD)
    spam = ReaderCommentFactory(article=article, parent=parent, status=Status.SPAM)
    parent.comment = "نص معدّل"
    parent.save()
    services.approve(comment=parent, actor=None)
    for reply in (held, spam):
        reply.refresh_from_db()
        assert not reply.is_public
    assert selectors.published_thread(article=article).count == 1


@pytest.mark.django_db
def test_staff_reply_is_published_and_marked(article, moderator_account, client):
    parent = ReaderCommentFactory(article=article, status=Status.PUBLISHED)
    reply = services.reply_as_staff(parent=parent, actor=moderator_account, text="شكراً على الملاحظة")
    assert reply.status == Status.PUBLISHED and reply.is_staff_reply and reply.level == 1
    html = client.get(article.url).content.decode()
    assert "comment--staff" in html and "فريق التحرير" in html


@pytest.mark.django_db
def test_queue_selectors(article):
    ReaderCommentFactory(article=article, status=Status.HELD, user_name="أحمد")
    ReaderCommentFactory(article=article, status=Status.SPAM)
    ReaderCommentFactory(article=article, status=Status.PUBLISHED)
    counts = selectors.status_counts()
    assert (counts["held"], counts["spam"], counts["published"], counts["trash"]) == (1, 1, 1, 0)
    assert [c.user_name for c in selectors.moderation_queue(status="held")] == ["أحمد"]
    section = article.get_parent()
    assert selectors.moderation_queue(section=section).count() == 3
    assert selectors.moderation_queue(site_id=article.get_site().pk).count() == 3
    assert selectors.moderation_queue(search="أحمد").count() == 1

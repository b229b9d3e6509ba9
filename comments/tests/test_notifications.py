"""E-mails about comments: to the commenter (published, staff reply) with a working unsubscribe link,
and to the moderators when the held queue grows past its threshold."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.core.cache import cache

from comments import notifications, services
from comments.models import Commenter, Status
from comments.tests.factories import ReaderCommentFactory

ON = {"NOTIFY_COMMENTERS": True}


@pytest.fixture
def comments_settings(settings):
    def apply(**values):
        settings.COMMENTS = {**settings.COMMENTS, **values}

    return apply


def _unsubscribe_path(body: str) -> str:
    url = re.search(r"https?://[^\s]+/comments/unsubscribe/[^\s]+/", body).group(0)
    return re.sub(r"^https?://[^/]+", "", url)


@pytest.mark.django_db
def test_approval_e_mails_the_commenter_with_a_working_unsubscribe_link(
    client, article, moderator_account, comments_settings, django_capture_on_commit_callbacks
):
    comments_settings(**ON)
    comment = ReaderCommentFactory(article=article, status=Status.HELD, user_email="Sara@Example.com")
    with django_capture_on_commit_callbacks(execute=True):
        services.approve(comment=comment, actor=moderator_account)
    [message] = mail.outbox
    assert message.to == ["sara@example.com"]
    assert article.title in message.subject
    assert message.subject.startswith("نُشر تعليقك")  # the edition's language
    assert f"#c{comment.pk}" in message.body

    path = _unsubscribe_path(message.body)
    page = client.get(path)
    assert page.status_code == 200
    assert "إلغاء الاشتراك" in page.content.decode()
    assert not Commenter.objects.filter(email="sara@example.com", notifications_off=True).exists()
    done = client.post(path)
    assert done.status_code == 200
    assert "أُلغي اشتراكك" in done.content.decode()
    assert Commenter.objects.get(email="sara@example.com").notifications_off

    again = ReaderCommentFactory(article=article, status=Status.HELD, user_email="sara@example.com")
    with django_capture_on_commit_callbacks(execute=True):
        services.approve(comment=again, actor=moderator_account)
    assert len(mail.outbox) == 1  # unsubscribed: nothing more


@pytest.mark.django_db
def test_published_by_akismet_verdict_e_mails_the_commenter(
    post_comment, article, fake_akismet, comments_settings, django_capture_on_commit_callbacks
):
    comments_settings(**ON)
    ReaderCommentFactory(article=article, user_email="sara@example.com", status=Status.PUBLISHED)
    with django_capture_on_commit_callbacks(execute=True):
        post_comment(article, comment="خبر مهم، شكراً.")
    [message] = mail.outbox
    assert message.to == ["sara@example.com"]
    assert "unsubscribe" in message.body


@pytest.mark.django_db
def test_staff_reply_e_mails_the_author_of_the_parent(
    article, moderator_account, comments_settings, django_capture_on_commit_callbacks
):
    comments_settings(**ON)
    parent = ReaderCommentFactory(article=article, status=Status.PUBLISHED, user_email="omar@example.com")
    with django_capture_on_commit_callbacks(execute=True):
        reply = services.reply_as_staff(parent=parent, actor=moderator_account, text="شكراً على ملاحظتك.")
    [message] = mail.outbox
    assert message.to == ["omar@example.com"]
    assert "شكراً على ملاحظتك." in message.body
    assert f"#c{reply.pk}" in message.body


@pytest.mark.django_db
def test_setting_off_sends_nothing(article, moderator_account, django_capture_on_commit_callbacks):
    comment = ReaderCommentFactory(article=article, status=Status.HELD)
    with django_capture_on_commit_callbacks(execute=True):
        services.approve(comment=comment, actor=moderator_account)
        services.reply_as_staff(parent=comment, actor=moderator_account, text="رد")
    assert mail.outbox == []


@pytest.mark.django_db
def test_unsubscribed_address_gets_nothing(
    article, moderator_account, comments_settings, django_capture_on_commit_callbacks
):
    comments_settings(**ON)
    services.commenter_unsubscribe(email="omar@example.com")
    comment = ReaderCommentFactory(article=article, status=Status.HELD, user_email="OMAR@example.com")
    with django_capture_on_commit_callbacks(execute=True):
        services.approve(comment=comment, actor=moderator_account)
        services.reply_as_staff(parent=comment, actor=moderator_account, text="رد")
    assert mail.outbox == []


@pytest.mark.django_db
def test_unsubscribe_page_asks_in_the_edition_language_and_refuses_forged_tokens(client):
    token = notifications.unsubscribe_token(email="sara@example.com", language="ar")
    page = client.get(f"/comments/unsubscribe/{token}/")
    assert page.status_code == 200
    assert "sara@example.com" in page.content.decode()
    assert not Commenter.objects.filter(notifications_off=True).exists()
    assert client.get(f"/comments/unsubscribe/{token}x/").status_code == 404
    assert client.post(f"/comments/unsubscribe/{token}x/").status_code == 404
    assert not Commenter.objects.filter(notifications_off=True).exists()


@pytest.mark.django_db
def test_held_queue_crossing_the_threshold_alerts_the_moderators_once(
    article, moderator_account, comments_settings, django_capture_on_commit_callbacks
):
    cache.delete(notifications.HELD_ALERT_KEY)
    comments_settings(HELD_ALERT_THRESHOLD=2, NOTIFY_MODERATORS=True, MODERATOR_EMAILS=["desk@example.com"])
    published = ReaderCommentFactory.create_batch(5, article=article, status=Status.PUBLISHED)
    with django_capture_on_commit_callbacks(execute=True):
        for comment in published[:2]:
            services.unapprove(comment=comment, actor=moderator_account)
    assert mail.outbox == []  # 2: not past the threshold
    with django_capture_on_commit_callbacks(execute=True):
        services.unapprove(comment=published[2], actor=moderator_account)
        services.unapprove(comment=published[3], actor=moderator_account)
    [alert] = mail.outbox  # two crossings checked after the commit, one e-mail
    assert alert.to == ["desk@example.com"]
    assert "4" in alert.subject

    # Back down to the threshold, then past it again: a new alert.
    with django_capture_on_commit_callbacks(execute=True):
        services.approve(comment=published[3], actor=moderator_account)
        services.approve(comment=published[2], actor=moderator_account)
    assert len(mail.outbox) == 1
    with django_capture_on_commit_callbacks(execute=True):
        services.unapprove(comment=published[4], actor=moderator_account)
    assert len(mail.outbox) == 2


@pytest.mark.django_db
def test_english_edition_token_shows_the_english_page(client):
    token = notifications.unsubscribe_token(email="sam@example.com", language="en")
    page = client.get(f"/comments/unsubscribe/{token}/")
    assert page.status_code == 200
    assert "Stop e-mails about comments to" in page.content.decode()


@pytest.mark.django_db
def test_a_failing_mail_server_is_logged_and_the_comment_stays_published(
    article, moderator_account, comments_settings, django_capture_on_commit_callbacks, monkeypatch, caplog
):
    comments_settings(**ON)

    def refuse(*args, **kwargs):
        raise ConnectionRefusedError("SMTP down")

    monkeypatch.setattr(notifications, "send_mail", refuse)
    comment = ReaderCommentFactory(article=article, status=Status.HELD)
    with django_capture_on_commit_callbacks(execute=True):
        services.approve(comment=comment, actor=moderator_account)
    comment.refresh_from_db()
    assert comment.status == Status.PUBLISHED
    assert mail.outbox == []
    assert "Could not e-mail the commenter" in caplog.text


@pytest.mark.django_db
def test_published_by_a_recheck_e_mails_the_commenter(
    article, fake_akismet, comments_settings, django_capture_on_commit_callbacks
):
    comments_settings(**ON)
    ReaderCommentFactory(article=article, user_email="sara@example.com", status=Status.PUBLISHED)
    comment = ReaderCommentFactory(
        article=article,
        user_email="sara@example.com",
        status=Status.UNCHECKED,
        akismet_payload={"comment_content": "خبر مهم", "comment_author_email": "sara@example.com"},
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.recheck(comment=comment)
    comment.refresh_from_db()
    assert comment.status == Status.PUBLISHED
    [message] = mail.outbox
    assert message.to == ["sara@example.com"]

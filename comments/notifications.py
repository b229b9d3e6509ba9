"""E-mails about comments: to a commenter when their comment is published or the newsroom replies to it
(COMMENTS["NOTIFY_COMMENTERS"], off by default), and to the moderators when the held queue grows past
COMMENTS["HELD_ALERT_THRESHOLD"].

Sending goes through the task queue once the decision has committed: posting and moderating never wait
on SMTP, and a mail server that fails is logged without touching the comment. Every e-mail to a commenter
carries an unsubscribe link: a signed (salted) token for their address and the edition's language.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django_tasks import task

from . import selectors
from .models import Commenter, ReaderComment, Status

logger = logging.getLogger(__name__)

UNSUBSCRIBE_SALT = "comments.notifications.unsubscribe"
HELD_ALERT_KEY = "comments:held-alert-sent"

PUBLISHED = "published"
STAFF_REPLY = "staff_reply"


def unsubscribe_token(*, email: str, language: str) -> str:
    return signing.dumps({"e": Commenter.normalise(email), "l": language}, salt=UNSUBSCRIBE_SALT, compress=True)


def read_unsubscribe_token(token: str) -> tuple[str, str] | None:
    """(e-mail, language), or None for a token that was not signed here."""
    try:
        data = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict) or not data.get("e"):
        return None
    language = data.get("l") if data.get("l") in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
    return data["e"], language


def _site_root(comment: ReaderComment) -> str:
    site = comment.wagtail_site
    return (site.root_url if site else settings.WAGTAILADMIN_BASE_URL).rstrip("/")


def _language(comment: ReaderComment) -> str:
    article = comment.article
    return article.locale.language_code if article is not None else settings.LANGUAGE_CODE


def is_unsubscribed(email: str) -> bool:
    return Commenter.objects.filter(email=Commenter.normalise(email), notifications_off=True).exists()


def _enqueue(enqueue) -> None:
    """After the commit (now when there is no transaction); a queue that fails is logged."""

    def run():
        try:
            enqueue()
        except Exception:
            logger.exception("Could not enqueue a comment notification")

    transaction.on_commit(run)


def comment_published(comment: ReaderComment) -> None:
    """A reader's comment became visible: tell its author (when the site does so)."""
    if comment.is_staff_reply or not settings.COMMENTS["NOTIFY_COMMENTERS"] or not comment.user_email:
        return
    _enqueue(lambda: notify_commenter.enqueue(comment.pk, PUBLISHED))


def staff_replied(reply: ReaderComment, parent: ReaderComment) -> None:
    """The newsroom answered a reader: tell the author of the comment answered."""
    if parent.is_staff_reply or not settings.COMMENTS["NOTIFY_COMMENTERS"] or not parent.user_email:
        return
    _enqueue(lambda: notify_commenter.enqueue(reply.pk, STAFF_REPLY))


def send_commenter_email(*, comment_pk: int, kind: str) -> bool:
    """Build and send one e-mail (run by the task). For a staff reply, `comment_pk` is the reply and the
    e-mail goes to the author of its parent. False when nothing was sent."""
    comment = ReaderComment.objects.select_related("article", "wagtail_site").filter(pk=comment_pk).first()
    if comment is None or not settings.COMMENTS["NOTIFY_COMMENTERS"] or comment.status != Status.PUBLISHED:
        return False
    if kind == STAFF_REPLY:
        recipient = ReaderComment.objects.filter(pk=comment.parent_id).first()
        if recipient is None or recipient.pk == comment.pk:
            return False
    else:
        recipient = comment
    email = Commenter.normalise(recipient.user_email)
    if not email or is_unsubscribed(email):
        return False
    language = _language(comment)
    root = _site_root(comment)
    with translation.override(language):
        article_path = comment.article.url if comment.article_id and comment.article else ""
        link = root + selectors.comment_url(comment=comment, article_url=article_path or "/")
        unsubscribe = root + reverse(
            "comments-unsubscribe", kwargs={"token": unsubscribe_token(email=email, language=language)}
        )
        title = comment.article.title if comment.article_id and comment.article else ""
        if kind == STAFF_REPLY:
            subject = _("The newsroom replied to your comment on “%(title)s”") % {"title": title}
            body = _("%(name)s replied to your comment:\n\n%(text)s\n\nRead it here: %(url)s") % {
                "name": comment.user_name,
                "text": comment.comment,
                "url": link,
            }
        else:
            subject = _("Your comment on “%(title)s” is published") % {"title": title}
            body = _("Your comment is now published:\n\n%(text)s\n\nSee it here: %(url)s") % {
                "text": comment.comment,
                "url": link,
            }
        body += "\n\n-- \n" + _("To receive no more e-mails about your comments: %(url)s") % {"url": unsubscribe}
    send_mail(subject, body, None, [email])
    return True


def held_queue_changed() -> None:
    """After a comment enters or leaves the held queue: alert the moderators when it crosses the
    threshold upward, once, and re-arm the alert when it has gone back down. The "sent" mark is in the
    cache, shared by the web processes and the worker."""
    threshold = settings.COMMENTS["HELD_ALERT_THRESHOLD"]
    if not threshold:
        return

    def check():
        count = ReaderComment.objects.filter(status=Status.HELD).count()
        if count <= threshold:
            cache.delete(HELD_ALERT_KEY)
            return
        if not (settings.COMMENTS["NOTIFY_MODERATORS"] and settings.COMMENTS["MODERATOR_EMAILS"]):
            return
        if not cache.add(HELD_ALERT_KEY, count, timeout=None):  # already sent for this rise
            return
        try:
            alert_moderators_held.enqueue(count)
        except Exception:
            cache.delete(HELD_ALERT_KEY)
            logger.exception("Could not enqueue the held-queue alert")

    transaction.on_commit(check)


def send_held_alert(*, count: int) -> None:
    with translation.override(settings.LANGUAGE_CODE):
        subject = ngettext("%(count)s comment awaits moderation", "%(count)s comments await moderation", count) % {
            "count": count
        }
        body = _("Comments held for moderation: %(count)s (alert above %(threshold)s). Moderate them: %(url)s") % {
            "count": count,
            "threshold": settings.COMMENTS["HELD_ALERT_THRESHOLD"],
            "url": settings.WAGTAILADMIN_BASE_URL.rstrip("/") + "/admin/",
        }
    send_mail(subject, body, None, settings.COMMENTS["MODERATOR_EMAILS"])


# --- The tasks (here rather than in tasks.py, which imports services: services call the functions above) --


@task()
def notify_commenter(comment_pk: int, kind: str) -> bool:
    """E-mail a commenter. A mail server that fails is logged: the comment is already stored and published."""
    try:
        return send_commenter_email(comment_pk=comment_pk, kind=kind)
    except Exception:
        logger.exception("Could not e-mail the commenter about comment %s", comment_pk)
        return False


@task()
def alert_moderators_held(count: int) -> bool:
    try:
        send_held_alert(count=count)
    except Exception:
        logger.exception("Could not e-mail the moderators about the held queue")
        return False
    return True

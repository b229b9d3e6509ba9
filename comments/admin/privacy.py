"""Privacy tools, as WordPress has them: a reader's comments found by e-mail, exported, erased or
anonymised; and IP addresses forgotten once they are older than COMMENTS["IP_RETENTION_DAYS"].

An IP address is kept for a while because it helps against spam waves and is what Akismet was sent;
past the retention period it is personal data with no use left, so the scheduler's daily job drops it
from the comment and from the stored Akismet payload.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django_tasks import task

from .. import services
from ..models import CommentEvent, EventKind, ReaderComment
from .selectors import comments_by_email, forget_status_counts

# What identifies a person in the payload Akismet was sent.
PERSONAL_PAYLOAD_FIELDS = (
    "user_ip",
    "user_agent",
    "referrer",
    "comment_author",
    "comment_author_email",
    "comment_author_url",
)
DEFAULT_IP_RETENTION_DAYS = 90


def export_comments(*, email: str) -> list[dict[str, Any]]:
    """Everything stored about this address's comments, as plain JSON-ready data."""
    return [
        {
            "id": comment.pk,
            "article": comment.article.title if comment.article else None,
            "article_url": comment.article.full_url if comment.article else None,
            "status": comment.status,
            "submitted_at": comment.submitted_at.isoformat(),
            "name": comment.user_name,
            "email": comment.user_email,
            "website": comment.user_url,
            "ip_address": comment.ip_address,
            "text": comment.comment,
            "akismet_payload": comment.akismet_payload,
        }
        for comment in comments_by_email(email)
    ]


@transaction.atomic
def anonymise_comments(*, email: str, actor) -> int:
    """Keep the words, forget the person: name, e-mail, website, IP and the personal payload fields."""
    count = 0
    for comment in comments_by_email(email):
        comment.user_name = _("Anonymous")
        comment.user_email = ""
        comment.user_url = ""
        comment.ip_address = None
        comment.user = None
        comment.akismet_payload = _without_personal_fields(comment.akismet_payload)
        comment.save()
        CommentEvent.objects.create(
            comment=comment, kind=EventKind.EDITED, actor=actor, note=gettext_noop("anonymised")
        )
        services.purge_article_cache(article=comment.article)
        count += 1
    return count


@transaction.atomic
def erase_comments(*, email: str) -> int:
    """Delete the comments and their history. Replies by others stay; the public thread hides a reply
    whose parent is gone."""
    count = 0
    for comment in comments_by_email(email):
        article = comment.article
        comment.delete()
        services.purge_article_cache(article=article)
        count += 1
    forget_status_counts()
    return count


def _without_personal_fields(payload: dict) -> dict:
    return {key: value for key, value in (payload or {}).items() if key not in PERSONAL_PAYLOAD_FIELDS}


def anonymise_old_ips(*, now: datetime.datetime | None = None) -> int:
    """Drop the IP address of every comment older than the retention period. Returns how many."""
    days = settings.COMMENTS.get("IP_RETENTION_DAYS", DEFAULT_IP_RETENTION_DAYS)
    cutoff = (now or timezone.now()) - datetime.timedelta(days=days)
    old = ReaderComment.objects.filter(submitted_at__lt=cutoff)
    with_ip = old.filter(ip_address__isnull=False)
    count = with_ip.update(ip_address=None)
    stale = []
    for comment in (
        old.filter(akismet_payload__has_key="user_ip").select_related(None).only("pk", "akismet_payload").iterator()
    ):
        comment.akismet_payload = {k: v for k, v in comment.akismet_payload.items() if k != "user_ip"}
        stale.append(comment)
    ReaderComment.objects.bulk_update(stale, ["akismet_payload"], batch_size=500)
    return max(count, len(stale))


@task()
def anonymise_old_ips_task() -> int:
    """Daily, from `manage.py run_scheduler`."""
    return anonymise_old_ips()

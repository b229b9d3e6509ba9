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
from django_tasks import task

from .. import services
from .selectors import comments_by_email


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
        services.comment_anonymise(comment=comment, actor=actor, name=_("Anonymous"))
        count += 1
    return count


@transaction.atomic
def erase_comments(*, email: str) -> int:
    """Delete the comments and their history. Replies by others stay; the public thread hides a reply
    whose parent is gone."""
    count = 0
    for comment in comments_by_email(email):
        services.comment_delete(comment=comment)  # retires a published one from its article's cached pages
        count += 1
    return count


def anonymise_old_ips(*, now: datetime.datetime | None = None) -> int:
    """Drop the IP address of every comment older than the retention period. Returns how many."""
    cutoff = (now or timezone.now()) - datetime.timedelta(days=settings.COMMENTS["IP_RETENTION_DAYS"])
    return services.comments_forget_old_ips(submitted_before=cutoff)


@task()
def anonymise_old_ips_task() -> int:
    """Daily, from `manage.py run_scheduler`."""
    return anonymise_old_ips()

"""Background work on comments (django-tasks). `manage.py run_scheduler` enqueues these periodically;
`manage.py recheck_comments` runs the same code for a cron line.

- `recheck_unchecked_comments`: unchecked comments (Akismet was down, slow, rate-limited, misconfigured) are
  checked again in batches, `recheck_reason=retry`, stopping at the first failure.
- `purge_old_spam`: spam older than COMMENTS["SPAM_RETENTION_DAYS"] (15) is deleted.
- `purge_discarded`: Akismet's blatant spam is kept COMMENTS["DISCARD_RETENTION_HOURS"] (48) for a
  mistake to be undone, then deleted.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.utils import timezone
from django_tasks import default_task_backend, task

from . import services
from .models import Status

logger = logging.getLogger(__name__)


@task()
def recheck_unchecked_comments() -> dict:
    report = services.recheck_unchecked()
    if report.failed:
        logger.warning("Comment recheck stopped at the first failure: %s", report.error)
    return {"checked": report.checked, "gave_up": report.gave_up, "failed": report.failed}


@task()
def purge_old_spam() -> int:
    days = settings.COMMENTS["SPAM_RETENTION_DAYS"]
    return services.comments_purge(status=Status.SPAM, changed_before=timezone.now() - timedelta(days=days))


@task()
def purge_discarded() -> int:
    hours = settings.COMMENTS["DISCARD_RETENTION_HOURS"]
    return services.comments_purge(status=Status.DISCARDED, changed_before=timezone.now() - timedelta(hours=hours))


def schedule_recheck(*, at: datetime | None) -> None:
    """Enqueue a recheck for `at` when the task backend can defer (the database queue in development and
    production). A backend that cannot (the tests' immediate one) would recheck at once, inside the very
    request Akismet just failed; the periodic job picks the comment up instead."""
    if at is None or not default_task_backend.supports_defer:
        return
    try:
        recheck_unchecked_comments.using(run_after=at).enqueue()
    except Exception:  # the comment is stored and the periodic job will find it
        logger.exception("Could not enqueue a comment recheck")

"""The figures an operator watches: the comment queues, Akismet's health and the task queue's backlog.

Read by `manage.py newsroom_status` (for people and for monitoring systems). A fixed number of queries,
whatever the size of the tables: aggregates over indexed columns, never a row per comment.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Count, Min, Q
from django.utils import timezone
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult, get_date_max

from comments.models import AkismetHealth, ReaderComment, Status

# Past these, something that should run on its own has stopped: the figure comes with a warning.
UNCHECKED_OVERDUE = timedelta(hours=1)  # the recheck job (scheduler + task worker) is not running
TASK_BACKLOG_OVERDUE = timedelta(minutes=10)  # the task worker is down or cannot keep up
TASK_RUNNING_TOO_LONG = timedelta(minutes=30)  # a worker died holding the task (SIGKILL, OOM)
FAILED_TASKS_WINDOW = timedelta(hours=24)


@dataclass
class CommentFigures:
    by_status: dict[str, int]
    unchecked_due: int  # due for a recheck now
    unchecked_overdue: int  # due for longer than UNCHECKED_OVERDUE
    unchecked_given_up: int  # no recheck planned: waits for a person
    oldest_unchecked_at: datetime | None


@dataclass
class AkismetFigures:
    configured: bool
    last_success_at: datetime | None
    last_error_at: datetime | None
    last_error: str
    failing: bool


@dataclass
class TaskFigures:
    due: int  # ready and due: the backlog
    scheduled: int  # ready, to run later
    running: int
    running_too_long: int
    failed_recently: int
    oldest_due_since: datetime | None


@dataclass
class NewsroomStatus:
    at: datetime
    comments: CommentFigures
    akismet: AkismetFigures
    tasks: TaskFigures
    warnings: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return asdict(self)


def comment_figures(*, now: datetime) -> CommentFigures:
    by_status = {status.value: 0 for status in Status}
    for row in ReaderComment.objects.order_by().values("status").annotate(n=Count("pk")):
        by_status[row["status"]] = row["n"]
    unchecked = ReaderComment.objects.filter(status=Status.UNCHECKED).aggregate(
        due=Count("pk", filter=Q(next_recheck_at__lte=now)),
        overdue=Count("pk", filter=Q(next_recheck_at__lte=now - UNCHECKED_OVERDUE)),
        given_up=Count("pk", filter=Q(next_recheck_at__isnull=True)),
        oldest=Min("submitted_at"),
    )
    return CommentFigures(
        by_status=by_status,
        unchecked_due=unchecked["due"],
        unchecked_overdue=unchecked["overdue"],
        unchecked_given_up=unchecked["given_up"],
        oldest_unchecked_at=unchecked["oldest"],
    )


def akismet_figures() -> AkismetFigures:
    health = AkismetHealth.objects.filter(pk=1).first() or AkismetHealth()
    return AkismetFigures(
        configured=bool(settings.AKISMET_API_KEY and settings.AKISMET_BLOG_URL),
        last_success_at=health.last_success_at,
        last_error_at=health.last_error_at,
        last_error=health.last_error,
        failing=health.is_failing,
    )


def task_figures(*, now: datetime) -> TaskFigures:
    ready = Q(status=TaskResultStatus.READY)
    # A task enqueued without a time has run_after at "the end of time" (django-tasks-db's convention).
    due = ready & (Q(run_after__lte=now) | Q(run_after=get_date_max()))
    running = Q(status=TaskResultStatus.RUNNING)
    figures = DBTaskResult.objects.order_by().aggregate(
        due=Count("pk", filter=due),
        scheduled=Count("pk", filter=ready & ~due),
        running=Count("pk", filter=running),
        running_too_long=Count("pk", filter=running & Q(started_at__lte=now - TASK_RUNNING_TOO_LONG)),
        failed=Count("pk", filter=Q(status=TaskResultStatus.FAILED, finished_at__gte=now - FAILED_TASKS_WINDOW)),
        oldest_undeferred=Min("enqueued_at", filter=ready & Q(run_after=get_date_max())),
        oldest_deferred=Min("run_after", filter=ready & Q(run_after__lte=now)),
    )
    # How long the backlog has waited: since it was enqueued, or since its deferred time came.
    oldest_due = min(filter(None, [figures["oldest_undeferred"], figures["oldest_deferred"]]), default=None)
    return TaskFigures(
        due=figures["due"],
        scheduled=figures["scheduled"],
        running=figures["running"],
        running_too_long=figures["running_too_long"],
        failed_recently=figures["failed"],
        oldest_due_since=oldest_due,
    )


def newsroom_status(*, now: datetime | None = None) -> NewsroomStatus:
    now = now or timezone.now()
    status = NewsroomStatus(
        at=now, comments=comment_figures(now=now), akismet=akismet_figures(), tasks=task_figures(now=now)
    )
    status.warnings = _warnings(status, now=now)
    return status


def _warnings(status: NewsroomStatus, *, now: datetime) -> list[str]:
    warnings = []
    comments, akismet, tasks = status.comments, status.akismet, status.tasks
    if not akismet.configured:
        warnings.append("Akismet is not configured: every comment is held as unchecked.")
    elif akismet.failing:
        warnings.append(f"Akismet is failing since {akismet.last_error_at:%Y-%m-%d %H:%M} UTC: {akismet.last_error}")
    if comments.unchecked_overdue:
        warnings.append(
            f"{comments.unchecked_overdue} unchecked comment(s) due for a recheck for over an hour: "
            "is the scheduler or the task worker stopped, or Akismet still down?"
        )
    if tasks.oldest_due_since and now - tasks.oldest_due_since > TASK_BACKLOG_OVERDUE:
        warnings.append(f"{tasks.due} task(s) waiting, the oldest for over 10 minutes: is the task worker running?")
    if tasks.running_too_long:
        warnings.append(
            f"{tasks.running_too_long} task(s) marked running for over 30 minutes: a worker probably died holding them."
        )
    if tasks.failed_recently:
        warnings.append(f"{tasks.failed_recently} task(s) failed in the last 24 hours (see the tasks' results).")
    return warnings

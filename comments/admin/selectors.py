"""Read paths of the moderators' workspace (Wagtail admin), built on comments/selectors.py.

Counts that are shown everywhere (the menu badge, the queue tabs, the dashboard) come from one
GROUP BY, cached until a comment changes, so a busy queue does not count the table on every click. A listing page's
extra figures (approved comments per commenter) are fetched for the whole page in one query.
"""

from __future__ import annotations

import datetime

from django.core.cache import cache
from django.db.models import Count, Max, Min, QuerySet
from django.db.models.functions import Lower, TruncDate
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.models import ModelLogEntry

from articles.models import ArticlePage

from .. import selectors
from ..models import (
    Commenter,
    CommentEvent,
    CommentReport,
    CommentWordLists,
    EventKind,
    ReaderComment,
    ReportReason,
    Status,
)

# The queues a moderator switches between. "pending" is held + unchecked; status DESC puts
# "unchecked" (Akismet never answered) before "held" in it: those are the ones nobody has judged yet.
QUEUES: dict[str, tuple[str, ...]] = {
    "pending": (Status.UNCHECKED, Status.HELD),
    "published": (Status.PUBLISHED,),
    "spam": (Status.SPAM,),
    "discarded": (Status.DISCARDED,),
    "trash": (Status.TRASH,),
    # Comments with readers' reports no moderator has looked at yet (see filters.filter_queue).
    "reported": (Status.PUBLISHED, Status.HELD),
}
REPORTED_QUEUE = "reported"
QUEUE_LABELS = {
    "pending": _("Pending"),
    "published": _("Approved"),
    "spam": _("Spam"),
    "discarded": _("Discarded"),
    "trash": _("Trash"),
    "reported": _("Reported"),
}
COUNTS_CACHE_KEY = "comments:admin:status-counts"
# A safety net only: every change bumps the counts' generation (selectors.COUNTS_GENERATION_KEY).
COUNTS_CACHE_SECONDS = 300


# --- Counts --------------------------------------------------------------------------------------


def approved_counts_by_email(emails: list[str]) -> dict[str, int]:
    """How many published comments each address has (in any letter case, as the "known commenter"
    policy counts them), for a whole page of rows in one query. Keyed by the lower-cased address:
    look rows up with `approved_count`."""
    wanted = sorted({email.strip().lower() for email in emails if email})
    if not wanted:
        return {}
    rows = (
        # is_public (= published): with both conditions on django_comments the e-mail index leads.
        ReaderComment.objects.filter(is_public=True)
        .annotate(email_key=Lower("user_email"))
        .filter(email_key__in=wanted)
        .order_by()
        .values_list("email_key")
        .annotate(n=Count("pk"))
    )
    return dict(rows)


def approved_count(counts: dict[str, int], email: str) -> int:
    return counts.get((email or "").strip().lower(), 0)


def status_counts_cached() -> dict[str, int]:
    """Comments per status, and the reported ones under "reported" (the menu badge is on every admin
    page). Counted once per generation: a comment posted, judged, moderated, reported or deleted starts
    a new one (services.comment_counts_changed), so the counts are exact right after a change and cost
    one cache read between changes."""
    key = f"{COUNTS_CACHE_KEY}:{selectors.counts_generation()}"
    counts = cache.get(key)
    if counts is None:
        counts = selectors.status_counts()
        counts[REPORTED_QUEUE] = reported_count()
        cache.set(key, counts, COUNTS_CACHE_SECONDS)
    return counts


def reported_count(*, article: ArticlePage | None = None) -> int:
    qs = ReaderComment.objects.filter(open_reports__gt=0, status__in=QUEUES[REPORTED_QUEUE])
    if article is not None:
        qs = qs.filter(article=article)
    return qs.count()


def open_report_reasons(comment_ids: list[int]) -> dict[int, list[tuple[str, int]]]:
    """For a page of rows: each reported comment's open reports as (reason label, count), one query."""
    if not comment_ids:
        return {}
    rows = (
        CommentReport.objects.filter(comment_id__in=comment_ids, cleared_at__isnull=True)
        .order_by()
        .values_list("comment_id", "reason")
        .annotate(n=Count("pk"))
    )
    labels = dict(ReportReason.choices)
    found: dict[int, list[tuple[str, int]]] = {}
    for comment_id, reason, n in sorted(rows):
        found.setdefault(comment_id, []).append((str(labels.get(reason, reason)), n))
    return found


def queue_counts(counts: dict[str, int]) -> dict[str, int]:
    return {
        queue: counts.get(REPORTED_QUEUE, 0)
        if queue == REPORTED_QUEUE
        else sum(counts.get(status, 0) for status in statuses)
        for queue, statuses in QUEUES.items()
    }


def pending_count() -> int:
    return queue_counts(status_counts_cached())["pending"]


def article_counts(*, article: ArticlePage) -> dict[str, int]:
    """An article's comments per queue, for the panel on its edit page (one query)."""
    raw = dict(ReaderComment.objects.filter(article=article).order_by().values_list("status").annotate(n=Count("pk")))
    raw[REPORTED_QUEUE] = reported_count(article=article)
    return queue_counts(raw)


def spam_per_day(*, days: int = 7) -> list[tuple[datetime.date, int]]:
    """Comments that ended in spam or discard, per day of submission, oldest day first (zeros included)."""
    today = timezone.localdate()
    first = today - datetime.timedelta(days=days - 1)
    start = datetime.datetime.combine(first, datetime.time.min, tzinfo=timezone.get_current_timezone())
    counted = dict(
        ReaderComment.objects.filter(status__in=(Status.SPAM, Status.DISCARDED), submitted_at__gte=start)
        .annotate(day=TruncDate("submitted_at", tzinfo=timezone.get_current_timezone()))
        .order_by()
        .values_list("day")
        .annotate(n=Count("pk"))
    )
    return [
        (first + datetime.timedelta(days=i), counted.get(first + datetime.timedelta(days=i), 0)) for i in range(days)
    ]


def last_akismet_check() -> datetime.datetime | None:
    """When a comment was last checked by Akismet (from the history, the truth the worker writes)."""
    event = (
        CommentEvent.objects.filter(kind__in=(EventKind.CHECKED, EventKind.RECHECKED))
        .exclude(verdict="error")
        .order_by("-created_at")
        .only("created_at")
        .first()
    )
    return event.created_at if event else None


# --- Privacy -------------------------------------------------------------------------------------


def comments_by_email(email: str) -> QuerySet[ReaderComment]:
    """Every comment left with this address (any case), in any status, oldest first."""
    return (
        selectors.filter_by_email(ReaderComment.objects.all(), email)
        .select_related("article")
        .order_by("submitted_at", "pk")
    )


# --- Commenters ----------------------------------------------------------------------------------


def commenter_ids_by_email(emails: list[str]) -> dict[str, int]:
    """The commenter page of each address on a page of comment rows, in one query (lower-cased keys)."""
    wanted = sorted({Commenter.normalise(email) for email in emails if email})
    if not wanted:
        return {}
    return dict(Commenter.objects.filter(email__in=wanted).values_list("email", "pk"))


def commenter_profile(*, commenter: Commenter, limit: int = 200) -> dict:
    """What a moderator wants to know before trusting or banning someone: their comments by status with
    counts, approval rate, reports received, first and last seen, the IPs seen, and the trust history.
    A handful of queries, each through the LOWER(user_email) index."""
    comments = selectors.filter_by_email(ReaderComment.objects.all(), commenter.email)
    counts = dict(comments.order_by().values_list("status").annotate(n=Count("pk")).values_list("status", "n"))
    seen = comments.order_by().aggregate(first=Min("submitted_at"), last=Max("submitted_at"))
    published = counts.get(Status.PUBLISHED, 0)
    decided = published + sum(counts.get(status, 0) for status in (Status.SPAM, Status.DISCARDED, Status.TRASH))
    ips = list(
        comments.exclude(ip_address__isnull=True)
        .order_by()
        .values("ip_address")
        .annotate(n=Count("pk"), last=Max("submitted_at"))
        .order_by("-last")[:50]
    )
    return {
        "counts": [
            {"status": status, "label": label, "count": counts.get(status, 0)} for status, label in Status.choices
        ],
        "total": sum(counts.values()),
        "approval_rate": round(100 * published / decided) if decided else None,
        "reports": CommentReport.objects.filter(comment__in=comments.values("pk")).count(),
        "first_seen": seen["first"],
        "last_seen": seen["last"],
        "ips": ips,
        "comments": list(comments.select_related("article").order_by("-submitted_at", "-pk")[:limit]),
        "events": list(commenter.events.select_related("actor").order_by("-created_at", "-pk")),
    }


# --- Word lists ----------------------------------------------------------------------------------


def word_lists_history(*, setting: CommentWordLists, limit: int = 10) -> list[ModelLogEntry]:
    """The last changes to the word lists from Wagtail's log (the admin's and `comment_words`'), newest
    first, with who made them (empty: the command line)."""
    return list(
        ModelLogEntry.objects.for_instance(setting).select_related("user").order_by("-timestamp", "-pk")[:limit]
    )

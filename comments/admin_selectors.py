"""Read paths of the moderators' workspace (Wagtail admin), built on comments/selectors.py.

The queue pages with a keyset (status, submitted_at, pk) instead of OFFSET and a full COUNT(*):
the next page costs the same at comment 100,000 as at comment 50, and the (status, submitted_at)
index on ReaderComment serves it. Counts that are shown everywhere (the menu badge, the tabs) come
from one GROUP BY, cached briefly, so a busy queue does not count the table on every click.
"""

from __future__ import annotations

import base64
import datetime
import json
from dataclasses import dataclass, field

from django.core.cache import cache
from django.db.models import Count, Prefetch, Q, QuerySet
from django.db.models.functions import Lower, TruncDate
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from articles.models import ArticlePage, SectionPage

from . import selectors
from .models import CommentEvent, EventKind, ReaderComment, Status

# The queues a moderator switches between. "pending" is held + unchecked; status DESC puts
# "unchecked" (Akismet never answered) before "held" in it: a comment Akismet never judged needs a person first.
QUEUES: dict[str, tuple[str, ...]] = {
    "pending": (Status.UNCHECKED, Status.HELD),
    "published": (Status.PUBLISHED,),
    "spam": (Status.SPAM,),
    "discarded": (Status.DISCARDED,),
    "trash": (Status.TRASH,),
}
COUNTS_CACHE_KEY = "comments:admin:status-counts"
COUNTS_CACHE_SECONDS = 30


@dataclass(frozen=True)
class QueueFilters:
    """What the moderator asked for; every field optional except the queue."""

    queue: str = "pending"
    section: SectionPage | None = None
    article: ArticlePage | None = None
    date_from: datetime.date | None = None
    date_to: datetime.date | None = None
    verdict: str | None = None
    search: str = ""
    oldest_first: bool = False


@dataclass
class QueuePage:
    rows: list[ReaderComment]
    next_cursor: str | None = None
    previous_cursor: str | None = None
    approved_by_email: dict[str, int] = field(default_factory=dict)


def matching_comments(filters: QueueFilters) -> QuerySet[ReaderComment]:
    """Every comment the filters match, unordered: the bulk action "everything matching" uses it too."""
    qs = selectors.moderation_queue(
        status=list(QUEUES[filters.queue]),
        article_id=filters.article.pk if filters.article else None,
        section=filters.section,
        search=filters.search.strip(),
    )
    tz = timezone.get_current_timezone()
    if filters.date_from:
        start = datetime.datetime.combine(filters.date_from, datetime.time.min, tzinfo=tz)
        qs = qs.filter(submitted_at__gte=start)
    if filters.date_to:
        end = datetime.datetime.combine(filters.date_to + datetime.timedelta(days=1), datetime.time.min, tzinfo=tz)
        qs = qs.filter(submitted_at__lt=end)
    if filters.verdict is not None:
        qs = qs.filter(akismet_verdict=filters.verdict)
    return qs


# --- Keyset pagination ---------------------------------------------------------------------------


def encode_cursor(comment: ReaderComment) -> str:
    raw = json.dumps([comment.status, comment.submitted_at.isoformat(), comment.pk])
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode_cursor(token: str) -> tuple[str, datetime.datetime, int] | None:
    """The (status, submitted_at, pk) in a cursor, or None for anything malformed (a hand-edited URL)."""
    try:
        status, when, pk = json.loads(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))
        moment = parse_datetime(when)
        if status not in Status.values or moment is None:
            return None
        return status, moment, int(pk)
    except (ValueError, TypeError):
        return None


def _after(cursor: tuple[str, datetime.datetime, int], *, date_desc: bool) -> Q:
    """Rows strictly after `cursor` in the order (status DESC, submitted_at ±, pk ±)."""
    status, moment, pk = cursor
    op = "lt" if date_desc else "gt"
    return (
        Q(status__lt=status)
        | Q(status=status, **{f"submitted_at__{op}": moment})
        | Q(status=status, submitted_at=moment, **{f"pk__{op}": pk})
    )


def _ordering(*, date_desc: bool) -> list[str]:
    sign = "-" if date_desc else ""
    return ["-status", f"{sign}submitted_at", f"{sign}pk"]


def queue_page(filters: QueueFilters, *, after: str = "", before: str = "", per_page: int = 50) -> QueuePage:
    """One page of the queue, with everything a row shows, in a fixed number of queries.

    `after` / `before` are cursors from a previous page (next / previous link)."""
    date_desc = not filters.oldest_first
    qs = matching_comments(filters).prefetch_related(
        Prefetch("events", queryset=CommentEvent.objects.select_related("actor").order_by("created_at", "pk"))
    )
    after_key, before_key = decode_cursor(after) if after else None, decode_cursor(before) if before else None
    if before_key:
        # Walk backwards: reverse the order, take the rows just before the cursor, then turn them round.
        qs = qs.filter(~_after(before_key, date_desc=date_desc) & ~_is(before_key))
        rows = list(qs.order_by(*_ordering(date_desc=not date_desc))[: per_page + 1])
        has_previous = len(rows) > per_page
        rows = rows[:per_page][::-1]
        has_next = True
    else:
        if after_key:
            qs = qs.filter(_after(after_key, date_desc=date_desc))
        rows = list(qs.order_by(*_ordering(date_desc=date_desc))[: per_page + 1])
        has_next = len(rows) > per_page
        rows = rows[:per_page]
        has_previous = after_key is not None
    return QueuePage(
        rows=rows,
        next_cursor=encode_cursor(rows[-1]) if rows and has_next else None,
        previous_cursor=encode_cursor(rows[0]) if rows and has_previous else None,
        approved_by_email=approved_counts_by_email([row.user_email for row in rows]),
    )


def _is(cursor: tuple[str, datetime.datetime, int]) -> Q:
    return Q(pk=cursor[2])


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
    """Comments per status, at most COUNTS_CACHE_SECONDS old (the menu badge is on every admin page)."""
    counts = cache.get(COUNTS_CACHE_KEY)
    if counts is None:
        counts = selectors.status_counts()
        cache.set(COUNTS_CACHE_KEY, counts, COUNTS_CACHE_SECONDS)
    return counts


def forget_status_counts() -> None:
    """After a moderator acts, the tabs and the badge should show it at once."""
    cache.delete(COUNTS_CACHE_KEY)


def queue_counts(counts: dict[str, int]) -> dict[str, int]:
    return {queue: sum(counts.get(status, 0) for status in statuses) for queue, statuses in QUEUES.items()}


def pending_count() -> int:
    return queue_counts(status_counts_cached())["pending"]


def article_counts(*, article: ArticlePage) -> dict[str, int]:
    """An article's comments per queue, for the panel on its edit page (one query)."""
    raw = dict(ReaderComment.objects.filter(article=article).order_by().values_list("status").annotate(n=Count("pk")))
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

"""Read paths for comments: a page of the public thread (two queries) and the moderators' queues.

Every function takes keyword-only arguments and returns plain data or a QuerySet the caller can
paginate. The moderators' workspace (Wagtail admin) builds on `moderation_queue`, `status_counts`,
`comment_history` and `akismet_health`.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Value
from django.db.models.functions import Lower
from django.utils import timezone

from articles.models import ArticlePage
from articles.selectors import section_articles

from .models import AkismetHealth, Commenter, CommentEvent, CommentWordLists, ReaderComment, Status, Trust

# What the public thread needs from each row (no e-mail, no IP: they never reach a public template).
PUBLIC_FIELDS = (
    "id",
    "user_name",
    "user_url",
    "comment",
    "submit_date",
    "thread_id",
    "parent_id",
    "level",
    "order",
    "is_staff_reply",
    "status",
    "featured_at",
    "text_html",
    "text_html_version",
)


@dataclass
class CommentNode:
    comment: ReaderComment
    children: list[CommentNode] = field(default_factory=list)


@dataclass
class Thread:
    nodes: list[CommentNode]
    count: int
    # The featured comments (any level) shown on this page, earliest featured first.
    featured: list[ReaderComment] = field(default_factory=list)
    # Which page of the comments this is (1-based) and how many there are.
    page: int = 1
    pages: int = 1
    # Comments on this page whose stored HTML is missing or out of date (rendered for this view;
    # services.comments_html_store keeps it).
    stale: list[ReaderComment] = field(default_factory=list)
    # The translated labels the page's comments share (set by the template tag that shows the thread).
    labels: dict[str, str] = field(default_factory=dict)

    @property
    def previous_page(self) -> int | None:
        return self.page - 1 if self.page > 1 else None

    @property
    def next_page(self) -> int | None:
        return self.page + 1 if self.page < self.pages else None


def comments_open(*, article: ArticlePage) -> bool:
    """Open unless the editor closed them or COMMENTS["CLOSE_AFTER_DAYS"] have passed since publication."""
    if not getattr(article, "comments_open", False):
        return False
    days = settings.COMMENTS["CLOSE_AFTER_DAYS"]
    published = article.first_published_at
    return not (days and published and timezone.now() - published > timedelta(days=days))


def threads_per_page() -> int:
    return max(1, settings.COMMENTS["THREADS_PER_PAGE"])


@dataclass
class Outline:
    """The shape of an article's published thread without its text: the threads in the order readers
    see them (those with a featured comment first) and how many comments are shown."""

    thread_ids: list[int]
    count: int

    def pages(self) -> int:
        return max(1, -(-len(self.thread_ids) // threads_per_page()))

    def page_of(self, thread_id: int) -> int:
        try:
            return self.thread_ids.index(thread_id) // threads_per_page() + 1
        except ValueError:
            return 1

    def threads_on(self, page: int) -> list[int]:
        size = threads_per_page()
        return self.thread_ids[(page - 1) * size : page * size]


def _tree(rows):
    """(roots, shown) from rows ordered by thread and position: a published reply whose parent is not
    published (held, trashed, spam) is left out with its replies, so a thread never shows an answer
    to something readers cannot see."""
    shown: dict[int, CommentNode] = {}
    roots: list[CommentNode] = []
    for comment in rows:
        node = CommentNode(comment)
        if comment.parent_id == comment.pk or comment.level == 0:
            roots.append(node)
        elif comment.parent_id in shown:
            shown[comment.parent_id].children.append(node)
        else:
            continue  # parent not shown
        shown[comment.pk] = node
    return roots, shown


@dataclass
class OutlineRow:
    pk: int
    thread_id: int
    parent_id: int
    level: int
    featured_at: datetime | None


def thread_outline(*, article: ArticlePage | int) -> Outline:
    """One light query (ids and thread columns, no text) over the article's published comments."""
    rows = [
        OutlineRow(*values)
        for values in ReaderComment.objects.filter(article=article, status=Status.PUBLISHED)
        .order_by("thread_id", "order")
        .values_list("id", "thread_id", "parent_id", "level", "featured_at")
    ]
    roots, shown = _tree(rows)
    featured = sorted((node.comment for node in shown.values() if node.comment.featured_at), key=featured_order)
    # Threads with a featured comment first (in the order they were featured), the rest as they were.
    rank: dict[int, int] = {}
    for position, comment in enumerate(featured):
        rank.setdefault(comment.thread_id, position)
    thread_ids = [node.comment.pk for node in roots]
    thread_ids.sort(key=lambda thread_id: rank.get(thread_id, len(featured)))
    return Outline(thread_ids=thread_ids, count=len(shown))


def published_thread(*, article: ArticlePage, page: int = 1) -> Thread:
    """One page of an article's published comments as a tree: `THREADS_PER_PAGE` top-level comments with
    all their replies, threads with a featured comment first, then the oldest thread first.

    Two queries whatever the size of the thread (the outline, then the page's comments; only the first
    when there are none), and a page's size is bounded however long the thread grows. A page number
    past the end shows the last page."""
    outline = thread_outline(article=article)
    pages = outline.pages()
    page = min(max(1, page), pages)
    thread_ids = outline.threads_on(page)
    if not thread_ids:
        return Thread(nodes=[], count=outline.count, page=page, pages=pages)
    rows = (
        ReaderComment.objects.filter(article=article, status=Status.PUBLISHED, thread_id__in=thread_ids)
        .select_related(None)
        .only(*PUBLIC_FIELDS)
        .order_by("thread_id", "order")
    )
    roots, shown = _tree(rows)
    position = {thread_id: index for index, thread_id in enumerate(thread_ids)}
    roots.sort(key=lambda node: position.get(node.comment.pk, len(position)))
    comments = [node.comment for node in shown.values()]
    return Thread(
        nodes=roots,
        count=outline.count,
        featured=sorted((comment for comment in comments if comment.featured_at), key=featured_order),
        page=page,
        pages=pages,
        stale=[comment for comment in comments if comment.needs_render],
    )


# The query-string parameter naming a page of an article's comments (`?comments=2`).
PAGE_PARAMETER = "comments"


def comment_url(*, comment: ReaderComment, article_url: str) -> str:
    """Where a comment is read: its article's URL (`article_url`), on the page of comments that shows it,
    at its anchor. One query (the outline) for a published comment."""
    page = comment_page(comment=comment) if comment.status == Status.PUBLISHED else 1
    query = f"?{PAGE_PARAMETER}={page}" if page > 1 else ""
    return f"{article_url}{query}#c{comment.pk}"


def comment_page(*, comment: ReaderComment) -> int:
    """The page of its article's comments a published comment is shown on (for a link to it)."""
    if comment.article_id is None:
        return 1
    return thread_outline(article=comment.article_id).page_of(comment.thread_id)


def featured_comments_for_section(*, section, limit: int = 3) -> list[ReaderComment]:
    """The most recently featured published comments on a section's live, public articles, with their
    article, in one query.

    It walks the partial "comments_featured" index (only featured comments are in it), most recently
    featured first, and keeps those whose article passes an EXISTS on the section's published articles
    (articles.selectors.section_articles: the section's path, and the same live/expired/restriction
    rules as every listing, each a primary-key or unique-index lookup), stopping at `limit`. An
    unpublished article takes its featured comments off the section at once."""
    on_section = Exists(section_articles(section=section).order_by().filter(pk=OuterRef("article_id")))
    return list(
        ReaderComment.objects.filter(on_section, status=Status.PUBLISHED, featured_at__isnull=False)
        .select_related(None)
        .select_related("article")
        .only("id", "user_name", "comment", "featured_at", "article")
        .order_by("-featured_at", "-pk")[:limit]
    )


def featured_order(comment: ReaderComment):
    return (comment.featured_at, comment.pk)


def filter_by_email(qs: QuerySet[ReaderComment], email: str) -> QuerySet[ReaderComment]:
    """Comments left with this address, in any letter case, through the LOWER(user_email) index
    (migration 0051). `user_email__iexact` would not use it: SQLite compiles it to LIKE and
    PostgreSQL to UPPER(...)."""
    return qs.alias(email_key=Lower("user_email")).filter(email_key=Lower(Value(email.strip())))


def with_reason(qs: QuerySet[ReaderComment], reason: str) -> QuerySet[ReaderComment]:
    """Comments held (or sent to spam) for this `Reason` code. `hold_reasons` is a JSON list; matching
    its text for the quoted code works on SQLite and PostgreSQL alike (codes never contain one another
    with quotes around them)."""
    return qs.filter(hold_reasons__icontains=f'"{reason}"')


def has_approved_comment(*, email: str, exclude_pk: int | None = None) -> bool:
    """Has this address a published comment? (WordPress's test for "known commenter", asked for every
    comment posted.)

    `is_public` (derived from the status on every save, see ReaderComment.sync_derived_fields) rather
    than `status`: both conditions are then on django_comments, so the database starts from the
    e-mail index and not from the status index, which would walk every published comment."""
    qs = filter_by_email(ReaderComment.objects.filter(is_public=True), email)
    if exclude_pk:
        qs = qs.exclude(pk=exclude_pk)
    return qs.exists()


def commenter_trust(*, email: str) -> str:
    """The trust a moderator (or the automatic rule) gave this address; "normal" when it has no row."""
    key = Commenter.normalise(email)
    if not key:
        return Trust.NORMAL
    return Commenter.objects.filter(email=key).values_list("trust", flat=True).first() or Trust.NORMAL


def is_known_commenter(*, email: str, exclude_pk: int | None = None) -> bool:
    """Is this commenter spared the first-comment hold? Trusted (by a moderator, or automatically after
    COMMENTS["TRUST_AFTER_APPROVED"] approved comments), or, as WordPress has it, one approved comment."""
    return commenter_trust(email=email) == Trust.TRUSTED or has_approved_comment(email=email, exclude_pk=exclude_pk)


def approved_count(*, email: str) -> int:
    """How many of this address's comments are published (the automatic-trust rule)."""
    return filter_by_email(ReaderComment.objects.filter(is_public=True), email).count()


def moderation_queue(
    *,
    status: str | list[str] | None = None,
    site_id: int | None = None,
    article_id: int | None = None,
    section=None,
    search: str = "",
) -> QuerySet[ReaderComment]:
    """Comments for moderators, newest first, filtered by status(es), Wagtail site, article, or section
    (a SectionPage: its descendant articles), and a search (see `search_comments`)."""
    qs = ReaderComment.objects.select_related("article", "user").order_by("-submitted_at", "-pk")
    if status:
        qs = qs.filter(status__in=[status] if isinstance(status, str) else list(status))
    if site_id:
        qs = qs.filter(wagtail_site_id=site_id)
    if article_id:
        qs = qs.filter(article_id=article_id)
    if section is not None:
        qs = in_section(qs, section)
    if search:
        qs = search_comments(qs, search.strip())
    return qs


def in_section(qs: QuerySet[ReaderComment], section) -> QuerySet[ReaderComment]:
    """Comments on the articles under a SectionPage (through the page tree's path)."""
    return qs.filter(article__path__startswith=section.path, article__depth__gt=section.depth)


def search_comments(qs: QuerySet[ReaderComment], term: str) -> QuerySet[ReaderComment]:
    """A whole IP address or e-mail address finds that commenter's comments through an index (a
    moderator following a spam wave, or the "approved" link on a row); anything else is a free-text
    search over name, e-mail, text and the start of the IP ("203.0.113." for a network)."""
    try:
        return qs.filter(ip_address=str(ipaddress.ip_address(term)))
    except ValueError:
        pass
    try:
        validate_email(term)
    except ValidationError:
        return qs.filter(
            Q(user_name__icontains=term)
            | Q(user_email__icontains=term)
            | Q(comment__icontains=term)
            | Q(ip_address__startswith=term)
        )
    return filter_by_email(qs, term)


# Bumped (services.comment_counts_changed) after every change to a comment's status, its open reports, or
# the set of comments: cached counts are kept under the generation they were counted in, so the next
# read after a change counts again, in every process, while counts between changes stay cached.
COUNTS_GENERATION_KEY = "comments:counts:generation"


def counts_generation() -> int:
    return cache.get(COUNTS_GENERATION_KEY) or 0


# The version of an article's public thread: part of the key under which its rendered comments (list,
# pages, form) are cached. Anything a reader could see change in the thread (a comment published,
# hidden, edited, featured, answered, anonymised or deleted) starts a new one (services.
# purge_article_cache, the same moment the article's cached pages are purged).
THREAD_VERSION_KEY = "comments:thread-version:{article_id}"


def thread_version(*, article_id: int) -> int:
    return cache.get(THREAD_VERSION_KEY.format(article_id=article_id)) or 0


# The version of every section's "featured comments" list: a featured comment featured, unfeatured,
# edited, hidden or deleted starts a new one (services.purge_article_cache with `featured`).
FEATURED_VERSION_KEY = "comments:featured-version"


def featured_version() -> int:
    return cache.get(FEATURED_VERSION_KEY) or 0


def status_counts(*, site_id: int | None = None) -> dict[str, int]:
    """How many comments are in each status (every status present, zero when empty)."""
    qs = ReaderComment.objects.all()
    if site_id:
        qs = qs.filter(wagtail_site_id=site_id)
    counts = dict(qs.order_by().values_list("status").annotate(n=Count("pk")))
    return {value: counts.get(value, 0) for value in Status.values}


def comment_history(*, comment: ReaderComment) -> QuerySet[CommentEvent]:
    return comment.events.select_related("actor").order_by("created_at", "pk")


def akismet_health() -> AkismetHealth:
    return AkismetHealth.current()


def due_for_recheck(*, now: datetime, limit: int) -> list[ReaderComment]:
    """Unchecked comments whose next recheck time has come, oldest due first."""
    return list(
        ReaderComment.objects.filter(status=Status.UNCHECKED, next_recheck_at__lte=now).order_by(
            "next_recheck_at", "pk"
        )[:limit]
    )


# Bumped (services.word_lists_saved) whenever the word lists are saved, from the admin or the command.
WORDS_GENERATION_KEY = "comments:words:generation"
# A safety net for a cache that processes do not share (development's per-process memory).
WORDS_CACHE_SECONDS = 300


def word_lists() -> dict[str, list[str]]:
    """The banned and suspect terms ({kind: terms}) every posted comment is matched against: from the
    cache, kept under the lists' generation, so a save is seen by every process from the next comment
    on; one query when the generation is new."""
    key = f"comments:words:{cache.get(WORDS_GENERATION_KEY) or 0}"
    lists = cache.get(key)
    if lists is None:
        lists = CommentWordLists.load().terms()
        cache.set(key, lists, WORDS_CACHE_SECONDS)
    return lists


def word_lists_setting() -> CommentWordLists:
    return CommentWordLists.load()

"""Everything that changes a comment after it was posted. Views, admin actions, tasks and tests call these.

Each service:
- takes keyword-only arguments: the comment, and `actor` (the person; None when the system acts);
- records a line of history (`CommentEvent`);
- purges the article page from the front-end cache when what readers see may have changed;
- reports to Akismet when a *person* moves a comment into spam (submit-spam) or out of it
  (submit-ham), with the payload stored when the comment was checked, so Akismet learns from the
  comment as it judged it.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.contrib.contenttypes.models import ContentType
from django.contrib.sites.models import Site as DjangoSite
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_noop
from django_comments_xtd.models import max_thread_level_for_content_type
from wagtail.log_actions import log

from articles import pagecache
from articles.models import ArticlePage
from articles.text import strip_bidi_controls

from . import akismet, moderation, notifications, rendering, selectors
from .models import (
    SPAM_STATUSES,
    AkismetHealth,
    Commenter,
    CommenterEvent,
    CommentEvent,
    CommentReport,
    EventKind,
    ReaderComment,
    Reason,
    Status,
    Trust,
    Verdict,
    WordListKind,
)

logger = logging.getLogger(__name__)

# What identifies a person in the payload Akismet was sent (dropped when a reader is anonymised).
PERSONAL_PAYLOAD_FIELDS = (
    "user_ip",
    "user_agent",
    "referrer",
    "comment_author",
    "comment_author_email",
    "comment_author_url",
)


def purge_article_cache(*, article: ArticlePage | None, featured: bool = False) -> None:
    """Retire the article's cached pages (every comment page of it) here and at the CDN once the change
    commits; `featured`: the comment is (or was) featured, so its section's page, which lists featured
    comments, goes too."""
    if article is None:
        return
    thread_changed(article_id=article.pk, featured=featured)
    try:
        pagecache.article_comments_purge(article, section_too=featured)
    except Exception:  # a cache outage must not undo a moderator's decision
        logger.exception("Could not purge the cache for article %s", article.pk)


def thread_changed(*, article_id: int, featured: bool = False) -> None:
    """Retire the article's rendered comments (every page of them, both editions), and with `featured`
    the sections' featured-comment lists, now and again once the change commits: a render between the
    two (still reading the old rows) could otherwise be kept under the new version."""
    _new_thread_version(article_id, featured)
    if transaction.get_connection().in_atomic_block:
        transaction.on_commit(lambda: _new_thread_version(article_id, featured))


def comment_saved_or_deleted(sender, instance, raw=False, **kwargs) -> None:
    """Signal receiver: a saved or deleted comment retires its article's rendered comments."""
    if not raw and instance.article_id:
        thread_changed(article_id=instance.article_id, featured=bool(instance.featured_at))


def _new_thread_version(article_id: int, featured: bool = False) -> None:
    try:
        cache.set(selectors.THREAD_VERSION_KEY.format(article_id=article_id), time.time_ns(), None)
        if featured:
            cache.set(selectors.FEATURED_VERSION_KEY, time.time_ns(), None)
    except Exception:  # a cache outage must not undo a decision; the fragments expire on their own
        logger.exception("Could not retire the rendered comments of article %s", article_id)


def comment_counts_changed() -> None:
    """A comment's status, its open reports or the set of comments changed: start a new generation of
    the queue counts (tabs, menu badge, dashboard), in every process that shares the cache. Now, and
    again once the change commits: a count read between the two (before the commit) could otherwise
    be kept under the new generation with the old figures."""
    _new_counts_generation()
    if transaction.get_connection().in_atomic_block:
        transaction.on_commit(_new_counts_generation)


def _new_counts_generation() -> None:
    try:
        cache.set(selectors.COUNTS_GENERATION_KEY, time.time_ns(), None)
    except Exception:  # a cache outage must not undo a decision; the counts expire on their own
        logger.exception("Could not refresh the comment counts")


def _record(
    comment: ReaderComment, kind: str, *, actor=None, verdict: str = "", note: str = "", reasons=None, **statuses
):
    return CommentEvent.objects.create(
        comment=comment,
        reasons=list(reasons or []),
        kind=kind,
        actor=actor if actor is not None and actor.is_authenticated else None,
        verdict=verdict,
        note=note[:300],
        from_status=statuses.get("from_status", ""),
        to_status=statuses.get("to_status", ""),
    )


def _set_status(comment: ReaderComment, status: Status, *, actor=None, note: str = "") -> bool:
    """Move a comment to `status` with a history line; False if it was already there."""
    previous = comment.status
    if previous == status:
        return False
    was_public = previous == Status.PUBLISHED
    comment.status = status
    comment.status_changed_at = timezone.now()
    if status != Status.UNCHECKED:
        comment.next_recheck_at = None
    comment.save()
    comment_counts_changed()
    _record(comment, EventKind.STATUS_CHANGED, actor=actor, note=note, from_status=previous, to_status=status)
    if actor is not None:
        _clear_reports(comment, actor=actor)
    if was_public or status == Status.PUBLISHED:
        purge_article_cache(article=comment.article, featured=bool(comment.featured_at))
    if status == Status.PUBLISHED:
        commenter_auto_trust(email=comment.user_email)
    _notify(comment, previous=previous)
    return True


def _notify(comment: ReaderComment, *, previous: str) -> None:
    """The e-mails a status change may send, after the commit (see comments/notifications.py)."""
    if comment.status == Status.PUBLISHED and previous != Status.PUBLISHED:
        notifications.comment_published(comment)
    if Status.HELD in (previous, comment.status) and previous != comment.status:
        notifications.held_queue_changed()


def _clear_reports(comment: ReaderComment, *, actor) -> int:
    """A moderator decided about a reported comment (kept or rejected it): its open reports are dealt
    with, and the history says so."""
    if not comment.open_reports:
        return 0
    cleared = CommentReport.objects.filter(comment=comment, cleared_at__isnull=True).update(cleared_at=timezone.now())
    comment.open_reports = 0
    comment.save(update_fields=["open_reports"])
    comment_counts_changed()
    _record(comment, EventKind.REPORTS_CLEARED, actor=actor)
    return cleared


@dataclass
class ReportOutcome:
    accepted: bool
    held: bool = False


def report_comment(
    *, comment: ReaderComment, reason: str, note: str = "", reader_key: str, ip_address: str | None
) -> ReportOutcome:
    """A reader reports a published comment. Refused (accepted=False) when this browser or this IP has
    already reported it; COMMENTS["REPORTS_TO_HOLD"] open reports take it back to the moderators."""
    with transaction.atomic():
        comment = ReaderComment.objects.select_for_update(of=("self",)).select_related(None).get(pk=comment.pk)
        if comment.status != Status.PUBLISHED:
            return ReportOutcome(accepted=False)
        already = CommentReport.objects.filter(comment=comment, reader_key=reader_key)
        if ip_address:
            already = already | CommentReport.objects.filter(comment=comment, ip_address=ip_address)
        if already.exists():
            return ReportOutcome(accepted=False)
        CommentReport.objects.create(
            comment=comment,
            reason=reason,
            note=strip_bidi_controls(note or "").strip()[:300],
            reader_key=reader_key,
            ip_address=ip_address or None,
        )
        comment.open_reports += 1
        comment.save(update_fields=["open_reports"])
        comment_counts_changed()
        _record(comment, EventKind.READER_REPORT, note=reason)
        threshold = settings.COMMENTS["REPORTS_TO_HOLD"]
        held = bool(threshold) and comment.open_reports >= threshold
        if held:
            if Reason.REPORTED not in comment.hold_reasons:
                comment.hold_reasons = [*comment.hold_reasons, Reason.REPORTED]
            _set_status(comment, Status.HELD)
            CommentEvent.objects.filter(pk=comment.events.order_by("-pk").values("pk")[:1]).update(
                reasons=comment.hold_reasons
            )
    return ReportOutcome(accepted=True, held=held)


@transaction.atomic
def keep_reported(*, comment: ReaderComment, actor: AbstractBaseUser) -> ReaderComment:
    """A moderator looked at a reported comment and keeps it: published (again), reports dealt with."""
    if comment.status != Status.PUBLISHED:
        _set_status(comment, Status.PUBLISHED, actor=actor)
    _clear_reports(comment, actor=actor)
    return comment


def _report(comment: ReaderComment, *, spam: bool, actor) -> str:
    """submit-spam / submit-ham with the stored payload; history says whether Akismet heard it.

    Called after the status change has committed: the moderator's decision never waits on (or rolls back
    with) a slow Akismet, and no database write lock is held during the HTTP call."""
    if not comment.akismet_payload:
        return ""
    error = akismet_report(payload=comment.akismet_payload, spam=spam)
    _record(
        comment,
        EventKind.REPORTED_SPAM if spam else EventKind.REPORTED_HAM,
        actor=actor,
        verdict=Verdict.ERROR if error else "",
        note=error or "",
    )
    return error


def approve(*, comment: ReaderComment, actor: AbstractBaseUser | None) -> ReaderComment:
    """Publish. From spam or discarded this is also a "not spam" report to Akismet."""
    from_spam = comment.status in SPAM_STATUSES
    with transaction.atomic():
        _set_status(comment, Status.PUBLISHED, actor=actor)
    if from_spam:
        _report(comment, spam=False, actor=actor)
    return comment


@transaction.atomic
def unapprove(*, comment: ReaderComment, actor: AbstractBaseUser | None) -> ReaderComment:
    """Take a published comment back to the moderation queue."""
    _set_status(comment, Status.HELD, actor=actor)
    return comment


def mark_spam(*, comment: ReaderComment, actor: AbstractBaseUser | None) -> ReaderComment:
    """Into the spam folder; a person's decision is reported to Akismet (submit-spam)."""
    was_spam = comment.status in SPAM_STATUSES
    with transaction.atomic():
        _set_status(comment, Status.SPAM, actor=actor)
    if not was_spam and actor is not None:
        _report(comment, spam=True, actor=actor)
    return comment


def mark_ham(*, comment: ReaderComment, actor: AbstractBaseUser | None, publish: bool = True) -> ReaderComment:
    """Out of spam: published (or back to the queue with publish=False), reported to Akismet (submit-ham)."""
    was_spam = comment.status in SPAM_STATUSES
    with transaction.atomic():
        _set_status(comment, Status.PUBLISHED if publish else Status.HELD, actor=actor)
    if was_spam and actor is not None:
        _report(comment, spam=False, actor=actor)
    return comment


@transaction.atomic
def trash(*, comment: ReaderComment, actor: AbstractBaseUser | None) -> ReaderComment:
    _set_status(comment, Status.TRASH, actor=actor)
    return comment


@transaction.atomic
def restore(*, comment: ReaderComment, actor: AbstractBaseUser | None) -> ReaderComment:
    """Undo `trash`: back to the status the comment had before (held if unknown)."""
    if comment.status != Status.TRASH:
        return comment
    last_trashing = comment.events.filter(to_status=Status.TRASH).order_by("-created_at", "-pk").first()
    previous = last_trashing.from_status if last_trashing and last_trashing.from_status else Status.HELD
    _set_status(comment, Status(previous), actor=actor, note=gettext_noop("restored from trash"))
    return comment


def recheck(*, comment: ReaderComment, actor: AbstractBaseUser | None = None, reason: str = "retry") -> Verdict:
    """Ask Akismet again with the stored payload (and `recheck_reason`).

    Only a comment still waiting for a decision (unchecked or held) changes status; for the others the
    verdict is recorded for the moderator to see."""
    result = akismet_check(payload=comment.akismet_payload, recheck_reason=reason)
    now = timezone.now()
    with transaction.atomic():
        comment.refresh_from_db()
        previous = comment.status
        comment.akismet_verdict = result.verdict
        if result.failed:
            comment.akismet_error = result.error[:300]
            comment.recheck_attempts += 1
            if comment.status == Status.UNCHECKED:
                comment.next_recheck_at = moderation.next_recheck_time(comment.recheck_attempts, now=now)
            comment.save()
            _record(comment, EventKind.RECHECKED, actor=actor, verdict=Verdict.ERROR, note=result.error)
            return result.verdict
        comment.akismet_checked_at = now
        comment.akismet_error = ""
        comment.next_recheck_at = None
        if comment.status in (Status.UNCHECKED, Status.HELD):
            status, reasons = moderation.judge(
                result.verdict,
                email=comment.user_email,
                text=comment.comment,
                reasons=comment.hold_reasons,
                exclude_pk=comment.pk,
            )
            comment.status = status
            comment.hold_reasons = reasons
            if status != previous:
                comment.status_changed_at = now
        comment.save()
        _record(comment, EventKind.RECHECKED, actor=actor, verdict=result.verdict, reasons=comment.hold_reasons)
        if comment.status != previous:
            comment_counts_changed()
            _record(comment, EventKind.STATUS_CHANGED, actor=actor, from_status=previous, to_status=comment.status)
            if Status.PUBLISHED in (previous, comment.status):
                purge_article_cache(article=comment.article)
            _notify(comment, previous=previous)
    return result.verdict


@dataclass
class RecheckReport:
    checked: int = 0
    gave_up: int = 0
    failed: bool = False
    error: str = ""


def recheck_unchecked(*, now=None, limit: int | None = None) -> RecheckReport:
    """The automatic recheck (task and `manage.py recheck_comments`): up to a batch of due comments,
    `recheck_reason=retry`, stopping at the first failure (Akismet is still unwell: do not hammer it).
    Comments older than RECHECK_GIVE_UP_DAYS stop being rechecked and wait for a person."""
    policy = settings.COMMENTS
    now = now or timezone.now()
    limit = limit or policy["RECHECK_BATCH_SIZE"]
    give_up_before = now - timedelta(days=policy["RECHECK_GIVE_UP_DAYS"])
    report = RecheckReport()
    for comment in selectors.due_for_recheck(now=now, limit=limit):
        if comment.submitted_at < give_up_before:
            comment.next_recheck_at = None
            comment.save(update_fields=["next_recheck_at"])
            note = gettext_noop("gave up rechecking: waits for a person")
            _record(comment, EventKind.RECHECKED, verdict=Verdict.ERROR, note=note)
            report.gave_up += 1
            continue
        verdict = recheck(comment=comment, reason="retry")
        if verdict == Verdict.ERROR:
            report.failed = True
            report.error = comment.akismet_error
            break
        report.checked += 1
    return report


@transaction.atomic
def edit_text(*, comment: ReaderComment, actor: AbstractBaseUser | None, text: str) -> ReaderComment:
    """Change what readers see. The Akismet payload keeps the text as submitted."""
    text = strip_bidi_controls(text).replace("\r\n", "\n").strip()
    if not text or text == comment.comment:
        return comment
    old_length = len(comment.comment)
    comment.comment = text
    comment.save(update_fields=["comment"])
    _record(comment, EventKind.EDITED, actor=actor, note=f"{old_length} → {len(text)} characters")
    if comment.status == Status.PUBLISHED:
        purge_article_cache(article=comment.article, featured=bool(comment.featured_at))
    return comment


@transaction.atomic
def reply_as_staff(*, parent: ReaderComment, actor: AbstractBaseUser, text: str) -> ReaderComment:
    """A published reply from the newsroom, marked as such; not sent to Akismet.

    The reply goes one level under `parent`, or beside it when `parent` is at the maximum depth."""
    text = strip_bidi_controls(text).replace("\r\n", "\n").strip()
    content_type = ContentType.objects.get_for_model(ArticlePage)
    reply_to = parent.pk
    if parent.level >= max_thread_level_for_content_type(content_type):
        reply_to = parent.parent_id
    now = timezone.now()
    reply = ReaderComment(
        content_type=content_type,
        object_pk=parent.object_pk,
        site_id=parent.site_id or DjangoSite.objects.get_current().pk,
        user=actor,
        user_name=(actor.get_full_name() or actor.get_username())[:50],
        user_email=getattr(actor, "email", "") or "",
        comment=text,
        submit_date=now,
        parent_id=reply_to,
        status=Status.PUBLISHED,
        is_staff_reply=True,
        article_id=parent.article_id,
        wagtail_site_id=parent.wagtail_site_id,
    )
    reply.save()
    comment_counts_changed()
    _record(reply, EventKind.STATUS_CHANGED, actor=actor, to_status=Status.PUBLISHED, note=gettext_noop("staff reply"))
    purge_article_cache(article=reply.article)
    notifications.staff_replied(reply, parent)
    return reply


def set_word_list(*, kind: str, text: str, actor: AbstractBaseUser | None) -> list[str]:
    """Replace one word list (`manage.py comment_words`; the admin edits both through Wagtail's settings
    view). Saved through the setting, so the terms are kept tidy, the change is in Wagtail's log like an
    edit in the admin, and matching sees it at once. Returns the terms kept."""
    field = WordListKind(kind).value
    with transaction.atomic():
        setting = selectors.word_lists_setting()
        setting = type(setting).objects.select_for_update().get(pk=setting.pk)
        setattr(setting, field, text)
        setting.save()
        log(setting, "wagtail.edit", user=actor if actor is not None and actor.is_authenticated else None)
    return setting.terms()[field]


def word_lists_saved(**kwargs) -> None:
    """Connected to the word-lists setting's post_save (comments/apps.py): whoever saved it (Wagtail's
    settings view, `set_word_list`), every process matches against the new lists from the next comment
    on. Now and after the commit, as for the queue counts."""
    _new_word_lists_generation()
    if transaction.get_connection().in_atomic_block:
        transaction.on_commit(_new_word_lists_generation)


def _new_word_lists_generation() -> None:
    try:
        cache.set(selectors.WORDS_GENERATION_KEY, time.time_ns(), None)
    except Exception:
        logger.exception("Could not refresh the cached word lists")


# --- Featured comments -----------------------------------------------------------------------------------


@transaction.atomic
def comment_feature(*, comment: ReaderComment, actor: AbstractBaseUser | None) -> ReaderComment:
    """Feature a published comment: shown first on its article with a badge, marked in its structured
    data. Only a published comment can be featured (readers would not see the others)."""
    if comment.status != Status.PUBLISHED or comment.featured_at:
        return comment
    comment.featured_at = timezone.now()
    comment.save(update_fields=["featured_at"])
    _record(comment, EventKind.FEATURED, actor=actor)
    purge_article_cache(article=comment.article, featured=True)
    return comment


@transaction.atomic
def comment_unfeature(*, comment: ReaderComment, actor: AbstractBaseUser | None) -> ReaderComment:
    if not comment.featured_at:
        return comment
    comment.featured_at = None
    comment.save(update_fields=["featured_at"])
    _record(comment, EventKind.UNFEATURED, actor=actor)
    purge_article_cache(article=comment.article, featured=True)
    return comment


# --- Commenters ------------------------------------------------------------------------------------------


@transaction.atomic
def commenter_set_trust(*, email: str, trust: str, actor: AbstractBaseUser | None, note: str = "") -> Commenter:
    """Set a commenter's trust (normal, trusted, always pre-moderate, banned), with a history line saying
    who and why. It applies to the comments they post from now on; those already stored keep their
    status (a moderator decides about them in the queue)."""
    key = Commenter.normalise(email)
    if not key:
        raise ValueError("A commenter needs an e-mail address.")
    trust = Trust(trust)
    commenter, _created = Commenter.objects.select_for_update().get_or_create(email=key)
    if commenter.trust == trust:
        return commenter
    previous = commenter.trust
    commenter.trust = trust
    commenter.trust_changed_at = timezone.now()
    commenter.save(update_fields=["trust", "trust_changed_at"])
    CommenterEvent.objects.create(
        commenter=commenter,
        from_trust=previous,
        to_trust=trust,
        actor=actor if actor is not None and actor.is_authenticated else None,
        note=(note or "")[:300],
    )
    return commenter


def commenter_unsubscribe(*, email: str) -> Commenter:
    """The commenter followed the unsubscribe link of a notification: no more e-mails to this address."""
    key = Commenter.normalise(email)
    if not key:
        raise ValueError("A commenter needs an e-mail address.")
    commenter, _created = Commenter.objects.get_or_create(email=key)
    if not commenter.notifications_off:
        commenter.notifications_off = True
        commenter.save(update_fields=["notifications_off"])
    return commenter


def commenter_seen(*, email: str) -> None:
    """Make sure the address has a commenter row (the commenters' listing and page), in one statement
    that concurrent posts cannot make fail."""
    key = Commenter.normalise(email)
    if key:
        Commenter.objects.bulk_create([Commenter(email=key)], ignore_conflicts=True)


def commenter_auto_trust(*, email: str) -> Commenter | None:
    """Trust a commenter of normal standing once COMMENTS["TRUST_AFTER_APPROVED"] of their comments are
    published. A moderator's choice (pre-moderate, banned) is never overridden, nor a "normal" set by a
    moderator after an earlier trust."""
    needed = settings.COMMENTS["TRUST_AFTER_APPROVED"]
    key = Commenter.normalise(email)
    if not needed or not key:
        return None
    if selectors.commenter_trust(email=key) != Trust.NORMAL:
        return None
    if CommenterEvent.objects.filter(commenter__email=key, to_trust=Trust.NORMAL, actor__isnull=False).exists():
        return None
    if selectors.approved_count(email=key) < needed:
        return None
    return commenter_set_trust(
        email=key,
        trust=Trust.TRUSTED,
        actor=None,
        note=gettext_noop("trusted automatically: enough approved comments"),
    )


# --- Writes for the posting path (comments/posting.py keeps the transactions and their order) ----------


def comment_store_received(*, comment: ReaderComment) -> ReaderComment:
    """Write a just-posted comment and its first history line in their own transaction. `durable`: this
    must commit here; a caller's transaction around it would roll the comment back with any later error."""
    with transaction.atomic(durable=True):
        comment.save()
        comment_counts_changed()
        commenter_seen(email=comment.user_email)
        CommentEvent.objects.create(
            comment=comment,
            kind=EventKind.RECEIVED,
            to_status=Status.UNCHECKED,
            reasons=comment.hold_reasons,
            note=gettext_noop("stored before asking Akismet"),
        )
    return comment


def comment_record_first_verdict(
    *,
    comment: ReaderComment,
    status: Status,
    reasons: list[str],
    verdict: Verdict,
    error: str,
    note: str,
    now: datetime,
) -> ReaderComment:
    """Record the first judgement of a posted comment. The caller holds the row's lock and has checked
    that it is still as it was stored (unchecked, never rechecked)."""
    comment.status = status
    comment.status_changed_at = now
    comment.hold_reasons = reasons
    comment.akismet_verdict = verdict
    comment.akismet_error = error[:300]
    if verdict in (Verdict.HAM, Verdict.SPAM, Verdict.DISCARD):
        comment.akismet_checked_at = now
    if status != Status.UNCHECKED:
        comment.next_recheck_at = None
    comment.save()
    comment_counts_changed()
    if status == Status.PUBLISHED and not comment.is_staff_reply:
        commenter_auto_trust(email=comment.user_email)
    CommentEvent.objects.create(
        comment=comment,
        kind=EventKind.CHECKED if verdict != Verdict.NONE else EventKind.STATUS_CHANGED,
        verdict=verdict,
        from_status=Status.UNCHECKED,
        to_status=status,
        reasons=reasons,
        note=note[:300],
    )
    _notify(comment, previous=Status.UNCHECKED)
    return comment


# --- Deleting and forgetting -----------------------------------------------------------------------------


def comment_delete(*, comment: ReaderComment) -> None:
    """Delete one comment with its history; through the model, so that xtd's child rows go with it and
    the thread stays consistent. A published one is retired from the article's cached pages."""
    shown = comment.status == Status.PUBLISHED
    article, featured = (comment.article, bool(comment.featured_at)) if shown else (None, False)
    comment.delete()
    comment_counts_changed()
    if shown:
        purge_article_cache(article=article, featured=featured)


def comments_purge(*, status: Status, changed_before: datetime) -> int:
    """Delete the comments that have been in `status` since before `changed_before` (the spam and
    discarded retention). Returns how many."""
    doomed = ReaderComment.objects.filter(status=status, status_changed_at__lt=changed_before)
    count = 0
    for comment in doomed.iterator():
        comment_delete(comment=comment)
        count += 1
    return count


def comment_anonymise(*, comment: ReaderComment, actor: AbstractBaseUser | None, name: str) -> ReaderComment:
    """Keep the words, forget the person: name (replaced by `name`), e-mail, website, IP and the
    personal fields of the stored Akismet payload."""
    comment.user_name = name
    comment.user_email = ""
    comment.user_url = ""
    comment.ip_address = None
    comment.user = None
    comment.akismet_payload = {
        key: value for key, value in (comment.akismet_payload or {}).items() if key not in PERSONAL_PAYLOAD_FIELDS
    }
    comment.save()
    CommentEvent.objects.create(comment=comment, kind=EventKind.EDITED, actor=actor, note=gettext_noop("anonymised"))
    purge_article_cache(article=comment.article, featured=bool(comment.featured_at))
    return comment


def comments_forget_old_ips(*, submitted_before: datetime) -> int:
    """Drop the IP address (column and stored payload) of every comment submitted before the cutoff.
    Returns how many comments lost one."""
    old = ReaderComment.objects.filter(submitted_at__lt=submitted_before)
    count = old.filter(ip_address__isnull=False).update(ip_address=None)
    stale = []
    for comment in (
        old.filter(akismet_payload__has_key="user_ip").select_related(None).only("pk", "akismet_payload").iterator()
    ):
        comment.akismet_payload = {k: v for k, v in comment.akismet_payload.items() if k != "user_ip"}
        stale.append(comment)
    ReaderComment.objects.bulk_update(stale, ["akismet_payload"], batch_size=500)
    return max(count, len(stale))


# --- Akismet's health -------------------------------------------------------------------------------------


def akismet_check(*, payload: dict, recheck_reason: str = "") -> akismet.CheckResult:
    """comment-check on a stored payload (never raises; a failure is `Verdict.ERROR`), its outcome kept
    for the moderators' dashboard."""
    result = akismet.check(payload, recheck_reason=recheck_reason)
    akismet_health_record(at=timezone.now(), error=result.error if result.failed else "")
    return result


def akismet_report(*, payload: dict, spam: bool) -> str:
    """submit-spam or submit-ham; returns "" or the error, the outcome kept for the dashboard."""
    error = akismet.report(payload, spam=spam)
    akismet_health_record(at=timezone.now(), error=error)
    return error


def akismet_health_record(*, at: datetime, error: str = "") -> None:
    """The last success or the last error (the row is created by the first call that has an outcome)."""
    if error:
        AkismetHealth.objects.update_or_create(pk=1, defaults={"last_error_at": at, "last_error": error[:300]})
    else:
        AkismetHealth.objects.update_or_create(pk=1, defaults={"last_success_at": at})


# --- The text as HTML, stored ----------------------------------------------------------------------


def comments_html_store(*, comments: list[ReaderComment]) -> int:
    """Render and store the HTML of those `comments` whose stored HTML is missing or was made by an older
    rendering (comments/rendering.py), in one UPDATE; returns how many. The public thread calls it for
    the rows it is about to show, so a comment written before the column existed is rendered on its
    first view and never again."""
    stale = [comment for comment in comments if comment.needs_render]
    for comment in stale:
        comment.render_text()
    if stale:
        ReaderComment.objects.bulk_update(stale, ["text_html", "text_html_version"])
    return len(stale)


def comments_html_backfill(*, batch_size: int = 1000, progress=None) -> int:
    """Render and store the HTML of every comment that lacks it (or has an older rendering's), in batches
    of `batch_size` walked in primary-key order: each batch is one read and one UPDATE, so a large
    archive is done in steps rather than in one transaction. Returns how many were rendered."""
    done = 0
    last_pk = 0
    while True:
        rows = list(
            ReaderComment.objects.filter(pk__gt=last_pk)
            .exclude(text_html_version=rendering.RENDER_VERSION)
            .select_related(None)
            .only("pk", "comment", "text_html", "text_html_version")
            .order_by("pk")[:batch_size]
        )
        if not rows:
            return done
        with transaction.atomic():
            done += comments_html_store(comments=rows)
        last_pk = rows[-1].pk
        if progress is not None:
            progress(done)

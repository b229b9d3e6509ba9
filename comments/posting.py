"""A reader posts a comment: the one path from the POST to a stored, judged comment.

    comment_post(request=..., article=...) -> Posted | Refused

1. Refuse what cannot be stored, with the reader's text kept for the form shown again: comments closed,
   too many comments from this address, a form whose signature is stale, or a field the form refuses
   (the model's limits: name, e-mail (254), web address, text; NUL characters; a reply to a comment that
   is not there). Nothing is written for a refusal.
2. Build the comment with everything needed to judge it later: status `unchecked`, the Akismet payload,
   IP, article, site, next recheck time, and the reasons known before Akismet is asked (a filled
   honeypot, a repeat post, a first comment after being refused for the rate limit).
3. Store it with a "received" history line and COMMIT. From here on, a reader told "received" has a row
   behind them: a process killed while Akismet answers leaves an unchecked comment that the recheck
   (`services.recheck_unchecked`) finds at `next_recheck_at` and judges.
4. Ask Akismet (staff replies are not sent).
5. Record the verdict (status, reasons, a history line) in one transaction, and only if the comment is
   still as step 3 left it: if a recheck got there first, its verdict stands and nothing is judged twice.
6. After the commit: schedule a recheck if it is still unchecked, purge the article's cached page if it
   was published, e-mail the moderators if it waits for them.

Why not django-contrib-comments' `post_comment` view with django-comments-xtd's moderator and signals,
as before. That path answered "received" with no row behind it in three ways:

- django-comments-xtd stores the comment in a `comment_was_posted` receiver connected when
  `django_comments_xtd.views` is imported, and nothing imported it at start-up. Django's template engine
  imports it when it loads every installed template-tag library (xtd's `comments_xtd` tags import its
  API serializers, which import the views) for the first template the process renders. A comment POST
  renders no template (it answers with a redirect), so a fresh process (a new gunicorn worker after a
  deploy, a restart, `--max-requests` or a timeout) asked Akismet about every comment it received until
  its first page view, answered "received", and stored none. The POST does not connect the receiver
  itself, so the losses come in runs: every comment a fresh worker takes before it renders a page.
- xtd skips storing when a comment with the same name, e-mail, follow-up flag and submit time exists
  (`_get_comment_if_exists`), and django-contrib-comments' `check_for_duplicate_comment` hands back an
  earlier identical comment; the view said "received" either way.
- The row was written only after Akismet answered, so a worker killed while it waited lost the comment.

Nothing else in those views answers a redirect without a row: xtd's e-mail confirmation is off
(COMMENTS_XTD_CONFIRM_EMAIL = False), a receiver refusing the comment gives a 400, and a worker killed
mid-request never answers. None of xtd's posting receivers take part here, and `CommentsConfig.ready()`
disconnects them, so that no second path can depend on what a process happened to import.
"""

from __future__ import annotations

import datetime
import logging
from dataclasses import asdict, dataclass, field

from django.conf import settings
from django.contrib.sites.shortcuts import get_current_site
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django_comments_xtd import get_form

from articles.models import ArticlePage
from articles.text import normalise_arabic

from . import moderation, selectors, services, words
from .forms import HONEYPOT_FIELD, ReaderCommentForm
from .models import ReaderComment, Reason, Status, Verdict, WordListKind
from .tasks import schedule_recheck

logger = logging.getLogger(__name__)

# How many of a commenter's recent comments are compared with a new one for a repeat post.
REPEAT_CANDIDATES = 50


@dataclass
class Refused:
    """Nothing was stored. `kind`: closed, rate_limited, stale (signature too old or from another key),
    invalid (a field the form refuses: its errors are on `form`)."""

    kind: str
    form: ReaderCommentForm | None = None


@dataclass
class Posted:
    """The comment is stored (and judged, unless Akismet could not be asked). `repeat`: the reader had
    already posted the same text, and is told that this copy waits for a moderator."""

    comment: ReaderComment
    repeat: bool = False
    reasons: list[str] = field(default_factory=list)


def comment_post(*, request: HttpRequest, article: ArticlePage) -> Posted | Refused:
    """Validate, store and commit, then ask Akismet and record its verdict (see the module's docstring)."""
    if not selectors.comments_open(article=article):
        return Refused("closed")
    if moderation.is_rate_limited(request):
        moderation.remember_rate_limited(request)
        return Refused("rate_limited")
    form = _bound_form(request, article)
    if form.security_errors():
        return Refused("stale", form)
    if not form.is_valid():
        return Refused("invalid", form)

    comment = _build(form, request, article)
    services.comment_store_received(comment=comment)
    moderation.count_towards_rate_limit(request)
    if Reason.RATE_LIMITED_RETRY in comment.hold_reasons:
        moderation.forget_rate_limited(ip=comment.ip_address or "", email=comment.user_email)
    try:
        _judge(comment, request)
    except Exception:
        # Stored and committed: it stays unchecked and the recheck judges it. The reader is told the
        # truth ("awaiting moderation"), not shown an error for a comment that is safe.
        logger.exception("Comment %s stored but not judged; the recheck will judge it", comment.pk)
        comment.status = Status.UNCHECKED  # what the database holds: the verdict's transaction rolled back
    return Posted(comment, repeat=Reason.REPEAT_POST in comment.hold_reasons, reasons=list(comment.hold_reasons))


# --- 1. The form ----------------------------------------------------------------------------------------


def _bound_form(request: HttpRequest, article: ArticlePage) -> ReaderCommentForm:
    data = request.POST.copy()
    user = request.user
    if user.is_authenticated:  # as django-contrib-comments does: a signed-in user may leave these empty
        if not data.get("name"):
            data["name"] = user.get_full_name() or user.get_username()
        if not data.get("email"):
            data["email"] = user.email
    return get_form()(article, data=data)


# --- 2. The comment, before anyone is asked -------------------------------------------------------------


def _build(form: ReaderCommentForm, request: HttpRequest, article: ArticlePage) -> ReaderComment:
    now = timezone.now()
    data = form.get_comment_create_data(site_id=get_current_site(request).pk)
    data.pop("content_object", None)
    data["submit_date"] = now
    comment = ReaderComment(**data)
    if request.user.is_authenticated:
        comment.user = request.user
    payload = moderation.build_payload(comment=comment, article=article, request=request)
    reasons = []
    if request.POST.get(HONEYPOT_FIELD):
        reasons.append(Reason.HONEYPOT)
    if is_repeat(text=comment.comment, email=comment.user_email, ip=payload["user_ip"], now=now):
        reasons.append(Reason.REPEAT_POST)
    if moderation.is_rate_limited_retry(ip=payload["user_ip"], email=comment.user_email):
        reasons.append(Reason.RATE_LIMITED_RETRY)
    matches = words.find(comment.comment, selectors.word_lists())
    comment.word_matches = [asdict(match) for match in matches]
    kinds = {match.kind for match in matches}
    if WordListKind.BANNED.value in kinds:
        reasons.append(Reason.BANNED_WORD)
    if WordListKind.SUSPECT.value in kinds:
        reasons.append(Reason.SUSPECT_WORD)
    reasons.extend(moderation.trust_reasons(selectors.commenter_trust(email=comment.user_email)))
    comment.status = Status.UNCHECKED
    comment.status_changed_at = now
    comment.ip_address = payload["user_ip"] or None
    comment.akismet_payload = payload
    comment.hold_reasons = [str(code) for code in reasons]
    comment.next_recheck_at = moderation.next_recheck_time(0, now=now)
    comment.is_staff_reply = moderation.is_staff(request.user)
    comment.article_id = article.pk
    comment.wagtail_site_id = getattr(article.get_site(), "pk", None)
    return comment


def repeat_key(text: str) -> str:
    """What makes two comments "the same text": the Arabic normaliser (diacritics, tatweel, alef and
    hamza forms, ى/ي, ligatures, digits), letter case and runs of spaces."""
    return " ".join(normalise_arabic(text).casefold().split())


def is_repeat(*, text: str, email: str, ip: str, now: datetime.datetime) -> bool:
    """Has this e-mail address or IP posted the same text within COMMENTS["REPEAT_WINDOW_MINUTES"]?

    Any earlier status counts (a reader who posts again because the first copy waits for a moderator is
    repeating it too). Two indexed lookups, LOWER(user_email) and ip_address, within the window."""
    window = settings.COMMENTS["REPEAT_WINDOW_MINUTES"]
    if not window:
        return False
    recent = ReaderComment.objects.filter(submitted_at__gte=now - datetime.timedelta(minutes=window))
    by_email = selectors.filter_by_email(recent, email) if email else ReaderComment.objects.none()
    condition = Q(pk__in=by_email.values("pk"))
    if ip:
        condition |= Q(ip_address=ip)
    key = repeat_key(text)
    earlier = recent.filter(condition).order_by("-submitted_at").values_list("comment", flat=True)
    return any(repeat_key(other) == key for other in earlier[:REPEAT_CANDIDATES])


# --- 3 is `services.comment_store_received`: stored and committed before Akismet is asked.
# --- 4 and 5. Ask, then record the verdict ----------------------------------------------------------------


def _judge(comment: ReaderComment, request: HttpRequest) -> None:
    if comment.is_staff_reply:
        verdict, error, note = Verdict.NONE, "", gettext_noop("staff: not sent to Akismet")
        status, reasons = Status.PUBLISHED, []
    elif Reason.BANNED_WORD in comment.hold_reasons:
        # As WordPress's disallowed list: spam at once, Akismet is not asked.
        verdict, error, note = Verdict.NONE, "", gettext_noop("banned word: not sent to Akismet")
        status, reasons = Status.SPAM, list(comment.hold_reasons)
    elif Reason.BANNED_COMMENTER in comment.hold_reasons:
        verdict, error, note = Verdict.NONE, "", gettext_noop("banned commenter: not sent to Akismet")
        status, reasons = Status.SPAM, list(comment.hold_reasons)
    else:
        result = services.akismet_check(payload=comment.akismet_payload)
        verdict, error, note = result.verdict, result.error, result.error
        status, reasons = moderation.judge(
            result.verdict,
            email=comment.user_email,
            text=comment.comment,
            reasons=comment.hold_reasons,
            exclude_pk=comment.pk,
        )
    now = timezone.now()
    with transaction.atomic():
        # select_related(None): xtd's manager joins the (nullable) user, which FOR UPDATE cannot lock.
        stored = (
            ReaderComment.objects.select_related(None)
            .select_for_update(of=("self",))
            .filter(pk=comment.pk)
            .only("status", "recheck_attempts", "akismet_verdict")
            .first()
        )
        if stored is None or stored.status != Status.UNCHECKED or stored.recheck_attempts or stored.akismet_verdict:
            # Deleted, moderated or rechecked while Akismet answered: that decision stands.
            if stored is not None:
                comment.refresh_from_db()
            return
        services.comment_record_first_verdict(
            comment=comment, status=status, reasons=reasons, verdict=verdict, error=error, note=note, now=now
        )
    _after_commit(comment, request)


# --- 6. After the commit ------------------------------------------------------------------------------


def _after_commit(comment: ReaderComment, request: HttpRequest) -> None:
    """Side effects, run once the verdict is committed, that must never undo or lose the comment."""
    if comment.status == Status.UNCHECKED:
        schedule_recheck(at=comment.next_recheck_at)
    if comment.status == Status.PUBLISHED:
        services.purge_article_cache(article=comment.article)
    if comment.status in (Status.HELD, Status.UNCHECKED):
        try:
            notify_moderators(comment, request)
        except Exception:
            logger.exception("Could not e-mail the moderators about comment %s", comment.pk)


def notify_moderators(comment: ReaderComment, request: HttpRequest) -> None:
    """Tell moderators about a comment that waits for them (not spam: that would be noise)."""
    policy = settings.COMMENTS
    if not (policy["NOTIFY_MODERATORS"] and policy["MODERATOR_EMAILS"]):
        return
    title = comment.article.title if comment.article_id else ""
    subject = _("A comment awaits moderation on “%(title)s”") % {"title": title}
    body = _("%(name)s wrote:\n\n%(text)s\n\nModerate it in the admin: %(url)s") % {
        "name": comment.user_name,
        "text": comment.comment,
        "url": request.build_absolute_uri("/admin/"),
    }
    send_mail(subject, body, None, policy["MODERATOR_EMAILS"], fail_silently=True)

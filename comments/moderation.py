"""What happens to a comment as it is posted: the moderator registered with django-comments-xtd.

django-comments-xtd's posting flow (`django_comments.views.comments.post_comment` → the
`comment_will_be_posted` signal → our `allow()` and `moderate()` → `XtdComment(**tmp).save()` →
`confirmation_received`) gives us one place to decide. Points that are easy to get wrong:

- Register with `django_comments_xtd.moderation.moderator`; django_comments' own moderator listens for a
  different sender and silently does nothing.
- The comment in flight is a `TmpXtdComment` whose keys become model keyword arguments: only real
  `ReaderComment` fields are set on it. The decision (with the Akismet verdict) is kept on the request,
  so Akismet is asked once even though xtd calls `allow()` and `moderate()` separately.
- `is_public` follows `status` (see models.py); `moderate()` returning True only keeps xtd in step.
"""

from __future__ import annotations

import datetime
import ipaddress
import logging
import re
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.mail import send_mail
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django_comments_xtd.models import TmpXtdComment
from django_comments_xtd.moderation import XtdCommentModerator, moderator
from django_comments_xtd.signals import confirmation_received

from articles.models import ArticlePage

from . import akismet, selectors
from .forms import HONEYPOT_FIELD
from .models import CommentEvent, EventKind, ReaderComment, Status, Verdict

logger = logging.getLogger(__name__)

REQUEST_DECISION_ATTR = "_reader_comment_decision"
REQUEST_COMMENT_ATTR = "_reader_comment"
LINK_PATTERN = re.compile(r"(https?://|www\.)", re.IGNORECASE)


@dataclass
class Decision:
    """The outcome of posting, decided once per request."""

    status: Status
    verdict: Verdict = Verdict.NONE
    payload: dict[str, Any] = field(default_factory=dict)
    error: str = ""
    note: str = ""
    is_staff_reply: bool = False
    checked: bool = False


# --- Request details --------------------------------------------------------------------------------


def client_ip(request: HttpRequest) -> str:
    """The reader's IP: REMOTE_ADDR, or X-Forwarded-For when (and only when) it came from a trusted proxy.

    The forwarded list is read from the right, skipping trusted proxies, so a reader cannot choose
    their own IP by sending the header themselves."""
    remote = request.META.get("REMOTE_ADDR", "") or ""
    trusted = set(settings.COMMENTS["TRUSTED_PROXIES"])
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if remote in trusted and forwarded:
        for candidate in reversed([part.strip() for part in forwarded.split(",") if part.strip()]):
            if candidate in trusted:
                continue
            try:
                return str(ipaddress.ip_address(candidate))
            except ValueError:
                break
    return remote


def rate_limit_key(ip: str) -> str:
    return f"comments:rate:{ip}"


def is_rate_limited(request: HttpRequest) -> bool:
    return (cache.get(rate_limit_key(client_ip(request))) or 0) >= settings.COMMENTS["RATE_LIMIT_COUNT"]


def count_towards_rate_limit(request: HttpRequest) -> None:
    key = rate_limit_key(client_ip(request))
    if not cache.add(key, 1, settings.COMMENTS["RATE_LIMIT_SECONDS"]):
        try:
            cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.add(key, 1, settings.COMMENTS["RATE_LIMIT_SECONDS"])


def is_staff(user) -> bool:
    return bool(user and user.is_authenticated and (user.is_staff or user.has_perm("comments.moderate_readercomment")))


# --- The Akismet payload ------------------------------------------------------------------------------


def _gmt(value) -> str:
    return value.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ") if value else ""


def build_payload(*, comment, article: ArticlePage, request: HttpRequest) -> dict[str, Any]:
    """Everything comment-check is sent, kept with the comment so later reports send the same values."""
    permalink = request.build_absolute_uri(article.get_url(request=request) or "/")
    context = []
    if article.section:
        context.append(article.section.title)
    context.extend(tag.name for tag in article.tags.all())
    payload = {
        "user_ip": client_ip(request),
        "user_agent": request.META.get("HTTP_USER_AGENT", "")[:500],
        "referrer": request.META.get("HTTP_REFERER", "")[:500],
        "permalink": permalink,
        "comment_type": "reply" if comment.parent_id else "comment",
        "comment_author": comment.user_name,
        "comment_author_email": comment.user_email,
        "comment_author_url": comment.user_url or "",
        "comment_content": comment.comment,
        "comment_date_gmt": _gmt(comment.submit_date),
        "comment_post_modified_gmt": _gmt(article.last_published_at or article.first_published_at),
        "blog_lang": ", ".join(code for code, _name in settings.LANGUAGES),
        "blog_charset": "UTF-8",
        "comment_context": context,
    }
    if request.user.is_authenticated:
        payload["user_role"] = "administrator" if is_staff(request.user) else "subscriber"
    return payload


# --- Policy -------------------------------------------------------------------------------------------


def status_for_ham(*, name: str, email: str, text: str, exclude_pk: int | None = None) -> tuple[Status, str]:
    """Akismet said ham: published, unless the site's policy (as WordPress's) wants a person first."""
    policy = settings.COMMENTS
    if policy["HOLD_ALL"]:
        return Status.HELD, gettext_noop("the site holds every comment")
    if len(LINK_PATTERN.findall(text)) > policy["MAX_LINKS"]:
        return Status.HELD, gettext_noop("too many links")
    if policy["HOLD_FIRST_TIME"] and not selectors.has_approved_comment(email=email, exclude_pk=exclude_pk):
        return Status.HELD, gettext_noop("first comment from this address")
    return Status.PUBLISHED, ""


def status_for_verdict(verdict: Verdict, *, name: str, email: str, text: str, exclude_pk=None) -> tuple[Status, str]:
    if verdict == Verdict.HAM:
        return status_for_ham(name=name, email=email, text=text, exclude_pk=exclude_pk)
    if verdict == Verdict.SPAM:
        return Status.SPAM, ""
    if verdict == Verdict.DISCARD:
        return Status.DISCARDED, ""
    return Status.UNCHECKED, ""


def next_recheck_time(attempts: int, *, now=None):
    """Back off: RECHECK_DELAY_MINUTES, doubling per attempt, capped at RECHECK_MAX_DELAY_MINUTES."""
    policy = settings.COMMENTS
    minutes = min(policy["RECHECK_DELAY_MINUTES"] * (2**attempts), policy["RECHECK_MAX_DELAY_MINUTES"])
    return (now or timezone.now()) + datetime.timedelta(minutes=minutes)


def decide(comment, article: ArticlePage, request: HttpRequest) -> Decision:
    """Decide once per request (cached on it): honeypot, staff, or Akismet plus the site's policy."""
    cached = getattr(request, REQUEST_DECISION_ATTR, None)
    if cached is not None:
        return cached
    payload = build_payload(comment=comment, article=article, request=request)
    if request.POST.get(HONEYPOT_FIELD):
        note = gettext_noop("honeypot field filled: not sent to Akismet")
        decision = Decision(Status.SPAM, payload=payload, note=note)
    elif is_staff(request.user):
        note = gettext_noop("staff: not sent to Akismet")
        decision = Decision(Status.PUBLISHED, payload=payload, is_staff_reply=True, note=note)
    else:
        result = akismet.check(payload)
        status, note = status_for_verdict(
            result.verdict, name=comment.user_name, email=comment.user_email, text=comment.comment
        )
        decision = Decision(status, result.verdict, payload, result.error, note or result.error, checked=True)
    setattr(request, REQUEST_DECISION_ATTR, decision)
    return decision


# --- The moderator ------------------------------------------------------------------------------------


class ArticleCommentModerator(XtdCommentModerator):
    """Comments on articles: closed articles refuse them; everything else gets a status (see `decide`)."""

    def allow(self, comment, content_object, request) -> bool:
        # The view shows a notice before this point; this keeps a hand-made POST from getting through.
        return selectors.comments_open(article=content_object)

    def moderate(self, comment, content_object, request) -> bool:
        decision = decide(comment, content_object, request)
        now = timezone.now()
        # Real ReaderComment fields only (the TmpXtdComment's keys become model arguments).
        comment.status = decision.status
        comment.status_changed_at = now
        comment.ip_address = decision.payload.get("user_ip") or None
        comment.akismet_payload = decision.payload
        comment.akismet_verdict = decision.verdict
        comment.akismet_checked_at = now if decision.verdict in (Verdict.HAM, Verdict.SPAM, Verdict.DISCARD) else None
        comment.akismet_error = decision.error[:300]
        comment.next_recheck_at = next_recheck_time(0, now=now) if decision.status == Status.UNCHECKED else None
        comment.is_staff_reply = decision.is_staff_reply
        comment.article_id = content_object.pk
        comment.wagtail_site_id = getattr(content_object.get_site(), "pk", None)
        count_towards_rate_limit(request)
        return decision.status != Status.PUBLISHED

    def email(self, comment, content_object, request) -> None:
        """Tell moderators about a comment that waits for them (not spam: that would be noise)."""
        policy = settings.COMMENTS
        created = getattr(comment, "xtd_comment", None)
        if not (policy["NOTIFY_MODERATORS"] and policy["MODERATOR_EMAILS"] and created):
            return
        if created.status not in (Status.HELD, Status.UNCHECKED):
            return
        subject = _("A comment awaits moderation on “%(title)s”") % {"title": content_object.title}
        body = _("%(name)s wrote:\n\n%(text)s\n\nModerate it in the admin: %(url)s") % {
            "name": created.user_name,
            "text": created.comment,
            "url": request.build_absolute_uri("/admin/"),
        }
        send_mail(subject, body, None, policy["MODERATOR_EMAILS"], fail_silently=True)


def on_comment_created(sender, comment, request, **kwargs) -> None:
    """After xtd stored the comment: keep it on the request for the view, write the first history line,
    and schedule a recheck when Akismet could not be asked."""
    created = getattr(comment, "xtd_comment", None)
    if not isinstance(created, ReaderComment):
        return
    setattr(request, REQUEST_COMMENT_ATTR, created)
    decision = getattr(request, REQUEST_DECISION_ATTR, None)
    if decision is None:
        return
    CommentEvent.objects.create(
        comment=created,
        kind=EventKind.CHECKED if decision.checked else EventKind.STATUS_CHANGED,
        verdict=decision.verdict,
        to_status=created.status,
        note=decision.note[:300],
    )
    if created.status == Status.UNCHECKED:
        from .tasks import schedule_recheck

        schedule_recheck(at=created.next_recheck_at)
    if created.status == Status.PUBLISHED:
        from .services import purge_article_cache

        purge_article_cache(article=created.article)


def connect() -> None:
    """Called once from CommentsConfig.ready()."""
    if ArticlePage not in moderator._registry:
        moderator.register(ArticlePage, ArticleCommentModerator)
    confirmation_received.connect(on_comment_created, sender=TmpXtdComment, dispatch_uid="comments.on_comment_created")

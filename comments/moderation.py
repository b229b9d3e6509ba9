"""The comment policy: who the reader is (IP, staff), what Akismet is told, and what a verdict means.

Pure decisions, no writes: `comments/posting.py` (a reader posting) and `services.recheck` (the
automatic and manual rechecks) both call `judge()`, so a comment posted now and one rechecked
tomorrow are judged by the same rules.
"""

from __future__ import annotations

import datetime
import hashlib
import ipaddress
import re
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest
from django.utils import timezone

from articles.models import ArticlePage

from . import selectors
from .forms import HONEYPOT_FIELD
from .models import SPAM_REASONS, STICKY_REASONS, Reason, Status, Trust, Verdict

LINK_PATTERN = re.compile(r"(https?://|www\.)", re.IGNORECASE)


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


def rate_limited_retry_keys(*, ip: str, email: str) -> list[str]:
    """The cache keys of a refused reader: their IP, and their address hashed (whatever a reader typed
    in the field, the key stays short and plain)."""
    keys = [f"comments:rate-refused:ip:{ip}"] if ip else []
    email = (email or "").strip().lower()
    if email:
        keys.append(f"comments:rate-refused:email:{hashlib.sha256(email.encode()).hexdigest()}")
    return keys


def request_email(request: HttpRequest) -> str:
    """The e-mail address a comment POST gives (a signed-in reader's own when the field is empty)."""
    email = request.POST.get("email", "") or ""
    if not email and request.user.is_authenticated:
        email = request.user.email or ""
    return email.strip()[:254]


def remember_rate_limited(request: HttpRequest) -> None:
    """A reader was refused for the rate limit: remember their IP and e-mail address for
    COMMENTS["RATE_LIMITED_RETRY_MINUTES"], so that the comment they post once they are let through again
    (the same text, as often as not, or a bot's next wave) waits for a moderator."""
    minutes = settings.COMMENTS["RATE_LIMITED_RETRY_MINUTES"]
    if not minutes:
        return
    keys = rate_limited_retry_keys(ip=client_ip(request), email=request_email(request))
    cache.set_many(dict.fromkeys(keys, True), minutes * 60)


def is_rate_limited_retry(*, ip: str, email: str) -> bool:
    """Was this IP or e-mail address refused for the rate limit within the window?"""
    keys = rate_limited_retry_keys(ip=ip, email=email)
    return bool(keys) and bool(cache.get_many(keys))


def forget_rate_limited(*, ip: str, email: str) -> None:
    """Their next accepted comment carries the reason; the ones after it are judged as usual."""
    cache.delete_many(rate_limited_retry_keys(ip=ip, email=email))


def is_staff(user) -> bool:
    return bool(user and user.is_authenticated and (user.is_staff or user.has_perm("comments.moderate_readercomment")))


# --- The Akismet payload ------------------------------------------------------------------------------


def _gmt(value) -> str:
    return value.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ") if value else ""


def _header(request: HttpRequest, name: str) -> str:
    """A request header as it can be stored (PostgreSQL's jsonb refuses NUL characters)."""
    return (request.META.get(name, "") or "").replace("\x00", "")[:500]


def build_payload(*, comment, article: ArticlePage, request: HttpRequest) -> dict[str, Any]:
    """Everything comment-check is sent, kept with the comment so later checks and reports send the same
    values.

    `blog_lang` is the language of the edition the comment was written on, not every language the site
    has. A filled honeypot is sent as WordPress's plugin sends it (`honeypot_field_name` and
    `hidden_honeypot_field`), so that Akismet learns from the bot."""
    permalink = request.build_absolute_uri(article.get_url(request=request) or "/")
    context = []
    if article.section:
        context.append(article.section.title)
    context.extend(tag.name for tag in article.tags.all())
    payload = {
        "user_ip": client_ip(request),
        "user_agent": _header(request, "HTTP_USER_AGENT"),
        "referrer": _header(request, "HTTP_REFERER"),
        "permalink": permalink,
        "comment_type": "reply" if comment.parent_id else "comment",
        "comment_author": comment.user_name,
        "comment_author_email": comment.user_email,
        "comment_author_url": comment.user_url or "",
        "comment_content": comment.comment,
        "comment_date_gmt": _gmt(comment.submit_date),
        "comment_post_modified_gmt": _gmt(article.last_published_at or article.first_published_at),
        "blog_lang": article.locale.language_code,
        "blog_charset": "UTF-8",
        "comment_context": context,
    }
    honeypot = request.POST.get(HONEYPOT_FIELD, "")
    if honeypot:
        payload["honeypot_field_name"] = HONEYPOT_FIELD
        payload["hidden_honeypot_field"] = honeypot.replace("\x00", "")[:500]
    if request.user.is_authenticated:
        payload["user_role"] = "administrator" if is_staff(request.user) else "subscriber"
    return payload


# --- Policy -------------------------------------------------------------------------------------------


def ham_reasons(*, email: str, text: str, exclude_pk: int | None = None) -> list[str]:
    """Akismet said ham: reasons the site's policy (as WordPress's) still wants a person first."""
    policy = settings.COMMENTS
    if policy["HOLD_ALL"]:
        return [Reason.HOLD_ALL]
    if len(LINK_PATTERN.findall(text)) > policy["MAX_LINKS"]:
        return [Reason.TOO_MANY_LINKS]
    if policy["HOLD_FIRST_TIME"] and not selectors.is_known_commenter(email=email, exclude_pk=exclude_pk):
        return [Reason.FIRST_COMMENT]
    return []


def trust_reasons(trust: str) -> list[str]:
    """Reasons a commenter's trust gives a new comment before Akismet is asked (kept on it, sticky)."""
    if trust == Trust.BANNED:
        return [Reason.BANNED_COMMENTER]
    if trust == Trust.PREMODERATED:
        return [Reason.PREMODERATED]
    return []


VERDICT_OUTCOMES = {
    Verdict.SPAM: (Status.SPAM, Reason.AKISMET_SPAM),
    Verdict.DISCARD: (Status.DISCARDED, Reason.AKISMET_DISCARD),
    Verdict.ERROR: (Status.UNCHECKED, Reason.AKISMET_UNREACHABLE),
    Verdict.NONE: (Status.UNCHECKED, Reason.AKISMET_UNREACHABLE),
}


def judge(
    verdict: Verdict, *, email: str, text: str, reasons=(), exclude_pk: int | None = None
) -> tuple[Status, list[str]]:
    """The status and hold reasons for a verdict. `reasons`: those already on the comment; the sticky
    ones (honeypot, repeat post: decided when it was posted) are kept, the others are decided again.

    A filled honeypot, a banned word or a banned commenter is spam whatever Akismet said; a repeat post
    or a pre-moderated commenter that Akismet calls ham is held."""
    kept = [code for code in reasons if code in STICKY_REASONS]
    spam = any(code in SPAM_REASONS for code in kept)
    if verdict == Verdict.HAM:
        found = [] if spam else ham_reasons(email=email, text=text, exclude_pk=exclude_pk)
        status = Status.HELD if kept or found else Status.PUBLISHED
    else:
        status, reason = VERDICT_OUTCOMES[Verdict(verdict)]
        found = [reason]
    if spam:
        status = Status.SPAM
    return status, [str(code) for code in dict.fromkeys([*kept, *found])]


def next_recheck_time(attempts: int, *, now=None):
    """Back off: RECHECK_DELAY_MINUTES, doubling per attempt, capped at RECHECK_MAX_DELAY_MINUTES."""
    policy = settings.COMMENTS
    minutes = min(policy["RECHECK_DELAY_MINUTES"] * (2**attempts), policy["RECHECK_MAX_DELAY_MINUTES"])
    return (now or timezone.now()) + datetime.timedelta(minutes=minutes)

"""Talking to Akismet: one reused `akismet.SyncClient`, pointed at `AKISMET_API_URL`.

Why not `akismet.SyncClient.validated_client()` per request: it calls verify-key every time it is built.
We build one client lazily and reuse it (and its connection pool); a bad key shows up as
`APIKeyError` on the first real call, which we treat like any other failure.

Why a transport: the package hard-codes `https://rest.akismet.com` as an absolute URL, so
`httpx.Client(base_url=...)` has no effect. `RewritingTransport` rewrites each request's scheme, host
and port (and path prefix) to `AKISMET_API_URL`: the local stand-in in development and tests.

Every failure (connection refused, timeout, 5xx, 429, an `invalid` answer, garbage, missing
configuration) becomes `Verdict.ERROR` for the caller, so the comment is held as "unchecked" and
nothing a reader wrote is lost. This module only talks to Akismet and writes nothing: the callers
(`services.akismet_check`, `services.akismet_report`) keep the outcome in `AkismetHealth` for the
dashboard.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import akismet
import httpx
from akismet import _common as akismet_common
from django.conf import settings
from django.core.cache import cache
from django.utils import timezone
from django.utils.translation import gettext_noop

from .models import Verdict

logger = logging.getLogger(__name__)

# Sent by WordPress's plugin with `honeypot_field_name` (the honeypot's value), unknown to the package.
EXTRA_FIELDS = ("hidden_honeypot_field",)
# The fields a stored payload may carry (what comment-check accepts besides the key and blog).
PAYLOAD_FIELDS = frozenset({"user_ip", *akismet.AkismetArguments.__optional_keys__, *EXTRA_FIELDS})
# After a 429, nobody asks Akismet again before this time (seconds from Retry-After, cached).
BACKOFF_CACHE_KEY = "comments:akismet:backoff-until"
DEFAULT_RETRY_AFTER_SECONDS = 60

_lock = threading.Lock()
_client: Client | None = None
_client_key: tuple | None = None


class RewritingTransport(httpx.HTTPTransport):
    """Send every request to `base_url` instead of the host the akismet package wrote into it."""

    def __init__(self, base_url: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.base_url = httpx.URL(base_url.rstrip("/"))

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        prefix = self.base_url.raw_path.decode("ascii").rstrip("/")
        request.url = request.url.copy_with(
            scheme=self.base_url.scheme,
            host=self.base_url.host,
            port=self.base_url.port,
            path=prefix + request.url.path,
        )
        request.headers["Host"] = request.url.netloc.decode("ascii")
        return super().handle_request(request)


class Client(akismet.SyncClient):
    """The package's client, also sending `hidden_honeypot_field`.

    The package checks keyword arguments against its list of documented fields, which lacks the
    honeypot's value that WordPress's plugin sends beside `honeypot_field_name`; this adds the extra
    fields to the form data after that check, and changes nothing else."""

    def _post_request(self, version, endpoint, user_ip, **kwargs):
        extra = {name: kwargs.pop(name) for name in EXTRA_FIELDS if name in kwargs}
        if not extra:
            return super()._post_request(version, endpoint, user_ip, **kwargs)
        data = {
            "api_key": self._config.key,
            "blog": self._config.url,
            "user_ip": user_ip,
            **akismet_common._prepare_post_kwargs(kwargs, endpoint),
            **extra,
        }
        return self._request("POST", version, endpoint, data=data)


@dataclass(frozen=True)
class CheckResult:
    """What comment-check said, or why it could not say it."""

    verdict: Verdict
    error: str = ""

    @property
    def failed(self) -> bool:
        return self.verdict == Verdict.ERROR


def _config() -> akismet.Config:
    key, blog = settings.AKISMET_API_KEY, settings.AKISMET_BLOG_URL
    if not key or not blog:
        raise akismet.ConfigurationError(
            gettext_noop("Akismet is not configured (PYTHON_AKISMET_API_KEY, PYTHON_AKISMET_BLOG_URL).")
        )
    return akismet.Config(key=key, url=blog)


def get_client() -> Client:
    """The shared client, rebuilt only when its settings change (tests point it at a new stand-in)."""
    global _client, _client_key
    config = _config()
    key = (config, settings.AKISMET_API_URL, settings.AKISMET_TIMEOUT)
    with _lock:
        if _client is None or _client_key != key:
            if _client is not None:
                _client._http_client.close()
            http_client = httpx.Client(
                headers={"User-Agent": akismet.USER_AGENT},
                timeout=httpx.Timeout(settings.AKISMET_TIMEOUT),
                transport=RewritingTransport(settings.AKISMET_API_URL),
            )
            _client = Client(config=config, http_client=http_client)
            _client_key = key
        return _client


def _describe(exc: Exception) -> str:
    cause = exc.__cause__
    if isinstance(cause, httpx.HTTPStatusError):
        return f"HTTP {cause.response.status_code} from Akismet"
    if isinstance(cause, httpx.TimeoutException):
        return gettext_noop("Akismet timed out")
    if isinstance(cause, httpx.RequestError):
        return f"Akismet unreachable ({type(cause).__name__})"
    if isinstance(exc, akismet.APIKeyError):
        return gettext_noop("Akismet rejected the API key or site URL")
    if isinstance(exc, akismet.ConfigurationError):
        return str(exc).strip()[:200]
    if isinstance(exc, akismet.ProtocolError):
        return gettext_noop("Akismet answered something unexpected")
    return f"{type(exc).__name__}: {exc}"[:200]


def _retry_after(exc: Exception) -> int | None:
    cause = exc.__cause__
    if isinstance(cause, httpx.HTTPStatusError) and cause.response.status_code == 429:
        value = cause.response.headers.get("Retry-After", "")
        return int(value) if value.isdigit() else DEFAULT_RETRY_AFTER_SECONDS
    return None


def backing_off() -> bool:
    """True while Akismet asked us (429 Retry-After) to wait."""
    until = cache.get(BACKOFF_CACHE_KEY)
    return bool(until and until > timezone.now())


def _failed(error: str) -> str:
    logger.warning("Akismet call failed: %s", error)
    return error


def _call(operation: str, payload: dict[str, Any], **extra: Any):
    """Run one client operation; raise akismet.AkismetError (or subclasses) on any failure."""
    if backing_off():
        raise akismet.RequestError(gettext_noop("Akismet asked us to wait (429); not asking again yet."))
    fields = {k: v for k, v in payload.items() if k in PAYLOAD_FIELDS and k != "user_ip"}
    fields.update(extra)
    client = get_client()
    try:
        return getattr(client, operation)(payload.get("user_ip") or "", **fields)
    except akismet.AkismetError as exc:
        retry_after = _retry_after(exc)
        if retry_after:
            cache.set(BACKOFF_CACHE_KEY, timezone.now() + timedelta(seconds=retry_after), retry_after)
        raise


def check(payload: dict[str, Any], *, recheck_reason: str = "") -> CheckResult:
    """Ask comment-check about a stored payload. Never raises: failures are `Verdict.ERROR`."""
    extra = {"recheck_reason": recheck_reason} if recheck_reason else {}
    try:
        answer = _call("comment_check", payload, **extra)
    except akismet.UnknownArgumentError:
        raise  # a programming error (a field Akismet does not know), not an outage
    except akismet.AkismetError as exc:
        return CheckResult(Verdict.ERROR, _failed(_describe(exc)))
    except httpx.HTTPError as exc:  # the package wraps these, but be sure a reader never sees a 500
        return CheckResult(Verdict.ERROR, _failed(f"Akismet unreachable ({type(exc).__name__})"))
    return CheckResult(
        {
            akismet.CheckResponse.HAM: Verdict.HAM,
            akismet.CheckResponse.SPAM: Verdict.SPAM,
            akismet.CheckResponse.DISCARD: Verdict.DISCARD,
        }[answer]
    )


def report(payload: dict[str, Any], *, spam: bool) -> str:
    """Tell Akismet a person decided this was spam (submit-spam) or not (submit-ham).

    Returns "" on success, else the error (the decision itself stands either way)."""
    try:
        _call("submit_spam" if spam else "submit_ham", payload)
    except akismet.AkismetError as exc:
        return _failed(_describe(exc))
    except httpx.HTTPError as exc:
        return _failed(f"Akismet unreachable ({type(exc).__name__})")
    return ""

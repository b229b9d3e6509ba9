"""A local stand-in for rest.akismet.com: real HTTP on loopback, the same wire format.

`make run` starts it (`manage.py fake_akismet`) so a newcomer can watch spam being caught without an
Akismet key; the tests start one per test on port 0 (`FakeAkismet().start()` returns its URL) and
assert what it received.

It answers like Akismet (form-encoded POSTs, `text/plain` bodies, HTTP 200 even for a bad key):
- verify-key: `valid`, or `invalid` for the key `invalid-key` (or in the `invalid_key` mode);
- comment-check: `true` for `comment_author=akismet-guaranteed-spam` (or that as the e-mail's local
  part), `false` for `user_role=administrator`, otherwise `false`;
- submit-spam / submit-ham: `Thanks for making the web a better place.`;
- usage-limit (GET, API 1.2): a small JSON document.

Failure switches, for tests and for trying things by hand. A *mode* applies to every request until
changed: POST `/_control` with `mode=<name>` (and optionally `delay=<seconds>`, `retry_after=<seconds>`);
GET `/_requests` lists what was received. A *trigger* applies to one comment: its author name.

| mode / author name            | answer                                                    |
|-------------------------------|-----------------------------------------------------------|
| `discard` / `akismet-discard` | `true` with `X-akismet-pro-tip: discard` (blatant spam)   |
| `spam`                        | `true` for every comment                                  |
| `error` / `akismet-error`     | HTTP 500                                                  |
| `slow` / `akismet-slow`       | waits `delay` seconds (default 5), then answers normally  |
| `garbage` / `akismet-garbage` | HTTP 200 with a body that is none of the documented ones  |
| `invalid_key`                 | `invalid` (what Akismet says for a bad key)               |
| `ratelimit` / `akismet-429`   | HTTP 429 with `Retry-After`                               |
"""

from __future__ import annotations

import json
import logging
import sys
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

logger = logging.getLogger(__name__)

SPAM_AUTHOR = "akismet-guaranteed-spam"
THANKS = "Thanks for making the web a better place."
MODES = {"normal", "spam", "discard", "error", "slow", "garbage", "invalid_key", "ratelimit"}
AUTHOR_TRIGGERS = {
    "akismet-discard": "discard",
    "akismet-error": "error",
    "akismet-slow": "slow",
    "akismet-garbage": "garbage",
    "akismet-429": "ratelimit",
}


@dataclass
class ReceivedRequest:
    method: str
    endpoint: str
    data: dict[str, list[str]]

    def value(self, name: str) -> str | None:
        values = self.data.get(name)
        return values[0] if values else None


@dataclass
class FakeAkismetState:
    mode: str = "normal"
    delay: float = 5.0
    retry_after: int = 30
    requests: list[ReceivedRequest] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)


def _is_spam(data: dict[str, list[str]]) -> bool:
    author = (data.get("comment_author") or [""])[0].strip().lower()
    email = (data.get("comment_author_email") or [""])[0].strip().lower()
    return author == SPAM_AUTHOR or email.split("@", 1)[0] == SPAM_AUTHOR


class Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.1"

    def log_message(self, format, *args):  # noqa: A002 - the stdlib's signature
        logger.info("fake_akismet: " + format, *args)

    def _send(self, status: int, body: str, headers: dict[str, str] | None = None, content_type="text/plain"):
        payload = body.encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", f"{content_type}; charset=utf-8")
        self.send_header("Content-Length", str(len(payload)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(payload)

    def _record(self, endpoint: str, data: dict[str, list[str]]) -> None:
        state = self.server.state
        with state.lock:
            state.requests.append(ReceivedRequest(self.command, endpoint, data))

    def do_GET(self):  # noqa: N802 - the stdlib's naming
        url = urlsplit(self.path)
        data = parse_qs(url.query)
        if url.path == "/_requests":
            with self.server.state.lock:
                received = self.server.state.requests
                rows = [{"method": r.method, "endpoint": r.endpoint, "data": r.data} for r in received]
            return self._send(200, json.dumps(rows, ensure_ascii=False), content_type="application/json")
        if url.path == "/1.2/usage-limit":
            self._record("usage-limit", data)
            usage = sum(1 for r in self.server.state.requests if r.endpoint == "comment-check")
            body = {"limit": "none", "usage": usage, "percentage": "0.00", "throttled": False}
            return self._send(200, json.dumps(body), content_type="application/json")
        return self._send(404, "not found")

    def do_POST(self):  # noqa: N802
        url = urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        data = parse_qs(self.rfile.read(length).decode("utf-8"), keep_blank_values=True)
        state = self.server.state
        if url.path == "/_control":
            with state.lock:
                mode = (data.get("mode") or [state.mode])[0]
                if mode not in MODES:
                    return self._send(400, f"unknown mode {mode}")
                state.mode = mode
                state.delay = float((data.get("delay") or [state.delay])[0])
                state.retry_after = int((data.get("retry_after") or [state.retry_after])[0])
                if data.get("reset"):
                    state.requests.clear()
            return self._send(200, "ok")
        endpoint = url.path.rsplit("/", 1)[-1]
        if endpoint not in {"verify-key", "comment-check", "submit-spam", "submit-ham"}:
            return self._send(404, "not found")
        self._record(endpoint, data)

        author = (data.get("comment_author") or [""])[0].strip().lower()
        mode = AUTHOR_TRIGGERS.get(author, state.mode)
        if mode == "slow":
            time.sleep(state.delay)
        elif mode == "error":
            return self._send(500, "Internal Server Error")
        elif mode == "ratelimit":
            return self._send(429, "Too Many Requests", {"Retry-After": str(state.retry_after)})
        elif mode == "garbage":
            return self._send(200, "<html>Service temporarily unavailable</html>")

        key = (data.get("key") or data.get("api_key") or [""])[0]
        key_ok = mode != "invalid_key" and key and key != "invalid-key"
        if endpoint == "verify-key":
            if key_ok:
                return self._send(200, "valid")
            return self._send(200, "invalid", {"X-akismet-debug-help": "We were unable to verify your API key."})
        if not key_ok:
            return self._send(200, "invalid", {"X-akismet-debug-help": "Empty or invalid API key"})
        if endpoint in {"submit-spam", "submit-ham"}:
            return self._send(200, THANKS)
        # comment-check
        if (data.get("user_role") or [""])[0] == "administrator":
            return self._send(200, "false")
        if mode == "discard":
            return self._send(200, "true", {"X-akismet-pro-tip": "discard", "X-akismet-guid": "fake-guid"})
        if mode == "spam" or _is_spam(data):
            return self._send(200, "true", {"X-akismet-guid": "fake-guid"})
        return self._send(200, "false", {"X-akismet-guid": "fake-guid"})


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    state: FakeAkismetState

    def handle_error(self, request, client_address):
        """A client that gave up (the timeout tests) is expected, not an error worth a traceback."""
        if isinstance(sys.exc_info()[1], ConnectionError):
            return
        super().handle_error(request, client_address)


class FakeAkismet:
    """The stand-in as an object: `url = FakeAkismet().start()`, later `.stop()`.

    `port=0` lets the operating system pick a free port (tests); `.requests` is what it received."""

    def __init__(self, host: str = "127.0.0.1", port: int = 0) -> None:
        self.host = host
        self.port = port
        self.state = FakeAkismetState()
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def requests(self) -> list[ReceivedRequest]:
        with self.state.lock:
            return list(self.state.requests)

    def requests_to(self, endpoint: str) -> list[ReceivedRequest]:
        return [r for r in self.requests if r.endpoint == endpoint]

    def set_mode(self, mode: str, *, delay: float | None = None, retry_after: int | None = None) -> None:
        if mode not in MODES:
            raise ValueError(mode)
        with self.state.lock:
            self.state.mode = mode
            if delay is not None:
                self.state.delay = delay
            if retry_after is not None:
                self.state.retry_after = retry_after

    def start(self) -> str:
        self._server = _Server((self.host, self.port), Handler)
        self._server.state = self.state
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(target=self._server.serve_forever, name="fake-akismet", daemon=True)
        self._thread.start()
        return self.url

    def serve_forever(self) -> None:
        """Run in the foreground (the management command)."""
        self._server = _Server((self.host, self.port), Handler)
        self._server.state = self.state
        self.port = self._server.server_address[1]
        self._server.serve_forever()

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

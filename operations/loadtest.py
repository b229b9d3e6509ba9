"""A load run with faults, against the real thing: gunicorn on production settings, the task worker and the
Akismet stand-in as separate processes, readers and commenters over real HTTP on loopback.

What it proves (or shows failing): no 5xx under load, every comment a reader was told was received is in
the database, every stored comment is judged by Akismet once it is back, and none is judged twice, while a
gunicorn worker and the task worker are killed with SIGKILL mid-run and Akismet goes slow and down.

Run by `manage.py loadtest` (`make loadtest`); see the README's "Load test".
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import random
import re
import secrets
import signal
import statistics
import struct
import subprocess
import sys
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import quote

import httpx
from django.conf import settings
from django.utils import timezone

PAGES = ("home", "section", "article", "search", "comment form", "comment token", "comment post")
# Akismet's weather, one phase each `phase_seconds`: answering, slower than usual, answering HTTP 500.
AKISMET_PHASES = (("ok", "normal"), ("slow", "slow"), ("down", "error"))
TOKEN_PATTERN = re.compile(r"\blt-[0-9a-f]{8}-c\d{2}-\d{4}\b")


def development_environment() -> dict[str, str]:
    """This process's environment on development settings, for what only the demo app provides (the demo
    content and the Akismet stand-in); the database is the same, from DATABASE_URL."""
    return {**os.environ, "DJANGO_SETTINGS_MODULE": "newsroom.settings.dev"}


@dataclass
class Config:
    port: int = 8170
    akismet_port: int = 8171
    duration: float = 60.0
    readers: int = 200
    # The readers share this many connections, as behind a proxy with an upstream connection limit: the
    # server sees at most this many readers' requests at once, and a reader's latency includes the wait.
    reader_connections: int = 32
    commenters: int = 20
    phase_seconds: float = 10.0
    slow_delay: float = 1.5
    gunicorn_workers: int = 3
    reader_think: float = 1.0
    commenter_think: float = 2.0
    request_timeout: float = 60.0  # what a proxy in front waits (nginx: proxy_read_timeout 60 s)
    kill_web_worker_at: float = 0.25  # fractions of the duration
    kill_task_worker_at: float = 0.6
    workdir: Path = field(default_factory=lambda: Path(settings.BASE_DIR) / ".loadtest")
    run_id: str = field(default_factory=lambda: secrets.token_hex(4))

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def akismet_url(self) -> str:
        return f"http://127.0.0.1:{self.akismet_port}"

    @property
    def origin(self) -> str:
        """What the browser sees behind the TLS-terminating proxy that the load generator plays."""
        return f"https://127.0.0.1:{self.port}"


# --- The processes ----------------------------------------------------------------------------------


class Processes:
    """The stand-in, the task worker and gunicorn, each in its own session (Ctrl-C reaches only us, and we
    stop them in order). `stop_all()` is safe to call twice and after a failed start."""

    def __init__(self, config: Config) -> None:
        self.config = config
        self.logs = config.workdir / "logs"
        self.logs.mkdir(parents=True, exist_ok=True)
        self.akismet: subprocess.Popen | None = None
        self.task_worker: subprocess.Popen | None = None
        self.gunicorn: subprocess.Popen | None = None
        self.events: list[str] = []
        self._files = []

    def _start(self, name: str, args: list[str], env: dict[str, str] | None = None) -> subprocess.Popen:
        log = open(self.logs / f"{name}.log", "ab")  # noqa: SIM115 - closed in stop_all
        self._files.append(log)
        return subprocess.Popen(
            args, cwd=settings.BASE_DIR, stdout=log, stderr=subprocess.STDOUT, start_new_session=True, env=env
        )

    def _manage(self, *args: str) -> list[str]:
        return [sys.executable, str(Path(settings.BASE_DIR) / "manage.py"), *args]

    def start(self) -> None:
        # The stand-in belongs to the development-only demo app, which production settings leave out.
        self.akismet = self._start(
            "fake_akismet",
            self._manage("fake_akismet", "--port", str(self.config.akismet_port)),
            env=development_environment(),
        )
        self.start_task_worker()
        self.gunicorn = self._start(
            "gunicorn",
            [
                sys.executable, "-m", "gunicorn", "newsroom.wsgi",
                "--workers", str(self.config.gunicorn_workers),
                "--bind", f"127.0.0.1:{self.config.port}",
                "--timeout", "30", "--graceful-timeout", "10", "--no-control-socket",
            ],
        )  # fmt: skip

    def start_task_worker(self) -> None:
        self.task_worker = self._start(
            "db_worker", self._manage("db_worker", "--queue-name", "*", "--interval", "1", "--no-reload")
        )

    def web_workers(self) -> list[int]:
        """gunicorn's worker processes: the master's children."""
        if self.gunicorn is None:
            return []
        master = self.gunicorn.pid
        children = Path(f"/proc/{master}/task/{master}/children")
        if children.exists():
            return [int(pid) for pid in children.read_text().split()]
        pids = []
        for stat in Path("/proc").glob("[0-9]*/stat"):
            with contextlib.suppress(OSError, IndexError, ValueError):
                if int(stat.read_text().rsplit(")", 1)[1].split()[1]) == master:
                    pids.append(int(stat.parent.name))
        return pids

    def worker_waiting_for_akismet(self) -> int | None:
        """A gunicorn worker blocked in poll() on a connection to the Akismet stand-in, if there is one:
        killing that one is the fault that matters (a comment in flight while Akismet is slow)."""
        connections = tcp_inodes_to(self.config.akismet_port)
        for pid in self.web_workers():
            if connections and polls_on(pid, connections):
                return pid
        return None

    def kill_web_worker(self, victim: int | None, at: float, how: str) -> None:
        workers = self.web_workers()
        if victim is None:
            if not workers:
                self.events.append(f"t={at:5.1f} s  no gunicorn worker found to kill")
                return
            victim = random.choice(workers)
        with contextlib.suppress(ProcessLookupError):
            os.kill(victim, signal.SIGKILL)
        self.events.append(f"t={at:5.1f} s  SIGKILL gunicorn worker {victim} (of {len(workers)}), {how}")

    def kill_task_worker(self, at: float) -> None:
        if self.task_worker is None:
            return
        victim = self.task_worker.pid
        os.kill(victim, signal.SIGKILL)
        self.task_worker.wait()
        self.start_task_worker()
        self.events.append(f"t={at:5.1f} s  SIGKILL task worker {victim}; restarted as {self.task_worker.pid}")

    def stop_all(self) -> None:
        for process in (self.gunicorn, self.task_worker, self.akismet):
            if process is not None and process.poll() is None:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGTERM)
        for process in (self.gunicorn, self.task_worker, self.akismet):
            if process is None:
                continue
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGKILL)
                process.wait()
        for log in self._files:
            log.close()
        self._files = []


# Syscall numbers of poll() and ppoll(): a process blocked in one of them shows it in /proc/PID/syscall.
POLL_SYSCALLS = {"x86_64": {7, 271}, "aarch64": {73}}.get(os.uname().machine, set())


def tcp_inodes_to(port: int) -> set[int]:
    """Socket inodes of the established TCP connections to a local port (this network namespace)."""
    inodes = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        with contextlib.suppress(OSError):
            for line in Path(table).read_text().splitlines()[1:]:
                parts = line.split()
                if parts[3] == "01" and int(parts[2].rsplit(":", 1)[1], 16) == port:
                    inodes.add(int(parts[9]))
    return inodes


def polls_on(pid: int, inodes: set[int]) -> bool:
    """Is the process blocked in poll() on one of these sockets? Reads its syscall and, from its memory,
    the pollfd array (root, or the same user with ptrace allowed)."""
    try:
        fields = Path(f"/proc/{pid}/syscall").read_text().split()
        if not fields or not fields[0].isdigit() or int(fields[0]) not in POLL_SYSCALLS:
            return False
        address, count = int(fields[1], 16), min(int(fields[2], 16), 64)
        with open(f"/proc/{pid}/mem", "rb") as memory:
            memory.seek(address)
            raw = memory.read(8 * count)
        for index in range(count):
            fd = struct.unpack_from("i", raw, 8 * index)[0]
            link = os.readlink(f"/proc/{pid}/fd/{fd}")
            if link.startswith("socket:[") and int(link[8:-1]) in inodes:
                return True
    except (OSError, ValueError, struct.error):
        return False
    return False


# --- Reading the comment form like a browser --------------------------------------------------------


class CommentFormParser(HTMLParser):
    """The fields of `<form id="comment-form">`: every input (hidden ones included) and the textarea, and
    the URL its script asks for the reader's token on a cached page (`data-token-url`)."""

    def __init__(self) -> None:
        super().__init__()
        self.in_form = False
        self.found = False
        self.fields: dict[str, str] = {}
        self.token_url = ""

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and attrs.get("id") == "comment-form":
            self.in_form = self.found = True
            self.token_url = attrs.get("data-token-url") or ""
        elif self.in_form and tag in ("input", "textarea") and attrs.get("name"):
            if attrs.get("type") in ("checkbox", "radio") and "checked" not in attrs:
                return
            self.fields[attrs["name"]] = attrs.get("value") or ""

    def handle_endtag(self, tag):
        if tag == "form":
            self.in_form = False


def comment_form_fields(html: str) -> dict[str, str] | None:
    parser = CommentFormParser()
    parser.feed(html)
    return parser.fields if parser.found else None


def comment_form_token_url(html: str) -> str:
    parser = CommentFormParser()
    parser.feed(html)
    return parser.token_url


def csrf_cookie(response: httpx.Response) -> str | None:
    """The csrftoken from Set-Cookie. Production marks it Secure, which a cookie jar will not send over
    plain http; the load generator plays the browser behind the TLS proxy, so it keeps it by hand."""
    for header in response.headers.get_list("set-cookie"):
        name, _, rest = header.partition("=")
        if name.strip() == "csrftoken":
            return rest.split(";", 1)[0]
    return None


# --- The load -----------------------------------------------------------------------------------------


@dataclass
class PageStats:
    latencies: list[float] = field(default_factory=list)
    statuses: Counter = field(default_factory=Counter)
    failures: Counter = field(default_factory=Counter)  # no HTTP answer: timeout, connection dropped

    @property
    def requests(self) -> int:
        return sum(self.statuses.values()) + sum(self.failures.values())

    def count(self, lo: int, hi: int) -> int:
        return sum(n for status, n in self.statuses.items() if lo <= status < hi)


@dataclass
class PostedComment:
    token: str
    article: str
    at: float
    outcome: str  # "acknowledged", "refused HTTP <code>", "no answer (<error>)"
    akismet_phase: str


class Load:
    def __init__(self, config: Config, processes: Processes, urls: dict[str, list[str]]) -> None:
        self.config = config
        self.processes = processes
        self.urls = urls
        self.stats: dict[str, PageStats] = defaultdict(PageStats)
        self.posted: list[PostedComment] = []
        self.phase = "ok"
        self.started = 0.0
        self.started_at = None  # wall clock, for the database's timestamps
        self.deadline = 0.0
        self.https_redirects = 0
        self.forms_missing = 0

    def headers(self) -> dict[str, str]:
        # The proxy's header, which production settings trust (SECURE_PROXY_SSL_HEADER): the request is
        # treated as HTTPS, as behind the real proxy, and SECURE_SSL_REDIRECT stays on.
        return {"X-Forwarded-Proto": "https", "User-Agent": "newsroom-loadtest/1 (httpx)"}

    def elapsed(self) -> float:
        return time.monotonic() - self.started

    async def _get(self, client: httpx.AsyncClient, page: str, url: str, **kwargs) -> httpx.Response | None:
        began = time.monotonic()
        try:
            response = await client.get(url, **kwargs)
        except httpx.TimeoutException:
            self.stats[page].failures["timeout"] += 1
            return None
        except httpx.TransportError as error:
            self.stats[page].failures[type(error).__name__] += 1
            return None
        self.stats[page].latencies.append(time.monotonic() - began)
        self.stats[page].statuses[response.status_code] += 1
        if response.is_redirect and response.headers.get("location", "").startswith("https://"):
            self.https_redirects += 1
        return response

    async def reader(self, client: httpx.AsyncClient, rng: random.Random) -> None:
        weights = {"home": 25, "section": 20, "article": 45, "search": 10}
        pages = [page for page in weights if self.urls[page]]
        while time.monotonic() < self.deadline:
            page = rng.choices(pages, [weights[p] for p in pages])[0]
            await self._get(client, page, rng.choice(self.urls[page]))
            await asyncio.sleep(rng.uniform(0, 2 * self.config.reader_think))

    async def commenter(self, number: int, rng: random.Random) -> None:
        config = self.config
        csrftoken = None
        name = f"قارئ الاختبار {number}"
        email = f"loadtest.{config.run_id}.{number}@example.com"
        sequence = 0
        async with httpx.AsyncClient(
            base_url=config.base_url, headers=self.headers(), timeout=config.request_timeout
        ) as client:
            await asyncio.sleep(rng.uniform(0, config.commenter_think))
            while time.monotonic() < self.deadline:
                article = rng.choice(self.urls["commentable"])
                fields, csrftoken = await self._open_form(client, article, csrftoken)
                if fields is None or not csrftoken:
                    self.forms_missing += 1
                    await asyncio.sleep(1)
                    continue
                await asyncio.sleep(rng.uniform(0.5, 1.5) * config.commenter_think)  # writing
                if time.monotonic() >= self.deadline:
                    break
                sequence += 1
                token = f"lt-{config.run_id}-c{number:02d}-{sequence:04d}"
                fields.update(
                    {
                        "name": name,
                        "email": email,
                        "url": "",
                        "comment": f"{token} تعليق من قارئ أثناء اختبار الحمل، رقم {sequence}.",
                    }
                )
                await self._post(client, article, fields, csrftoken, token, number, sequence)

    async def _open_form(self, client, article: str, csrftoken: str | None) -> tuple[dict | None, str | None]:
        """What a browser does: the article (served from the page cache, with no token and no cookie),
        then, as the reader starts on the form, its script's request for a token, the CSRF cookie and a
        fresh signature. Returns the form's fields and the CSRF cookie."""
        cookies = {"csrftoken": csrftoken} if csrftoken else None
        response = await self._get(client, "comment form", article, cookies=cookies)
        if response is None or response.status_code != 200:
            await asyncio.sleep(1)
            return None, csrftoken
        csrftoken = csrf_cookie(response) or csrftoken
        fields = comment_form_fields(response.text)
        token_url = comment_form_token_url(response.text)
        if fields is not None and token_url:
            cookies = {"csrftoken": csrftoken} if csrftoken else None
            answer = await self._get(client, "comment token", token_url, cookies=cookies)
            if answer is None or answer.status_code != 200:
                return None, csrftoken
            fields.update(answer.json())
            csrftoken = csrf_cookie(answer) or csrftoken
        return fields, csrftoken

    async def _post(self, client, article, fields, csrftoken, token, number, sequence) -> None:
        referer = self.config.origin + quote(article, safe="/%")
        headers = {
            "Referer": referer,
            "Origin": self.config.origin,
            # Each comment comes from its own reader's address (through the trusted proxy): the per-IP
            # rate limit is for one reader, not for the whole crowd behind the load generator.
            "X-Forwarded-For": f"10.{number}.{sequence // 250}.{sequence % 250 + 1}",
        }
        phase, at, began = self.phase, self.elapsed(), time.monotonic()
        stats = self.stats["comment post"]
        try:
            response = await client.post(
                "/comments/post/", data=fields, headers=headers, cookies={"csrftoken": csrftoken}
            )
        except httpx.TimeoutException:
            stats.failures["timeout"] += 1
            outcome = "no answer (timeout)"
        except httpx.TransportError as error:
            stats.failures[type(error).__name__] += 1
            outcome = f"no answer ({type(error).__name__})"
        else:
            stats.latencies.append(time.monotonic() - began)
            stats.statuses[response.status_code] += 1
            location = response.headers.get("location", "")
            if response.status_code == 302 and ("#comments" in location or "#c" in location):
                outcome = "acknowledged"
            else:
                outcome = f"refused HTTP {response.status_code}"
        self.posted.append(PostedComment(token, article, at, outcome, phase))

    async def comment_in_flight(self, rng: random.Random) -> None:
        """One comment posted as the author `akismet-slow`, which the stand-in answers slowly whatever its
        mode: the gunicorn worker handling it is then certain to be found waiting for Akismet, and killed."""
        async with httpx.AsyncClient(
            base_url=self.config.base_url, headers=self.headers(), timeout=self.config.request_timeout
        ) as client:
            article = rng.choice(self.urls["commentable"])
            fields, csrftoken = await self._open_form(client, article, None)
            if fields is None or not csrftoken:
                self.forms_missing += 1
                return
            token = f"lt-{self.config.run_id}-c00-0001"
            fields.update(
                {
                    "name": "akismet-slow",
                    "email": f"loadtest.{self.config.run_id}.0@example.com",
                    "url": "",
                    "comment": f"{token} تعليق يصل والعامل ينتظر Akismet.",
                }
            )
            await self._post(client, article, fields, csrftoken, token, 0, 1)

    async def weather(self, client: httpx.AsyncClient) -> None:
        """Akismet's mood, switched every phase_seconds: ok, slow, down, ok, ..."""
        index = 0
        while time.monotonic() < self.deadline:
            self.phase, mode = AKISMET_PHASES[index % len(AKISMET_PHASES)]
            await client.post("/_control", data={"mode": mode, "delay": str(self.config.slow_delay)})
            index += 1
            await asyncio.sleep(min(self.config.phase_seconds, max(0.0, self.deadline - time.monotonic())))
        await client.post("/_control", data={"mode": "normal"})
        self.phase = "ok"

    async def faults(self) -> None:
        """A gunicorn worker and the task worker, each killed with SIGKILL once, at planned fractions of the run."""
        await asyncio.gather(self._kill_web_worker(), self._kill_task_worker())

    async def _kill_task_worker(self) -> None:
        await asyncio.sleep(
            max(0.0, self.started + self.config.kill_task_worker_at * self.config.duration - time.monotonic())
        )
        self.processes.kill_task_worker(self.elapsed())

    async def _kill_web_worker(self) -> None:
        """The worker handling a comment while it waits for Akismet (the comment that is most at risk); if
        none is seen before that comment is answered, a worker at random."""
        config = self.config
        await asyncio.sleep(max(0.0, self.started + config.kill_web_worker_at * config.duration - time.monotonic()))
        posting = asyncio.ensure_future(self.comment_in_flight(random.Random(config.run_id)))
        victim, samples = None, 0
        while victim is None and not posting.done():
            victim = self.processes.worker_waiting_for_akismet()
            samples += 1
            if victim is None:
                await asyncio.sleep(0.02)
        how = f"Akismet {self.phase}, " + (
            "while it waited for Akismet on a comment"
            if victim
            else f"chosen at random (none seen waiting for Akismet in {samples} looks)"
        )
        self.processes.kill_web_worker(victim, self.elapsed(), how)
        await posting

    async def run(self) -> None:
        config = self.config
        rng = random.Random(config.run_id)
        connections = min(config.readers, config.reader_connections)
        limits = httpx.Limits(max_connections=connections, max_keepalive_connections=connections)
        async with (
            httpx.AsyncClient(
                base_url=config.base_url, headers=self.headers(), timeout=config.request_timeout, limits=limits
            ) as readers,
            httpx.AsyncClient(base_url=config.akismet_url, timeout=10) as akismet,
        ):
            self.started = time.monotonic()
            self.started_at = timezone.now()
            self.deadline = self.started + config.duration
            jobs = [self.weather(akismet), self.faults()]
            jobs += [self.reader(readers, random.Random(rng.random())) for _ in range(config.readers)]
            jobs += [self.commenter(n, random.Random(rng.random())) for n in range(1, config.commenters + 1)]
            await asyncio.gather(*jobs)


# --- Waiting and the figures ----------------------------------------------------------------------------


def wait_for(url: str, *, headers: dict[str, str] | None = None, timeout: float = 120.0, what: str) -> None:
    until = time.monotonic() + timeout
    last = ""
    while time.monotonic() < until:
        try:
            response = httpx.get(url, headers=headers, timeout=10)
            if response.status_code == 200:
                return
            last = f"HTTP {response.status_code}"
        except httpx.HTTPError as error:
            last = type(error).__name__
        time.sleep(0.5)
    raise RuntimeError(f"{what} did not answer at {url} within {timeout:.0f} s (last: {last})")


def percentile(values: list[float], fraction: float) -> float:
    if not values:
        return float("nan")
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[round(fraction * 100) - 1]


def akismet_requests_by_token(rows: list[dict]) -> dict[str, Counter]:
    """What the stand-in received, per comment of this run: {endpoint: Counter(token: times)}."""
    counts: dict[str, Counter] = defaultdict(Counter)
    for row in rows:
        content = (row.get("data", {}).get("comment_content") or [""])[0]
        match = TOKEN_PATTERN.search(content)
        if match:
            counts[row["endpoint"]][match.group(0)] += 1
    return counts

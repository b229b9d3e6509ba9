"""Comments posted to a real server (gunicorn, production settings, real HTTP), as production runs it:

- a fresh worker, whose first request is a comment (no page rendered before it), stores that comment;
- a worker killed with SIGKILL while Akismet is slow leaves the comment stored as unchecked; after the
  restart the recheck finds it and Akismet judges it exactly once (no second check, no spam/ham report).

The database is a SQLite file migrated for this module; the Akismet stand-in runs in this process on a
loopback port and is read back through its `/_requests` endpoint. Ports: the first free one from 8110.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from demo.fake_akismet import FakeAkismet

BASE_DIR = Path(__file__).resolve().parents[2]
SECRET_KEY = "test-only-secret-key"  # newsroom/settings/test.py's: the form is signed by the setup step
CSRF_TOKEN = "k" * 32
PORTS = range(8110, 8120)

SETUP = """
import json
from articles.tests.factories import ArticlePageFactory, site_tree
from django_comments_xtd import get_form
home, sections = site_tree(sections=1)
article = ArticlePageFactory(parent=sections[0])
print(json.dumps({"pk": article.pk, **get_form()(article).generate_security_data()}))
"""


def free_port(exclude=()) -> int:
    for port in PORTS:
        if port in exclude:
            continue
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError("no free port in 8110-8119")


def base_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_", "PYTEST"))}
    env.update(extra)
    return env


@pytest.fixture(scope="module")
def database(tmp_path_factory):
    """A migrated SQLite file with one article, and the article's signed form fields."""
    path = tmp_path_factory.mktemp("posting") / "site.sqlite3"
    env = base_env(DJANGO_SETTINGS_MODULE="newsroom.settings.test", DATABASE_URL=f"sqlite:///{path}")
    manage = [sys.executable, "manage.py"]
    subprocess.run([*manage, "migrate", "--no-input", "-v", "0"], cwd=BASE_DIR, env=env, check=True, timeout=600)
    made = subprocess.run(
        [*manage, "shell", "-c", SETUP], cwd=BASE_DIR, env=env, check=True, timeout=300, capture_output=True, text=True
    )
    form = json.loads(made.stdout.strip().splitlines()[-1])
    return path, form


@pytest.fixture
def stand_in():
    server = FakeAkismet(port=free_port())
    server.start()
    yield server
    server.stop()


class Gunicorn:
    """`gunicorn newsroom.wsgi` with production settings, one worker, on a free port."""

    def __init__(self, database: Path, akismet_url: str) -> None:
        self.log = database.with_name(f"gunicorn-{time.monotonic_ns()}.log")
        self.port = free_port(exclude={int(akismet_url.rsplit(":", 1)[1])})
        self.env = base_env(
            DJANGO_SETTINGS_MODULE="newsroom.settings.production",
            SECRET_KEY=SECRET_KEY,
            ALLOWED_HOSTS="127.0.0.1",
            SECURE_SSL_REDIRECT="false",
            DATABASE_URL=f"sqlite:///{database}",
            REDIS_URL="redis://127.0.0.1:6379/1",
            AKISMET_API_URL=akismet_url,
            PYTHON_AKISMET_API_KEY="test-key",
            PYTHON_AKISMET_BLOG_URL="http://127.0.0.1/",
            AKISMET_TIMEOUT="30",
            COMMENTS_RECHECK_DELAY_MINUTES="0",
            COMMENTS_HOLD_FIRST_TIME="false",
        )
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        command = [
            str(Path(sys.executable).with_name("gunicorn")),
            "newsroom.wsgi",
            "--workers",
            "1",
            "--timeout",
            "120",
            "--bind",
            f"127.0.0.1:{self.port}",
        ]
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                command, cwd=BASE_DIR, env=self.env, stdout=log, stderr=log, start_new_session=True
            )
        self.wait_until_listening()

    def wait_until_listening(self) -> None:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            with socket.socket() as probe:
                if probe.connect_ex(("127.0.0.1", self.port)) == 0:
                    return
            assert self.process.poll() is None, self.log.read_text()
            time.sleep(0.2)
        raise AssertionError("gunicorn did not start")

    def worker_pids(self) -> list[int]:
        listed = subprocess.run(["ps", "-o", "pid=", "--ppid", str(self.process.pid)], capture_output=True, text=True)
        return [int(pid) for pid in listed.stdout.split()]

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()

    def manage(self, *args: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=BASE_DIR,
            env={**self.env, "DJANGO_SETTINGS_MODULE": "newsroom.settings.production"},
            capture_output=True,
            text=True,
            timeout=300,
        )

    def post_comment(self, form: dict, *, name: str, text: str, timeout: float = 60):
        """POST the article's form as a browser does (CSRF cookie and token), without following the redirect."""
        body = urllib.parse.urlencode(
            {
                "content_type": "articles.articlepage",
                "object_pk": str(form["pk"]),
                "timestamp": form["timestamp"],
                "security_hash": form["security_hash"],
                "csrfmiddlewaretoken": CSRF_TOKEN,
                "comment": text,
                "name": name,
                "email": "reader@example.com",
                "url": "",
                "reply_to": "0",
                "honeypot": "",
            }
        ).encode()
        request = urllib.request.Request(
            f"http://127.0.0.1:{self.port}/comments/post/",
            data=body,
            headers={"Cookie": f"csrftoken={CSRF_TOKEN}", "Content-Type": "application/x-www-form-urlencoded"},
        )

        class NoRedirect(urllib.request.HTTPRedirectHandler):
            def redirect_request(self, *args, **kwargs):
                return None

        try:
            return urllib.request.build_opener(NoRedirect).open(request, timeout=timeout)
        except urllib.error.HTTPError as answer:  # 3xx and 4xx arrive here without a redirect handler
            return answer


@pytest.fixture
def server(database, stand_in):
    path, _form = database
    gunicorn = Gunicorn(path, stand_in.url)
    gunicorn.start()
    yield gunicorn
    gunicorn.stop()


def rows(database: Path, text: str) -> list[dict]:
    with sqlite3.connect(database) as connection:
        connection.row_factory = sqlite3.Row
        found = connection.execute(
            "SELECT r.xtdcomment_ptr_id AS pk, r.status, r.akismet_verdict, r.hold_reasons, r.next_recheck_at "
            "FROM comments_readercomment r JOIN django_comments c ON c.id = r.xtdcomment_ptr_id "
            "WHERE c.comment = ?",
            (text,),
        ).fetchall()
        return [dict(row) for row in found]


def events(database: Path, pk: int) -> list[tuple[str, str, str]]:
    with sqlite3.connect(database) as connection:
        return connection.execute(
            "SELECT kind, verdict, to_status FROM comments_commentevent WHERE comment_id = ? ORDER BY id", (pk,)
        ).fetchall()


def stand_in_requests(stand_in: FakeAkismet, endpoint: str, text: str) -> list[dict]:
    """What the stand-in says it received (`GET /_requests`) for this comment."""
    with urllib.request.urlopen(f"{stand_in.url}/_requests", timeout=10) as answer:
        received = json.loads(answer.read())
    return [r for r in received if r["endpoint"] == endpoint and r["data"].get("comment_content") == [text]]


def test_a_fresh_worker_stores_the_comment_that_is_its_first_request(server, database, stand_in):
    path, form = database
    text = "أول طلب يصل إلى عامل جديد هو هذا التعليق."
    answer = server.post_comment(form, name="سارة", text=text)
    assert answer.status == 302
    [stored] = rows(path, text)
    assert stored["status"] == "published"  # ham; first-time holds are off for this server
    assert len(stand_in_requests(stand_in, "comment-check", text)) == 1
    assert [kind for kind, _verdict, _status in events(path, stored["pk"])] == ["received", "checked"]


def test_a_worker_killed_while_akismet_is_slow_leaves_the_comment_for_the_recheck(server, database, stand_in):
    path, form = database
    text = "كتبت هذا بينما كان أكيسمت بطيئاً، ثم توقف الخادم فجأة."
    stand_in.set_mode("slow", delay=20)
    [worker] = server.worker_pids()
    answers = []

    def post():
        try:
            answers.append(server.post_comment(form, name="ليلى", text=text).status)
        except Exception as dropped:  # the connection dies with the worker: the reader was told nothing
            answers.append(type(dropped).__name__)

    posting = threading.Thread(target=post, daemon=True)
    posting.start()
    deadline = time.monotonic() + 30
    while not stand_in_requests(stand_in, "comment-check", text):  # the worker is now waiting for Akismet
        assert time.monotonic() < deadline, "the comment never reached Akismet"
        time.sleep(0.1)
    os.kill(worker, signal.SIGKILL)
    posting.join(timeout=30)
    assert answers and answers[0] != 302  # never told "received"...

    # ...and yet the comment was committed before Akismet was asked: it is there, unchecked, due for a recheck.
    [stored] = rows(path, text)
    assert stored["status"] == "unchecked"
    assert stored["akismet_verdict"] == ""
    assert stored["next_recheck_at"] is not None
    assert events(path, stored["pk"]) == [("received", "", "unchecked")]

    # gunicorn restarts the worker; the site answers again.
    deadline = time.monotonic() + 60
    while not [pid for pid in server.worker_pids() if pid != worker]:
        assert time.monotonic() < deadline, "gunicorn did not restart its worker"
        time.sleep(0.2)
    server.wait_until_listening()

    stand_in.set_mode("normal")
    urllib.request.urlopen(urllib.request.Request(f"{stand_in.url}/_control", data=b"reset=1"), timeout=10).read()
    for _run in range(2):  # the scheduler's job, twice: the second run finds nothing due
        result = server.manage("recheck_comments", "--no-purge")
        assert result.returncode == 0, result.stderr

    checks = stand_in_requests(stand_in, "comment-check", text)
    assert len(checks) == 1
    assert checks[0]["data"]["recheck_reason"] == ["retry"]
    assert stand_in_requests(stand_in, "submit-spam", text) == []
    assert stand_in_requests(stand_in, "submit-ham", text) == []
    [judged] = rows(path, text)
    assert (judged["status"], judged["akismet_verdict"], judged["next_recheck_at"]) == ("published", "ham", None)
    assert events(path, stored["pk"]) == [
        ("received", "", "unchecked"),
        ("rechecked", "ham", ""),
        ("status_changed", "", "published"),
    ]

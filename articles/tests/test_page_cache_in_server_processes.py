"""The page cache as production runs it: gunicorn with two workers on production settings and Redis, real
HTTP. Both workers serve the article from the cache without asking Redis on each hit (the generations
they keep are tracked), and an editor's publish made in another process shows on the very next request,
whichever worker answers it.

The database is a SQLite file migrated for this module; Redis database 4, emptied first. Ports: the first
free one from 8120.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import redis

from articles.pagecache import TrackedGenerations

BASE_DIR = Path(__file__).resolve().parents[2]
REDIS_URL = "redis://127.0.0.1:6379/4"
PORTS = range(8120, 8130)

SETUP = """
import json
from articles.tests.factories import ArticlePageFactory, site_tree
home, sections = site_tree(sections=1)
article = ArticlePageFactory(parent=sections[0], title="العنوان قبل التعديل")
article.save_revision().publish()
print(json.dumps({"pk": article.pk, "url": article.url}))
"""

PUBLISH = """
from articles.models import ArticlePage
article = ArticlePage.objects.get(pk={pk})
article.title = "العنوان بعد التعديل"
article.save_revision().publish()
"""


def free_port() -> int:
    for port in PORTS:
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError("no free port in 8120-8129")


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """A migrated SQLite file with one published article, the static files collected, the environment."""
    folder = tmp_path_factory.mktemp("pagecache")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_", "PYTEST"))}
    env.update(
        DJANGO_SETTINGS_MODULE="newsroom.settings.production",
        SECRET_KEY="test-only-secret-key-for-the-page-cache-server",
        ALLOWED_HOSTS="127.0.0.1,localhost",
        SECURE_SSL_REDIRECT="false",
        DATABASE_URL=f"sqlite:///{folder / 'site.sqlite3'}",
        REDIS_URL=REDIS_URL,
        STATIC_ROOT=str(folder / "static"),
        MEDIA_ROOT=str(folder / "media"),
        LOG_LEVEL="WARNING",
    )
    manage = [sys.executable, "manage.py"]
    for command in (["migrate", "--no-input", "-v", "0"], ["collectstatic", "--no-input", "-v", "0"]):
        subprocess.run([*manage, *command], cwd=BASE_DIR, env=env, check=True, timeout=600)
    made = subprocess.run(
        [*manage, "shell", "-c", SETUP], cwd=BASE_DIR, env=env, check=True, timeout=300, capture_output=True, text=True
    )
    return env, json.loads(made.stdout.strip().splitlines()[-1])


@pytest.fixture
def server(site):
    env, _article = site
    redis.Redis.from_url(REDIS_URL).flushdb()
    port = free_port()
    log = Path(env["STATIC_ROOT"]).with_name(f"gunicorn-{time.monotonic_ns()}.log")
    with log.open("ab") as output:
        process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "newsroom.wsgi", "--workers", "2", "--bind", f"127.0.0.1:{port}"],
            cwd=BASE_DIR,
            env=env,
            stdout=output,
            stderr=output,
            start_new_session=True,
        )
    deadline = time.monotonic() + 60
    while True:
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                break
        assert process.poll() is None and time.monotonic() < deadline, log.read_text()
        time.sleep(0.2)
    yield f"http://127.0.0.1:{port}", log
    os.killpg(process.pid, signal.SIGTERM)
    process.wait(timeout=30)


def fetch(url: str) -> tuple[str, str]:
    """(X-Page-Cache, body) of a GET on a new connection, so that either worker may answer it."""
    with urllib.request.urlopen(url, timeout=60) as response:
        return response.headers.get("X-Page-Cache", ""), response.read().decode()


def tracking_connections(client: redis.Redis) -> list[dict]:
    """The workers' connections that read the generations with tracking on (flag `t`), in our database."""
    return [info for info in client.client_list() if "t" in info["flags"] and info["db"] == "4"]


def test_two_workers_serve_hits_without_asking_redis_and_show_a_publish_at_once(site, server):
    env, article = site
    base, log = server
    url = base + urllib.request.quote(article["url"])
    client = redis.Redis.from_url(REDIS_URL)

    # Concurrent requests until both workers have answered (each then has its tracked connection): one
    # at a time, the same worker may take every request. Then a few rounds more: a worker whose only
    # request came before the generations existed read nothing it could keep, and on a slow machine a
    # worker still rendering its first page may get no other request of a round.
    warming = time.monotonic()
    with ThreadPoolExecutor(8) as pool:
        rounds_after = 0
        for _ in range(20):
            seen = list(pool.map(fetch, [url] * 16))
            assert all("العنوان قبل التعديل" in body for _, body in seen)
            if len(tracking_connections(client)) == 2:
                rounds_after += 1
                if rounds_after > 3:
                    break
    assert len(tracking_connections(client)) == 2
    time.sleep(2.2)
    started = time.monotonic()
    hits = [fetch(url) for _ in range(20)]
    assert [state for state, _ in hits] == ["hit"] * 20
    # No hit asked Redis for the generations: the connections that read them have been idle since before.
    # (Unless the hits took two seconds, or a copy outlived its MAX_AGE on a slow machine and was re-read.)
    if time.monotonic() - started < 2 and time.monotonic() - warming < TrackedGenerations.MAX_AGE:
        connections = tracking_connections(client)
        assert all(int(info["idle"]) >= 2 for info in connections), connections

    published = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", PUBLISH.format(pk=article["pk"])],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert published.returncode == 0, published.stderr
    after = [fetch(url) for _ in range(12)]
    for _, body in after:
        assert "العنوان بعد التعديل" in body and "العنوان قبل التعديل" not in body
    assert [state for state, _ in after].count("miss") <= 2  # each worker renders it once again
    assert "Traceback" not in log.read_text()

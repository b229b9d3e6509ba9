"""The task queue on Redis, end to end: production settings with REDIS_URL enqueue on Redis, and
`manage.py rqworker default --burst --with-scheduler` (the README's worker, in burst mode) runs the jobs.

- An article saved by an editor is indexed for search by the worker, not by the request: before the worker
  runs the article is not in the index, after it is.
- A task enqueued inside a transaction reaches Redis only when the transaction commits, and never if it
  rolls back (newsroom/task_queue.py), as with the database queue.
- A deferred task (a comment recheck is one) runs once due, through the worker's scheduler.

The database is a SQLite file migrated for this module; the queue is Redis database 12, emptied first.
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
import redis

BASE_DIR = Path(__file__).resolve().parents[2]
REDIS_URL = "redis://127.0.0.1:6379/12"

ENQUEUE = """
import datetime, json
import django_rq
from django.db import transaction
from django.utils import timezone
from articles.tasks import warm_article_renditions
from articles.tests.factories import ArticlePageFactory, site_tree

queue = django_rq.get_queue("default")


def on_redis():
    return len(queue) + len(queue.scheduled_job_registry)


home, sections = site_tree(sections=1)
on_redis_before_the_article = on_redis()
article = ArticlePageFactory(parent=sections[0], title="خبر يفهرسه العامل")
on_redis_after_the_article = on_redis()

with transaction.atomic():
    committed = warm_article_renditions.enqueue(article.pk)
    inside_the_transaction = on_redis()
after_the_commit = on_redis()

try:
    with transaction.atomic():
        warm_article_renditions.enqueue(article.pk)
        raise RuntimeError("the editor's save failed")
except RuntimeError:
    pass
after_the_rollback = on_redis()

deferred = warm_article_renditions.using(run_after=timezone.now() + datetime.timedelta(seconds=1)).enqueue(article.pk)
print(json.dumps({
    "pk": article.pk,
    "backend": type(warm_article_renditions.get_backend()).__name__,
    "on_redis_before_the_article": on_redis_before_the_article,
    "on_redis_after_the_article": on_redis_after_the_article,
    "inside_the_transaction": inside_the_transaction,
    "after_the_commit": after_the_commit,
    "after_the_rollback": after_the_rollback,
    "committed": committed.id,
    "deferred": deferred.id,
    "deferred_scheduled": len(queue.scheduled_job_registry),
}))
"""

RESULTS = """
import json
from articles.tasks import warm_article_renditions
print(json.dumps({
    name: warm_article_renditions.get_result(task_id).status
    for name, task_id in {"committed": "COMMITTED", "deferred": "DEFERRED"}.items()
}))
"""


def environment(database: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_", "PYTEST", "TASKS_"))}
    env.update(
        DJANGO_SETTINGS_MODULE="newsroom.settings.production",
        SECRET_KEY="test-only-secret-key",
        ALLOWED_HOSTS="127.0.0.1",
        DATABASE_URL=f"sqlite:///{database}",
        REDIS_URL=REDIS_URL,
        LOG_LEVEL="WARNING",
    )
    return env


def manage(env: dict[str, str], *args: str) -> str:
    result = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=600
    )
    assert result.returncode == 0, result.stderr[-4000:]
    return result.stdout.strip().splitlines()[-1] if result.stdout.strip() else ""


def indexed(database: Path, pk: int) -> bool:
    with sqlite3.connect(database) as db:
        rows = db.execute("SELECT COUNT(*) FROM wagtailsearch_indexentry WHERE object_id = ?", (str(pk),))
        return rows.fetchone()[0] == 1


@pytest.fixture
def queue():
    connection = redis.Redis.from_url(REDIS_URL)
    connection.flushdb()
    yield connection
    connection.flushdb()


def test_the_worker_runs_what_production_enqueues_on_redis(tmp_path, queue):
    database = tmp_path / "site.sqlite3"
    env = environment(database)
    manage(env, "migrate", "--no-input", "-v", "0")

    enqueued = json.loads(manage(env, "shell", "-c", ENQUEUE))
    assert enqueued["backend"] == "OnCommitRQBackend"
    # Saving the article enqueued its search index update (Wagtail's) on Redis, which nothing has run yet.
    assert enqueued["on_redis_after_the_article"] > enqueued["on_redis_before_the_article"]
    assert not indexed(database, enqueued["pk"])
    # On Redis only once committed; a rolled-back one never.
    assert enqueued["inside_the_transaction"] == enqueued["on_redis_after_the_article"]
    assert enqueued["after_the_commit"] == enqueued["inside_the_transaction"] + 1
    assert enqueued["after_the_rollback"] == enqueued["after_the_commit"]
    assert enqueued["deferred_scheduled"] == 1

    time.sleep(1.5)  # the deferred task is due
    manage(env, "rqworker", "default", "--burst", "--with-scheduler")

    assert indexed(database, enqueued["pk"])
    results = RESULTS.replace("COMMITTED", enqueued["committed"]).replace("DEFERRED", enqueued["deferred"])
    assert json.loads(manage(env, "shell", "-c", results)) == {"committed": "SUCCESSFUL", "deferred": "SUCCESSFUL"}
    assert queue.llen("rq:queue:default") == 0

"""`manage.py newsroom_status`: what an operator is told about the comment queues, Akismet and the task backlog."""

from __future__ import annotations

import json
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult, get_date_max

from articles.tests.factories import ArticlePageFactory
from comments.models import AkismetHealth, Status
from comments.tests.factories import ReaderCommentFactory
from operations.selectors import newsroom_status

pytestmark = pytest.mark.django_db


@pytest.fixture
def akismet_configured(settings):
    settings.AKISMET_API_KEY = "key"
    settings.AKISMET_BLOG_URL = "https://example.com/"


def _task(*, status=TaskResultStatus.READY, run_after=None, started_at=None, finished_at=None, enqueued_ago=None):
    task = DBTaskResult.objects.create(
        status=status,
        args_kwargs={"args": [], "kwargs": {}},
        task_path="comments.tasks.recheck_unchecked_comments",
        backend_name="default",
        run_after=run_after or get_date_max(),
        started_at=started_at,
        finished_at=finished_at,
    )
    if enqueued_ago is not None:  # auto_now_add: set afterwards
        DBTaskResult.objects.filter(pk=task.pk).update(enqueued_at=timezone.now() - enqueued_ago)
    return task


def _status(*args) -> str:
    out = StringIO()
    call_command("newsroom_status", *args, stdout=out)
    return out.getvalue()


def test_a_healthy_newsroom_prints_its_figures_and_no_warning(site_tree, akismet_configured):
    article = ArticlePageFactory(parent=site_tree["sections"][0])
    now = timezone.now()
    ReaderCommentFactory.create_batch(2, article=article, status=Status.PUBLISHED)
    ReaderCommentFactory(article=article, status=Status.HELD)
    ReaderCommentFactory(article=article, status=Status.UNCHECKED, next_recheck_at=now + timedelta(minutes=20))
    AkismetHealth.objects.create(pk=1, last_success_at=now, last_error_at=now - timedelta(hours=1), last_error="old")
    _task(run_after=now + timedelta(minutes=5))

    output = _status()

    assert "Comments: published 2, held 1, unchecked 1, spam 0, discarded 0, trash 0" in output
    assert "unchecked: due for a recheck 0, overdue by over an hour 0, waiting for a person 0" in output
    assert "Akismet: configured, ok;" in output
    assert "Tasks: due 0 (waiting since never), scheduled later 1, running 0" in output
    assert "No warnings." in output
    _status("--check")  # exits 0


def test_each_trouble_an_operator_must_act_on_is_a_warning_and_fails_the_check(site_tree, akismet_configured):
    article = ArticlePageFactory(parent=site_tree["sections"][0])
    now = timezone.now()
    ReaderCommentFactory(article=article, status=Status.UNCHECKED, next_recheck_at=now - timedelta(hours=2))
    ReaderCommentFactory(article=article, status=Status.UNCHECKED, next_recheck_at=now - timedelta(minutes=5))
    ReaderCommentFactory(article=article, status=Status.UNCHECKED, next_recheck_at=None)
    AkismetHealth.objects.create(
        pk=1, last_success_at=now - timedelta(hours=3), last_error_at=now, last_error="HTTP 500 from Akismet"
    )
    _task(enqueued_ago=timedelta(minutes=25))  # waiting for a worker
    _task(run_after=now - timedelta(minutes=2))
    _task(status=TaskResultStatus.RUNNING, started_at=now - timedelta(hours=2))  # its worker died
    _task(status=TaskResultStatus.FAILED, finished_at=now - timedelta(hours=1))

    output = _status()

    assert "unchecked: due for a recheck 2, overdue by over an hour 1, waiting for a person 1" in output
    assert "Akismet: configured, FAILING;" in output
    assert "Tasks: due 2 (waiting since" in output
    assert "running 1 (over 30 minutes: 1), failed in 24 h 1" in output
    warnings = [line for line in output.splitlines() if line.startswith("WARNING: ")]
    assert len(warnings) == 5, output
    assert "HTTP 500 from Akismet" in warnings[0]
    assert warnings[1].startswith("WARNING: 1 unchecked comment(s) due for a recheck for over an hour")
    assert warnings[2].startswith("WARNING: 2 task(s) waiting, the oldest for over 10 minutes")
    assert "a worker probably died" in warnings[3]
    assert "failed in the last 24 hours" in warnings[4]
    with pytest.raises(CommandError) as refused:
        _status("--check")
    assert refused.value.returncode == 1


def test_without_an_akismet_key_the_operator_is_told_comments_wait(settings, db):
    settings.AKISMET_API_KEY = ""
    output = _status()
    assert "Akismet: NOT configured" in output
    assert "WARNING: Akismet is not configured" in output


def test_json_output_for_monitoring_systems(site_tree, akismet_configured):
    article = ArticlePageFactory(parent=site_tree["sections"][0])
    ReaderCommentFactory(article=article, status=Status.HELD)
    _task()

    data = json.loads(_status("--json"))

    assert data["comments"]["by_status"]["held"] == 1
    assert data["tasks"]["due"] == 1
    assert data["akismet"]["failing"] is False
    assert data["warnings"] == []


def test_the_figures_take_a_fixed_number_of_queries(site_tree, akismet_configured):
    """Aggregates, never a row per comment or per task: the same queries with an empty or a busy site."""
    with CaptureQueriesContext(connection) as empty:
        newsroom_status()
    article = ArticlePageFactory(parent=site_tree["sections"][0])
    ReaderCommentFactory.create_batch(5, article=article, status=Status.UNCHECKED)
    for _ in range(3):
        _task()
    with CaptureQueriesContext(connection) as busy:
        newsroom_status()
    assert len(empty) == len(busy) == 4

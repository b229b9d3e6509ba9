"""Finished task rows do not pile up: the daily job deletes those older than TASK_RESULT_RETENTION_DAYS and
leaves recent ones (someone may be looking into a failure) and unfinished ones (still to run) alone."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from django_tasks import TaskResultStatus, task
from django_tasks_db.models import DBTaskResult

from core.tasks import prune_finished_task_results

pytestmark = pytest.mark.django_db


@task()
def some_job():
    return None


def enqueue(*, status, finished_days_ago=None):
    result = some_job.enqueue()
    finished_at = timezone.now() - timedelta(days=finished_days_ago) if finished_days_ago is not None else None
    DBTaskResult.objects.filter(id=result.id).update(status=status, finished_at=finished_at)
    return result.id


def test_old_finished_rows_are_pruned_and_the_rest_kept(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.TASK_RESULT_RETENTION_DAYS = 14
    old_success = enqueue(status=TaskResultStatus.SUCCESSFUL, finished_days_ago=15)
    old_failure = enqueue(status=TaskResultStatus.FAILED, finished_days_ago=30)
    recent_success = enqueue(status=TaskResultStatus.SUCCESSFUL, finished_days_ago=13)
    recent_failure = enqueue(status=TaskResultStatus.FAILED, finished_days_ago=1)
    waiting = enqueue(status=TaskResultStatus.READY)

    assert prune_finished_task_results.call() == ["default"]

    remaining = set(DBTaskResult.objects.values_list("id", flat=True))
    assert {str(pk) for pk in remaining} == {str(recent_success), str(recent_failure), str(waiting)}
    assert not {str(old_success), str(old_failure)} & {str(pk) for pk in remaining}


def test_the_retention_is_a_setting(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.TASK_RESULT_RETENTION_DAYS = 0
    enqueue(status=TaskResultStatus.SUCCESSFUL, finished_days_ago=0)

    prune_finished_task_results.call()

    assert not DBTaskResult.objects.exists()


def test_a_queue_that_is_not_the_database_is_left_alone(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    assert prune_finished_task_results.call() == []

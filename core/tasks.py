"""The task queue's own upkeep.

django-tasks-db keeps a row for every task ever enqueued (rechecks every 20 minutes, search index
updates on every publish...). Finished rows are only history, so they are pruned after
TASK_RESULT_RETENTION_DAYS with django-tasks-db's own `prune_db_task_results`; queued and running rows
are never touched.
"""

from __future__ import annotations

import io

from django.conf import settings
from django.core.management import call_command
from django_tasks import task, task_backends
from django_tasks_db.backend import DatabaseBackend


@task()
def prune_finished_task_results() -> list[str]:
    """Prune every database-backed queue; returns what `prune_db_task_results` reported for each."""
    days = settings.TASK_RESULT_RETENTION_DAYS
    reports = []
    for alias in settings.TASKS:
        if not isinstance(task_backends[alias], DatabaseBackend):
            continue
        out = io.StringIO()
        call_command(
            "prune_db_task_results",
            "--backend",
            alias,
            "--queue-name",
            "*",
            "--min-age-days",
            str(days),
            stdout=out,
        )
        reports.append(f"{alias}: {out.getvalue().strip()}")
    return reports

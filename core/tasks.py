"""The task queue's own upkeep.

django-tasks-db keeps a row for every task ever enqueued (rechecks every 20 minutes, search index
updates on every publish...). Finished rows are only history, so they are pruned after
TASK_RESULT_RETENTION_DAYS with django-tasks-db's own `prune_db_task_results`; queued and running rows
are never touched. The command logs how many rows it deleted (logger
`django_tasks_db.prune_db_task_results`, through the project's LOGGING).
"""

from __future__ import annotations

from django.conf import settings
from django.core.management import call_command
from django_tasks import task, task_backends
from django_tasks_db.backend import DatabaseBackend


@task()
def prune_finished_task_results() -> list[str]:
    """Prune every database-backed task backend, every queue of it; returns the backends pruned."""
    days = settings.TASK_RESULT_RETENTION_DAYS
    pruned = []
    for alias in settings.TASKS:
        if not isinstance(task_backends[alias], DatabaseBackend):
            continue
        call_command(
            "prune_db_task_results",
            "--backend",
            alias,
            "--queue-name",
            "*",
            "--min-age-days",
            str(days),
        )
        pruned.append(alias)
    return pruned

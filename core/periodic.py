"""The periodic jobs `manage.py run_scheduler` enqueues, registered by the apps that own them.

Each app calls `register_periodic_job` from its `AppConfig.ready()`, holding the task object itself: a
job that cannot be imported fails at start-up, where it is seen, instead of being skipped every tick by
a scheduler that only knew its dotted name. The scheduler names no app's jobs.

Every registered job must be idempotent: the scheduler enqueues all of them once when it starts, so a
restart (or a cron line running `run_scheduler --once`) runs them again.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django_tasks.base import Task


@dataclass(frozen=True)
class PeriodicJob:
    """A django-tasks task enqueued every `every`."""

    task: Task
    every: timedelta

    @property
    def name(self) -> str:
        return self.task.module_path


_jobs: dict[str, PeriodicJob] = {}


def register_periodic_job(task: Task, *, every: timedelta) -> PeriodicJob:
    """Have the scheduler enqueue `task` every `every`. Registering the same task again replaces its
    interval (ready() may run more than once in a test process); anything but a task is refused."""
    if not isinstance(task, Task):
        raise TypeError(f"{task!r} is not a django-tasks task (decorate it with @task())")
    if every <= timedelta(0):
        raise ValueError(f"The interval of {task.module_path} must be positive, not {every}")
    job = PeriodicJob(task=task, every=every)
    _jobs[job.name] = job
    return job


def periodic_jobs() -> tuple[PeriodicJob, ...]:
    """The registered jobs, in registration order (the apps' order in INSTALLED_APPS)."""
    return tuple(_jobs.values())

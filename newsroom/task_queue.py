"""The task queue on Redis (TASKS_QUEUE=redis): django-tasks-rq's backend, made to wait for the commit.

With the database as the queue, a task enqueued inside a transaction is a row of that transaction: a worker
sees it only once the transaction commits, and never if it rolls back. On Redis a job is visible at once, so a
worker could run it before the data it is about exists: Wagtail enqueues the search index update of a page
from inside the publishing transaction, and a worker that ran it before the commit would find no page (a new
article would never be found by search). So a task enqueued inside a transaction on the primary is pushed to
Redis when that transaction commits (and dropped if it rolls back); outside a transaction it is pushed at once,
as django-tasks-rq does. The result returned carries the job's id either way.
"""

from __future__ import annotations

import django_rq
from django.db import transaction
from django_tasks.base import TASK_MAX_PRIORITY, TaskResult, TaskResultStatus
from django_tasks.signals import task_enqueued
from django_tasks.utils import get_random_id
from django_tasks_rq import Job, RQBackend
from django_tasks_rq.backend import failed_callback, success_callback
from rq.job import Callback, JobStatus


class OnCommitRQBackend(RQBackend):
    def enqueue(self, task, args, kwargs):
        if not transaction.get_connection().in_atomic_block:
            return super().enqueue(task, args, kwargs)
        self.validate_task(task)
        task_result = TaskResult(
            task=task,
            id=get_random_id(),
            status=TaskResultStatus.READY,
            enqueued_at=None,
            started_at=None,
            last_attempted_at=None,
            finished_at=None,
            args=args,
            kwargs=kwargs,
            backend=self.alias,
            errors=[],
            worker_ids=[],
        )

        def push() -> None:
            queue = django_rq.get_queue(task.queue_name, job_class=Job)
            job = queue.create_job(
                task.module_path,
                args=args,
                kwargs=kwargs,
                job_id=task_result.id,
                status=JobStatus.SCHEDULED if task.run_after else JobStatus.QUEUED,
                on_failure=Callback(failed_callback),
                on_success=Callback(success_callback),
                meta={"backend_name": self.alias},
            )
            if task.run_after is None:
                job = queue.enqueue_job(job, at_front=task.priority == TASK_MAX_PRIORITY)
            else:
                job = queue.schedule_job(job, task.run_after)
            object.__setattr__(task_result, "enqueued_at", job.enqueued_at)
            task_enqueued.send(type(self), task_result=task_result)

        # robust: the data is committed by then; a Redis outage is logged rather than turned into an error
        # page for a request whose work is saved (rechecks and index updates are retried by later runs).
        transaction.on_commit(push, robust=True)
        return task_result

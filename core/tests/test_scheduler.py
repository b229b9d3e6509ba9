"""The scheduler's clock: every registered periodic job is enqueued on its interval, a job that cannot be
enqueued is retried on the next tick, and SIGTERM stops the loop cleanly."""

from __future__ import annotations

import io
import os
import signal
from datetime import timedelta

import pytest
from django.core.management import call_command
from django_tasks import task

from core import periodic
from core.management.commands import run_scheduler

pytestmark = pytest.mark.django_db

ENQUEUED: list[str] = []


@task()
def record_tick():
    ENQUEUED.append("ran")


@task()
def broken_job():
    raise AssertionError("never enqueued: enqueue() fails first")


@pytest.fixture
def only_jobs(monkeypatch):
    """Replace the registered jobs with the given ones for one test."""

    def install(*jobs):
        monkeypatch.setattr(periodic, "_jobs", {})
        for job_task, every in jobs:
            periodic.register_periodic_job(job_task, every=every)

    ENQUEUED.clear()
    return install


def test_every_app_registers_its_own_jobs():
    names = {job.name for job in periodic.periodic_jobs()}
    assert {
        "comments.tasks.recheck_unchecked_comments",
        "comments.tasks.purge_old_spam",
        "comments.tasks.purge_discarded",
        "comments.admin.privacy.anonymise_old_ips_task",
        "core.tasks.prune_finished_task_results",
    } <= names


def test_only_a_task_can_be_registered():
    with pytest.raises(TypeError, match="not a django-tasks task"):
        periodic.register_periodic_job(lambda: None, every=timedelta(minutes=1))
    with pytest.raises(ValueError, match="must be positive"):
        periodic.register_periodic_job(record_tick, every=timedelta(0))


def test_once_enqueues_every_registered_job(only_jobs):
    only_jobs((record_tick, timedelta(hours=1)))
    call_command("run_scheduler", "--once", stdout=io.StringIO())
    assert ENQUEUED == ["ran"]


def test_periodic_jobs_wait_for_their_interval_between_ticks(only_jobs):
    only_jobs((record_tick, timedelta(minutes=10)))
    command = run_scheduler.Command(stdout=io.StringIO())
    last_run: dict[str, float] = {}
    command.tick(last_run)
    command.tick(last_run)
    assert ENQUEUED == ["ran"], "a job runs once per interval, not once per tick"


def test_a_job_that_cannot_be_enqueued_is_logged_and_tried_again(only_jobs, monkeypatch, caplog):
    only_jobs((broken_job, timedelta(hours=1)), (record_tick, timedelta(hours=1)))

    enqueue = type(broken_job).enqueue

    def queue_refuses_broken_job(self, *args, **kwargs):
        if self is broken_job:
            raise ConnectionError("queue unreachable")
        return enqueue(self, *args, **kwargs)

    monkeypatch.setattr(type(broken_job), "enqueue", queue_refuses_broken_job)
    command = run_scheduler.Command(stdout=io.StringIO())
    last_run: dict[str, float] = {}
    command.tick(last_run)

    assert "Could not enqueue core.tests.test_scheduler.broken_job" in caplog.text
    assert ENQUEUED == ["ran"], "one job failing does not stop the others"
    assert "core.tests.test_scheduler.broken_job" not in last_run, "a failed job is due again at the next tick"


def test_sigterm_stops_the_loop_after_the_current_tick(monkeypatch):
    ticks = []

    def tick_then_get_terminated(self, last_run, *, force_jobs=False):
        ticks.append(1)
        os.kill(os.getpid(), signal.SIGTERM)

    monkeypatch.setattr(run_scheduler.Command, "tick", tick_then_get_terminated)
    out = io.StringIO()
    call_command("run_scheduler", "--interval", "30", stdout=out)
    assert ticks == [1]
    assert "Scheduler stopped." in out.getvalue()
    assert signal.getsignal(signal.SIGTERM) is not tick_then_get_terminated

"""`manage.py run_scheduler`: the clock beside the server.

Wagtail publishes and unpublishes scheduled pages only when `publish_scheduled` runs, and a newsroom
cannot depend on someone remembering cron. This loop runs it every minute (`--interval`), and enqueues
the periodic background jobs (comment rechecks, purges, IP anonymisation) on the task queue that
`manage.py db_worker` works through. The jobs are looked up by dotted path, so a job whose module does
not exist yet is skipped rather than stopping the clock.

`--once` runs one tick and every periodic job, then exits: tests use it, and so can a cron line.
SIGTERM and SIGINT finish the current tick and exit cleanly (systemd's stop, Ctrl-C under `make run`).
"""

from __future__ import annotations

import logging
import signal
import threading
import time
from dataclasses import dataclass

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import close_old_connections
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class PeriodicJob:
    """A django-tasks task (by dotted path) enqueued every `every` seconds."""

    task_path: str
    every: int


# Every job here is idempotent, so enqueuing it again after a restart does no harm.
PERIODIC_JOBS: tuple[PeriodicJob, ...] = (
    PeriodicJob("comments.tasks.recheck_held_comments", every=20 * 60),
    PeriodicJob("comments.tasks.purge_old_spam", every=24 * 60 * 60),
    PeriodicJob("comments.tasks.purge_discarded", every=24 * 60 * 60),
    PeriodicJob("comments.admin.privacy.anonymise_old_ips_task", every=24 * 60 * 60),
)


def load_task(path: str):
    """The task at `path`, or None while the module or the name does not exist yet."""
    try:
        return import_string(path)
    except ImportError:
        return None


class Command(BaseCommand):
    help = "Publish and expire scheduled pages every minute and enqueue the periodic background jobs."

    def add_arguments(self, parser):
        parser.add_argument(
            "--interval", type=float, default=60.0, help="Seconds between two runs of publish_scheduled (default 60)."
        )
        parser.add_argument("--once", action="store_true", help="Run one tick and every periodic job, then exit.")

    def handle(self, *args, interval: float, once: bool, **options):
        self.stop = threading.Event()
        last_run: dict[str, float] = {}
        if once:
            self.tick(last_run, force_jobs=True)
            return
        previous = {sig: signal.signal(sig, self.request_stop) for sig in (signal.SIGTERM, signal.SIGINT)}
        self.stdout.write(f"Scheduler running every {interval:g} s (SIGTERM or Ctrl-C stops it).")
        try:
            while not self.stop.is_set():
                # A long-running process must not keep a connection the database has dropped.
                close_old_connections()
                self.tick(last_run)
                close_old_connections()
                self.stop.wait(interval)
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)
        self.stdout.write("Scheduler stopped.")

    def request_stop(self, signum, frame):
        self.stop.set()

    def tick(self, last_run: dict[str, float], *, force_jobs: bool = False) -> None:
        """One pass. A failure is logged and the loop goes on: one bad page must not stop the clock."""
        try:
            call_command("publish_scheduled", stdout=self.stdout)
        except Exception:
            logger.exception("publish_scheduled failed")
        now = time.monotonic()
        for job in PERIODIC_JOBS:
            due = force_jobs or job.task_path not in last_run or now - last_run[job.task_path] >= job.every
            if not due:
                continue
            task = load_task(job.task_path)
            if task is None:
                continue
            try:
                task.enqueue()
            except Exception:
                logger.exception("Could not enqueue %s", job.task_path)
                continue
            last_run[job.task_path] = now

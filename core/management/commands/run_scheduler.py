"""`manage.py run_scheduler`: the clock beside the server.

Wagtail publishes and unpublishes scheduled pages only when `publish_scheduled` runs, and a newsroom
cannot depend on someone remembering cron. This loop runs it every minute (`--interval`), and enqueues
the periodic background jobs on the task queue that `manage.py db_worker` works through. Which jobs, and
how often, is up to the apps that own them: each registers its own (core.periodic), so this command
names none of them.

`--once` runs one tick and every periodic job, then exits: tests use it, and so can a cron line.
SIGTERM and SIGINT finish the current tick and exit cleanly (systemd's stop, Ctrl-C under `make run`).
"""

from __future__ import annotations

import logging
import signal
import threading
import time

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import close_old_connections

from core.periodic import periodic_jobs

logger = logging.getLogger(__name__)


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
        for job in periodic_jobs():
            every = job.every.total_seconds()
            due = force_jobs or job.name not in last_run or now - last_run[job.name] >= every
            if not due:
                continue
            try:
                job.task.enqueue()
            except Exception:
                # Not marked as run: the next tick tries again.
                logger.exception("Could not enqueue %s", job.name)
                continue
            last_run[job.name] = now

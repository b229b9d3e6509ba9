"""`python manage.py loadtest`: a bounded load run with faults against gunicorn on production settings.

Start it with `make loadtest` (or `bin/loadtest`), which sets the environment: production settings, a
PostgreSQL database of its own (its name must contain "loadtest": the run writes comments into it), a Redis
database of its own (flushed at the start), the Akismet stand-in's URL. Everything listens on 127.0.0.1
and everything it starts is stopped at the end, on Ctrl-C and on failure.
"""

from __future__ import annotations

import asyncio
import contextlib
import signal
import subprocess
import sys
import time
from collections import Counter
from io import StringIO
from pathlib import Path

import httpx
import psycopg
from django.conf import settings
from django.core.cache import cache
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.utils import timezone
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult
from psycopg import sql

from articles.models import ArticlePage, HomePage, SectionPage
from comments.models import CommentEvent, ReaderComment, Status
from operations.loadtest import (
    PAGES,
    Config,
    Load,
    Processes,
    akismet_requests_by_token,
    development_environment,
    percentile,
    wait_for,
)

JUDGED_VERDICTS = ("ham", "spam", "discard")


class Command(BaseCommand):
    help = "Load run with faults: gunicorn, task worker and Akismet stand-in; readers and commenters over HTTP."
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("--port", type=int, default=8170, help="gunicorn's port on 127.0.0.1")
        parser.add_argument("--akismet-port", type=int, default=8171, help="the Akismet stand-in's port")
        parser.add_argument("--duration", type=float, default=60.0, help="seconds of load (at most 600)")
        parser.add_argument("--readers", type=int, default=200, help="concurrent readers (at most 1000)")
        parser.add_argument("--connections", type=int, default=32, help="connections the readers share")
        parser.add_argument("--commenters", type=int, default=20, help="concurrent commenters (at most 99)")
        parser.add_argument("--workers", type=int, default=3, help="gunicorn worker processes")
        parser.add_argument("--phase-seconds", type=float, default=10.0, help="Akismet: ok, slow, down, each this long")
        parser.add_argument("--slow-delay", type=float, default=1.5, help="seconds the slow Akismet takes to answer")
        parser.add_argument("--skip-prepare", action="store_true", help="do not migrate, load_demo, collectstatic")

    def handle(self, *args, **options):
        if not (0 < options["duration"] <= 600 and 0 < options["readers"] <= 1000 and 0 < options["commenters"] < 100):
            raise CommandError(
                "The run is bounded: --duration up to 600 s, --readers up to 1000, --commenters up to 99."
            )
        config = Config(
            port=options["port"],
            akismet_port=options["akismet_port"],
            duration=options["duration"],
            readers=options["readers"],
            reader_connections=options["connections"],
            commenters=options["commenters"],
            gunicorn_workers=options["workers"],
            phase_seconds=options["phase_seconds"],
            slow_delay=options["slow_delay"],
        )
        self._refuse_unsafe_setup()
        if not options["skip_prepare"]:
            self._prepare()
        cache.clear()  # rate limits and Akismet back-off from an earlier run
        urls = self._urls()

        processes = Processes(config)
        # SIGTERM (a CI timeout, `kill`) ends the run like Ctrl-C does: through the finally below.
        previous = signal.signal(signal.SIGTERM, _interrupt)
        try:
            log_offset = _size(processes.logs / "gunicorn.log")
            processes.start()
            self._say(f"Starting gunicorn ({config.gunicorn_workers} workers) on {config.base_url}, the task worker "
                      f"and the Akismet stand-in on {config.akismet_url}; logs in {processes.logs}")  # fmt: skip
            wait_for(f"{config.akismet_url}/_requests", what="The Akismet stand-in")
            wait_for(config.base_url + "/", headers={"X-Forwarded-Proto": "https"}, what="gunicorn")
            httpx.post(f"{config.akismet_url}/_control", data={"mode": "normal", "reset": "1"})
            self._say(
                f"Run {config.run_id}: {config.duration:.0f} s, {config.readers} readers (sharing "
                f"{config.reader_connections} connections), {config.commenters} commenters; "
                f"Akismet ok / slow ({config.slow_delay} s) / down (HTTP 500), "
                f"{config.phase_seconds:.0f} s each"
            )
            load = Load(config, processes, urls)
            asyncio.run(load.run())
            self._say("Load finished; Akismet back to normal. Letting the task worker drain its queue...")
            drained = self._drain_tasks(timeout=60)
            if processes.task_worker is not None:
                with contextlib.suppress(ProcessLookupError):
                    processes.task_worker.terminate()
                processes.task_worker.wait(timeout=30)
            rechecks = self._recheck(config.run_id)
            akismet_rows = httpx.get(f"{config.akismet_url}/_requests", timeout=30).json()
            server_errors = _count_tracebacks(processes.logs / "gunicorn.log", log_offset)
        finally:
            processes.stop_all()
            signal.signal(signal.SIGTERM, previous)
        self._say("All processes stopped.")
        failed = self._report(config, load, processes, akismet_rows, server_errors, drained, rechecks)
        if failed:
            raise CommandError("Targets missed: " + "; ".join(failed))

    # --- Set-up ---------------------------------------------------------------------------------------

    def _refuse_unsafe_setup(self) -> None:
        if settings.SETTINGS_MODULE != "newsroom.settings.production":
            raise CommandError("Run it on production settings: `make loadtest` (or bin/loadtest) sets them.")
        database = settings.DATABASES["default"]
        if not settings.DATABASE_IS_POSTGRES or "loadtest" not in database["NAME"]:
            raise CommandError(
                "The load test writes comments into its database: it needs PostgreSQL and a database name "
                f"containing 'loadtest' (not {database['NAME']!r}). Set LOADTEST_DATABASE_URL."
            )
        if "redis" not in settings.CACHES["default"]["BACKEND"].lower():
            raise CommandError("The load test needs Redis (REDIS_URL): workers must share rate limits and state.")
        if "127.0.0.1" not in settings.ALLOWED_HOSTS:
            raise CommandError("ALLOWED_HOSTS must contain 127.0.0.1 (the run is on loopback only).")

    def _prepare(self) -> None:
        database = settings.DATABASES["default"]
        params = {
            "dbname": "postgres",
            "host": database.get("HOST") or None,
            "port": database.get("PORT") or None,
            "user": database.get("USER") or None,
            "password": database.get("PASSWORD") or None,
        }
        with psycopg.connect(autocommit=True, **{k: v for k, v in params.items() if v}) as admin:
            exists = admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [database["NAME"]]).fetchone()
            if not exists:
                admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(database["NAME"])))
                self._say(f"Created the database {database['NAME']}.")
        started = time.monotonic()
        call_command("migrate", interactive=False, verbosity=0)
        # load_demo is in the development-only demo app: run it on development settings, same database.
        subprocess.run(
            [sys.executable, str(Path(settings.BASE_DIR) / "manage.py"), "load_demo"],
            env=development_environment(),
            check=True,
            stdout=subprocess.DEVNULL,
        )
        call_command("collectstatic", interactive=False, verbosity=0)
        self._say(f"Database {database['NAME']} migrated, demo content loaded ({time.monotonic() - started:.0f} s).")

    def _urls(self) -> dict[str, list[str]]:
        def live(model):
            return [page.url for page in model.objects.live().public().specific() if page.url]

        articles = list(ArticlePage.objects.live().public().select_related("locale"))
        commentable = [a.url for a in articles if a.comments_open and a.locale.language_code == "ar" and a.url]
        if not commentable:
            raise CommandError("No live Arabic article with comments open: is the demo content loaded?")
        return {
            "home": live(HomePage),
            "section": live(SectionPage),
            "article": [a.url for a in articles if a.url],
            "search": [f"/search/?q={word}" for word in ["الاسد", "مدرسة", "دمشق", "حلب", "news"]],
            "commentable": commentable,
        }

    # --- After the load -------------------------------------------------------------------------------

    def _drain_tasks(self, *, timeout: float) -> bool:
        until = time.monotonic() + timeout
        while time.monotonic() < until:
            if not DBTaskResult.objects.ready().exists():
                return True
            time.sleep(1)
        return False

    def _recheck(self, run_id: str) -> list[str]:
        """`recheck_comments` until nothing of this run is left due (a batch is 100 comments), with the
        task worker stopped, so that no two processes recheck at the same moment."""
        reports: list[str] = []
        for _ in range(20):
            due = ReaderComment.objects.filter(
                comment__startswith=f"lt-{run_id}-", status=Status.UNCHECKED, next_recheck_at__lte=timezone.now()
            )
            if not due.exists():
                break
            out = StringIO()
            call_command("recheck_comments", "--no-purge", stdout=out)
            reports.append(out.getvalue().strip().replace("\n", " "))
            if "Stopped at the first failure" in reports[-1]:
                time.sleep(2)
        return reports or ["nothing of this run was left unchecked"]

    # --- The report -----------------------------------------------------------------------------------

    def _report(self, config, load, processes, akismet_rows, server_errors, drained, rechecks) -> list[str]:
        write = self.stdout.write
        write("")
        write(f"== Load test {config.run_id}: figures ==")
        write("Faults:")
        for event in processes.events:
            write(f"  {event}")
        write(
            f"{'page':<14}{'requests':>9}{'2xx':>7}{'3xx':>6}{'4xx':>6}{'5xx':>6}{'no answer':>10}"
            f"{'p50 ms':>9}{'p99 ms':>9}"
        )
        total = Counter()
        for page in PAGES:
            stats = load.stats.get(page)
            if stats is None:
                continue
            row = {
                "requests": stats.requests, "2xx": stats.count(200, 300), "3xx": stats.count(300, 400),
                "4xx": stats.count(400, 500), "5xx": stats.count(500, 600), "none": sum(stats.failures.values()),
            }  # fmt: skip
            total.update(row)
            p50, p99 = (f"{percentile(stats.latencies, q) * 1000:.0f}" if stats.latencies else "-" for q in (0.5, 0.99))
            write(
                f"{page:<14}{row['requests']:>9}{row['2xx']:>7}{row['3xx']:>6}{row['4xx']:>6}{row['5xx']:>6}"
                f"{row['none']:>10}{p50:>9}{p99:>9}"
            )
        write(
            f"{'total':<14}{total['requests']:>9}{total['2xx']:>7}{total['3xx']:>6}{total['4xx']:>6}"
            f"{total['5xx']:>6}{total['none']:>10}   ({total['requests'] / config.duration:.0f} requests/s)"
        )
        failures = Counter()
        for stats in load.stats.values():
            failures.update(stats.failures)
        if failures:
            write("  no answer: " + ", ".join(f"{kind} {n}" for kind, n in failures.most_common()))
        if load.https_redirects:
            write(f"  {load.https_redirects} redirects to https: the proxy header was not trusted")
        if load.forms_missing:
            write(f"  {load.forms_missing} article pages without a comment form or CSRF cookie")

        # Comments: what readers were told, what the database holds, what Akismet saw.
        posted = {p.token: p for p in load.posted}
        outcomes = Counter(p.outcome for p in load.posted)
        acknowledged = {t for t, p in posted.items() if p.outcome == "acknowledged"}
        stored = {
            token: row
            for row in ReaderComment.objects.filter(comment__startswith=f"lt-{config.run_id}-").values(
                "pk", "comment", "status", "akismet_verdict"
            )
            if (token := row["comment"].split(" ", 1)[0]) in posted
        }
        lost = sorted(acknowledged - stored.keys())
        stored_unacknowledged = sorted(stored.keys() - acknowledged)
        statuses = Counter(row["status"] for row in stored.values())
        judged = {t for t, row in stored.items() if row["status"] != "unchecked"}
        verdict_events = Counter(
            CommentEvent.objects.filter(
                comment_id__in=[row["pk"] for row in stored.values()],
                kind__in=("checked", "rechecked"),
                verdict__in=JUDGED_VERDICTS,
            ).values_list("comment_id", flat=True)
        )
        judged_twice = sorted(t for t, row in stored.items() if verdict_events[row["pk"]] > 1)
        by_endpoint = akismet_requests_by_token(akismet_rows)
        checks = by_endpoint.get("comment-check", Counter())
        asked_never_stored = sorted(set(checks) - stored.keys())
        reports = {endpoint: by_endpoint.get(endpoint, Counter()) for endpoint in ("submit-spam", "submit-ham")}
        reported_twice = sorted(t for counts in reports.values() for t, n in counts.items() if n > 1)

        write("")
        write(
            f"Comments: posted {len(posted)}; " + ", ".join(f"{outcome} {n}" for outcome, n in outcomes.most_common())
        )
        write(f"  stored {len(stored)}; acknowledged but NOT stored (lost): {len(lost)}")
        for token in lost[:20]:
            p = posted[token]
            asked = checks.get(token, 0)
            write(f"    {token} at t={p.at:.1f} s, Akismet {p.akismet_phase}, comment-check requests {asked}")
        if stored_unacknowledged:
            write(f"  stored although the reader got no acknowledgement: {len(stored_unacknowledged)}")
        write(
            f"  after the recheck: judged {len(judged)} of {len(stored)}; "
            + ", ".join(f"{status} {n}" for status, n in statuses.most_common())
        )
        for line in rechecks:
            write(f"    recheck_comments: {line}")
        write(
            f"Akismet stand-in: {sum(checks.values())} comment-check requests for {len(checks)} comments of this run; "
            + ", ".join(f"asked {times}x: {n}" for times, n in sorted(Counter(checks.values()).items()))
        )
        write(f"  asked about a comment that was never stored: {len(asked_never_stored)}")
        for token in asked_never_stored[:20]:
            p = posted.get(token)
            said = f"posted at t={p.at:.1f} s, {p.outcome}" if p else "not posted by this run"
            write(f"    {token}: {said}, comment-check requests {checks[token]}")
        write(f"  comments given a verdict more than once: {len(judged_twice)}")
        write(
            f"  submit-spam {sum(reports['submit-spam'].values())}, submit-ham {sum(reports['submit-ham'].values())}, "
            f"reported twice: {len(reported_twice)}"
        )
        this_run = DBTaskResult.objects.filter(enqueued_at__gte=load.started_at)
        running = this_run.filter(status=TaskResultStatus.RUNNING).count()
        failed_tasks = this_run.filter(status=TaskResultStatus.FAILED).count()
        write(
            f"Task queue: {'drained' if drained else 'NOT drained in 60 s'}; {this_run.count()} tasks in the run; "
            f"left 'running' by the killed worker: "
            f"{running}; failed: {failed_tasks}"
        )
        write(f"Server log: {server_errors} traceback(s) in {processes.logs / 'gunicorn.log'}")
        connection.close()

        # A sync gunicorn worker serves one request at a time: the one it held when killed cannot be answered.
        web_kills = sum("SIGKILL gunicorn worker" in event for event in processes.events)
        targets = {
            "0 5xx": total["5xx"] == 0,
            "every request answered, but the one each killed worker held": total["none"] <= web_kills,
            "0 comments lost": not lost,
            "every stored comment judged": len(judged) == len(stored),
            "no comment judged twice": not judged_twice,
            "Akismet never asked about a comment that was not stored": not asked_never_stored,
            "nothing reported to Akismet twice": not reported_twice,
        }
        write("")
        write("Targets: " + "; ".join(f"{name}: {'ok' if ok else 'MISSED'}" for name, ok in targets.items()))
        return [name for name, ok in targets.items() if not ok]

    def _say(self, message: str) -> None:
        self.stdout.write(message)
        self.stdout.flush()


def _interrupt(signum, frame):
    raise KeyboardInterrupt


def _size(path) -> int:
    return path.stat().st_size if path.exists() else 0


def _count_tracebacks(path, offset: int) -> int:
    if not path.exists():
        return 0
    with path.open("rb") as log:
        log.seek(offset)
        return log.read().count(b"Traceback (most recent call last)")

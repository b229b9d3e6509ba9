"""`manage.py bench --articles N --comments M`: the public pages at the demo's size and at an archive's.

Figures, not assertions: timings are noisy, so they live here and never in unit tests. In its own
database (the one DATABASE_URL names; `make bench` gives it `.bench.sqlite3` or BENCH_DB), it

1. starts from an empty database (`--fresh`: only a database whose name says "bench"), migrates and
   loads the demo, and puts 50 comments under one article;
2. measures each page: p50 and p95 of sequential requests and requests per second under concurrency
   (wrk if installed, else a thread pool), all through gunicorn with production settings on a local
   port, plus the queries of one request (in this process) and the HTML's size; first with the readers'
   page cache off (what rendering costs), then on (what an anonymous reader gets from it: p50 and
   req/s of each page served from the cache), and, on that same server, a static file and the cached
   article in turns (wrk, interleaved), whose req/s ratio says how close a cached page comes to a file;
3. adds N articles and M comments in bulk (operations/archive_builder.py), gathers the planner's
   statistics (ANALYZE), and measures again;
4. prints both sizes side by side with the growth of each page's median.

`--measure-only --against DATABASE_URL` serves a second database beside this one instead (say, the demo
beside the archive) and times each page on both in alternating rounds: the ratio of each round's
medians is taken within seconds, so a machine that slows down for a minute slows both sides of it.
"""

from __future__ import annotations

import http.client
import os
import random
import re
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from dataclasses import dataclass
from pathlib import Path

import psycopg
import redis
from django.conf import settings
from django.core.cache import cache
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, connections
from django.test import Client
from django.test.utils import CaptureQueriesContext

from articles.models import ArticlePage, HomePage, SectionPage
from comments.models import ReaderComment
from operations import archive_builder

SEARCH_QUERY = "دمشق"
# A word of most demo stories (and so of most of the archive built from them): a search that fills a page of
# results at the demo's size too, so its two sizes are measured with the same page.
COMMON_QUERY = "حلب"
COMMENTS_ON_ARTICLE = 50
STATIC_PAGE = "static CSS"


STATIC_FILE = "/static/css/site.css"
RATIO_ROUNDS = 6
# `--against`: rounds per page, and sequential requests to each server in a round.
AGAINST_ROUNDS = 9
AGAINST_REQUESTS = 8
# The relaxed setting the ratio is also measured with (NEWSROOM_PAGE_CACHE_RECHECK_MS).


@dataclass
class Figures:
    p50: float
    p95: float
    queries: int
    size: int
    rps: float
    cached_p50: float = 0.0
    cached_rps: float = 0.0


@dataclass
class Ratio:
    """Requests per second of a static file and of the cached article, measured in turns on one server."""

    label: str
    static: list[float]
    article: list[float]
    static_size: int

    @property
    def value(self) -> float:
        """The median of each round's ratio: a round's two figures saw the same load on a shared machine."""
        return statistics.median(a / s for a, s in zip(self.article, self.static, strict=True) if s)


def percentile(values: list[float], fraction: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, max(0, round(fraction * len(values)) - 1))]


class Server:
    """gunicorn with production settings on a local port, against the benchmark's database."""

    def __init__(
        self,
        *,
        port: int,
        workers: int,
        database_url: str,
        static_root: Path,
        redis_url: str,
        page_cache: bool,
        tracking: bool = True,
    ):
        self.port = port
        # The cache starts empty: pages and generations left by another database must not be served.
        redis.Redis.from_url(redis_url).flushdb()
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "newsroom.settings.production",
            "SECRET_KEY": "benchmark-only-not-a-secret",
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "SECURE_SSL_REDIRECT": "false",
            "DATABASE_URL": database_url,
            "STATIC_ROOT": str(static_root),
            "MEDIA_ROOT": str(settings.MEDIA_ROOT),
            "LOG_LEVEL": "WARNING",
            "REDIS_URL": redis_url,
            "NEWSROOM_PAGE_CACHE": "true" if page_cache else "false",
            "NEWSROOM_PAGE_CACHE_TRACKING": "true" if tracking else "false",
        }
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "newsroom.wsgi",
                "--workers",
                str(workers),
                "--bind",
                f"127.0.0.1:{port}",
                "--log-level",
                "warning",
            ],
            cwd=settings.BASE_DIR,
            env=env,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                connection_ = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
                connection_.request("GET", "/robots.txt")
                connection_.getresponse().read()
                return
            except OSError:
                if self.process.poll() is not None:
                    raise CommandError("gunicorn exited before answering") from None
                time.sleep(0.5)
        self.stop()
        raise CommandError("gunicorn did not answer within 60 s")

    def stop(self):
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()


def get(conn: http.client.HTTPConnection, url: str) -> tuple[int, bytes]:
    conn.request("GET", url, headers={"Host": "127.0.0.1"})
    response = conn.getresponse()
    return response.status, response.read()


def requests_per_second(port: int, url: str, *, seconds: float, concurrency: int) -> float:
    """wrk's figure when wrk is installed (a C client takes little of the CPU the server needs), else a
    thread pool of keep-alive connections."""
    if shutil.which("wrk"):
        output = subprocess.run(
            [
                "wrk",
                f"-t{min(2, concurrency)}",
                f"-c{concurrency}",
                f"-d{int(seconds)}s",
                "--timeout",
                "30s",  # wrk's default (2 s) would count a slow page on a loaded machine as failed
                f"http://127.0.0.1:{port}{url}",
            ],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        match = re.search(r"Requests/sec:\s+([\d.]+)", output)
        errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
        if errors:
            raise CommandError(f"{url}: {errors.group(1)} error responses under load")
        return float(match.group(1)) if match else 0.0
    done = [0] * concurrency
    stop_at = time.monotonic() + seconds

    def worker(slot: int):
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        while time.monotonic() < stop_at:
            status, _ = get(conn, url)
            if status == 200:
                done[slot] += 1

    threads = [threading.Thread(target=worker, args=(slot,)) for slot in range(concurrency)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sum(done) / (time.monotonic() - started)


class Command(BaseCommand):
    help = "Benchmark the public pages at the demo's size and with a large archive built in bulk."

    def add_arguments(self, parser):
        parser.add_argument("--articles", type=int, default=20_000, help="Articles in the large archive.")
        parser.add_argument("--comments", type=int, default=200_000, help="Comments in the large archive.")
        parser.add_argument("--requests", type=int, default=30, help="Sequential requests per page (p50, p95).")
        parser.add_argument("--seconds", type=float, default=8, help="Seconds of concurrent load per page.")
        parser.add_argument("--concurrency", type=int, default=8, help="Concurrent connections.")
        parser.add_argument("--workers", type=int, default=2, help="gunicorn workers.")
        parser.add_argument("--port", type=int, default=int(os.environ.get("BENCH_PORT", 8150)))
        parser.add_argument(
            "--redis-url",
            default=os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/8"),
            help="The servers' cache (production needs Redis); this Redis database is flushed at each start.",
        )
        parser.add_argument(
            "--measure-only",
            action="store_true",
            help="Measure the database as it is, once (the demo is loaded only into an empty one; no archive).",
        )
        parser.add_argument(
            "--build-only",
            action="store_true",
            help="Build the archive up to --articles (and --comments) without measuring, then VACUUM ANALYZE.",
        )
        parser.add_argument(
            "--against",
            metavar="DATABASE_URL",
            help=(
                "With --measure-only: serve this second database beside this one and time each page on both in "
                "alternating rounds (both must hold the demo the archive was built on, so the URLs are the same)."
            ),
        )
        parser.add_argument(
            "--fresh",
            action="store_true",
            help="Empty the database first (only a database or file whose name contains 'bench').",
        )

    # --- The database ---

    def database_label(self) -> str:
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SHOW server_version")
                version = cursor.fetchone()[0]
            return f"PostgreSQL {version} (database {connection.settings_dict['NAME']})"

        return f"SQLite {sqlite3.sqlite_version} (file {Path(connection.settings_dict['NAME']).name})"

    def recreate_database(self):
        name = str(connection.settings_dict["NAME"])
        if "bench" not in Path(name).name:
            raise CommandError(f"--fresh empties the database: its name must contain 'bench' (it is {name!r}).")
        connections.close_all()
        if connection.vendor == "postgresql":
            params = connection.get_connection_params()
            params["dbname"] = "postgres"
            with psycopg.connect(**params, autocommit=True) as admin:
                admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
                admin.execute(f'CREATE DATABASE "{name}"')
        else:
            for suffix in ("", "-wal", "-shm"):
                Path(name + suffix).unlink(missing_ok=True)
        call_command("migrate", verbosity=0, interactive=False)

    def analyze(self):
        """The planner's statistics; on PostgreSQL also the visibility map a bulk load leaves unset
        (index-only scans read it)."""
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")

    # --- Measuring ---

    def pages(self) -> list[tuple[str, str]]:
        home = HomePage.objects.live().filter(locale__language_code="ar").first()
        if home is None:
            raise CommandError("No Arabic home page.")
        section = SectionPage.objects.live().child_of(home).order_by("path").first()
        article = self.commented_article(home)
        tag = article.tags.order_by("pk").first()
        author = article.authors[0]
        return [
            ("home", home.url),
            ("section", section.url),
            (f"article ({COMMENTS_ON_ARTICLE} comments)", article.url),
            (f"search ?q={SEARCH_QUERY}", "/search/?" + urllib.parse.urlencode({"q": SEARCH_QUERY})),
            (f"search ?q={COMMON_QUERY}", "/search/?" + urllib.parse.urlencode({"q": COMMON_QUERY})),
            (
                f"search ?q={archive_builder.RARE_TERM}",
                "/search/?" + urllib.parse.urlencode({"q": archive_builder.RARE_TERM}),
            ),
            ("tag", f"{home.url}tags/{tag.slug}/"),
            ("author", f"{home.url}authors/{author.slug}/"),
        ]

    def commented_article(self, home) -> ArticlePage:
        """The newest demo article that has a tag: the one the comments go under."""
        return (
            ArticlePage.objects.live()
            .descendant_of(home)
            .filter(tagged_items__isnull=False)
            .order_by("-first_published_at", "-id")
            .distinct()
            .first()
        )

    def measure(self, server: Server, options) -> dict[str, Figures]:
        results = {}
        client = Client(HTTP_HOST="127.0.0.1")
        conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=120)
        pages = self.pages()
        # The stylesheet the home page links, through whitenoise: the stack's ceiling on this machine, to
        # which every page's req/s is compared (a ratio holds better than a figure on a shared machine).
        _status, html = get(conn, pages[0][1])
        stylesheet = re.search(rb'href="(/static/[^"]+\.css)"', html)
        if stylesheet:
            pages.insert(0, (STATIC_PAGE, stylesheet.group(1).decode()))
        for name, url in pages:
            for _ in range(3):  # warm: caches, renditions, the workers' imports
                status, body = get(conn, url)
                if status != 200:
                    raise CommandError(f"{url} answered {status}")
            timings = []
            for _ in range(options["requests"]):
                start = time.perf_counter()
                status, body = get(conn, url)
                timings.append((time.perf_counter() - start) * 1000)
            queries = []
            if name != STATIC_PAGE:
                client.get(url)
                with CaptureQueriesContext(connection) as queries:
                    response = client.get(url)
                if response.status_code != 200:
                    raise CommandError(f"{url} answered {response.status_code} in process")
            rps = requests_per_second(server.port, url, seconds=options["seconds"], concurrency=options["concurrency"])
            results[name] = Figures(
                p50=statistics.median(timings),
                p95=percentile(timings, 0.95),
                queries=len(queries),
                size=len(body),
                rps=rps,
            )
            self.stdout.write(
                f"  {name:<24} p50 {results[name].p50:7.1f} ms  p95 {results[name].p95:7.1f} ms  "
                f"{results[name].queries:3} queries  {results[name].size / 1024:6.1f} KB  {rps:7.1f} req/s"
            )
        conn.close()
        if STATIC_PAGE in results and results[STATIC_PAGE].rps:
            ceiling = results[STATIC_PAGE].rps
            shares = ", ".join(f"{name} {figures.rps / ceiling:.4f}" for name, figures in results.items())
            self.stdout.write(f"  req/s ÷ the static file's: {shares}")
        return results

    def measure_cached(self, server: Server, options, results: dict[str, Figures]) -> str:
        """Each page again, from the page cache (one view fills it). Returns the article's URL."""
        conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=120)
        article_url = ""
        for name, url in self.pages():
            if name.startswith("article"):
                article_url = url
            for _ in range(3):
                status, _body = get(conn, url)
                if status != 200:
                    raise CommandError(f"{url} answered {status}")
            timings = []
            for _ in range(options["requests"]):
                start = time.perf_counter()
                get(conn, url)
                timings.append((time.perf_counter() - start) * 1000)
            figures = results[name]
            figures.cached_p50 = statistics.median(timings)
            figures.cached_rps = requests_per_second(
                server.port, url, seconds=options["seconds"], concurrency=options["concurrency"]
            )
            self.stdout.write(f"  {name:<24} cached: p50 {figures.cached_p50:7.1f} ms  {figures.cached_rps:7.1f} req/s")
        conn.close()
        return article_url

    def measure_ratio(self, server: Server, options, article_url: str, label: str) -> Ratio:
        """A static file and the cached article through the same gunicorn, in turns (RATIO_ROUNDS short
        rounds each), so that both see the same load on this shared machine."""
        conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=120)
        for url in (STATIC_FILE, article_url, article_url):
            status, body = get(conn, url)
            if status != 200:
                raise CommandError(f"{url} answered {status}")
            if url == STATIC_FILE:
                static_size = len(body)
        conn.close()
        ratio = Ratio(label=label, static=[], article=[], static_size=static_size)
        seconds = max(2.0, options["seconds"] / 2)
        for _ in range(RATIO_ROUNDS):
            for url, figures in ((STATIC_FILE, ratio.static), (article_url, ratio.article)):
                figures.append(
                    requests_per_second(server.port, url, seconds=seconds, concurrency=options["concurrency"])
                )
        self.stdout.write(
            f"  {label}: static file {STATIC_FILE} ({ratio.static_size / 1024:.1f} KB): "
            + ", ".join(f"{rps:.0f}" for rps in ratio.static)
            + " req/s; cached article: "
            + ", ".join(f"{rps:.0f}" for rps in ratio.article)
            + f" req/s; median ratio {ratio.value:.2f}"
        )
        return ratio

    def run_server_and_measure(self, options, static_root: Path) -> tuple[dict[str, Figures], list[Ratio]]:
        cache.clear()
        url = os.environ.get("DATABASE_URL") or f"sqlite:///{connection.settings_dict['NAME']}"
        common = {
            "port": options["port"],
            "workers": options["workers"],
            "database_url": url,
            "static_root": static_root,
            "redis_url": options["redis_url"],
        }
        self.stdout.write(" Page cache off (rendering):")
        server = Server(**common, page_cache=False)
        try:
            results = self.measure(server, options)
        finally:
            server.stop()
        self.stdout.write(" Page cache on (anonymous readers):")
        server = Server(**common, page_cache=True)
        try:
            article_url = self.measure_cached(server, options, results)
            ratios = [self.measure_ratio(server, options, article_url, "generations tracked (the default)")]
        finally:
            server.stop()
        server = Server(**common, page_cache=True, tracking=False)
        try:
            ratios.append(self.measure_ratio(server, options, article_url, "every hit asks Redis (tracking off)"))
        finally:
            server.stop()
        return results, ratios

    # --- The command ---

    def build(self, home, demo_articles: int, options) -> float:
        """Add the archive (up to --articles in all, and --comments), gather statistics; returns seconds."""
        wanted = options["articles"] - ArticlePage.objects.live().count()
        started = time.monotonic()
        if wanted > 0:
            self.stdout.write(f"Building the archive: {wanted:,} articles, {options['comments']:,} comments…")
            last = [0.0]

            def progress(message):
                if time.monotonic() - last[0] > 5 or message == "indexes rebuilt":
                    last[0] = time.monotonic()
                    self.stdout.write(f"  {message} ({time.monotonic() - started:.0f} s)")

            archive_builder.build_archive(home=home, articles=wanted, comments=options["comments"], progress=progress)
        else:
            self.stdout.write(f"The database already has {options['articles']:,} articles or more: nothing to add.")
        self.analyze()
        built = time.monotonic() - started
        self.stdout.write(
            f"{ArticlePage.objects.live().count():,} articles, {ReaderComment.objects.count():,} comments "
            f"(demo: {demo_articles}); built and analysed in {built:.0f} s."
        )
        return built

    def static_root(self, redis_url: str) -> Path:
        static_root = Path(tempfile.mkdtemp(prefix="newsroom-bench-static-"))
        subprocess.run(
            [sys.executable, "manage.py", "collectstatic", "--no-input", "-v", "0"],
            cwd=settings.BASE_DIR,
            env={
                **os.environ,
                "DJANGO_SETTINGS_MODULE": "newsroom.settings.production",
                "SECRET_KEY": "benchmark-only-not-a-secret",
                "STATIC_ROOT": str(static_root),
                "REDIS_URL": redis_url,  # production settings refuse to load without it
            },
            check=True,
        )
        return static_root

    def measure_as_is(self, options):
        self.analyze()
        static_root = self.static_root(options["redis_url"])
        try:
            self.stdout.write(
                f"Database: {self.database_label()}; {ArticlePage.objects.live().count():,} articles, "
                f"{ReaderComment.objects.count():,} comments"
            )
            results, ratios = self.run_server_and_measure(options, static_root)
        finally:
            shutil.rmtree(static_root, ignore_errors=True)
        self.stdout.write("")
        self.print_cached_table([("now", results, ratios)])

    def measure_against(self, options):
        """Each rendered page (page cache off) on this database and on `--against`, served by two gunicorns
        at once and asked in turns: per round, AGAINST_REQUESTS sequential requests to one, then to the
        other (which goes first alternates). Prints each side's p50 over all rounds and the median and
        spread of the rounds' ratios (this database ÷ the other)."""
        self.analyze()
        other_url = options["against"]
        subprocess.run(
            [sys.executable, "manage.py", "migrate", "--no-input", "-v", "0"],
            cwd=settings.BASE_DIR,
            env={**os.environ, "DATABASE_URL": other_url},
            check=True,
        )
        base, _, number = options["redis_url"].rpartition("/")
        other_redis = f"{base}/{int(number) + 1}" if number.isdigit() else options["redis_url"]
        static_root = self.static_root(options["redis_url"])
        this_url = os.environ.get("DATABASE_URL") or f"sqlite:///{connection.settings_dict['NAME']}"
        common = {"workers": options["workers"], "static_root": static_root, "page_cache": False}
        servers = []
        try:
            port = options["port"]
            servers.append(Server(port=port, database_url=this_url, redis_url=options["redis_url"], **common))
            servers.append(Server(port=port + 1, database_url=other_url, redis_url=other_redis, **common))
            self.stdout.write(
                f"This database: {self.database_label()}, {ArticlePage.objects.live().count():,} articles; "
                f"against: {urllib.parse.urlsplit(other_url)._replace(netloc='').geturl()}. "
                f"{AGAINST_ROUNDS} rounds of {AGAINST_REQUESTS} requests per page on each, alternating."
            )
            header = f"{'page':<24} | {'this p50':>9} | {'other p50':>9} | {'ratio':>6} | {'rounds':>11}"
            self.stdout.write(header)
            self.stdout.write("-" * len(header))
            conns = [http.client.HTTPConnection("127.0.0.1", server.port, timeout=120) for server in servers]
            for name, url in self.pages():
                for conn in conns:
                    for _ in range(3):  # warm: caches, renditions, the workers' imports
                        status, _body = get(conn, url)
                        if status != 200:
                            raise CommandError(f"{url} answered {status} on port {conn.port}")
                timings: list[list[float]] = [[], []]
                ratios = []
                for round_ in range(AGAINST_ROUNDS):
                    medians = [0.0, 0.0]
                    for side in (0, 1) if round_ % 2 == 0 else (1, 0):
                        batch = []
                        for _ in range(AGAINST_REQUESTS):
                            start = time.perf_counter()
                            status, _body = get(conns[side], url)
                            batch.append((time.perf_counter() - start) * 1000)
                            if status != 200:
                                raise CommandError(f"{url} answered {status} on port {conns[side].port}")
                        timings[side] += batch
                        medians[side] = statistics.median(batch)
                    ratios.append(medians[0] / medians[1])
                self.stdout.write(
                    f"{name:<24} | {statistics.median(timings[0]):6.1f} ms | {statistics.median(timings[1]):6.1f} ms "
                    f"| {statistics.median(ratios):5.2f}× | {min(ratios):4.2f}-{max(ratios):4.2f}×"
                )
            for conn in conns:
                conn.close()
        finally:
            for server in servers:
                server.stop()
            shutil.rmtree(static_root, ignore_errors=True)

    def handle(self, *args, **options):
        if options["against"] and not options["measure_only"]:
            raise CommandError("--against measures two databases as they are: give --measure-only too.")
        # The in-process requests count a page's queries: they must render it, not find it in the page cache.
        settings.NEWSROOM = {**settings.NEWSROOM, "PAGE_CACHE": False}
        if options["fresh"]:
            self.recreate_database()
        else:
            # A new database, or one built by an earlier version: measured at the code's own schema.
            call_command("migrate", verbosity=0, interactive=False)
        if not ArticlePage.objects.live().exists():
            self.stdout.write("Loading the demo content…")
            call_command("load_demo", image_size="320x180", verbosity=0)
        home = HomePage.objects.live().filter(locale__language_code="ar").first()
        demo_articles = ArticlePage.objects.live().count()
        target = self.commented_article(home)
        if target.reader_comments.count() < COMMENTS_ON_ARTICLE:
            archive_builder.add_comments(ids=[target.pk], count=COMMENTS_ON_ARTICLE, rng=random.Random(7))
        if options["measure_only"] and options["against"]:
            return self.measure_against(options)
        if options["measure_only"]:
            return self.measure_as_is(options)
        if options["build_only"]:
            self.build(home, demo_articles, options)
            return
        self.analyze()

        static_root = self.static_root(options["redis_url"])
        try:
            label = self.database_label()
            self.stdout.write(f"Database: {label}")
            self.stdout.write(f"Demo size: {demo_articles} articles. Measuring…")
            small, small_ratios = self.run_server_and_measure(options, static_root)

            built = self.build(home, demo_articles, options)
            large_articles = ArticlePage.objects.live().count()
            large_comments = ReaderComment.objects.count()
            self.stdout.write(
                f"Large size: {large_articles:,} articles, {large_comments:,} comments "
                f"(built in {built:.0f} s). Measuring…"
            )
            large, large_ratios = self.run_server_and_measure(options, static_root)
        finally:
            shutil.rmtree(static_root, ignore_errors=True)

        self.stdout.write("")
        self.stdout.write(
            f"Database: {label}; gunicorn -w {options['workers']}, production settings; "
            f"{options['requests']} sequential requests per page (p50, p95), "
            f"{options['concurrency']} concurrent connections for {options['seconds']:.0f} s (req/s, "
            f"{'wrk' if shutil.which('wrk') else 'thread pool'})"
        )
        header = (
            f"{'page':<24} | {'demo: p50':>9} {'p95':>7} {'q':>3} {'KB':>6} {'req/s':>7} | "
            f"{f'{large_articles:,}: p50':>13} {'p95':>7} {'q':>3} {'KB':>6} {'req/s':>7} | {'growth':>6} | "
            f"{'÷ static':>8}"
        )
        self.stdout.write(header)
        self.stdout.write("-" * len(header))
        ceiling = large[STATIC_PAGE].rps if STATIC_PAGE in large else 0.0
        for name, demo in small.items():
            big = large.get(name)
            if big is None:
                continue
            share = f"{big.rps / ceiling:8.4f}" if ceiling else f"{'n/a':>8}"
            self.stdout.write(
                f"{name:<24} | {demo.p50:9.1f} {demo.p95:7.1f} {demo.queries:3} "
                f"{demo.size / 1024:6.1f} {demo.rps:7.1f} | "
                f"{big.p50:13.1f} {big.p95:7.1f} {big.queries:3} {big.size / 1024:6.1f} {big.rps:7.1f} | "
                f"{big.p50 / demo.p50:5.2f}× | {share}"
            )
        self.stdout.write("")
        self.print_cached_table([("demo", small, small_ratios), (f"{large_articles:,}", large, large_ratios)])

    def print_cached_table(self, runs: list[tuple[str, dict[str, Figures], list[Ratio]]]) -> None:
        """The page cache's figures: each page's p50 and req/s from the cache beside its rendering req/s,
        and the cached article against a static file through the same gunicorn."""
        self.stdout.write("From the page cache (anonymous readers), against rendering (cache off):")
        header = f"{'page':<24}" + "".join(
            f" | {f'{label}: cached p50':>17} {'req/s':>7} {'rendered req/s':>14} {'×':>6}" for label, _r, _x in runs
        )
        self.stdout.write(header)
        self.stdout.write("-" * len(header))
        for name in runs[0][1]:
            row = f"{name:<24}"
            for _label, results, _ratio in runs:
                figures = results[name]
                speedup = figures.cached_rps / figures.rps if figures.rps else 0.0
                row += f" | {figures.cached_p50:17.1f} {figures.cached_rps:7.1f} {figures.rps:14.1f} {speedup:5.0f}×"
            self.stdout.write(row)
        for label, _results, ratios in runs:
            for ratio in ratios:
                self.stdout.write(
                    f"{label}, {ratio.label}: static file {statistics.median(ratio.static):.0f} req/s, cached "
                    f"article {statistics.median(ratio.article):.0f} req/s ({RATIO_ROUNDS} interleaved rounds): "
                    f"median ratio {ratio.value:.2f}"
                )

"""`manage.py bench_peers`: our pages and the peers', measured in interleaved rounds, as ratios.

Absolute figures on a shared machine swing with whatever else runs; ratios taken in one run do not. So
every target (a name and a URL) is loaded in turn with the same client and settings (wrk -t2 -c8 -d15s
--timeout 30s by default), round after round (A, B, C, A, B, C), and the report is each target's median
across rounds, our pages against the peers' (ours ÷ peer) and every target against our static file (the
ceiling of a Django + whitenoise stack on this machine), with `uptime` before and after.

Ours are served by two gunicorns (production settings, `--workers`): on `--port` every page is rendered
(the whole-page cache off), on the next port anonymous readers get the page cache; both on the database
DATABASE_URL names (the demo, with 50 comments under one article, is loaded into an empty one). The peers are
whatever answers at their URLs: Wagtail's bakerydemo (its blog post and the CSS its page links) and
WordPress (an article with 50 comments and a static file); a peer that does not answer is skipped with
a message. `--target "NAME=URL"` adds any other page, e.g. the same article through a page cache;
`{ours}` in a URL is our server's address.
"""

from __future__ import annotations

import http.client
import os
import random
import re
import shutil
import statistics
import subprocess
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from articles.models import ArticlePage, HomePage
from operations import archive_builder
from operations.management.commands.bench import COMMENTS_ON_ARTICLE, Server
from operations.management.commands.bench import Command as BenchCommand

WORDPRESS_ARTICLE = (
    "http://127.0.0.1:8081/%d8%a7%d9%86%d9%82%d8%b7%d8%a7%d8%b9-%d8%a7%d9%84%d9%83%d9%87%d8%b1%d8%a8%d8%a7"
    "%d8%a1-%d9%8a%d8%aa%d9%88%d8%a7%d8%b5%d9%84-%d9%84%d8%b3%d8%a7%d8%b9%d8%a7%d8%aa-%d8%b7%d9%88%d9%8a%d9"
    "%84%d8%a9-%d9%81-5/"
)
WORDPRESS_STATIC = "http://127.0.0.1:8081/wp-content/peer-static.html"
BAKERYDEMO = "http://127.0.0.1:18510"
BAKERYDEMO_POST = "/blog/bread-circuses/"
STYLESHEET = re.compile(r'href="([^"]*/static/[^"]+\.css)"')


@dataclass
class Target:
    name: str
    url: str
    ours: bool
    static: bool
    rates: list[float] = field(default_factory=list)

    @property
    def median(self) -> float:
        return statistics.median(self.rates) if self.rates else 0.0


def fetch(url: str, timeout: float = 30) -> tuple[int, str]:
    request = urllib.request.Request(url, headers={"User-Agent": "newsroom-bench"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 (loopback URLs we build)
            return response.status, response.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as error:
        return error.code, ""
    except (OSError, http.client.HTTPException):
        return 0, ""


def stylesheet(page_url: str) -> str | None:
    """The first stylesheet a page links under /static/, as an absolute URL."""
    status, html = fetch(page_url)
    match = STYLESHEET.search(html) if status == 200 else None
    return urllib.parse.urljoin(page_url, match.group(1)) if match else None


def load(url: str, *, threads: int, connections: int, seconds: int, timeout: int) -> tuple[float, int]:
    """Requests per second and error responses: wrk when installed, else a pool of keep-alive clients."""
    if shutil.which("wrk"):
        output = subprocess.run(
            ["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--timeout", f"{timeout}s", url],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        rate = re.search(r"Requests/sec:\s+([\d.]+)", output)
        errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
        timeouts = re.search(r"timeout (\d+)", output)
        failed = int(errors.group(1)) if errors else 0
        failed += int(timeouts.group(1)) if timeouts else 0
        return (float(rate.group(1)) if rate else 0.0), failed
    parts = urllib.parse.urlsplit(url)
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    done = [0] * connections
    failed = [0] * connections
    stop_at = time.monotonic() + seconds

    def worker(slot: int):
        conn = http.client.HTTPConnection(parts.hostname, parts.port or 80, timeout=timeout)
        while time.monotonic() < stop_at:
            try:
                conn.request("GET", path, headers={"Host": parts.netloc})
                response = conn.getresponse()
                response.read()
                if response.status < 400:
                    done[slot] += 1
                else:
                    failed[slot] += 1
            except (OSError, http.client.HTTPException):
                failed[slot] += 1
                conn.close()
                conn = http.client.HTTPConnection(parts.hostname, parts.port or 80, timeout=timeout)

    pool = [threading.Thread(target=worker, args=(slot,)) for slot in range(connections)]
    started = time.monotonic()
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    return sum(done) / (time.monotonic() - started), sum(failed)


def uptime() -> str:
    try:
        env = {**os.environ, "TZ": "UTC"}  # Django set TZ to the newsroom's zone for this process
        return subprocess.run(["uptime"], capture_output=True, text=True, check=True, env=env).stdout.strip() + " (UTC)"
    except (OSError, subprocess.CalledProcessError):
        return "uptime unavailable"


class Command(BaseCommand):
    help = "Measure our pages and the peers' (bakerydemo, WordPress) in interleaved rounds; print ratios."

    def add_arguments(self, parser):
        parser.add_argument("--rounds", type=int, default=3, help="Rounds over all targets.")
        parser.add_argument("--seconds", type=int, default=15, help="Seconds of load per target and round.")
        parser.add_argument("--connections", type=int, default=8, help="Concurrent connections (wrk -c).")
        parser.add_argument("--threads", type=int, default=2, help="wrk threads (-t).")
        parser.add_argument("--timeout", type=int, default=30, help="Seconds before a request counts as failed.")
        parser.add_argument("--workers", type=int, default=2, help="Our gunicorn's workers.")
        parser.add_argument("--port", type=int, default=int(os.environ.get("BENCH_PORT", 8150)), help="Our port.")
        parser.add_argument("--bakerydemo", default=BAKERYDEMO, help="bakerydemo's address ('' to leave it out).")
        parser.add_argument("--bakerydemo-post", default=BAKERYDEMO_POST, help="bakerydemo's blog post path.")
        parser.add_argument(
            "--wordpress-article", default=WORDPRESS_ARTICLE, help="WordPress's article with 50 comments ('' to skip)."
        )
        parser.add_argument("--wordpress-static", default=WORDPRESS_STATIC, help="A static file WordPress serves.")
        parser.add_argument(
            "--target",
            action="append",
            default=[],
            metavar="NAME=URL",
            help="Another target, measured in the same rounds; a name starting 'ours' counts as ours, a URL "
            "under /static/ or ending in .css/.js/.html as a static file; {ours} is our server's address.",
        )
        parser.add_argument("--no-home", action="store_true", help="Leave out our home page.")
        parser.add_argument(
            "--redis-url",
            default=os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/8"),
            help="Our servers' Redis (production settings need one); emptied when they start.",
        )

    def prepare_database(self) -> tuple[str, str]:
        """The demo (loaded into an empty database) with 50 comments under one article: (home, article) paths."""
        if not ArticlePage.objects.live().exists():
            self.stdout.write("Loading the demo content…")
            call_command("load_demo", image_size="320x180", verbosity=0)
        home = HomePage.objects.live().filter(locale__language_code="ar").first()
        if home is None:
            raise CommandError("No Arabic home page.")
        article = BenchCommand().commented_article(home)
        if article.reader_comments.count() < COMMENTS_ON_ARTICLE:
            # The same comments `manage.py bench` puts there (same seed).
            archive_builder.add_comments(ids=[article.pk], count=COMMENTS_ON_ARTICLE, rng=random.Random(7))
        return home.url, article.url

    def targets(self, options, ours: str, cached: str, home_path: str, article_path: str) -> list[Target]:
        article = ours + article_path
        our_css = stylesheet(article)
        if our_css is None:
            raise CommandError(f"No stylesheet under /static/ in {article}")
        targets = [
            Target("ours: static CSS", our_css, ours=True, static=True),
            Target(f"ours: article ({COMMENTS_ON_ARTICLE} comments)", article, ours=True, static=False),
            Target("ours: article, page cache", cached + article_path, ours=True, static=False),
        ]
        if not options["no_home"]:
            targets.append(Target("ours: home", ours + home_path, ours=True, static=False))
            targets.append(Target("ours: home, page cache", cached + home_path, ours=True, static=False))
        for spec in options["target"]:
            name, _, url = spec.partition("=")
            if not url:
                raise CommandError(f"--target takes NAME=URL, not {spec!r}")
            url = url.replace("{ours}", ours)
            static = "/static/" in url or urllib.parse.urlsplit(url).path.endswith((".css", ".js", ".html"))
            targets.append(Target(name.strip(), url, ours=name.strip().startswith("ours"), static=static))
        if options["bakerydemo"]:
            post = options["bakerydemo"].rstrip("/") + options["bakerydemo_post"]
            status, _ = fetch(post)
            css = stylesheet(post) if status == 200 else None
            if status != 200 or css is None:
                self.stdout.write(f"bakerydemo does not answer at {post} (status {status}): left out.")
            else:
                targets.append(Target("bakerydemo: blog post", post, ours=False, static=False))
                targets.append(Target("bakerydemo: static CSS", css, ours=False, static=True))
        if options["wordpress_article"]:
            status, _ = fetch(options["wordpress_article"], timeout=60)
            if status != 200:
                self.stdout.write(
                    f"WordPress does not answer at {options['wordpress_article']} (status {status}): left out."
                )
            else:
                name = f"wordpress: article ({COMMENTS_ON_ARTICLE} comments)"
                targets.append(Target(name, options["wordpress_article"], ours=False, static=False))
                if fetch(options["wordpress_static"])[0] == 200:
                    static = options["wordpress_static"]
                    targets.append(Target("wordpress: static file", static, ours=False, static=True))
        for target in targets:
            status, _ = fetch(target.url, timeout=60)
            if status != 200:
                raise CommandError(f"{target.name}: {target.url} answered {status}")
        return targets

    def handle(self, *args, **options):
        home_path, article_path = self.prepare_database()
        static_root = BenchCommand().static_root(options["redis_url"])
        url = os.environ.get("DATABASE_URL") or f"sqlite:///{connection.settings_dict['NAME']}"
        common = {
            "workers": options["workers"],
            "database_url": url,
            "static_root": static_root,
            "redis_url": options["redis_url"],
        }
        # Two of ours: every page rendered (the whole-page cache off), and anonymous readers served from it.
        servers = []
        try:
            servers.append(Server(port=options["port"], page_cache=False, **common))
            servers.append(Server(port=options["port"] + 1, page_cache=True, **common))
            self.run(
                options,
                f"http://127.0.0.1:{options['port']}",
                f"http://127.0.0.1:{options['port'] + 1}",
                home_path,
                article_path,
            )
        finally:
            for server in servers:
                server.stop()
            shutil.rmtree(static_root, ignore_errors=True)

    def run(self, options, ours: str, cached: str, home_path: str, article_path: str):
        targets = self.targets(options, ours, cached, home_path, article_path)
        client = (
            f"wrk -t{options['threads']} -c{options['connections']} -d{options['seconds']}s "
            f"--timeout {options['timeout']}s"
            if shutil.which("wrk")
            else f"a thread pool of {options['connections']} keep-alive connections for {options['seconds']} s"
        )
        before = uptime()
        self.stdout.write(f"{len(targets)} targets, {options['rounds']} interleaved rounds, {client}")
        label = BenchCommand().database_label()
        self.stdout.write(f"Ours: gunicorn -w {options['workers']}, production settings, {label}")
        self.stdout.write(f"Before: {before}")
        for target in targets:
            for _ in range(3):  # warm: caches, the workers' imports, opcache
                fetch(target.url, timeout=60)
        for round_ in range(1, options["rounds"] + 1):
            for target in targets:
                rate, failed = load(
                    target.url,
                    threads=options["threads"],
                    connections=options["connections"],
                    seconds=options["seconds"],
                    timeout=options["timeout"],
                )
                target.rates.append(rate)
                note = f"  ({failed} failed or timed out)" if failed else ""
                self.stdout.write(f"  round {round_}  {target.name:<32} {rate:10.1f} req/s{note}")
        after = uptime()

        self.stdout.write("")
        self.stdout.write(f"{'target':<32} | {'median req/s':>12} | {'÷ our static':>12} | rounds")
        self.stdout.write("-" * 80)
        ours_static = next((t for t in targets if t.ours and t.static), None)
        for target in targets:
            share = target.median / ours_static.median if ours_static and ours_static.median else 0.0
            rounds = ", ".join(f"{rate:.1f}" for rate in target.rates)
            self.stdout.write(f"{target.name:<32} | {target.median:12.1f} | {share:12.4f} | {rounds}")
        self.stdout.write("")
        self.stdout.write("Ours ÷ peer (median req/s; above 1 means ours serves more):")
        for peer in (t for t in targets if not t.ours):
            for mine in (t for t in targets if t.ours and t.static == peer.static):
                ratio = f"{mine.median / peer.median:8.2f}" if peer.median else "     n/a (the peer served nothing)"
                self.stdout.write(f"  {mine.name:<32} ÷ {peer.name:<32} {ratio}")
        self.stdout.write("")
        self.stdout.write(f"Before: {before}")
        self.stdout.write(f"After:  {after}")

"""`manage.py bench_import --posts 10000 --comments 100000`: how fast and how lean import_wordpress is.

Writes a synthetic WordPress export (Arabic posts in nested categories, tags, two authors, sticky,
draft and scheduled posts, threaded comments in every state, pingbacks), migrates a fresh SQLite file
(`.bench-import.sqlite3`, or `--database`), and imports the export into it in a separate process, which
prints the time, the rate and its own peak memory (resident set size). Never run by the test suite.
"""

from __future__ import annotations

import os
import random
import resource
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from xml.sax.saxutils import escape

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from wagtail.models import Locale, Page, Site

from articles.models import ArticlePage, HomePage
from comments.models import ReaderComment

WORDS = [
    "قالت",
    "مصادر",
    "محلية",
    "إن",
    "الاجتماع",
    "انتهى",
    "دون",
    "اتفاق",
    "على",
    "جدول",
    "زمني",
    "لإعادة",
    "الإعمار",
    "في",
    "المدينة",
    "اﻷسد",
    "والحكومة",
]


def _cdata(text: str) -> str:
    return "<![CDATA[" + text.replace("]]>", "]]]]><![CDATA[>") + "]]>"


def write_export(path: Path, *, posts: int, comments: int, seed: int = 8) -> None:
    """A WXR 1.2 file with `posts` posts and `comments` comments spread over them."""
    rng = random.Random(seed)
    start = datetime(2015, 1, 1, tzinfo=UTC)
    per_post = comments // posts if posts else 0
    extra = comments - per_post * posts
    comment_id = 1
    with path.open("w", encoding="utf-8") as out:
        out.write('<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0" ')
        out.write('xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/" ')
        out.write('xmlns:content="http://purl.org/rss/1.0/modules/content/" ')
        out.write('xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="http://wordpress.org/export/1.2/">\n')
        out.write("<channel><title>بنش</title><link>https://bench.example</link>\n")
        out.write("<wp:wxr_version>1.2</wp:wxr_version><wp:base_site_url>https://bench.example</wp:base_site_url>")
        out.write("<wp:base_blog_url>https://bench.example</wp:base_blog_url>\n")
        for login, name in (("editor", "فريق التحرير"), ("reporter", "مراسل")):
            out.write(f"<wp:author><wp:author_login>{login}</wp:author_login>")
            out.write(f"<wp:author_display_name>{_cdata(name)}</wp:author_display_name></wp:author>\n")
        categories = [("news", "أخبار", ""), ("reports", "تقارير", ""), ("syria", "سوريا", "news")]
        for slug, name, parent in categories:
            out.write(f"<wp:category><wp:category_nicename>{slug}</wp:category_nicename>")
            out.write(f"<wp:category_parent>{parent}</wp:category_parent><wp:cat_name>{_cdata(name)}</wp:cat_name>")
            out.write("</wp:category>\n")
        for index in range(posts):
            post_id = index + 1
            date = start + timedelta(hours=index)
            status = "publish"
            if index % 500 == 1:
                status = "draft"
            elif index % 500 == 2:
                status = "future"
                date = datetime.now(UTC) + timedelta(days=30)
            gmt = date.strftime("%Y-%m-%d %H:%M:%S") if status != "draft" else "0000-00-00 00:00:00"
            category = categories[index % 3]
            paragraphs = "\n\n".join(
                " ".join(rng.choice(WORDS) for _ in range(40)) + "\n" + " ".join(rng.choice(WORDS) for _ in range(20))
                for _ in range(5)
            )
            body = paragraphs + "\n\n<h2>عنوان فرعي</h2>\n\nhttps://www.youtube.com/watch?v=bench" + str(post_id)
            out.write("<item>")
            out.write(f"<title>{_cdata('خبر رقم ' + str(post_id))}</title>")
            out.write(f"<link>https://bench.example/{date:%Y/%m}/post-{post_id}/</link>")
            out.write(f'<guid isPermaLink="false">https://bench.example/?p={post_id}</guid>')
            out.write(f"<dc:creator>{'editor' if index % 2 else 'reporter'}</dc:creator>")
            out.write(f"<content:encoded>{_cdata(body)}</content:encoded>")
            out.write(f"<excerpt:encoded>{_cdata('ملخص الخبر ' + str(post_id))}</excerpt:encoded>")
            out.write(f"<wp:post_id>{post_id}</wp:post_id><wp:post_date_gmt>{gmt}</wp:post_date_gmt>")
            out.write(f"<wp:status>{status}</wp:status><wp:post_name>post-{post_id}</wp:post_name>")
            out.write(f"<wp:post_type>post</wp:post_type><wp:is_sticky>{1 if index == 0 else 0}</wp:is_sticky>")
            out.write(f'<category domain="category" nicename="{category[0]}">{_cdata(category[1])}</category>')
            out.write(
                f'<category domain="post_tag" nicename="tag-{index % 50}">{_cdata("وسم " + str(index % 50))}</category>'
            )
            count = per_post + (1 if index < extra else 0)
            first = comment_id
            for n in range(count):
                approved = "1" if n % 10 < 7 else ("0" if n % 10 < 9 else "spam")
                parent = 0 if n % 3 == 0 or comment_id == first else comment_id - 1
                kind = "pingback" if comment_id % 97 == 0 else ""  # about 1 in 100, as on a real site
                cdate = (date + timedelta(minutes=n + 1)).strftime("%Y-%m-%d %H:%M:%S")
                out.write("<wp:comment>")
                out.write(f"<wp:comment_id>{comment_id}</wp:comment_id>")
                out.write(f"<wp:comment_author>{_cdata('قارئ ' + str(comment_id % 3000))}</wp:comment_author>")
                out.write(f"<wp:comment_author_email>reader{comment_id % 3000}@example.com</wp:comment_author_email>")
                out.write(f"<wp:comment_author_IP>203.0.113.{comment_id % 250}</wp:comment_author_IP>")
                out.write(f"<wp:comment_date_gmt>{cdate}</wp:comment_date_gmt>")
                out.write(f"<wp:comment_content>{_cdata(escape(' '.join(rng.choice(WORDS) for _ in range(25))))}")
                out.write(f"</wp:comment_content><wp:comment_approved>{approved}</wp:comment_approved>")
                out.write(f"<wp:comment_type>{kind}</wp:comment_type><wp:comment_parent>{parent}</wp:comment_parent>")
                out.write("<wp:comment_agent>Mozilla/5.0</wp:comment_agent></wp:comment>")
                comment_id += 1
            out.write("</item>\n")
        out.write("</channel></rss>\n")


class Command(BaseCommand):
    help = "Benchmark import_wordpress on a synthetic export in its own SQLite file; prints time, rate and memory."

    def add_arguments(self, parser):
        parser.add_argument("--posts", type=int, default=10_000)
        parser.add_argument("--comments", type=int, default=100_000)
        parser.add_argument("--database", default=str(Path(settings.BASE_DIR) / ".bench-import.sqlite3"))
        parser.add_argument("--export", help="keep the generated export at this path (default: beside the database)")
        parser.add_argument("--import-only", help="(internal) import this file into the current database and report")

    def handle(self, *args, **options):
        if options["import_only"]:
            return self._import_only(Path(options["import_only"]))
        database = Path(options["database"])
        export = Path(options["export"] or database.with_suffix(".xml"))
        started = time.monotonic()
        write_export(export, posts=options["posts"], comments=options["comments"])
        self.stdout.write(
            f"export: {options['posts']} posts, {options['comments']} comments, "
            f"{export.stat().st_size / 1e6:.1f} MB, written in {time.monotonic() - started:.1f} s"
        )
        for suffix in ("", "-wal", "-shm"):
            Path(str(database) + suffix).unlink(missing_ok=True)
        env = {**os.environ, "DATABASE_URL": f"sqlite:///{database}"}
        manage = [sys.executable, str(Path(settings.BASE_DIR) / "manage.py")]
        subprocess.run([*manage, "migrate", "--no-input", "-v", "0"], env=env, check=True)
        subprocess.run([*manage, "bench_import", "--import-only", str(export)], env=env, check=True)

    def _import_only(self, export: Path) -> None:
        locale, _ = Locale.objects.get_or_create(language_code="ar")
        if not HomePage.objects.exists():
            home = Page.get_first_root_node().add_child(
                instance=HomePage(title="الرئيسية", slug="bench-home", locale=locale)
            )
            Site.objects.update_or_create(
                is_default_site=True, defaults={"hostname": "localhost", "port": 80, "root_page": home}
            )
        started = time.monotonic()
        before = resource.getrusage(resource.RUSAGE_SELF)
        cpu_before = before.ru_utime + before.ru_stime
        call_command("import_wordpress", str(export), "--no-progress", "--report", os.devnull, stdout=self.stdout)
        elapsed = time.monotonic() - started

        pages, comments = ArticlePage.objects.count(), ReaderComment.objects.count()
        usage = resource.getrusage(resource.RUSAGE_SELF)
        cpu = usage.ru_utime + usage.ru_stime - cpu_before
        self.stdout.write(
            f"import: {elapsed:.1f} s wall clock ({cpu:.1f} s of CPU), {pages} articles ({pages / elapsed:.0f}/s), "
            f"{comments} comments ({comments / elapsed:.0f}/s), peak memory {usage.ru_maxrss / 1024:.0f} MB"
        )
        with open("/proc/loadavg") if Path("/proc/loadavg").exists() else open(os.devnull) as handle:
            load = handle.read().split()[:3]
        if load:
            self.stdout.write(f"load average during the run: {' '.join(load)} (on {os.cpu_count()} CPUs)")

"""`manage.py import_wordpress EXPORT.xml [--media-dir DIR] [--dry-run] [--sections map.json]`.

Brings a WordPress export (Tools → Export, "All content") into the Arabic edition: see README,
"Moving from WordPress". Safe to run again: what was imported is updated, never duplicated.
"""

from __future__ import annotations

import json
import logging
import sys
import time
from datetime import datetime
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from wordpress import wxr
from wordpress.importer import Importer, ImportError_, Options, write_report


class Progress:
    """A one-line progress bar on a terminal (items done, rate, time left); silent otherwise."""

    def __init__(self, stream, enabled: bool):
        self.stream = stream
        self.enabled = enabled
        self.started = time.monotonic()
        self.last = 0.0

    def __call__(self, done: int, total: int) -> None:
        if not self.enabled:
            return
        now = time.monotonic()
        if now - self.last < 0.2 and done < total:
            return
        self.last = now
        elapsed = max(now - self.started, 1e-6)
        rate = done / elapsed
        left = (total - done) / rate if rate else 0
        width = 30
        filled = int(width * done / total) if total else width
        bar = "#" * filled + "-" * (width - filled)
        self.stream.write(f"\r[{bar}] {done}/{total} items  {rate:.0f}/s  {int(left // 60)}:{int(left % 60):02d} left ")
        self.stream.flush()

    def finish(self) -> None:
        if self.enabled:
            self.stream.write("\n")


class Command(BaseCommand):
    help = "Import a WordPress export (WXR): posts, authors, categories, tags, images, comments and old links."

    def add_arguments(self, parser):
        parser.add_argument("export", help="the WXR file WordPress's Tools → Export wrote")
        parser.add_argument("--media-dir", help="a copy of the site's wp-content/uploads folder")
        parser.add_argument("--dry-run", action="store_true", help="say what would happen, write nothing")
        parser.add_argument(
            "--sections",
            help='a JSON file mapping category slugs to section slugs or titles ({"world": "دولي", "misc": null})',
        )
        parser.add_argument(
            "--desk",
            action="append",
            default=[],
            help="an author login or display name that is a desk (repeat for several), e.g. «فريق التحرير»",
        )
        parser.add_argument(
            "--pages",
            choices=["skip", "articles"],
            default="skip",
            help="WordPress pages: skip them (listed in the report; the default) or import them as articles",
        )
        parser.add_argument("--pages-section", default="pages", help="the section pages go to with --pages articles")
        parser.add_argument("--report", help="where to write the list of skipped and failed items (TSV)")
        parser.add_argument("--no-progress", action="store_true", help="no progress bar even on a terminal")

    def handle(self, *args, **options):
        path = Path(options["export"])
        if not path.is_file():
            raise CommandError(f"No such file: {path}")
        media_dir = Path(options["media_dir"]) if options["media_dir"] else None
        if media_dir is not None and not media_dir.is_dir():
            raise CommandError(f"--media-dir is not a folder: {media_dir}")
        sections_map = {}
        if options["sections"]:
            try:
                sections_map = json.loads(Path(options["sections"]).read_text(encoding="utf-8"))
            except (OSError, ValueError) as exc:
                raise CommandError(f"--sections: cannot read {options['sections']}: {exc}") from None
            if not isinstance(sections_map, dict) or not all(isinstance(v, str | None) for v in sections_map.values()):
                raise CommandError('--sections must be a JSON object of category slug → section ("slug" or null)')

        progress = Progress(self.stderr._out, enabled=not options["no_progress"] and sys.stderr.isatty())
        importer = Importer(
            path,
            Options(
                media_dir=media_dir,
                dry_run=options["dry_run"],
                sections_map=sections_map,
                desks=set(options["desk"]),
                pages=options["pages"],
                pages_section=options["pages_section"],
            ),
            progress=progress,
        )
        started = time.monotonic()
        # Wagtail logs every page it creates; thousands of lines would bury the summary.
        logging.getLogger("wagtail").setLevel(logging.WARNING)
        try:
            stats = importer.run()
        except wxr.WXRError as exc:
            progress.finish()
            raise CommandError(f"{path}: {exc}. Nothing was imported.") from None
        except ImportError_ as exc:
            raise CommandError(str(exc)) from None
        progress.finish()
        elapsed = time.monotonic() - started

        report = None
        if stats.lines and not options["dry_run"]:
            report = Path(options["report"] or f"wordpress-import-{datetime.now():%Y%m%d-%H%M%S}.tsv")
            write_report(stats, report)

        title = "Dry run: nothing was written. What would happen:" if options["dry_run"] else "Imported:"
        self.stdout.write(title)
        self.stdout.write(f"{'kind':<10} {'created':>8} {'updated':>8} {'unchanged':>9} {'skipped':>8} {'failed':>7}")
        for kind, created, updated, unchanged, skipped, failed in stats.table():
            self.stdout.write(f"{kind:<10} {created:>8} {updated:>8} {unchanged:>9} {skipped:>8} {failed:>7}")
        self.stdout.write(f"{importer.total_items} items in {elapsed:.1f} s")
        if report:
            self.stdout.write(f"Skipped and failed items, and notes: {report.resolve()}")
        elif stats.lines:
            for line in stats.lines[:50]:
                self.stdout.write("  " + line.replace("\t", "  "))
            if len(stats.lines) > 50:
                self.stdout.write(f"  … and {len(stats.lines) - 50} more")

"""`make bench`: render the public pages many times and print latency, queries and memory.

Figures, not assertions: timings are noisy, so they live here and never in unit tests. It runs in the
process (Django's test client, no network), against whatever database DATABASE_URL names; `make bench`
gives it a separate SQLite file loaded with the demo content so the development database is untouched.
"""

import statistics
import time
import tracemalloc

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, reset_queries
from django.test import Client
from django.test.utils import override_settings

from articles.models import ArticlePage, HomePage, SectionPage


class Command(BaseCommand):
    help = "Benchmark the public pages (latency, queries, memory). Loads the demo content if the site is empty."

    def add_arguments(self, parser):
        parser.add_argument("--requests", type=int, default=50, help="Requests per page (default 50).")

    def handle(self, *args, requests, **options):
        if not ArticlePage.objects.live().exists():
            call_command("load_demo", verbosity=0)
        home = HomePage.objects.live().filter(locale__language_code="ar").first()
        if home is None:
            raise CommandError("No Arabic home page: run load_demo first.")
        section = SectionPage.objects.live().descendant_of(home).first()
        article = ArticlePage.objects.live().descendant_of(home).order_by("-first_published_at").first()
        pages = [("home", home.url), ("section", section.url), ("article", article.url)]
        english = HomePage.objects.live().filter(locale__language_code="en").first()
        if english:
            pages.append(("home (en)", english.url))

        client = Client(HTTP_HOST="127.0.0.1")
        self.stdout.write(f"{'page':<12} {'median ms':>10} {'p95 ms':>8} {'queries':>8} {'peak KiB':>9}")
        with override_settings(DEBUG=True):  # DEBUG records queries; the figures below count them.
            for name, url in pages:
                client.get(url)  # warm caches and renditions once
                timings = []
                for _ in range(requests):
                    start = time.perf_counter()
                    response = client.get(url)
                    timings.append((time.perf_counter() - start) * 1000)
                    if response.status_code != 200:
                        raise CommandError(f"{url} answered {response.status_code}")
                reset_queries()
                tracemalloc.start()
                client.get(url)
                _, peak = tracemalloc.get_traced_memory()
                tracemalloc.stop()
                queries = len(connection.queries)
                timings.sort()
                p95 = timings[max(0, int(len(timings) * 0.95) - 1)]
                self.stdout.write(
                    f"{name:<12} {statistics.median(timings):>10.1f} {p95:>8.1f} {queries:>8} {peak / 1024:>9.0f}"
                )

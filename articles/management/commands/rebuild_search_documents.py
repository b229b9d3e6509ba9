"""`python manage.py rebuild_search_documents`: write reader search's documents (one narrow row per article,
PostgreSQL only) afresh from Wagtail's search index and the page table. Triggers keep them in step on
every write; this is for a bulk load that ran with triggers off or a repair. Run `update_index` first when
the search index itself is out of date."""

from django.core.management.base import BaseCommand
from django.db import connection

from articles import services


class Command(BaseCommand):
    help = "Write reader search's documents afresh from the search index and the page table (PostgreSQL)."

    def handle(self, *args, **options):
        if connection.vendor != "postgresql":
            self.stdout.write("Nothing to do: search documents are kept on PostgreSQL only (SQLite searches FTS5).")
            return
        self.stdout.write(f"{services.search_documents_rebuild():,} search document(s) written.")

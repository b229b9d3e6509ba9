"""`python manage.py comments_render_html`: render and store the HTML of every comment that has none
(written before the column existed) or has an older rendering's, in batches. Optional: a comment
without it is rendered and stored when it is first shown; this does the rest ahead of readers, after
an upgrade or after a change to comments/rendering.py (which raises RENDER_VERSION)."""

from django.core.management.base import BaseCommand

from comments import services


class Command(BaseCommand):
    help = "Render and store the HTML of comments that lack it or have an outdated rendering, in batches."

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=1000, help="Comments per read and UPDATE.")

    def handle(self, *args, batch_size: int = 1000, **options):
        verbosity = options.get("verbosity", 1)

        def progress(done: int) -> None:
            if verbosity > 1:
                self.stdout.write(f"  {done:,} rendered")

        done = services.comments_html_backfill(batch_size=batch_size, progress=progress)
        self.stdout.write(f"Rendered and stored the HTML of {done:,} comment(s).")

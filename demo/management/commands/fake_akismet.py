"""`python manage.py fake_akismet [--port N]`: the local Akismet stand-in (see demo/fake_akismet.py)."""

import contextlib

from django.core.management.base import BaseCommand

from demo.fake_akismet import SPAM_AUTHOR, FakeAkismet


class Command(BaseCommand):
    help = "Serve a local stand-in for rest.akismet.com on loopback (development and tests)."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8765)

    def handle(self, *args, host, port, **options):
        server = FakeAkismet(host=host, port=port)
        self.stdout.write(
            f"Akismet stand-in on http://{host}:{port} — post a comment as '{SPAM_AUTHOR}' to see spam caught; "
            "authors akismet-discard, akismet-error, akismet-slow, akismet-garbage, akismet-429 trigger the rest."
        )
        with contextlib.suppress(KeyboardInterrupt):
            server.serve_forever()

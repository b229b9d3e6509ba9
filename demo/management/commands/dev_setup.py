"""What `make run` does before starting the servers, in one process: Django and Wagtail take seconds to
import, and a second `make run` should be up in seconds. Refuses outside DEBUG (it creates a known login).

The URLs and the login are written to `--banner-file` rather than printed: `make run` shows them once
the site answers, so the first click on them is never "connection refused"."""

from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from .dev_login import dev_banner, dev_user_ensure


class Command(BaseCommand):
    help = "Migrate, load the demo content (its Site on --url) and create the development login (development only)."

    def add_arguments(self, parser):
        parser.add_argument("--url", default="http://127.0.0.1:8000", help="where the site will be served")
        parser.add_argument("--banner-file", default=None, help="write the URLs and login here instead of printing")

    def handle(self, *args, url, banner_file, **options):
        if not settings.DEBUG:
            raise CommandError("dev_setup only runs with DEBUG on (development settings).")
        call_command("migrate", interactive=False, verbosity=1)
        call_command("load_demo", url=url)
        dev_user_ensure()
        if banner_file:
            Path(banner_file).write_text(dev_banner(url) + "\n", encoding="utf-8")
        else:
            self.stdout.write(dev_banner(url))

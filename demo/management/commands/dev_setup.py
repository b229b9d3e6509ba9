"""What `make run` does before starting the servers, in one process: Django and Wagtail take seconds to
import, and a second `make run` should be up in seconds. Refuses outside DEBUG (it creates a known login)."""

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Migrate, load the demo content and print the development login (development only)."

    def add_arguments(self, parser):
        parser.add_argument("--url", default="http://127.0.0.1:8000")

    def handle(self, *args, url, **options):
        if not settings.DEBUG:
            raise CommandError("dev_setup only runs with DEBUG on (development settings).")
        call_command("migrate", interactive=False, verbosity=1)
        call_command("load_demo")
        call_command("dev_login", url=url)

"""Print (and create once) the development login that `make run` shows. Refuses outside DEBUG."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

DEV_USERNAME = "admin"
DEV_PASSWORD = "newsroom-dev"


def dev_user_ensure() -> None:
    """The development superuser, created once with the known password (an existing one is left alone)."""
    User = get_user_model()
    user, created = User.objects.get_or_create(
        username=DEV_USERNAME, defaults={"email": "admin@example.test", "is_staff": True, "is_superuser": True}
    )
    if created:
        user.set_password(DEV_PASSWORD)
        user.save()


def dev_banner(url: str) -> str:
    url = url.rstrip("/")
    return "\n".join(
        [
            "",
            f"  Site (Arabic):   {url}/",
            f"  Site (English):  {url}/en/",
            f"  Admin:           {url}/admin/",
            f"  Development login: {DEV_USERNAME} / {DEV_PASSWORD}",
            "",
        ]
    )


class Command(BaseCommand):
    help = "Create the development superuser if missing and print the site and admin URLs with its login."

    def add_arguments(self, parser):
        parser.add_argument("--url", default="http://127.0.0.1:8000")

    def handle(self, *args, url, **options):
        if not settings.DEBUG:
            raise CommandError("dev_login only runs with DEBUG on (development settings).")
        dev_user_ensure()
        self.stdout.write(dev_banner(url))

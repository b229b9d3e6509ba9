"""`python manage.py recheck_comments`: for cron. Rechecks unchecked comments and purges old spam and
discards: the same code as the background tasks."""

from django.core.management.base import BaseCommand

from comments import services
from comments.tasks import purge_discarded, purge_old_spam


class Command(BaseCommand):
    help = "Check again comments Akismet could not check, then delete expired spam and discards."

    def add_arguments(self, parser):
        parser.add_argument("--no-purge", action="store_true", help="Only recheck; do not delete anything.")

    def handle(self, *args, no_purge: bool = False, **options):
        report = services.recheck_unchecked()
        self.stdout.write(f"Rechecked {report.checked} comment(s); gave up on {report.gave_up}.")
        if report.failed:
            self.stdout.write(f"Stopped at the first failure: {report.error}")
        if not no_purge:
            spam = purge_old_spam.call()
            discarded = purge_discarded.call()
            self.stdout.write(f"Deleted {spam} old spam and {discarded} discarded comment(s).")

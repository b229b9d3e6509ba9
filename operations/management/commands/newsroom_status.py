"""`python manage.py newsroom_status [--json] [--check]`: the figures to monitor, in one place.

Comments waiting (held, unchecked, unchecked overdue for a recheck), Akismet's health as the web
processes and the task worker last saw it, and the task queue's backlog. `--check` exits with status 1
when something needs a person (for cron mail, Nagios-style checks or a systemd timer's OnFailure).
"""

import json

from django.core.management.base import BaseCommand, CommandError

from operations.selectors import newsroom_status


def _when(value) -> str:
    return f"{value:%Y-%m-%d %H:%M:%S} UTC" if value else "never"


class Command(BaseCommand):
    help = "Print the comment queues, Akismet's health and the task backlog; --check exits 1 on a warning."

    def add_arguments(self, parser):
        parser.add_argument("--json", action="store_true", dest="as_json", help="One JSON document.")
        parser.add_argument("--check", action="store_true", help="Exit with status 1 if there is a warning.")

    def handle(self, *args, as_json: bool = False, check: bool = False, **options):
        status = newsroom_status()
        if as_json:
            self.stdout.write(_dumps(status.as_dict()))
        else:
            self._print(status)
        if check and status.warnings:
            raise CommandError(f"{len(status.warnings)} warning(s)", returncode=1)

    def _print(self, status) -> None:
        comments, akismet, tasks = status.comments, status.akismet, status.tasks
        write = self.stdout.write
        write(f"Newsroom status at {_when(status.at)}")
        write("Comments: " + ", ".join(f"{name} {count}" for name, count in comments.by_status.items()))
        write(
            f"  unchecked: due for a recheck {comments.unchecked_due}, overdue by over an hour "
            f"{comments.unchecked_overdue}, waiting for a person {comments.unchecked_given_up}, "
            f"oldest submitted {_when(comments.oldest_unchecked_at)}"
        )
        write(
            f"Akismet: {'configured' if akismet.configured else 'NOT configured'}, "
            f"{'FAILING' if akismet.failing else 'ok'}; last success {_when(akismet.last_success_at)}, "
            f"last error {_when(akismet.last_error_at)}" + (f" ({akismet.last_error})" if akismet.last_error else "")
        )
        write(
            f"Tasks: due {tasks.due} (waiting since {_when(tasks.oldest_due_since)}), scheduled later "
            f"{tasks.scheduled}, running {tasks.running} (over 30 minutes: {tasks.running_too_long}), "
            f"failed in 24 h {tasks.failed_recently}"
        )
        for warning in status.warnings:
            write(f"WARNING: {warning}")
        if not status.warnings:
            write("No warnings.")


def _dumps(data: dict) -> str:
    return json.dumps(data, default=str, ensure_ascii=False, indent=2)

"""Replace the banned or suspect word list from a file, one term or phrase per line (UTF-8), as
WordPress exports its `disallowed_keys` and `moderation_keys`:

    python manage.py comment_words banned disallowed.txt
    python manage.py comment_words suspect moderation.txt
"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from comments import services
from comments.models import WordListKind


class Command(BaseCommand):
    help = "Replace the banned or suspect comment word list from a file (one term per line)."

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=WordListKind.values)
        parser.add_argument("file", type=Path)

    def handle(self, *args, kind, file, **options):
        try:
            text = file.read_text(encoding="utf-8-sig")
        except FileNotFoundError as error:
            raise CommandError(f"No such file: {file}") from error
        except UnicodeDecodeError as error:
            raise CommandError(f"{file} is not UTF-8 text: save it as UTF-8 and run the command again") from error
        terms = services.set_word_list(kind=kind, text=text, actor=None)
        self.stdout.write(f"{kind}: {len(terms)} terms")

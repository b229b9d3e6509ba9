"""Messages for the reader after posting, shown in the article's comments area and nowhere else.

Django's messages are one queue per browser: an editor's "Page published" from the admin and a reader's
"your comment is awaiting moderation" travel together. Ours carry the `comments` tag, so the comments
area shows only those and the site's own messages area (templates/base.html) shows the others.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib import messages
from django.contrib.messages.storage.base import Message
from django.http import HttpRequest

TAG = "comments"


def add(request: HttpRequest, level: int, text: str) -> None:
    messages.add_message(request, level, text, extra_tags=TAG)


def is_for_comments(message: Message) -> bool:
    return TAG in (message.extra_tags or "").split()


def for_comments(all_messages: Iterable[Message] | None) -> list[Message]:
    return [message for message in all_messages or () if is_for_comments(message)]


def not_for_comments(all_messages: Iterable[Message] | None) -> list[Message]:
    return [message for message in all_messages or () if not is_for_comments(message)]

"""Filters for the moderators' workspace templates (comments/templates/comments/admin/)."""

from __future__ import annotations

import re

from django import template
from django.utils.translation import gettext, ngettext

register = template.Library()

# History notes and Akismet errors are stored in English (the language of the logs, and of the
# moderator's colleague who reads them in another admin language) and translated when shown.
# Fixed notes are marked with gettext_noop where they are written; the ones carrying values are
# recognised here.
_EDITED = re.compile(r"^(\d+) → (\d+) characters$")
_HTTP_STATUS = re.compile(r"^HTTP (\d{3}) from Akismet$")
_UNREACHABLE = re.compile(r"^Akismet unreachable \((\w+)\)$")


@register.filter
def history_note(note: str) -> str:
    """A stored note or Akismet error in the moderator's language (unknown text is shown as stored)."""
    note = (note or "").strip()
    if match := _EDITED.match(note):
        old, new = int(match[1]), int(match[2])
        return ngettext(
            "Length %(old)s → %(new)s character", "Length %(old)s → %(new)s characters", new
        ) % {"old": old, "new": new}
    if match := _HTTP_STATUS.match(note):
        return gettext("Akismet answered HTTP %(status)s") % {"status": match[1]}
    if match := _UNREACHABLE.match(note):
        return gettext("Akismet could not be reached (%(reason)s)") % {"reason": match[1]}
    return gettext(note) if note else ""

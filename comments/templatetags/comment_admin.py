"""Filters for the moderators' workspace templates (comments/templates/comments/admin/)."""

from __future__ import annotations

import re

from django import template
from django.utils.html import escape
from django.utils.safestring import mark_safe
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
        return ngettext("Length %(old)s → %(new)s character", "Length %(old)s → %(new)s characters", new) % {
            "old": old,
            "new": new,
        }
    if match := _HTTP_STATUS.match(note):
        return gettext("Akismet answered HTTP %(status)s") % {"status": match[1]}
    if match := _UNREACHABLE.match(note):
        return gettext("Akismet could not be reached (%(reason)s)") % {"reason": match[1]}
    return gettext(note) if note else ""


@register.filter
def highlight_terms(comment, limit: int = 300):
    """The comment's text (its first `limit` characters) with the banned and suspect terms found when it
    was posted marked (<mark>), so a moderator sees which word and where."""
    text = comment.comment or ""
    shown = text[:limit]
    parts, position = [], 0
    for match in sorted(comment.word_matches or [], key=lambda m: m.get("start", 0)):
        start, end = int(match.get("start", 0)), int(match.get("end", 0))
        # Offsets are in the text as posted: a moderator's later edit may have moved it.
        if start < position or end > len(shown) or text[start:end] == "" or start >= end:
            continue
        parts.append(escape(shown[position:start]))
        kind = "banned" if match.get("kind") == "banned" else "suspect"
        parts.append(f'<mark class="nr-term nr-term--{kind}" title="{escape(match.get("term", ""))}">')
        parts.append(escape(shown[start:end]) + "</mark>")
        position = end
    parts.append(escape(shown[position:]))
    if len(text) > limit:
        parts.append("…")
    return mark_safe("".join(parts))

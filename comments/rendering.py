"""A comment's text as readers see it, as HTML: produced once, when the comment is saved, and stored on
the comment (`ReaderComment.text_html`), so showing a thread of hundreds of comments runs no urlize.

The rendering: the text escaped, bidi control characters dropped (the "Trojan Source" trick; the posting
path strips them before storing, this also covers text written by an import or an older version), plain
http(s) URLs linked with rel="nofollow ugc" and isolated left to right, line breaks kept; never any HTML
from the comment itself.

`RENDER_VERSION` names this rendering. A comment stored with another version (or none: comments written
before the column existed) is rendered again when it is next shown, and `manage.py comments_render_html`
renders the rest in batches. Change the number whenever the output below changes.
"""

from __future__ import annotations

import re

from django.template.defaultfilters import linebreaksbr
from django.utils.html import Urlizer
from django.utils.safestring import SafeString, mark_safe

from articles.text import strip_bidi_controls

RENDER_VERSION = 1


class CommentUrlizer(Urlizer):
    """Django's urlize, for text that is mostly right to left.

    - A URL is left to right whatever surrounds it: the link sits in a `<bdi dir="ltr">` (isolated), so in an
      Arabic sentence it reads "https://example.org/" and not "/https://example.org" (the slash and the
      punctuation would otherwise take the direction of the Arabic around them).
    - Arabic punctuation after a URL (، ؛ ؟) is not part of it, as Latin punctuation is not, and
      «guillemets» round a URL are not either.
    - A bare domain ("example.com") is linked only when it starts with a Latin letter or digit: the
      Arabic conjunction glued to it ("وexample.com") must not become a link to a host that does not exist.
    - Links are `rel="nofollow ugc"`; e-mail addresses stay plain text (no mailto links harvested).
    """

    trailing_punctuation_chars = Urlizer.trailing_punctuation_chars + "\u060c\u061b\u061f\u06d4"
    wrapping_punctuation = [*Urlizer.wrapping_punctuation, ("\u00ab", "\u00bb")]
    simple_url_2_re = re.compile(r"^www\.|^(?!http)[a-z0-9][^@]+\.(com|edu|gov|int|mil|net|org)($|/.*)$", re.IGNORECASE)
    url_template = '<bdi dir="ltr"><a href="{href}" rel="nofollow ugc">{url}</a></bdi>'


_urlize = CommentUrlizer()
MAILTO_LINK = re.compile(r'<bdi dir="ltr"><a href="mailto:[^"]*" rel="nofollow ugc">(.*?)</a></bdi>')


def comment_html(text: str) -> SafeString:
    """The comment's text as HTML (see the module docstring)."""
    html = _urlize(strip_bidi_controls(text or ""), autoescape=True)
    html = MAILTO_LINK.sub(r"\1", html)  # addresses stay text: no mailto links harvested from our pages
    return mark_safe(linebreaksbr(mark_safe(html), autoescape=False))  # noqa: S308 - escaped by urlize above

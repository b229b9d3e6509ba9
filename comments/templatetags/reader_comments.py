"""Template tags for the comments area of an article (templates/comments/article_comments.html)."""

from __future__ import annotations

import re

from django import template
from django.conf import settings
from django.template.defaultfilters import linebreaksbr
from django.utils.html import urlize
from django.utils.safestring import SafeString, mark_safe
from django_comments_xtd import get_form

from comments import selectors

register = template.Library()
MAILTO_LINK = re.compile(r'<a href="mailto:[^"]*">(.*?)</a>')


@register.simple_tag
def comment_thread(article) -> selectors.Thread:
    """The published thread, one query (see selectors.published_thread)."""
    return selectors.published_thread(article=article)


@register.simple_tag
def comment_form(article, reply_to=None):
    return get_form()(article, comment=reply_to) if reply_to else get_form()(article)


@register.simple_tag
def comments_open(article) -> bool:
    return selectors.comments_open(article=article)


@register.simple_tag
def max_thread_level() -> int:
    """How deep replies may go (COMMENTS_XTD_MAX_THREAD_LEVEL): no reply link at that level."""
    return settings.COMMENTS_XTD_MAX_THREAD_LEVEL


@register.filter(is_safe=True)
def comment_text(text: str) -> SafeString:
    """A comment as readers see it: escaped, line breaks kept, plain http(s) URLs linked with
    rel="nofollow ugc" (and nothing else: no HTML from comments is ever rendered)."""
    html = urlize(text or "", nofollow=True, autoescape=True)
    html = html.replace('rel="nofollow"', 'rel="nofollow ugc"')
    html = MAILTO_LINK.sub(r"\1", html)  # addresses stay text: no mailto links harvested from our pages
    return mark_safe(linebreaksbr(mark_safe(html), autoescape=False))  # noqa: S308 - escaped by urlize above


@register.filter
def web_link(url: str) -> str:
    """The commenter's website, only if it is an http(s) address (never javascript: and the like)."""
    url = (url or "").strip()
    return url if url.lower().startswith(("http://", "https://")) else ""

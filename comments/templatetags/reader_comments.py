"""Template tags for the comments area of an article (comments/templates/comments/article_comments.html)."""

from __future__ import annotations

import json
import re

from django import template
from django.conf import settings
from django.template.defaultfilters import linebreaksbr
from django.utils.html import Urlizer
from django.utils.safestring import SafeString, mark_safe
from django_comments_xtd import get_form

from comments import selectors

register = template.Library()


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


@register.simple_tag
def comment_thread(article) -> selectors.Thread:
    """The published thread, one query (see selectors.published_thread)."""
    return selectors.published_thread(article=article)


# As django.utils.html.json_script escapes: nothing in the data can close the <script> element.
JSON_SCRIPT_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


@register.simple_tag(takes_context=True)
def featured_json_ld(context, article, comments) -> SafeString:
    """The featured comments as schema.org `Comment`s of the article (its own JSON-LD block: the
    article's structured data is built by the articles app, which knows nothing of comments)."""
    request = context.get("request")
    url = article.get_url(request=request) or ""
    if request is not None:
        url = request.build_absolute_uri(url)
    data = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "@id": url,
        "url": url,
        "comment": [
            {
                "@type": "Comment",
                "url": f"{url}#c{comment.pk}",
                "author": {"@type": "Person", "name": comment.user_name},
                "text": comment.comment,
                "dateCreated": comment.submit_date.isoformat(),
            }
            for comment in comments
        ],
    }
    return mark_safe(json.dumps(data, ensure_ascii=False).translate(JSON_SCRIPT_ESCAPES))  # noqa: S308 - escaped


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
    rel="nofollow ugc" and isolated left to right (and nothing else: no HTML from comments is ever rendered)."""
    html = _urlize(text or "", autoescape=True)
    html = MAILTO_LINK.sub(r"\1", html)  # addresses stay text: no mailto links harvested from our pages
    return mark_safe(linebreaksbr(mark_safe(html), autoescape=False))  # noqa: S308 - escaped by urlize above


@register.filter
def web_link(url: str) -> str:
    """The commenter's website, only if it is an http(s) address (never javascript: and the like)."""
    url = (url or "").strip()
    return url if url.lower().startswith(("http://", "https://")) else ""


# How long an excerpt on the section page may be (characters, an ellipsis after a cut).
EXCERPT_CHARS = 140


@register.inclusion_tag("comments/section_featured.html", takes_context=True)
def section_featured_comments(context, section, limit=3):
    """The section page's "featured comments" list: the most recently featured published comments on
    its articles (selectors.featured_comments_for_section, one query), each with the commenter's name,
    an excerpt and a link to the comment on its article. A template-level dependency: the articles app
    knows nothing of comments, its section template loads this library."""
    request = context.get("request")
    items = [
        {
            "name": comment.user_name,
            "text": comment.comment,
            "url": f"{comment.article.get_url(request=request) or ''}#c{comment.pk}",
            "article_title": comment.article.title,
        }
        for comment in selectors.featured_comments_for_section(section=section, limit=limit)
    ]
    return {"items": items, "excerpt_chars": EXCERPT_CHARS, "request": request}

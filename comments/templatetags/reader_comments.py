"""Template tags for the comments area of an article (comments/templates/comments/article_comments.html)."""

from __future__ import annotations

import json

from django import template
from django.conf import settings
from django.core.cache import cache
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django_comments_xtd import get_form

from articles import editions
from articles.generation import content_generation
from comments import rendering, selectors, services

register = template.Library()


def comments_page_number(request) -> int:
    """The page of comments asked for (`?comments=N`); 1 when absent or not a number."""
    value = request.GET.get(selectors.PAGE_PARAMETER, "") if request is not None else ""
    return int(value) if value.isdigit() and 0 < len(value) < 7 else 1


@register.simple_tag(takes_context=True)
def thread_cache(context, article, is_open) -> dict | None:
    """How long and under which key an article's rendered comments (heading, one page of the thread, its
    page links and the form: comments/article_thread.html) may be cached, or None not to cache them.

    The same for every reader (nothing per request is in them: the form asks for its token when the
    reader starts typing), so an article that is not in the page cache, or a worker that has not cached
    it yet, still renders its fifty comments once per version. The key names the article, the page of
    comments, the language, the address the page was asked on (the structured data carries absolute
    URLs), whether comments are open, the content generation and the thread's version (services.
    thread_changed: any change readers could see in the thread starts a new one)."""
    request = context.get("request")
    if request is None or not article.pk:
        return None
    return editions.fragment_cache(
        request,
        "comments",
        article.pk,
        comments_page_number(request),
        request.scheme,
        request.get_host(),
        int(bool(is_open)),
        selectors.thread_version(article_id=article.pk),
    )


@register.simple_tag(takes_context=True)
def comment_thread(context, article) -> selectors.Thread:
    """One page of the published thread, two queries (see selectors.published_thread). Comments shown
    for the first time since their stored HTML went missing or out of date are stored rendered now."""
    thread = selectors.published_thread(article=article, page=comments_page_number(context.get("request")))
    if thread.stale:
        services.comments_html_store(comments=thread.stale)
    _prepare_for_display(thread)
    return thread


def _prepare_for_display(thread: selectors.Thread) -> None:
    """What each comment's markup needs, made once per page rather than by template tags per comment
    (fifty comments used to reverse a hundred URLs and translate four hundred strings): its reply and
    report links with their accessible names, and the page's translated labels."""
    reply_base = reverse("comments-xtd-reply", args=[0]).removesuffix("0/")
    report_base = reverse("comments-report", args=[0]).removesuffix("0/")
    reply_label, report_label = _("Reply to %(name)s"), _("Report the comment by %(name)s")
    thread.labels = {
        "reply": _("Reply"),
        "report": _("Report"),
        "staff": _("Editorial team"),
        "featured": _("Featured by the editors"),
    }
    nodes = list(thread.nodes)
    while nodes:
        node = nodes.pop()
        comment = node.comment
        comment.reply_url = f"{reply_base}{comment.pk}/"
        comment.report_url = f"{report_base}{comment.pk}/"
        comment.reply_label = reply_label % {"name": comment.user_name}
        comment.report_label = report_label % {"name": comment.user_name}
        nodes.extend(node.children)


@register.simple_tag(takes_context=True)
def comments_page_url(context, article, number) -> str:
    """The article's URL showing that page of its comments (the first page is the article itself)."""
    url = article.get_url(request=context.get("request")) or ""
    return f"{url}?{selectors.PAGE_PARAMETER}={number}" if number and number > 1 else url


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
    rel="nofollow ugc" and isolated left to right (and nothing else: no HTML from comments is ever rendered).
    For text that is not a stored comment (a preview); a comment's own is `ReaderComment.body_html`,
    rendered once when it was saved (comments/rendering.py)."""
    return rendering.comment_html(text)


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

    def items() -> list[dict]:
        return [
            {
                "name": comment.user_name,
                "text": comment.comment,
                "url": f"{comment.article.get_url(request=request) or ''}#c{comment.pk}",
                "article_title": comment.article.title,
            }
            for comment in selectors.featured_comments_for_section(section=section, limit=limit)
        ]

    # Cached per section, address, content generation (an article published, unpublished or moved) and
    # featured version (a featured comment changed): the same list for every reader in between.
    seconds = settings.NEWSROOM["PAGE_CACHE_SECONDS"]
    if not seconds or request is None:
        return {"items": items(), "excerpt_chars": EXCERPT_CHARS, "request": request}
    key = ":".join(
        str(part)
        for part in (
            "comments:section-featured",
            section.pk,
            limit,
            request.get_host(),
            content_generation(),
            selectors.featured_version(),
        )
    )
    found = cache.get(key)
    if found is None:
        found = items()
        cache.set(key, found, seconds)
    return {"items": found, "excerpt_chars": EXCERPT_CHARS, "request": request}

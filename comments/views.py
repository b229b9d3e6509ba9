"""Reader-facing comment views: posting (the page around `posting.comment_post`) and the
no-JavaScript reply page.

The reader always lands back on the article, on the host they came from: a published comment at
`#c<id>`; anything else (held, unchecked, spam, discarded) with the same "awaiting moderation" message,
so a spammer learns nothing; a repeat post with "you already posted this". A refusal shows the form
again with the reader's text; an unexpected error shows the text to copy.
"""

from __future__ import annotations

import hashlib
import logging
import secrets

from django import forms
from django.contrib import messages
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import SuspiciousOperation
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest, HttpResponseRedirect, JsonResponse
from django.middleware.csrf import REASON_CSRF_TOKEN_MISSING, REASON_NO_CSRF_COOKIE, get_token
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import csrf
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_comments_xtd import get_form
from django_comments_xtd.models import max_thread_level_for_content_type

from articles.models import ArticlePage

from . import moderation, notices, notifications, posting, selectors, services
from .models import ReaderComment, ReportReason, Status

logger = logging.getLogger(__name__)


def article_url(article: ArticlePage, request: HttpRequest) -> str:
    return article.get_url(request=request) or "/"


def _target_article(request: HttpRequest) -> ArticlePage | None:
    if request.POST.get("content_type") != "articles.articlepage":
        return None
    object_pk = request.POST.get("object_pk", "")
    if not (object_pk.isascii() and object_pk.isdigit() and len(object_pk) <= 18):  # fits a 64-bit key
        return None
    return ArticlePage.objects.live().select_related("locale").filter(pk=int(object_pk)).first()


def _render_form_again(
    request: HttpRequest, article: ArticlePage, error: str, status: int, *, fresh_security: bool = False
) -> HttpResponse:
    """Show what the reader wrote with the problem, instead of losing it.

    `fresh_security`: the form's timestamp and signature are renewed, so that sending it again works."""
    data = request.POST.copy()
    if fresh_security:
        data.update(get_form()(article).generate_security_data())
    form = get_form()(article, data=data)
    form.is_valid()
    form.add_error(None, error)
    return render(request, "comments/preview.html", {"form": form, "article": article}, status=status)


def _in_article_language(article: ArticlePage):
    """Answers about a comment speak the language of the edition the reader was reading: /comments/post/
    sits outside i18n_patterns, so LocaleMiddleware would go by the browser's Accept-Language instead."""
    return translation.override(article.locale.language_code)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """CSRF_FAILURE_VIEW. A comment refused by the CSRF check comes back in the site's design with the
    reader's text in a form carrying a new token, so that sending it again works; other URLs get Django's page.

    The usual causes are innocent: the reader signed in or out in another tab (which rotates the token) or
    the CSRF cookie expired or was cleared while they wrote."""
    article = _target_article(request) if request.path == reverse("comments-post-comment") else None
    if article is None:
        return csrf.csrf_failure(request, reason=reason)
    with _in_article_language(article):
        if reason in (REASON_NO_CSRF_COOKIE, REASON_CSRF_TOKEN_MISSING):
            # The usual case without JavaScript: the cached article carries no token (it sets no cookie),
            # so the first post is where this browser gets one. Nothing went wrong from the reader's side.
            error = _(
                "One more step protects this form against forged posts, and it is done now. Your text is kept "
                "below: please press “Post comment” once more to send it."
            )
        else:
            error = _(
                "Your comment was not sent because this browser's security check failed, for example after "
                "signing in or out in another tab. Your text is kept below: please send it again."
            )
        return _render_form_again(request, article, error, status=403, fresh_security=True)


@require_GET
def form_token(request: HttpRequest, article_id: int) -> HttpResponse:
    """The comment form's per-reader parts, asked by comments.js when the reader starts on the form of a
    cached article (whose HTML is the same for everyone and sets no cookie): a CSRF token, with the CSRF
    cookie it belongs to, and a fresh timestamp and signature. Never cached by anyone."""
    article = ArticlePage.objects.live().filter(pk=article_id).first()
    if article is None:
        raise Http404
    security = get_form()(article).generate_security_data()
    response = JsonResponse({"csrfmiddlewaretoken": get_token(request), **security})
    add_never_cache_headers(response)
    return response


@csrf_protect
@require_POST
def post_comment(request: HttpRequest) -> HttpResponse:
    """The comment form's target. Deciding and storing is `posting.comment_post`; this turns its answer
    into a page. Whatever goes wrong, the reader gets their text back, never a bare error page."""
    try:
        article = _target_article(request)
        if article is None:
            return HttpResponseBadRequest(_("This article does not exist or cannot be commented on."))
        with _in_article_language(article):
            return _post_to(request, article)
    except SuspiciousOperation:
        raise  # a body over DATA_UPLOAD_MAX_MEMORY_SIZE, too many fields...: Django's 400, nothing to give back
    except Exception:
        logger.exception("Posting a comment failed")
        return _text_to_copy(request)


def _text_to_copy(request: HttpRequest) -> HttpResponse:
    """An unexpected error (a database outage, a bug): a page that needs nothing but the template, with
    the reader's text to copy. No base template: it reads site settings from the database, which may be
    what failed."""
    try:
        text = request.POST.get("comment", "")
    except Exception:  # the body itself could not be read
        text = ""
    # render_to_string without the request: no context processors, which query the database.
    response = HttpResponse(render_to_string("comments/post_failed.html", {"text": text}), status=503)
    response["Retry-After"] = "60"
    return response


def _post_to(request: HttpRequest, article: ArticlePage) -> HttpResponse:
    back = article_url(article, request)
    outcome = posting.comment_post(request=request, article=article)
    if isinstance(outcome, posting.Refused):
        if outcome.kind == "closed":
            # Closed while the reader was writing: nothing is stored, but their text is shown so they can copy it.
            context = {"article": article, "text": request.POST.get("comment", "")}
            return render(request, "comments/closed.html", context, status=403)
        if outcome.kind == "rate_limited":
            return _render_form_again(
                request,
                article,
                _("You have posted several comments in a short time. Please wait a few minutes and try again."),
                status=429,
            )
        if outcome.kind == "stale":
            # django-contrib-comments would answer a bare 400 and the reader's text would be gone. The usual
            # cause is innocent: the article stayed open longer than COMMENTS_TIMEOUT (2 hours) while the
            # reader wrote, or the site's secret key changed since the page was served.
            return _render_form_again(
                request,
                article,
                _(
                    "Your comment was not sent because the page was open for a long time. Your text is kept "
                    "below: please send it again."
                ),
                status=400,
                fresh_security=True,
            )
        # A field the form refuses: the form again with the reader's text and what to correct.
        return render(request, "comments/preview.html", {"form": outcome.form, "article": article})

    comment = outcome.comment
    if outcome.repeat:
        notices.add(
            request,
            messages.WARNING,
            _("You have already posted this comment. This copy is kept and waits for a moderator."),
        )
        return HttpResponseRedirect(back + "#comments")
    if comment.status == Status.PUBLISHED:
        notices.add(request, messages.SUCCESS, _("Thank you: your comment is published."))
        return HttpResponseRedirect(selectors.comment_url(comment=comment, article_url=back))
    notices.add(request, messages.INFO, _("Thank you: your comment is awaiting moderation."))
    return HttpResponseRedirect(back + "#comments")


@require_GET
def comment_permalink(request: HttpRequest, pk: int) -> HttpResponse:
    """A published comment's permalink: to its article, on the page of comments that shows it (a long
    thread is split into pages, `?comments=N`), at the comment's anchor."""
    comment = get_object_or_404(ReaderComment.objects.select_related("article"), pk=pk, status=Status.PUBLISHED)
    if comment.article is None or not comment.article.live:
        raise Http404
    back = article_url(comment.article, request)
    return HttpResponseRedirect(selectors.comment_url(comment=comment, article_url=back))


@require_GET
def reply(request: HttpRequest, cid: int) -> HttpResponse:
    """Without JavaScript, "Reply" opens this page: the comment and a form answering it."""
    parent = get_object_or_404(ReaderComment.objects.select_related("article"), pk=cid, status=Status.PUBLISHED)
    article = parent.article
    if article is None or not article.live:
        raise Http404
    article = article.specific
    content_type = ContentType.objects.get_for_model(ArticlePage)
    if parent.level >= max_thread_level_for_content_type(content_type):
        raise Http404
    context = {
        "article": article,
        "parent": parent,
        "comments_open": selectors.comments_open(article=article),
        "form": get_form()(article, comment=parent),
    }
    return render(request, "comments/reply.html", context)


# --- Readers' reports ----------------------------------------------------------------------------

READER_COOKIE = "nr_reader"
READER_COOKIE_AGE = 365 * 24 * 60 * 60


class ReportForm(forms.Form):
    reason = forms.ChoiceField(
        label=gettext_lazy("Why are you reporting this comment?"),
        choices=ReportReason.choices,
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=gettext_lazy("Anything to add (optional)"),
        required=False,
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": 300}),
    )

    def clean(self):
        data = super().clean()
        if data.get("reason") == ReportReason.OTHER and not (data.get("note") or "").strip():
            self.add_error("note", _("Tell us briefly what is wrong with it."))
        return data


def _reader_token(request: HttpRequest) -> tuple[str, bool]:
    """This browser's random token (from its cookie, or a new one) and whether it is new."""
    token = request.COOKIES.get(READER_COOKIE, "")
    if len(token) == 43 and token.replace("-", "").replace("_", "").isalnum():
        return token, False
    return secrets.token_urlsafe(32), True


@csrf_protect
def report_comment(request: HttpRequest, pk: int) -> HttpResponse:
    """The "report" control of a published comment: a page with the reasons (works without JavaScript);
    posting it files one report per browser and IP address, then back to the comment."""
    comment = get_object_or_404(ReaderComment.objects.select_related("article"), pk=pk, status=Status.PUBLISHED)
    article = comment.article
    if article is None or not article.live:
        raise Http404
    with _in_article_language(article):
        form = ReportForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            token, new = _reader_token(request)
            outcome = services.report_comment(
                comment=comment,
                reason=form.cleaned_data["reason"],
                note=form.cleaned_data["note"],
                reader_key=hashlib.sha256(token.encode()).hexdigest(),
                ip_address=moderation.client_ip(request) or None,
            )
            if outcome.accepted:
                notices.add(request, messages.SUCCESS, _("Thank you: the moderators will look at this comment."))
            else:
                notices.add(request, messages.INFO, _("You have already reported this comment. Thank you."))
            response = HttpResponseRedirect(article_url(article, request) + f"#c{comment.pk}")
            if new:
                response.set_cookie(
                    READER_COOKIE,
                    token,
                    max_age=READER_COOKIE_AGE,
                    httponly=True,
                    samesite="Lax",
                    secure=request.is_secure(),
                )
            return response
        response = render(
            request,
            "comments/report.html",
            {"form": form, "comment": comment, "article": article},
            status=400 if request.method == "POST" else 200,
        )
        response["X-Robots-Tag"] = "noindex"
        return response


@require_http_methods(["GET", "HEAD", "POST"])
@csrf_protect
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """The unsubscribe link of a notification e-mail. Opening it only asks (mail scanners follow links);
    the button (POST) records the opt-out. In the language of the edition the e-mail came from."""
    found = notifications.read_unsubscribe_token(token)
    if found is None:
        raise Http404
    email, language = found
    with translation.override(language):
        done = False
        if request.method == "POST":
            services.commenter_unsubscribe(email=email)
            done = True
        return render(request, "comments/unsubscribe.html", {"email": email, "done": done, "token": token})

"""The moderators' workspace in the Wagtail admin: the queue, its actions, and the privacy tools.

Views are thin: the GET side reads through admin_selectors, every POST goes through admin_services
(and so comments/services.py). Access needs the "moderate reader comments" permission (Moderators,
Editors, superusers); anyone else is sent back to the dashboard the way Wagtail does it.
"""

from __future__ import annotations

import json

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST
from django.views.generic import TemplateView
from wagtail.admin.auth import permission_denied, permission_required
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from . import admin_privacy, admin_selectors, admin_services
from .admin_forms import QUEUE_LABELS, CommentTextForm, QueueFilterForm
from .admin_scope import MODERATE, is_moderator_only
from .models import ReaderComment


def queue_url(params=None, **changes) -> str:
    """The queue's URL with `params` (a QueryDict or dict), some of them changed or removed (None)."""
    query = params.copy() if params is not None else {}
    for key in ("after", "before"):
        query.pop(key, None)
    for key, value in changes.items():
        if value is None:
            query.pop(key, None)
        else:
            query[key] = value
    encoded = query.urlencode() if hasattr(query, "urlencode") else "&".join(f"{k}={v}" for k, v in query.items())
    return reverse("comments_admin:queue") + (f"?{encoded}" if encoded else "")


class ModeratorRequiredMixin:
    """Only people allowed to moderate; anyone else gets Wagtail's own permission-denied answer."""

    def dispatch(self, request, *args, **kwargs):
        if not request.user.has_perm(MODERATE):
            return permission_denied(request)
        return super().dispatch(request, *args, **kwargs)


def safe_next(request, fallback: str) -> str:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return fallback


class QueueView(ModeratorRequiredMixin, WagtailAdminTemplateMixin, TemplateView):
    template_name = "comments/admin/queue.html"
    page_title = _("Comments")
    header_icon = "comment"

    def get_page_title(self):
        return _("Comments")

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [{"url": "", "label": _("Comments")}]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = QueueFilterForm(self.request.GET)
        filters = form.filters()
        page = admin_selectors.queue_page(
            filters,
            after=self.request.GET.get("after", ""),
            before=self.request.GET.get("before", ""),
            per_page=form.page_size(),
        )
        counts = admin_selectors.queue_counts(admin_selectors.status_counts_cached())
        params = self.request.GET
        context.update(
            form=form,
            filters=filters,
            page=page,
            rows=[self.row(comment, page) for comment in page.rows],
            tabs=[
                {
                    "queue": key,
                    "label": label,
                    "count": counts[key],
                    "url": queue_url(params, queue=key),
                    "active": key == filters.queue,
                }
                for key, label in QUEUE_LABELS.items()
            ],
            bulk_actions=[
                (name, action)
                for name, action in admin_services.ACTIONS.items()
                if set(action.applies_to) & set(admin_selectors.QUEUES[filters.queue])
            ],
            next_url=queue_url(params, after=page.next_cursor) if page.next_cursor else "",
            previous_url=queue_url(params, before=page.previous_cursor) if page.previous_cursor else "",
            current_url=self.request.get_full_path(),
            filter_params=[(k, v) for k, v in params.lists() if k not in ("after", "before") for v in v],
            article_filter_clear_url=queue_url(params, article=None),
        )
        return context

    def row(self, comment: ReaderComment, page: admin_selectors.QueuePage) -> dict:
        article = comment.article
        return {
            "comment": comment,
            "approved": admin_selectors.approved_count(page.approved_by_email, comment.user_email),
            "author_url": queue_url({"queue": "published", "q": comment.user_email}) if comment.user_email else "",
            "actions": admin_services.actions_for(comment.status),
            "article": article,
            "live_url": article.get_url(request=self.request) if article and article.live else "",
            # No "Edit article" for a moderator: the admin would only send them back (admin_scope).
            "edit_url": reverse("wagtailadmin_pages:edit", args=[article.pk])
            if article and not is_moderator_only(self.request.user)
            else "",
            "article_queue_url": queue_url(self.request.GET, article=article.pk) if article else "",
            "events": list(comment.events.all()),
        }


@permission_required(MODERATE)
@require_POST
def act(request):
    """A row action (`row=<action>:<id>`) or a bulk action on the ticked rows or on the whole filter."""
    fallback = reverse("comments_admin:queue")
    if row := request.POST.get("row"):
        action, _sep, pk = row.partition(":")
        comments = ReaderComment.objects.filter(pk=pk) if pk.isdigit() else ReaderComment.objects.none()
        queued = False
    else:
        action = request.POST.get("action", "")
        if request.POST.get("scope") == "matching":
            filters = QueueFilterForm(request.POST).filters()
            if action not in admin_services.ACTIONS:
                messages.error(request, _("Unknown action."))
                return redirect(safe_next(request, fallback))
            done, queued = admin_services.moderate_matching(
                queryset=admin_selectors.matching_comments(filters), action=action, actor=request.user
            )
            report(request, action, done, queued=queued)
            return redirect(safe_next(request, fallback))
        ids = [pk for pk in request.POST.getlist("ids") if pk.isdigit()]
        comments = ReaderComment.objects.filter(pk__in=ids).order_by("pk")
    if action not in admin_services.ACTIONS:
        messages.error(request, _("Unknown action."))
        return redirect(safe_next(request, fallback))
    done = admin_services.moderate(comments=comments, action=action, actor=request.user)
    report(request, action, done)
    return redirect(safe_next(request, fallback))


def report(request, action: str, count: int, *, queued: bool = False) -> None:
    label = admin_services.ACTIONS[action].label
    if queued:
        text = ngettext(
            "“%(action)s”: %(count)s comment will be processed in the background.",
            "“%(action)s”: %(count)s comments will be processed in the background.",
            count,
        )
    elif count:
        text = ngettext("“%(action)s”: %(count)s comment.", "“%(action)s”: %(count)s comments.", count)
    else:
        messages.warning(request, _("No comment was changed: the action does not apply to the selection."))
        return
    messages.success(request, text % {"action": label, "count": count})


@permission_required(MODERATE)
@require_POST
def reply(request, pk: int):
    parent = get_object_or_404(ReaderComment, pk=pk)
    form = CommentTextForm(request.POST)
    if form.is_valid():
        admin_services.reply(parent=parent, actor=request.user, text=form.cleaned_data["text"])
        messages.success(request, _("Your reply is published."))
    else:
        messages.error(request, _("The reply is empty or too long."))
    return redirect(safe_next(request, reverse("comments_admin:queue")))


@permission_required(MODERATE)
@require_POST
def edit_text(request, pk: int):
    comment = get_object_or_404(ReaderComment, pk=pk)
    form = CommentTextForm(request.POST)
    if form.is_valid():
        admin_services.edit_text(comment=comment, actor=request.user, text=form.cleaned_data["text"])
        messages.success(request, _("The comment's text was changed; the history keeps the change."))
    else:
        messages.error(request, _("The text is empty or too long."))
    return redirect(safe_next(request, reverse("comments_admin:queue")))


class PrivacyView(ModeratorRequiredMixin, WagtailAdminTemplateMixin, TemplateView):
    """Find every comment left with an e-mail address; export, anonymise or erase them."""

    template_name = "comments/admin/privacy.html"
    header_icon = "user"

    def get_page_title(self):
        return _("Commenters' personal data")

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [
            {"url": reverse("comments_admin:queue"), "label": _("Comments")},
            {"url": "", "label": self.get_page_title()},
        ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        email = self.request.GET.get("email", "").strip()
        context["email"] = email
        context["comments"] = list(admin_selectors.comments_by_email(email)[:500]) if email else []
        return context

    def post(self, request, *args, **kwargs):
        email = request.POST.get("email", "").strip()
        operation = request.POST.get("operation")
        back = reverse("comments_admin:privacy") + "?" + _query(email=email)
        if not email:
            messages.error(request, _("Enter an e-mail address."))
            return redirect(reverse("comments_admin:privacy"))
        if operation == "export":
            data = {"email": email, "comments": admin_privacy.export_comments(email=email)}
            response = HttpResponse(
                json.dumps(data, ensure_ascii=False, indent=2), content_type="application/json; charset=utf-8"
            )
            response["Content-Disposition"] = 'attachment; filename="comments-export.json"'
            return response
        if operation == "anonymise":
            count = admin_privacy.anonymise_comments(email=email, actor=request.user)
            messages.success(
                request,
                ngettext("%(count)s comment anonymised.", "%(count)s comments anonymised.", count) % {"count": count},
            )
            return redirect(back)
        if operation == "erase":
            count = admin_privacy.erase_comments(email=email)
            messages.success(
                request, ngettext("%(count)s comment erased.", "%(count)s comments erased.", count) % {"count": count}
            )
            return redirect(back)
        messages.error(request, _("Unknown action."))
        return redirect(back)


def _query(**params) -> str:
    from urllib.parse import urlencode

    return urlencode(params)

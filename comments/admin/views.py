"""The moderators' workspace on Wagtail's generic views: the comment listing (filters, search, columns,
CSV/XLSX export, bulk actions), a comment's page (its details, history, actions, reply and edit boxes),
the row actions, and the privacy tools.

Views are thin: they read through comments/selectors.py and comments/admin/selectors.py and every POST
goes through comments/admin/actions.py (and so comments/services.py). Access needs the "moderate reader
comments" permission (Moderators, Editors, superusers); anyone else gets Wagtail's own refusal.
"""

from __future__ import annotations

import json

from django import forms
from django.contrib import messages
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils.functional import cached_property
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_POST
from django.views.generic import TemplateView
from wagtail.admin.auth import permission_denied, permission_required
from wagtail.admin.ui.tables import BulkActionsCheckboxColumn, Column, DateColumn, Table, TitleColumn
from wagtail.admin.views import generic
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.viewsets.base import ViewSet

from .. import selectors, services
from ..admin_scope import is_moderator_only
from ..models import Commenter, ReaderComment, Trust
from . import actions, privacy
from .filters import CommenterFilterSet, CommentFilterSet
from .pagination import QueuePaginator
from .selectors import (
    QUEUE_LABELS,
    REPORTED_QUEUE,
    approved_count,
    approved_counts_by_email,
    commenter_ids_by_email,
    commenter_profile,
    comments_by_email,
    open_report_reasons,
    queue_counts,
    status_counts_cached,
)

MODERATE = "comments.moderate_readercomment"
PER_PAGE_CHOICES = (20, 50, 100, 200)
DEFAULT_PER_PAGE = 50


class ModeratorRequiredMixin:
    """Only people allowed to moderate; anyone else gets Wagtail's own permission-denied answer."""

    permission_policy = None

    def dispatch(self, request, *args, **kwargs):
        if not request.user.has_perm(MODERATE):
            return permission_denied(request)
        return super().dispatch(request, *args, **kwargs)


def safe_next(request, fallback: str) -> str:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return fallback


# --- The listing ---------------------------------------------------------------------------------


class CommentTable(Table):
    """Rows the keyboard shortcuts can walk: an id, a marker and a focus target on each."""

    def get_row_attrs(self, instance):
        return {
            "id": f"comment-{instance.pk}",
            "class": f"nr-row nr-row--{instance.status}",
            "data-nr-row": "",
            "tabindex": "-1",
        }


class TemplateColumn(Column):
    """A column drawn by its own template, with the request and the CSRF token for its forms."""

    def get_cell_context_data(self, instance, parent_context):
        context = super().get_cell_context_data(instance, parent_context)
        request = parent_context.get("request")
        context["request"] = request
        # The table renders its cells outside the page's RequestContext: ask for the token directly.
        context["csrf_token"] = get_token(request) if request is not None else ""
        context["next_url"] = parent_context.get("nr_next_url", "")
        # No "Edit article" for a moderator: the admin would only send them back (admin_scope).
        context["may_edit_pages"] = request is not None and not is_moderator_only(request.user)
        return context


def column(name, label, template, **kwargs):
    cls = type(
        f"{template.title()}Column", (TemplateColumn,), {"cell_template_name": f"comments/admin/cells/{template}.html"}
    )
    return cls(name, label=label, **kwargs)


class UnderCommentsMixin:
    """A workspace page whose breadcrumbs lead back to the comments listing."""

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [
            {"url": reverse("comments_admin:index"), "label": _("Comments")},
            {"url": "", "label": self.get_page_title()},
        ]


class CommentIndexView(ModeratorRequiredMixin, generic.IndexView):
    """Every queue (pending, approved, spam, discarded, trash) of every edition, in one listing.

    The page costs the same number of queries with 5 rows as with 200: the article comes with the
    row (a join), the approved count for every commenter on the page comes from one GROUP BY, and the
    queue counts from the cached status counts. Nor does it count the table for the pages: the
    paginator fetches one row more than it shows (see pagination.py)."""

    model = ReaderComment
    filterset_class = CommentFilterSet
    index_url_name = "comments_admin:index"
    index_results_url_name = "comments_admin:index_results"
    inspect_url_name = "comments_admin:inspect"
    template_name = "comments/admin/index.html"
    results_template_name = "comments/admin/index_results.html"
    table_class = CommentTable
    table_classname = "listing nr-comments"
    paginator_class = QueuePaginator
    header_icon = "comment"
    page_title = gettext_lazy("Comments")
    # Search goes through selectors.search_comments (an IP or an address through its index).
    search_fields = ["comment"]
    search_backend_name = None
    default_ordering = "-submitted_at"
    list_export = [
        "pk",
        "submitted_at",
        "get_status_display",
        "user_name",
        "user_email",
        "user_url",
        "ip_address",
        "comment",
        "article",
        "get_akismet_verdict_display",
        "reasons_text",
    ]
    export_headings = {
        "pk": gettext_lazy("ID"),
        "submitted_at": gettext_lazy("Submitted"),
        "get_status_display": gettext_lazy("Status"),
        "user_name": gettext_lazy("Name"),
        "user_email": gettext_lazy("E-mail"),
        "user_url": gettext_lazy("Website"),
        "ip_address": gettext_lazy("IP address"),
        "comment": gettext_lazy("Comment"),
        "article": gettext_lazy("Article"),
        "get_akismet_verdict_display": gettext_lazy("Akismet verdict"),
        "reasons_text": gettext_lazy("Reasons"),
    }
    export_filename = "comments"

    def get_page_title(self):
        return _("Comments")

    def get_base_queryset(self):
        return ReaderComment.objects.select_related("article")

    def order_queryset(self, queryset):
        # Unchecked before held in the pending queue, the most reported first in the reported queue,
        # then by date, with the id as a tie-breaker.
        first = "-open_reports" if self.queue == REPORTED_QUEUE else "-status"
        if self.ordering == "submitted_at":
            return queryset.order_by(first, "submitted_at", "pk")
        return queryset.order_by(first, "-submitted_at", "-pk")

    def search_queryset(self, queryset):
        if not self.is_searching:
            return queryset
        return selectors.search_comments(queryset, self.search_query.strip())

    def get_paginate_by(self, queryset):
        if self.is_export:
            return None
        try:
            wanted = int(self.request.GET.get("per_page", DEFAULT_PER_PAGE))
        except ValueError:
            return DEFAULT_PER_PAGE
        return wanted if wanted in PER_PAGE_CHOICES else DEFAULT_PER_PAGE

    def get_paginator(self, queryset, per_page, orphans=0, allow_empty_first_page=True, **kwargs):
        """The queue's cached count gives the number of pages when the listing is a whole queue."""
        known = self.queue_counts[self.queue] if self.is_whole_queue else None
        return self.paginator_class(
            queryset, per_page, orphans=0, allow_empty_first_page=allow_empty_first_page, known_count=known
        )

    @cached_property
    def is_whole_queue(self) -> bool:
        """No search and no filter but the queue: the tab's count is the listing's."""
        if self.is_searching:
            return False
        self.filters.form.is_valid()
        for name, value in self.filters.form.cleaned_data.items():
            if isinstance(value, slice):
                value = value.start or value.stop
            if name != "queue" and value not in (None, "", []):
                return False
        return True

    @cached_property
    def queue_counts(self) -> dict[str, int]:
        return queue_counts(status_counts_cached())

    @cached_property
    def columns(self):
        return [
            BulkActionsCheckboxColumn("bulk_actions", obj_type="comment"),
            column("author", _("Author"), "author"),
            column("comment", _("Comment"), "comment"),
            column("article", _("Article"), "article"),
            column("submitted_at", _("Submitted"), "submitted", sort_key="submitted_at"),
        ]

    @cached_property
    def queue(self) -> str:
        return self.filters.current_queue

    def queue_url(self, **changes) -> str:
        query = self.request.GET.copy()
        for key in ("p", "_w_filter_fragment"):
            query.pop(key, None)
        for key, value in changes.items():
            if value is None:
                query.pop(key, None)
            else:
                query[key] = value
        encoded = query.urlencode()
        return self.index_url + (f"?{encoded}" if encoded else "")

    def get_context_data(self, *args, **kwargs):
        context = super().get_context_data(*args, **kwargs)
        if self.is_export:
            return context
        rows = list(context["object_list"])  # the page's rows, fetched once for the table too
        approved = approved_counts_by_email([row.user_email for row in rows])
        reports = open_report_reasons([row.pk for row in rows if row.open_reports])
        commenters = commenter_ids_by_email([row.user_email for row in rows])
        current = self.queue_url()
        for row in rows:
            row.nr_approved = approved_count(approved, row.user_email)
            row.nr_report_reasons = reports.get(row.pk, [])
            row.nr_actions = actions.actions_for(row)
            commenter_id = commenters.get(Commenter.normalise(row.user_email))
            row.nr_author_url = (
                reverse("comments_admin:commenter", args=[commenter_id])
                if commenter_id
                else f"{reverse('comments_admin:commenters')}?{urlencode({'q': row.user_email})}"
                if row.user_email
                else ""
            )
            row.nr_article_url = self.queue_url(article=row.article_id) if row.article_id else ""
            row.nr_inspect_url = reverse("comments_admin:inspect", args=[row.pk])
        counts = self.queue_counts
        context.update(
            rows=rows,
            queue=self.queue,
            tabs=[
                {
                    "queue": key,
                    "label": label,
                    "count": counts[key],
                    "url": self.queue_url(queue=key),
                    "active": key == self.queue,
                }
                for key, label in QUEUE_LABELS.items()
            ],
            nr_next_url=current,
            per_page_choices=[
                {"value": n, "url": self.queue_url(per_page=n), "active": n == self.get_paginate_by(None)}
                for n in PER_PAGE_CHOICES
            ],
        )
        return context


# --- A comment's page ----------------------------------------------------------------------------


class CommentTextForm(forms.Form):
    """A staff reply or a corrected text."""

    text = forms.CharField(label=gettext_lazy("Text"), widget=forms.Textarea(attrs={"rows": 4}), max_length=3000)


class CommentInspectView(ModeratorRequiredMixin, generic.InspectView):
    """Everything about one comment: who, where, what Akismet said and why it was held, its history,
    the actions that apply, a staff reply and a corrected text."""

    model = ReaderComment
    template_name = "comments/admin/inspect.html"
    index_url_name = "comments_admin:index"
    header_icon = "comment"
    fields = [
        "user_name",
        "user_email",
        "user_url",
        "ip_address",
        "submitted_at",
        "status",
        "akismet_verdict",
        "akismet_error",
        "hold_reasons",
        "article",
    ]

    def get_object(self, queryset=None):
        return get_object_or_404(ReaderComment.objects.select_related("article"), pk=self.pk)

    def get_page_title(self):
        return _("Comment by %(name)s") % {"name": self.object.user_name}

    def get_page_subtitle(self):
        return ""

    def get_hold_reasons_display_value(self):
        return "، ".join(self.object.get_hold_reasons_display()) or "—"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        comment = self.object
        article = comment.article
        context.update(
            comment=comment,
            events=list(selectors.comment_history(comment=comment)),
            row_actions=actions.actions_for(comment),
            reports=list(comment.reports.all()),
            next_url=self.request.get_full_path(),
            live_url=article.get_url(request=self.request) if article and article.live else "",
            edit_url=reverse("wagtailadmin_pages:edit", args=[article.pk])
            if article and not is_moderator_only(self.request.user)
            else "",
        )
        return context


# --- Row actions, reply and edit (POST) -----------------------------------------------------------


@permission_required(MODERATE)
@require_POST
def moderate(request, pk: int):
    """One action on one comment (a row's button, a keyboard shortcut, the comment's page)."""
    comment = get_object_or_404(ReaderComment, pk=pk)
    action = request.POST.get("action", "")
    fallback = reverse("comments_admin:index")
    if action not in actions.ACTIONS:
        messages.error(request, _("Unknown action."))
        return redirect(safe_next(request, fallback))
    done = actions.moderate(comments=[comment], action=action, actor=request.user)
    report(request, action, done)
    return redirect(safe_next(request, fallback))


def report(request, action: str, count: int, *, queued: bool = False) -> None:
    label = actions.ACTIONS[action].label
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
        actions.reply(parent=parent, actor=request.user, text=form.cleaned_data["text"])
        messages.success(request, _("Your reply is published."))
    else:
        messages.error(request, _("The reply is empty or too long."))
    return redirect(safe_next(request, reverse("comments_admin:inspect", args=[pk])))


@permission_required(MODERATE)
@require_POST
def edit_text(request, pk: int):
    comment = get_object_or_404(ReaderComment, pk=pk)
    form = CommentTextForm(request.POST)
    if form.is_valid():
        actions.edit_text(comment=comment, actor=request.user, text=form.cleaned_data["text"])
        messages.success(request, _("The comment's text was changed; the history keeps the change."))
    else:
        messages.error(request, _("The text is empty or too long."))
    return redirect(safe_next(request, reverse("comments_admin:inspect", args=[pk])))


# --- Privacy -------------------------------------------------------------------------------------


class PrivacyView(UnderCommentsMixin, ModeratorRequiredMixin, WagtailAdminTemplateMixin, TemplateView):
    """Find every comment left with an e-mail address; export, anonymise or erase them."""

    template_name = "comments/admin/privacy.html"
    header_icon = "user"

    def get_page_title(self):
        return _("Commenters' personal data")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        email = self.request.GET.get("email", "").strip()
        context["email"] = email
        context["comments"] = list(comments_by_email(email)[:500]) if email else []
        return context

    def post(self, request, *args, **kwargs):
        email = request.POST.get("email", "").strip()
        operation = request.POST.get("operation")
        back = reverse("comments_admin:privacy") + "?" + urlencode({"email": email})
        if not email:
            messages.error(request, _("Enter an e-mail address."))
            return redirect(reverse("comments_admin:privacy"))
        if operation == "export":
            data = {"email": email, "comments": privacy.export_comments(email=email)}
            response = HttpResponse(
                json.dumps(data, ensure_ascii=False, indent=2), content_type="application/json; charset=utf-8"
            )
            response["Content-Disposition"] = 'attachment; filename="comments-export.json"'
            return response
        if operation == "anonymise":
            count = privacy.anonymise_comments(email=email, actor=request.user)
            messages.success(
                request,
                ngettext("%(count)s comment anonymised.", "%(count)s comments anonymised.", count) % {"count": count},
            )
            return redirect(back)
        if operation == "erase":
            count = privacy.erase_comments(email=email)
            messages.success(
                request, ngettext("%(count)s comment erased.", "%(count)s comments erased.", count) % {"count": count}
            )
            return redirect(back)
        messages.error(request, _("Unknown action."))
        return redirect(back)


# --- Word lists ----------------------------------------------------------------------------------


WORD_LISTS_URL_ARGS = ("comments", "commentwordlists")


@permission_required(MODERATE)
def word_lists(request):
    """The word lists are a Wagtail setting now (Settings → Comment word lists); the workspace's old
    address leads there."""
    return redirect(reverse("wagtailsettings:edit", args=WORD_LISTS_URL_ARGS))


# --- Commenters ----------------------------------------------------------------------------------


class CommenterIndexView(UnderCommentsMixin, ModeratorRequiredMixin, generic.IndexView):
    """Every commenter (one per e-mail address), searched by address, filtered by trust.

    The same number of queries whatever the rows: the approved count of every address on the page
    comes from one GROUP BY."""

    model = Commenter
    filterset_class = CommenterFilterSet
    index_url_name = "comments_admin:commenters"
    index_results_url_name = "comments_admin:commenters_results"
    header_icon = "user"
    page_title = gettext_lazy("Commenters")
    search_fields = ["email"]
    search_backend_name = None
    default_ordering = "email"
    paginate_by = DEFAULT_PER_PAGE

    def get_page_title(self):
        return _("Commenters")

    def search_queryset(self, queryset):
        """An address or its beginning, in any letter case (the unique index on the stored lower-case
        address serves it)."""
        if not self.is_searching:
            return queryset
        return queryset.filter(email__startswith=Commenter.normalise(self.search_query))

    @cached_property
    def columns(self):
        return [
            TitleColumn(
                "email",
                label=_("E-mail"),
                get_url=lambda commenter: reverse("comments_admin:commenter", args=[commenter.pk]),
                sort_key="email",
            ),
            Column("trust", label=_("Trust"), accessor="get_trust_display", sort_key="trust"),
            Column("nr_approved", label=_("Approved comments")),
            DateColumn("trust_changed_at", label=_("Trust changed"), sort_key="trust_changed_at"),
        ]

    def get_context_data(self, *args, **kwargs):
        context = super().get_context_data(*args, **kwargs)
        if self.is_export:
            return context
        rows = list(context["object_list"])
        approved = approved_counts_by_email([row.email for row in rows])
        for row in rows:
            row.nr_approved = approved_count(approved, row.email)
        return context


class TrustForm(forms.Form):
    trust = forms.ChoiceField(label=gettext_lazy("Trust"), choices=Trust.choices)
    note = forms.CharField(
        label=gettext_lazy("Why"),
        max_length=300,
        help_text=gettext_lazy("Kept in the commenter's history with your name."),
    )


class CommenterView(ModeratorRequiredMixin, WagtailAdminTemplateMixin, TemplateView):
    """One commenter: their comments by status, approval rate, reports received, first and last seen,
    IPs seen, the trust history, and the form that sets their trust (through services)."""

    template_name = "comments/admin/commenter.html"
    header_icon = "user"

    @cached_property
    def commenter(self) -> Commenter:
        return get_object_or_404(Commenter, pk=self.kwargs["pk"])

    def get_page_title(self):
        return _("Commenter %(email)s") % {"email": self.commenter.email}

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [
            {"url": reverse("comments_admin:index"), "label": _("Comments")},
            {"url": reverse("comments_admin:commenters"), "label": _("Commenters")},
            {"url": "", "label": self.commenter.email},
        ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(commenter_profile(commenter=self.commenter))
        context["commenter"] = self.commenter
        context.setdefault("form", TrustForm(initial={"trust": self.commenter.trust}))
        return context

    def post(self, request, *args, **kwargs):
        form = TrustForm(request.POST)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form))
        commenter = services.commenter_set_trust(
            email=self.commenter.email,
            trust=form.cleaned_data["trust"],
            actor=request.user,
            note=form.cleaned_data["note"],
        )
        messages.success(
            request,
            _("%(email)s is now: %(trust)s. It applies to the comments they post from now on.")
            % {"email": commenter.email, "trust": commenter.get_trust_display()},
        )
        return redirect(reverse("comments_admin:commenter", args=[commenter.pk]))


# --- The viewset ---------------------------------------------------------------------------------


class CommentViewSet(ViewSet):
    """The comments workspace's URLs under /admin/comments/, in the `comments_admin` namespace (the one
    moderators are confined to)."""

    name = "comments_admin"
    url_prefix = "comments"
    icon = "comment"

    def get_urlpatterns(self):
        return [
            path("", CommentIndexView.as_view(), name="index"),
            path("results/", CommentIndexView.as_view(results_only=True), name="index_results"),
            path("<int:pk>/", CommentInspectView.as_view(), name="inspect"),
            path("<int:pk>/moderate/", moderate, name="moderate"),
            path("<int:pk>/reply/", reply, name="reply"),
            path("<int:pk>/edit/", edit_text, name="edit"),
            path("privacy/", PrivacyView.as_view(), name="privacy"),
            path("words/", word_lists, name="words"),
            path("commenters/", CommenterIndexView.as_view(), name="commenters"),
            path("commenters/results/", CommenterIndexView.as_view(results_only=True), name="commenters_results"),
            path("commenters/<int:pk>/", CommenterView.as_view(), name="commenter"),
        ]


comment_viewset = CommentViewSet()

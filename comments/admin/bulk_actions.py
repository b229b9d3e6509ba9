"""One Wagtail bulk action per moderation action, on the comments ticked in the listing or on every
comment the listing's filters match ("select all in listing").

Wagtail's bulk-action framework shows the confirmation page and runs the action; the work itself is
comments/admin/actions.py, so history, cache purges and Akismet reports happen in comments/services.py.
Unlike Wagtail's default, the action is not wrapped in one transaction: each comment's change commits
on its own before Akismet is told, so a slow Akismet never holds locks on a moderator's whole batch.
Nor does "everything matching" load everything: its confirmation page shows the count and the newest
few, and the action walks the set in batches (in the request up to INLINE_BULK_LIMIT comments, in the
task worker beyond).
"""

from __future__ import annotations

from django.http import QueryDict
from django.shortcuts import redirect
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from django.views.generic import FormView
from wagtail.admin.auth import permission_denied
from wagtail.admin.views.bulk_action import BulkAction

from ..models import ReaderComment
from . import actions
from .filters import matching_comments
from .views import MODERATE, report

# How many of the matching comments the confirmation page shows when the action is on everything matching.
SAMPLE_SIZE = 20


class CommentBulkAction(BulkAction):
    models = [ReaderComment]
    template_name = "comments/admin/bulk_confirm.html"
    action_name = ""
    # Wagtail's registry reads these on the class (see make_bulk_action).
    action_type = ""
    display_name = ""
    aria_label = ""

    def dispatch(self, request, *args, **kwargs):
        if not request.user.has_perm(MODERATE):
            return permission_denied(request)
        return super().dispatch(request, *args, **kwargs)

    def check_perm(self, obj):
        return actions.ACTIONS[self.action_name].applies(obj)

    @classmethod
    def get_queryset(cls, model, object_ids):
        object_ids = [pk for pk in object_ids if str(pk).isdigit()]
        return ReaderComment.objects.filter(pk__in=object_ids).select_related("article").order_by("pk")

    @property
    def is_everything(self) -> bool:
        """ "Select every comment matching the filter": Wagtail's script sends `id=all` with the listing's
        query."""
        return "all" in self.request.GET.getlist("id")

    def listing_filters(self) -> QueryDict:
        """The listing's filters and search, as the listing's script sent them."""
        query = self.request.GET.copy()
        for key in ("id", "next", "childOf"):
            query.pop(key, None)
        return query

    def everything_matching(self):
        """The comments the listing matches that the action applies to (unevaluated)."""
        return actions.ACTIONS[self.action_name].applicable(matching_comments(self.listing_filters()))

    def get_context_data(self, **kwargs):
        if not self.is_everything:
            context = super().get_context_data(**kwargs)
        else:
            # Not Wagtail's list of every object: a count and the first few, whatever the set's size.
            matching = self.everything_matching()
            total = matching.count()
            sample = list(matching.select_related("article").order_by("-submitted_at", "-pk")[:SAMPLE_SIZE])
            context = {
                **FormView.get_context_data(self, **kwargs),
                "items": [self.object_context(comment) for comment in sample],
                "items_with_no_access": [],
                "next": self.next_url,
                "submit_url": self.request.path + "?" + self.request.META["QUERY_STRING"],
                "model_opts": self.model._meta,
            }
            context.update(total=total, more=max(0, total - len(sample)), everything=True)
        context.setdefault("total", len(context["items"]))
        context.setdefault("more", 0)
        context.update(action_label=self.display_name, header_icon="comment")
        return context

    def form_valid(self, form):
        if self.is_everything:
            return self.act_on_everything()
        ids = [obj.pk for obj in self.get_actionable_objects()[0]]
        if len(ids) > actions.INLINE_BULK_LIMIT:
            actions.moderate_in_background.enqueue(ids=ids, action=self.action_name, actor_id=self.request.user.pk)
            report(self.request, self.action_name, len(ids), queued=True)
        else:
            done = actions.moderate(
                comments=self.get_queryset(self.model, ids), action=self.action_name, actor=self.request.user
            )
            report(self.request, self.action_name, done)
        return redirect(self.next_url)

    def act_on_everything(self):
        """Up to INLINE_BULK_LIMIT comments now, in batches; more go to the task worker with the
        listing's query, which it walks in the same batches."""
        total = self.everything_matching().count()
        if total > actions.INLINE_BULK_LIMIT:
            query = {key: self.listing_filters().getlist(key) for key in self.listing_filters()}
            actions.moderate_matching_in_background.enqueue(
                query=query, action=self.action_name, actor_id=self.request.user.pk
            )
            report(self.request, self.action_name, total, queued=True)
        else:
            done = actions.moderate_in_batches(
                queryset=matching_comments(self.listing_filters()), action=self.action_name, actor=self.request.user
            )
            report(self.request, self.action_name, done)
        return redirect(self.next_url)


def make_bulk_action(name: str, priority: int) -> type[CommentBulkAction]:
    return type(
        f"{name.title().replace('_', '')}CommentsBulkAction",
        (CommentBulkAction,),
        {
            "action_name": name,
            "action_type": name,
            "display_name": actions.ACTIONS[name].label,
            "aria_label": format_lazy(_("{action}: the selected comments"), action=actions.ACTIONS[name].label),
            "action_priority": priority,
        },
    )


BULK_ACTIONS = [make_bulk_action(name, 10 * index) for index, name in enumerate(actions.ACTIONS, start=1)]

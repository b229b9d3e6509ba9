"""One Wagtail bulk action per moderation action, on the comments ticked in the listing or on every
comment the listing's filters match ("select all in listing").

Wagtail's bulk-action framework shows the confirmation page and runs the action; the work itself is
comments/admin/actions.py, so history, cache purges and Akismet reports happen in comments/services.py.
Unlike Wagtail's default, the action is not wrapped in one transaction: each comment's change commits
on its own before Akismet is told, so a slow Akismet never holds locks on a moderator's whole batch.
"""

from __future__ import annotations

import copy

from django.db.models import QuerySet
from django.http import QueryDict
from django.shortcuts import redirect
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from wagtail.admin.auth import permission_denied
from wagtail.admin.views.bulk_action import BulkAction

from ..models import ReaderComment
from . import actions
from .views import MODERATE, CommentIndexView, report


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
        if not isinstance(object_ids, QuerySet):
            object_ids = [pk for pk in object_ids if str(pk).isdigit()]
        return ReaderComment.objects.filter(pk__in=object_ids).select_related("article").order_by("pk")

    def listing_filters(self) -> QueryDict:
        """The listing's filters and search: the listing's script sends them along with `id=all`."""
        query = self.request.GET.copy()
        for key in ("id", "next", "childOf"):
            query.pop(key, None)
        return query

    def get_all_objects_in_listing_query(self, parent_id):
        """Every comment the listing's filters and search match (all pages), not the whole table."""
        listing_request = copy.copy(self.request)
        listing_request.GET = self.listing_filters()
        view = CommentIndexView()
        view.setup(listing_request)
        return (
            view.get_queryset()
            .filter(status__in=actions.ACTIONS[self.action_name].applies_to)
            .values_list("pk", flat=True)
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(action_label=self.display_name, header_icon="comment")
        return context

    def form_valid(self, form):
        ids = [obj.pk for obj in self.get_actionable_objects()[0]]
        if len(ids) > actions.INLINE_BULK_LIMIT:
            actions.moderate_in_background.enqueue(ids=ids, action=self.action_name, actor_id=self.request.user.pk)
            report(self.request, self.action_name, len(ids), queued=True)
        else:
            done = actions.moderate(
                comments=ReaderComment.objects.filter(pk__in=ids).order_by("pk"),
                action=self.action_name,
                actor=self.request.user,
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

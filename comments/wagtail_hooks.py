"""The comments app in the Wagtail admin: the workspace's viewset and bulk actions, the "Comments" menu
item with its badge, the dashboard panel, and the workspace's stylesheet."""

from __future__ import annotations

from django.templatetags.static import static
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.sidebar import LinkMenuItem as LinkMenuItemComponent

from .admin.bulk_actions import BULK_ACTIONS
from .admin.panels import CommentsDashboardPanel
from .admin.selectors import pending_count
from .admin.views import MODERATE, comment_viewset


@hooks.register("register_admin_viewset")
def register_comment_viewset():
    return comment_viewset


for bulk_action in BULK_ACTIONS:
    hooks.register("register_bulk_action", bulk_action)


class CommentsMenuItem(MenuItem):
    """ "Comments (12)": the number waiting for a moderator, from the briefly cached status counts."""

    def is_shown(self, request):
        return request.user.has_perm(MODERATE)

    def render_component(self, request):
        count = pending_count()
        label = f"{self.label} ({count})" if count else str(self.label)
        return LinkMenuItemComponent(
            self.name, label, self.url, icon_name=self.icon_name, classname=self.classname, attrs=self.attrs
        )


@hooks.register("register_admin_menu_item")
def register_comments_menu_item():
    return CommentsMenuItem(
        _("Comments"), reverse("comments_admin:index"), name="comments", icon_name="comment", order=250
    )


@hooks.register("construct_homepage_panels")
def add_comments_dashboard_panel(request, panels):
    if request.user.has_perm(MODERATE):
        panels.insert(0, CommentsDashboardPanel(request))


@hooks.register("insert_global_admin_css")
def comments_admin_css():
    return format_html('<link rel="stylesheet" href="{}">', static("comments/admin/admin.css"))

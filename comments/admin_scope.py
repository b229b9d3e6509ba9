"""Moderators see the comments workspace of the admin and nothing else.

Wagtail's own permission checks leave a user who may enter the admin free to open the page, image,
document and snippet choosers, the admin's pages/images/documents API, the reports (site history), the
workflow task chooser and more: most of them only ask for `wagtailadmin.access_admin`. A moderator needs
none of that, and every one of them shows unpublished work. So for a moderator (a user whose permissions
are the Moderators group's and no more: an editor who also moderates keeps an editor's admin) everything
under the admin is refused except what moderating needs: the dashboard, the comments workspace, the
comment word lists (a setting), their own account, signing out, and the admin's script catalogue, icon
sprite and dismissed-tips store that the admin's pages load.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from wagtail.admin.auth import permission_denied

MODERATE = "comments.moderate_readercomment"

# The Moderators group's permissions (core/migrations/0001_newsroom_roles.py gives access to the admin,
# comments/migrations/0062_newsroom_roles_comments.py and 0060_word_lists_setting.py the rest). A user who
# has the moderating one and nothing beyond these is a moderator only.
MODERATOR_PERMISSIONS = frozenset(
    {
        "wagtailadmin.access_admin",
        "comments.moderate_readercomment",
        "comments.view_readercomment",
        "comments.change_readercomment",
        "comments.change_commentwordlists",
    }
)

# View names (namespace:name) a moderator may open in the admin.
MODERATOR_ADMIN_VIEWS = frozenset(
    {
        "wagtailadmin_home",
        "wagtailadmin_account",
        "wagtailadmin_logout",
        "wagtailadmin_login",
        "wagtailadmin_password_reset",
        "wagtailadmin_password_reset_done",
        "wagtailadmin_password_reset_confirm",
        "wagtailadmin_password_reset_complete",
        "wagtailadmin_javascript_catalog",
        "wagtailadmin_sprite",
        "wagtailadmin_dismissibles",
    }
)
MODERATOR_ADMIN_NAMESPACES = frozenset({"comments_admin"})
# Wagtail's settings share one URL for every setting: moderators may edit the comment word lists only.
SETTINGS_EDIT_VIEW = "wagtailsettings:edit"
MODERATOR_SETTINGS = frozenset({("comments", "commentwordlists")})
# Wagtail's bulk actions share one URL for every model: moderators may use the comments' ones only.
BULK_ACTION_VIEW = "wagtail_bulk_action"
MODERATOR_BULK_ACTION_APPS = frozenset({"comments"})
ADMIN_URL_PREFIX = "/admin/"


def is_moderator_only(user) -> bool:
    """Signed in, not a superuser, may moderate, and may do nothing a moderator may not.

    Read from the user's permissions, which Django caches on the user for the request: the admin's own
    permission checks that follow cost no further query."""
    if not user.is_authenticated or user.is_superuser:
        return False
    permissions = user.get_all_permissions()
    return MODERATE in permissions and permissions <= MODERATOR_PERMISSIONS


def moderator_may_open(resolver_match) -> bool:
    if resolver_match.view_name in MODERATOR_ADMIN_VIEWS:
        return True
    if resolver_match.view_name == BULK_ACTION_VIEW:
        return resolver_match.kwargs.get("app_label") in MODERATOR_BULK_ACTION_APPS
    if resolver_match.view_name == SETTINGS_EDIT_VIEW:
        kwargs = resolver_match.kwargs
        return (kwargs.get("app_name"), kwargs.get("model_name")) in MODERATOR_SETTINGS
    return bool(set(resolver_match.namespaces) & MODERATOR_ADMIN_NAMESPACES)


class ModeratorAdminScopeMiddleware:
    """Refuses a moderator anything in the admin outside MODERATOR_ADMIN_VIEWS and the comments workspace:
    a page is answered as Wagtail answers a forbidden page (back to the dashboard with a message); the
    API, and the choosers' and other scripts' requests, get a 403."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if not request.path_info.startswith(ADMIN_URL_PREFIX) or not is_moderator_only(request.user):
            return None
        if moderator_may_open(request.resolver_match):
            return None
        if request.path_info.startswith(ADMIN_URL_PREFIX + "api/") or request.method not in ("GET", "HEAD"):
            raise PermissionDenied
        return permission_denied(request)

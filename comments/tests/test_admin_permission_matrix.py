# ruff: noqa: E501 -- one URL route per line, as the URLconf writes it
"""Who reaches which admin URL: every URL under /admin/ (from the resolver, with sample arguments) for
every role, compared with MATRIX. A URL that Wagtail or a hook adds later has no entry, and the test says
so: its row must be decided and written down.

Each row reads reporter, editor, moderator, administrator, anonymous:
- `y` the view answers (a page, a form, a redirect of its own; a POST-only view is posted to, empty);
- `-` refused: Wagtail's redirect to the dashboard or to the sign-in page, or 403;
- `?` not found before any permission check could say more: no form pages on this site, no image serving
  view, a block preview without a block, an upload that does not exist, a collection the role may not see;
- `5` a server error: only Wagtail's own deliberate error page (admin/failwhale/) and its redirect import
  step posted to without a file have one.
"""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group, User
from django.db import transaction
from django.test import Client

from comments.tests.admin_urls import admin_routes, sample_objects

pytestmark = pytest.mark.django_db
ROLES = ("reporter", "editor", "moderator", "admin", "anonymous")
GROUPS = {"reporter": "Reporters", "editor": "Editors", "moderator": "Moderators"}
# Visited last: they end the session.
SESSION_ENDING = {"admin/logout/"}

# reporter, editor, moderator, administrator, anonymous
MATRIX: dict[str, str] = {
    "admin/": "yyyy-",
    "admin/test404/": "yy-y-",
    # The admin's API: moderators are refused it (it lists unpublished pages, images, documents).
    "admin/api/main/^pages/": "yy-y-",
    "admin/api/main/^pages/<int:pk>/": "yy-y-",
    "admin/api/main/^pages/find/": "yy-y-",
    "admin/api/main/^pages/<int:pk>/action/<str:action_name>/": "-y-y-",
    "admin/api/main/^documents/": "yy-y-",
    "admin/api/main/^documents/<int:pk>/": "yy-y-",
    "admin/api/main/^documents/find/": "yy-y-",
    "admin/api/main/^images/": "yy-y-",
    "admin/api/main/^images/<int:pk>/": "yy-y-",
    "admin/api/main/^images/find/": "yy-y-",
    # Wagtail's deliberate error page, for trying out error reporting.
    "admin/failwhale/": "55-5-",
    "admin/pages/": "yy-y-",
    "admin/pages/<int:parent_page_id>/": "yy-y-",
    "admin/pages/<int:parent_page_id>/results/": "yy-y-",
    "admin/bulk/<str:app_label>/<str:model_name>/<str:action>/": "yy-y-",
    "admin/pages/add/<slug:content_type_app_name>/<slug:content_type_model_name>/<int:parent_page_id>/": "yy-y-",
    "admin/pages/add/<slug:content_type_app_name>/<slug:content_type_model_name>/<int:parent_page_id>/preview/": "yy-y-",
    "admin/pages/usage/<slug:content_type_app_name>/<slug:content_type_model_name>/": "yy-y-",
    "admin/pages/create/<slug:app_label>/<slug:model_name>": "yy-y-",
    "admin/pages/usage/<slug:content_type_app_name>/<slug:content_type_model_name>/results/": "yy-y-",
    "admin/pages/<int:page_id>/usage/": "yy-y-",
    "admin/pages/<int:page_id>/edit/": "yy-y-",
    "admin/pages/<int:page_id>/edit/preview/": "yy-y-",
    "admin/pages/<int:page_id>/view_draft/": "yy-y-",
    "admin/pages/<int:parent_page_id>/add_subpage/": "yy-y-",
    "admin/pages/<int:page_id>/delete/": "-y-y-",
    "admin/pages/<int:page_id>/unpublish/": "-y-y-",
    "admin/pages/<int:page_id>/convert_alias/": "yy-y-",
    "admin/pages/search/": "yy-y-",
    "admin/pages/search/results/": "yy-y-",
    "admin/pages/<int:page_to_move_id>/move/": "-y-y-",
    "admin/pages/<int:page_to_move_id>/move/<int:destination_id>/confirm/": "yy-y-",
    "admin/pages/<int:page_to_move_id>/set_position/": "-y-y-",
    "admin/pages/<int:page_id>/copy/": "yy-y-",
    "admin/pages/workflow/action/<int:page_id>/<slug:action_name>/<int:task_state_id>/": "-y-y-",
    "admin/pages/workflow/collect_action_data/<int:page_id>/<slug:action_name>/<int:task_state_id>/": "-y-y-",
    "admin/pages/workflow/confirm_cancellation/<int:page_id>/": "yy-y-",
    "admin/pages/workflow/preview/<int:page_id>/<int:task_id>/": "-y-y-",
    "admin/pages/<int:page_id>/privacy/": "-y-y-",
    "admin/pages/<int:page_id>/lock/": "-y-y-",
    "admin/pages/<int:page_id>/unlock/": "---y-",
    "admin/pages/<int:page_id>/revisions/": "yy-y-",
    "admin/pages/<int:page_id>/revisions/<int:revision_id>/view/": "yy-y-",
    "admin/pages/<int:page_id>/revisions/<int:revision_id>/revert/": "yy-y-",
    "admin/pages/<int:page_id>/revisions/<int:revision_id>/unschedule/": "-y-y-",
    "admin/pages/^(?P<pk>\\d+)/revisions/compare/(?P<revision_id_a>live|earliest|\\d+)\\.\\.\\.(?P<revision_id_b>live|latest|\\d+)/$": "yy-y-",
    "admin/pages/<int:page_id>/workflow_history/": "yy-y-",
    "admin/pages/<int:page_id>/workflow_history/detail/<int:workflow_state_id>/": "yy-y-",
    "admin/pages/<int:page_id>/history/": "yy-y-",
    "admin/pages/<int:page_id>/history/results/": "yy-y-",
    # Choosers (pages, links, snippets, images, documents, tasks): moderators are refused them.
    "admin/choose-page/": "yy-y-",
    "admin/choose-page/<int:parent_page_id>/": "yy-y-",
    "admin/choose-page/search/": "yy-y-",
    "admin/choose-page/chosen-multiple/": "yy-y-",
    "admin/choose-external-link/": "yy-y-",
    "admin/choose-email-link/": "yy-y-",
    "admin/choose-phone-link/": "yy-y-",
    "admin/choose-anchor-link/": "yy-y-",
    "admin/tag-autocomplete/": "yy-y-",
    "admin/tag-autocomplete/<slug:app_name>/<slug:model_name>/": "yy-y-",
    "admin/collections/": "---y-",
    "admin/collections/add/": "---y-",
    "admin/collections/<int:pk>/": "---y-",
    # Not found for those who may not manage collections.
    "admin/collections/<int:pk>/delete/": "??-y-",
    "admin/collections/<int:collection_id>/privacy/": "---y-",
    "admin/workflows/list/": "---y-",
    "admin/workflows/list/results/": "---y-",
    "admin/workflows/add/": "---y-",
    "admin/workflows/enable/<int:pk>/": "---y-",
    "admin/workflows/disable/<int:pk>/": "---y-",
    "admin/workflows/edit/<int:pk>/": "---y-",
    "admin/workflows/usage/<int:pk>/": "---y-",
    "admin/workflows/usage/<int:pk>/results/": "---y-",
    "admin/workflows/remove/<int:page_pk>/": "---y-",
    "admin/workflows/remove/<int:page_pk>/<int:workflow_pk>/": "---y-",
    "admin/workflows/tasks/add/<str:app_label>/<str:model_name>/": "---y-",
    "admin/workflows/tasks/select_type/": "---y-",
    "admin/workflows/tasks/index/": "---y-",
    "admin/workflows/tasks/index/results/": "---y-",
    "admin/workflows/tasks/edit/<int:pk>/": "---y-",
    "admin/workflows/tasks/disable/<int:pk>/": "---y-",
    "admin/workflows/tasks/enable/<int:pk>/": "---y-",
    "admin/workflows/task_chooser/": "yy-y-",
    "admin/workflows/task_chooser/results/": "yy-y-",
    "admin/workflows/task_chooser/create/": "yy-y-",
    "admin/workflows/task_chooser/<int:task_id>/": "yy-y-",
    # Reports, site history included: moderators are refused them.
    "admin/reports/locked/": "-y-y-",
    "admin/reports/locked/results/": "-y-y-",
    "admin/reports/workflow/": "yy-y-",
    "admin/reports/workflow/results/": "yy-y-",
    "admin/reports/workflow_tasks/": "yy-y-",
    "admin/reports/workflow_tasks/results/": "yy-y-",
    "admin/reports/site-history/": "yy-y-",
    "admin/reports/site-history/results/": "yy-y-",
    "admin/reports/aging-pages/": "yy-y-",
    "admin/reports/aging-pages/results/": "yy-y-",
    "admin/reports/page-types-usage/": "yy-y-",
    "admin/reports/page-types-usage/results/": "yy-y-",
    "admin/account/": "yyyy-",
    "admin/dismissibles/": "yyyy-",
    "admin/editing-sessions/ping/<str:app_label>/<str:model_name>/<str:object_id>/<int:session_id>/": "yy-y-",
    "admin/editing-sessions/release/<int:session_id>/": "yy-y-",
    "admin/block-preview/": "??-?-",
    # The comments workspace: moderators and editors.
    "admin/comments/": "-yyy-",
    "admin/comments/results/": "-yyy-",
    "admin/comments/<int:pk>/": "-yyy-",
    "admin/comments/<int:pk>/moderate/": "-yyy-",
    "admin/comments/<int:pk>/reply/": "-yyy-",
    "admin/comments/<int:pk>/edit/": "-yyy-",
    "admin/comments/privacy/": "-yyy-",
    "admin/comments/words/": "-yyy-",
    "admin/comments/commenters/": "-yyy-",
    "admin/comments/commenters/results/": "-yyy-",
    "admin/comments/commenters/<int:pk>/": "-yyy-",
    "admin/forms/": "yy-y-",
    "admin/forms/results/": "yy-y-",
    "admin/forms/submissions/<int:page_id>/": "??-?-",
    "admin/forms/submissions/<int:page_id>/results/": "??-?-",
    "admin/forms/submissions/<int:page_id>/delete/": "-----",
    "admin/redirects/": "---y-",
    "admin/redirects/results/": "---y-",
    "admin/redirects/add/": "---y-",
    "admin/redirects/<int:redirect_id>/": "---y-",
    "admin/redirects/<int:redirect_id>/delete/": "---y-",
    "admin/redirects/import/": "---y-",
    # Wagtail's redirect import raises on a POST without its form (administrators only).
    "admin/redirects/import/process/": "---5-",
    "admin/settings/<slug:app_name>/<slug:model_name>/": "---y-",
    "admin/settings/<slug:app_name>/<slug:model_name>/<int:pk>/": "---y-",
    "admin/settings/<slug:app_name>/<slug:model_name>/<int:pk>/preview/": "---?-",
    "admin/translation/submit/page/<int:page_id>/": "---y-",
    "admin/translation/submit/snippet/<slug:app_label>/<slug:model_name>/<str:pk>/": "---?-",
    "admin/embeds/chooser/": "yy-y-",
    "admin/embeds/chooser/upload/": "yy-y-",
    "admin/snippets/": "yy-y-",
    "admin/documents/": "-y-y-",
    "admin/documents/results/": "-y-y-",
    "admin/documents/add/": "-y-y-",
    "admin/documents/edit/<int:document_id>/": "-y-y-",
    "admin/documents/delete/<int:document_id>/": "-y-y-",
    "admin/documents/multiple/add/": "-y-y-",
    "admin/documents/multiple/<int:doc_id>/": "-y-y-",
    "admin/documents/multiple/create_from_uploaded_document/<int:uploaded_file_id>/": "??-?-",
    "admin/documents/multiple/<int:doc_id>/delete/": "-y-y-",
    "admin/documents/multiple/delete_upload/<int:uploaded_file_id>/": "??-?-",
    "admin/documents/usage/<int:document_id>/": "-y-y-",
    "admin/images/": "yy-y-",
    "admin/images/results/": "yy-y-",
    "admin/images/<int:image_id>/": "-y-y-",
    "admin/images/<int:image_id>/delete/": "-y-y-",
    "admin/images/<int:image_id>/generate_url/": "??-?-",
    "admin/images/<int:image_id>/generate_url/output/": "??-?-",
    "admin/images/<int:image_id>/preview/<str:filter_spec>/": "-y-y-",
    "admin/images/add/": "yy-y-",
    "admin/images/usage/<int:image_id>/": "-y-y-",
    "admin/images/multiple/add/": "yy-y-",
    "admin/images/multiple/<int:image_id>/": "-y-y-",
    "admin/images/multiple/create_from_uploaded_image/<int:uploaded_file_id>/": "??-?-",
    "admin/images/multiple/<int:image_id>/delete/": "-y-y-",
    "admin/images/multiple/delete_upload/<int:uploaded_file_id>/": "??-?-",
    "admin/snippets/articles/author/": "yy-y-",
    "admin/snippets/articles/author/results/": "yy-y-",
    "admin/snippets/articles/author/add/": "-y-y-",
    "admin/snippets/articles/author/edit/<int:pk>/": "-y-y-",
    "admin/snippets/articles/author/delete/<int:pk>/": "-y-y-",
    "admin/snippets/articles/author/usage/<int:pk>/": "-y-y-",
    "admin/snippets/articles/author/history/<int:pk>/": "-y-y-",
    "admin/snippets/articles/author/history-results/<int:pk>/": "-y-y-",
    "admin/snippets/articles/author/copy/<int:pk>/": "-y-y-",
    "admin/snippets/choose/articles/author/": "yy-y-",
    "admin/snippets/choose/articles/author/results/": "yy-y-",
    "admin/snippets/choose/articles/author/chosen/<str:pk>/": "yy-y-",
    "admin/snippets/choose/articles/author/chosen-multiple/": "yy-y-",
    "admin/snippets/choose/articles/author/create/": "-y-y-",
    "admin/snippets/articles/tag/": "-y-y-",
    "admin/snippets/articles/tag/results/": "-y-y-",
    "admin/snippets/articles/tag/add/": "-y-y-",
    "admin/snippets/articles/tag/edit/<int:pk>/": "-y-y-",
    "admin/snippets/articles/tag/delete/<int:pk>/": "-y-y-",
    "admin/snippets/articles/tag/usage/<int:pk>/": "-y-y-",
    "admin/snippets/articles/tag/history/<int:pk>/": "-y-y-",
    "admin/snippets/articles/tag/history-results/<int:pk>/": "-y-y-",
    "admin/snippets/articles/tag/copy/<int:pk>/": "-y-y-",
    "admin/snippets/choose/articles/tag/": "yy-y-",
    "admin/snippets/choose/articles/tag/results/": "yy-y-",
    "admin/snippets/choose/articles/tag/chosen/<str:pk>/": "yy-y-",
    "admin/snippets/choose/articles/tag/chosen-multiple/": "yy-y-",
    "admin/snippets/choose/articles/tag/create/": "-y-y-",
    "admin/sites/": "---y-",
    "admin/sites/results/": "---y-",
    "admin/sites/new/": "---y-",
    "admin/sites/edit/<int:pk>/": "---y-",
    "admin/sites/delete/<int:pk>/": "---y-",
    "admin/sites/history/<int:pk>/": "---y-",
    "admin/sites/history-results/<int:pk>/": "---y-",
    "admin/sites/usage/<int:pk>/": "---y-",
    "admin/sites/copy/<int:pk>/": "---y-",
    "admin/users/": "---y-",
    "admin/users/results/": "---y-",
    "admin/users/new/": "---y-",
    "admin/users/edit/<int:pk>/": "---y-",
    "admin/users/delete/<int:pk>/": "---y-",
    "admin/users/history/<int:pk>/": "---y-",
    "admin/users/history-results/<int:pk>/": "---y-",
    "admin/users/usage/<int:pk>/": "---y-",
    "admin/users/copy/<int:pk>/": "---y-",
    "admin/groups/": "---y-",
    "admin/groups/results/": "---y-",
    "admin/groups/new/": "---y-",
    "admin/groups/edit/<int:pk>/": "---y-",
    "admin/groups/delete/<int:pk>/": "---y-",
    "admin/groups/history/<int:pk>/": "---y-",
    "admin/groups/history-results/<int:pk>/": "---y-",
    "admin/groups/usage/<int:pk>/": "---y-",
    "admin/documents/chooser/": "yy-y-",
    "admin/documents/chooser/results/": "yy-y-",
    "admin/documents/chooser/chosen/<str:pk>/": "yy-y-",
    "admin/documents/chooser/chosen-multiple/": "yy-y-",
    "admin/documents/chooser/create/": "-y-y-",
    "admin/images/chooser/": "yy-y-",
    "admin/images/chooser/results/": "yy-y-",
    "admin/images/chooser/chosen/<str:pk>/": "yy-y-",
    "admin/images/chooser/chosen-multiple/": "yy-y-",
    "admin/images/chooser/create/": "yy-y-",
    "admin/images/chooser/<int:image_id>/select_format/": "yy-y-",
    "admin/locales/": "---y-",
    "admin/locales/results/": "---y-",
    "admin/locales/new/": "---y-",
    "admin/locales/edit/<int:pk>/": "---y-",
    "admin/locales/delete/<int:pk>/": "---y-",
    "admin/locales/history/<int:pk>/": "---y-",
    "admin/locales/history-results/<int:pk>/": "---y-",
    "admin/locales/usage/<int:pk>/": "---y-",
    # What every admin page loads, and the sign-in and password reset pages.
    "admin/sprite/": "yyyyy",
    # A signed-in user is sent to the dashboard.
    "admin/login/": "----y",
    "admin/password_reset/": "yyyyy",
    "admin/password_reset/done/": "yyyyy",
    "admin/password_reset/confirm/<uidb64>/<token>/": "yyyyy",
    "admin/password_reset/complete/": "yyyyy",
    "admin/jsi18n/": "yyyyy",
    "admin/^.*/$": "??-?-",
    # Checked by whether the session ended (see signed_out).
    "admin/logout/": "yyyy-",
}


def outcome(response) -> str:
    status = response.status_code
    if status >= 500:
        return "5"
    if status == 404:
        return "?"
    if status == 403:
        return "-"
    if status in (301, 302):
        location = response["Location"]
        if location == "/admin/" or location.startswith("/admin/login/?next="):
            return "-"
    return "y"


def client_for(role: str) -> Client:
    client = Client(raise_request_exception=False)
    if role == "anonymous":
        return client
    if role == "admin":
        user = User.objects.create_superuser("root", "root@example.com", "pw")
    else:
        user = User.objects.create_user(role, f"{role}@example.com", "pw")
        user.groups.add(Group.objects.get(name=GROUPS[role]))
    client.force_login(user)
    return client


def visit(client: Client, url: str):
    """GET the URL; for a POST-only view (405), POST to it with no data, since only then do its permission
    checks run. Inside a savepoint rolled back at once, so no request changes what the next one sees."""
    with transaction.atomic():
        response = client.get(url)
        if response.status_code == 405:
            response = client.post(url)
        transaction.set_rollback(True)
    return response


def signed_out(client: Client, url: str) -> str:
    """`y` if the request ended a session (its answer is the sign-in page either way)."""
    was_signed_in = client.get("/admin/").status_code == 200
    response = client.post(url)
    assert response.status_code == 302 and response["Location"].startswith("/admin/login/")
    return "y" if was_signed_in and client.get("/admin/").status_code == 302 else "-"


def reached(site_tree) -> dict[str, str]:
    """{route: row} as the admin answers today."""
    samples = sample_objects(site_tree)
    routes = sorted(admin_routes(), key=lambda route: route in SESSION_ENDING)
    urls = {route: samples.url(route) for route in routes}
    rows = dict.fromkeys(routes, "")
    for role in ROLES:
        client = client_for(role)
        for route, url in urls.items():
            if route in SESSION_ENDING:
                rows[route] += signed_out(client, url)
            else:
                rows[route] += outcome(visit(client, url))
    return rows


def test_every_admin_url_has_a_row_in_the_matrix():
    routes = admin_routes()
    assert len(routes) == len(set(routes))
    assert sorted(set(routes) - set(MATRIX)) == [], "admin URLs without a row in MATRIX"
    assert sorted(set(MATRIX) - set(routes)) == [], "rows in MATRIX for URLs that no longer exist"


def test_each_role_reaches_exactly_what_the_matrix_says(site_tree):
    rows = reached(site_tree)
    wrong = {
        route: f"expected {MATRIX.get(route)}, got {row}" for route, row in rows.items() if MATRIX.get(route) != row
    }
    assert wrong == {}

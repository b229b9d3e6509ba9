"""The newsroom's roles, defined by data migrations (core's, with articles' and comments' grants), checked
with real admin requests: what Reporters, Editors, Moderators and administrators can and cannot reach."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group, User
from wagtail.models import Page
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text, streamfield

from articles.models import ArticlePage
from articles.tests.factories import ArticlePageFactory
from comments.models import ReaderComment, Status
from comments.tests.factories import ReaderCommentFactory

pytestmark = pytest.mark.django_db
ROLES = ("reporter", "editor", "moderator", "admin")
GROUPS = {"reporter": "Reporters", "editor": "Editors", "moderator": "Moderators"}


@pytest.fixture
def users():
    made = {}
    for role in ROLES:
        if role == "admin":
            made[role] = User.objects.create_superuser("admin", "admin@example.com", "pw")
        else:
            made[role] = User.objects.create_user(role, f"{role}@example.com", "pw")
            made[role].groups.add(Group.objects.get(name=GROUPS[role]))
    return made


@pytest.fixture
def as_role(client, users):
    def login(role):
        client.force_login(users[role])
        return client

    return login


def allowed(response) -> bool:
    """Wagtail answers a forbidden admin page with a redirect to the dashboard, not a 403."""
    if response.status_code == 200:
        return True
    assert response.status_code == 302, response.status_code
    assert response["Location"] in ("/admin/", "/admin/login/?next=" + response.request["PATH_INFO"]), response[
        "Location"
    ]
    return False


MATRIX = {
    # url template: (reporter, editor, moderator, admin)
    "/admin/": (True, True, True, True),
    "/admin/comments/": (False, True, True, True),
    "/admin/comments/privacy/": (False, True, True, True),
    "/admin/pages/{article}/edit/": (True, True, False, True),
    "/admin/pages/add/articles/articlepage/{section}/": (True, True, False, True),
    "/admin/pages/{article}/unpublish/": (False, True, False, True),
    "/admin/images/": (True, True, False, True),
    "/admin/snippets/articles/author/add/": (False, True, False, True),
    "/admin/groups/": (False, False, False, True),
}


@pytest.mark.parametrize("url", MATRIX)
def test_permission_matrix(as_role, site_tree, url):
    section = site_tree["sections"][0]
    article = ArticlePageFactory(parent=section)
    target = url.format(article=article.pk, section=section.pk)
    reached = {role: allowed(as_role(role).get(target)) for role in ROLES}
    assert reached == dict(zip(ROLES, MATRIX[url], strict=True))


def test_a_moderator_opening_an_article_editor_is_sent_to_the_dashboard(as_role, article):
    response = as_role("moderator").get(f"/admin/pages/{article.pk}/edit/", follow=True)
    assert response.redirect_chain == [("/admin/", 302)]
    assert response.context["messages"]  # Wagtail's "Sorry, you do not have permission…", in the user's language


def edit_data(article: ArticlePage, *, title: str, action: str) -> dict:
    links = [{"id": link.pk, "author": link.author_id} for link in article.article_authors.all()]
    return nested_form_data(
        {
            "title": title,
            "slug": article.slug,
            "kicker": "",
            "summary": article.summary,
            "article_authors": inline_formset(links, initial=len(links)),
            "lead_image": "",
            "lead_image_caption": "",
            "lead_image_credit": "",
            "body": streamfield([("paragraph", rich_text("<p>نص الخبر.</p>"))]),
            "tags": "",
            "related_picks": inline_formset([]),
            "seo_title": "",
            "search_description": "",
            "is_breaking": "",
            "breaking_until": "",
            "updated_at": "",
            "comments_open": "on",
            "go_live_at": "",
            "expire_at": "",
            action: action,
        }
    )


@pytest.mark.parametrize(("role", "publishes"), [("reporter", False), ("editor", True), ("admin", True)])
def test_only_editors_and_admins_publish(as_role, article, role, publishes):
    client = as_role(role)
    response = client.post(
        f"/admin/pages/{article.pk}/edit/", edit_data(article, title="عنوان جديد", action="action-publish")
    )
    assert response.status_code == 302, response.context["form"].errors if response.context else response
    article.refresh_from_db()
    live_title = Page.objects.get(pk=article.pk).title
    assert (live_title == "عنوان جديد") is publishes
    assert article.get_latest_revision().content["title"] == "عنوان جديد"  # the reporter's change is a draft


def test_a_reporter_submits_for_review_and_an_editor_approves(as_role, article, users):
    workflow = article.get_workflow()
    assert workflow.name == "مراجعة المحرر"
    assert [task.specific.groups.get().name for task in workflow.tasks] == ["Editors"]

    reporter = as_role("reporter")
    response = reporter.post(
        f"/admin/pages/{article.pk}/edit/", edit_data(article, title="للمراجعة", action="action-submit")
    )
    assert response.status_code == 302
    state = article.current_workflow_state
    assert state is not None and state.status == "in_progress"
    assert Page.objects.get(pk=article.pk).title != "للمراجعة"

    task_state = state.current_task_state
    editor = as_role("editor")
    response = editor.post(f"/admin/pages/workflow/action/{article.pk}/approve/{task_state.pk}/", {"comment": ""})
    assert response.status_code in (200, 302)
    assert Page.objects.get(pk=article.pk).title == "للمراجعة"


def test_moderators_moderate_and_reporters_cannot(as_role, article):
    comment = ReaderCommentFactory(article=article, status=Status.HELD)
    response = as_role("reporter").post(f"/admin/comments/{comment.pk}/moderate/", {"action": "approve"})
    assert response.status_code == 302 and response["Location"] == "/admin/"
    assert ReaderComment.objects.get(pk=comment.pk).status == Status.HELD

    as_role("moderator").post(f"/admin/comments/{comment.pk}/moderate/", {"action": "approve"})
    assert ReaderComment.objects.get(pk=comment.pk).status == Status.PUBLISHED


@pytest.mark.parametrize(("role", "may"), [("reporter", False), ("editor", True), ("moderator", True), ("admin", True)])
def test_the_comment_bulk_actions_are_for_those_who_moderate(as_role, article, role, may):
    """Wagtail's bulk-action URL is shared by every model: a moderator (confined to the comments
    workspace) reaches the comments' bulk actions, and a reporter none of them."""
    comment = ReaderCommentFactory(article=article, status=Status.HELD)
    client = as_role(role)
    url = f"/admin/bulk/comments/readercomment/approve/?id={comment.pk}"
    assert allowed(client.get(url)) is may
    client.post(url)
    assert ReaderComment.objects.get(pk=comment.pk).status == (Status.PUBLISHED if may else Status.HELD)


def test_a_moderator_still_cannot_use_other_models_bulk_actions(as_role, article):
    response = as_role("moderator").get(f"/admin/bulk/wagtailcore/page/delete/?id={article.pk}")
    assert not allowed(response)

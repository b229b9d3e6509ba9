"""The migrations that define the newsroom's roles: core's (groups, page and collection rights, the review
workflow), articles' (authors and tags) and comments' (moderating). Whatever order they ran in, and on a
database whose roles an earlier release already defined, the groups end with exactly these rights."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps
from django.contrib.auth.models import Group, Permission
from wagtail.models import (
    Collection,
    GroupApprovalTask,
    GroupCollectionPermission,
    GroupPagePermission,
    Page,
    Workflow,
    WorkflowPage,
)

pytestmark = pytest.mark.django_db

CORE = importlib.import_module("core.migrations.0001_newsroom_roles")
ARTICLES = importlib.import_module("articles.migrations.0008_newsroom_roles_authors_and_tags")
COMMENTS = importlib.import_module("comments.migrations.0062_newsroom_roles_comments")

MODERATE = {
    "comments.moderate_readercomment",
    "comments.view_readercomment",
    "comments.change_readercomment",
    "comments.change_commentwordlists",
}
EXPECTED = {
    "Reporters": {
        "model": {"wagtailadmin.access_admin", "articles.view_author"},
        "page": {"add_page", "change_page", "lock_page"},
        "collection": {"wagtailimages.add_image", "wagtailimages.choose_image", "wagtaildocs.choose_document"},
    },
    "Editors": {
        "model": {
            "wagtailadmin.access_admin",
            *(
                f"articles.{action}_{model}"
                for action in ("add", "change", "delete", "view")
                for model in ("author", "tag")
            ),
            *MODERATE,
        },
        "page": {"add_page", "change_page", "publish_page", "lock_page", "unlock_page", "bulk_delete_page"},
        "collection": {
            *(f"wagtailimages.{action}_image" for action in ("add", "change", "delete", "choose")),
            *(f"wagtaildocs.{action}_document" for action in ("add", "change", "delete", "choose")),
        },
    },
    "Moderators": {"model": {"wagtailadmin.access_admin", *MODERATE}, "page": set(), "collection": set()},
}


def roles() -> dict[str, dict[str, set[str]]]:
    """Every group's rights: model permissions, page permissions (all on the root page) and collection
    permissions (all on the root collection)."""
    root_page, root_collection = Page.get_first_root_node(), Collection.get_first_root_node()
    found = {}
    for group in Group.objects.all():
        pages = GroupPagePermission.objects.filter(group=group)
        collections = GroupCollectionPermission.objects.filter(group=group)
        assert set(pages.values_list("page", flat=True)) <= {root_page.pk}
        assert set(collections.values_list("collection", flat=True)) <= {root_collection.pk}
        found[group.name] = {
            "model": {f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.all()},
            "page": set(pages.values_list("permission__codename", flat=True)),
            "collection": {
                f"{p.permission.content_type.app_label}.{p.permission.codename}"
                for p in collections.select_related("permission__content_type")
            },
        }
    return found


def assert_review_workflow() -> None:
    """One active workflow on the root page, its one task approved by the Editors; Wagtail's default
    workflow (approved by the Moderators) is off."""
    workflow = WorkflowPage.objects.get(page=Page.get_first_root_node()).workflow
    assert workflow.name == "مراجعة المحرر" and workflow.active
    assert [task.specific.name for task in workflow.tasks.all()] == ["مراجعة المحرر"]
    task = GroupApprovalTask.objects.get(name="مراجعة المحرر")
    assert list(task.groups.values_list("name", flat=True)) == ["Editors"]
    assert not Workflow.objects.get(name="Moderators approval").active
    assert not GroupApprovalTask.objects.filter(active=True, groups__name="Moderators").exists()


def run_role_migrations(*, converge: bool = False) -> None:
    """The three migrations' bodies, in their order. `converge`: core's even on a database whose roles
    are already defined (its migration leaves those alone)."""
    if converge:
        CORE.converge_roles(apps)
    else:
        CORE.define_roles(apps, None)
    ARTICLES.grant_authors_and_tags(apps, None)
    COMMENTS.grant_comment_moderation(apps, None)


def test_a_migrated_database_has_exactly_the_newsroom_roles():
    assert roles() == EXPECTED
    assert_review_workflow()


def test_running_the_role_migrations_again_changes_nothing():
    """A database whose roles were defined by an earlier release (all in one comments migration) is in this
    state already: the migrations that now define them find nothing to change."""
    run_role_migrations()
    run_role_migrations()
    run_role_migrations(converge=True)
    assert roles() == EXPECTED
    assert_review_workflow()


def test_the_roles_converge_from_wagtails_defaults_and_hand_made_changes():
    """Wagtail's own migrations give its Moderators group page, image and document rights and the default
    approval workflow; someone may also have removed a right by hand. Running the migrations restores
    exactly the roles."""
    moderators, editors = Group.objects.get(name="Moderators"), Group.objects.get(name="Editors")
    root = Page.get_first_root_node()
    GroupPagePermission.objects.create(
        group=moderators, page=root, permission=Permission.objects.get(codename="publish_page")
    )
    GroupCollectionPermission.objects.create(
        group=moderators,
        collection=Collection.get_first_root_node(),
        permission=Permission.objects.get(codename="add_image"),
    )
    moderators.permissions.add(Permission.objects.get(codename="add_document"))
    editors.permissions.remove(Permission.objects.get(codename="moderate_readercomment"))
    GroupPagePermission.objects.filter(group=editors, permission__codename="publish_page").delete()
    default_task = GroupApprovalTask.objects.get(name="Moderators approval")
    default_task.groups.add(moderators)
    default_task.active = True
    default_task.save()
    Workflow.objects.filter(name="Moderators approval").update(active=True)

    run_role_migrations(converge=True)
    assert roles() == EXPECTED
    assert_review_workflow()


def test_a_database_whose_roles_are_defined_keeps_the_administrators_changes(site_tree):
    """Upgrading a database an earlier release set up: core's migration does not undo what administrators
    changed since (here, publishing given to Reporters on one section)."""
    reporters = Group.objects.get(name="Reporters")
    section = site_tree["sections"][0]
    granted = GroupPagePermission.objects.create(
        group=reporters, page=section, permission=Permission.objects.get(codename="publish_page")
    )
    run_role_migrations()
    assert GroupPagePermission.objects.filter(pk=granted.pk).exists()

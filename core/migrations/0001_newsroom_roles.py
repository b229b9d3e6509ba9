"""The newsroom's roles, as groups, with their rights in Wagtail, and the "review by an editor" workflow.

- Reporters: write and edit pages (articles) and submit them for review; never publish.
- Editors: everything a reporter does, plus publish and schedule, manage sections, images and
  documents; they approve the review workflow.
- Moderators: nothing in Wagtail but the admin itself. Wagtail's own migrations give its default
  "Moderators" group add/edit/publish on the root page, images, documents and the default approval
  workflow; all of that is taken away here, so a moderator who opens a page editor is sent back to the
  dashboard.
- Administrators: superusers (Wagtail's own administrators), untouched here.

The rights on the newsroom's own models are granted by the apps that own them, in migrations that
depend on this one: authors and tags by `articles`, moderating comments by `comments`. So here a group's
model permissions are set only among Wagtail's apps, and the others' grants are left alone.

Page permissions sit on the root page so that both editions' home pages and every section created
later are covered. Running it again converges to the same state. Permissions of models whose
`post_migrate` has not run yet (on a fresh database) are created here with get_or_create, exactly as
Django would name them.

A database whose roles an earlier release already defined (the Reporters group exists and a workflow is
on the root page) is left as it is: the roles are the administrators' since then, and a change they made
(a right given on one section, a renamed workflow) must survive the upgrade.
"""

from django.db import migrations

GROUPS = ("Reporters", "Editors", "Moderators")
PAGE_PERMISSIONS = {
    "Reporters": ["add_page", "change_page", "lock_page"],
    "Editors": ["add_page", "change_page", "publish_page", "lock_page", "unlock_page", "bulk_delete_page"],
    "Moderators": [],
}
COLLECTION_PERMISSIONS = {
    "Reporters": [
        ("wagtailimages", "image", ["add_image", "choose_image"]),
        ("wagtaildocs", "document", ["choose_document"]),
    ],
    "Editors": [
        ("wagtailimages", "image", ["add_image", "change_image", "delete_image", "choose_image"]),
        ("wagtaildocs", "document", ["add_document", "change_document", "delete_document", "choose_document"]),
    ],
    "Moderators": [],
}
ACCESS_ADMIN = ("wagtailadmin", "admin", "access_admin", "Can access Wagtail admin")
# Among Wagtail's apps (content types whose app label starts with "wagtail"), each group has exactly these.
WAGTAIL_MODEL_PERMISSIONS = {name: [ACCESS_ADMIN] for name in GROUPS}
WORKFLOW_NAME = "مراجعة المحرر"
DEFAULT_WORKFLOW_NAME = "Moderators approval"


def permission(apps, app_label, model, codename, name=""):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    content_type, _ = ContentType.objects.get_or_create(app_label=app_label, model=model)
    return Permission.objects.get_or_create(content_type=content_type, codename=codename, defaults={"name": name})[0]


def define_roles(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Page = apps.get_model("wagtailcore", "Page")
    WorkflowPage = apps.get_model("wagtailcore", "WorkflowPage")

    root_page = Page.objects.filter(depth=1).order_by("path").first()
    if Group.objects.filter(name="Reporters").exists() and WorkflowPage.objects.filter(page=root_page).exists():
        return
    converge_roles(apps)


def converge_roles(apps):
    """Bring the groups, their Wagtail rights and the workflow to the roles above, whatever they are now."""
    Group = apps.get_model("auth", "Group")
    Page = apps.get_model("wagtailcore", "Page")
    Collection = apps.get_model("wagtailcore", "Collection")
    GroupPagePermission = apps.get_model("wagtailcore", "GroupPagePermission")
    GroupCollectionPermission = apps.get_model("wagtailcore", "GroupCollectionPermission")

    root_page = Page.objects.filter(depth=1).order_by("path").first()
    root_collection = Collection.objects.filter(depth=1).order_by("path").first()
    groups = {name: Group.objects.get_or_create(name=name)[0] for name in GROUPS}

    for name, group in groups.items():
        # Wagtail's model permissions: exactly the role's (drops Wagtail's image/document defaults).
        wanted_models = {permission(apps, *spec) for spec in WAGTAIL_MODEL_PERMISSIONS[name]}
        group.permissions.remove(
            *group.permissions.filter(content_type__app_label__startswith="wagtail").exclude(
                pk__in=[p.pk for p in wanted_models]
            )
        )
        group.permissions.add(*wanted_models)

        wanted_pages = {permission(apps, "wagtailcore", "page", codename) for codename in PAGE_PERMISSIONS[name]}
        GroupPagePermission.objects.filter(group=group).exclude(
            page=root_page, permission__in=[p.pk for p in wanted_pages]
        ).delete()
        if root_page:
            for perm in wanted_pages:
                GroupPagePermission.objects.get_or_create(group=group, page=root_page, permission=perm)

        wanted_collections = {
            permission(apps, app_label, model, codename)
            for app_label, model, codenames in COLLECTION_PERMISSIONS[name]
            for codename in codenames
        }
        GroupCollectionPermission.objects.filter(group=group).exclude(
            collection=root_collection, permission__in=[p.pk for p in wanted_collections]
        ).delete()
        if root_collection:
            for perm in wanted_collections:
                GroupCollectionPermission.objects.get_or_create(
                    group=group, collection=root_collection, permission=perm
                )

    if root_page:
        define_review_workflow(apps, root_page, editors=groups["Editors"], moderators=groups["Moderators"])


def define_review_workflow(apps, root_page, *, editors, moderators):
    """One workflow for every page: an editor approves. Wagtail's default one (approved by the
    Moderators group, who no longer touch pages) is switched off and unassigned."""
    ContentType = apps.get_model("contenttypes", "ContentType")
    Workflow = apps.get_model("wagtailcore", "Workflow")
    WorkflowTask = apps.get_model("wagtailcore", "WorkflowTask")
    WorkflowPage = apps.get_model("wagtailcore", "WorkflowPage")
    GroupApprovalTask = apps.get_model("wagtailcore", "GroupApprovalTask")

    for old_task in GroupApprovalTask.objects.filter(groups=moderators):
        old_task.groups.remove(moderators)
        if not old_task.groups.exists():
            old_task.active = False
            old_task.save(update_fields=["active"])
    Workflow.objects.filter(name=DEFAULT_WORKFLOW_NAME).update(active=False)

    task_type, _ = ContentType.objects.get_or_create(app_label="wagtailcore", model="groupapprovaltask")
    task, _ = GroupApprovalTask.objects.get_or_create(
        name=WORKFLOW_NAME, defaults={"content_type": task_type, "active": True}
    )
    if not task.active:
        task.active = True
        task.save(update_fields=["active"])
    task.groups.set([editors])
    workflow, _ = Workflow.objects.get_or_create(name=WORKFLOW_NAME, defaults={"active": True})
    if not workflow.active:
        workflow.active = True
        workflow.save(update_fields=["active"])
    WorkflowTask.objects.get_or_create(workflow=workflow, task=task, defaults={"sort_order": 0})
    WorkflowPage.objects.update_or_create(page=root_page, defaults={"workflow": workflow})


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("wagtailadmin", "0001_create_admin_access_permissions"),
        ("wagtailcore", "0098_apitoken"),
        ("wagtailimages", "0027_image_description"),
        ("wagtaildocs", "0014_alter_document_file_size"),
    ]

    operations = [migrations.RunPython(define_roles, migrations.RunPython.noop)]

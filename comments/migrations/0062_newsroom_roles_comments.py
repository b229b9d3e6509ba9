"""The newsroom's roles (groups defined by core's migration) get the right to moderate reader comments.

Moderators and Editors moderate (the comments workspace; `comments.admin_scope` confines a Moderator to
it). Only adds: running it again, or on a database whose roles an earlier release defined, changes
nothing."""

from django.db import migrations

GROUPS = ("Editors", "Moderators")
MODERATE = [
    ("moderate_readercomment", "Can moderate reader comments"),
    ("view_readercomment", "Can view reader comment"),
    ("change_readercomment", "Can change reader comment"),
]


def grant_comment_moderation(apps, schema_editor):
    """Also the word lists' setting: its own migration may have run before core's made the groups."""
    ContentType = apps.get_model("contenttypes", "ContentType")
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    content_type, _ = ContentType.objects.get_or_create(app_label="comments", model="readercomment")
    rights = [
        Permission.objects.get_or_create(content_type=content_type, codename=codename, defaults={"name": name})[0]
        for codename, name in MODERATE
    ]
    word_lists, _ = ContentType.objects.get_or_create(app_label="comments", model="commentwordlists")
    rights.append(
        Permission.objects.get_or_create(
            content_type=word_lists,
            codename="change_commentwordlists",
            defaults={"name": "Can change comment word lists"},
        )[0]
    )
    for group in Group.objects.filter(name__in=GROUPS):
        group.permissions.add(*rights)


class Migration(migrations.Migration):
    dependencies = [
        ("comments", "0061_comment_text_html"),
        ("core", "0001_newsroom_roles"),
    ]

    operations = [migrations.RunPython(grant_comment_moderation, migrations.RunPython.noop)]

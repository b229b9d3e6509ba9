"""The newsroom's roles (groups defined by core's migration) get their rights on bylines and tags.

Reporters choose authors for their articles; Editors manage authors and tags. Only adds: a right an
administrator gave or took away on another model is theirs, and running it again changes nothing (a
database whose roles an earlier release defined already has these rights)."""

from django.db import migrations

GRANTS = {
    "Reporters": [("author", "view")],
    "Editors": [(model, action) for model in ("author", "tag") for action in ("add", "change", "delete", "view")],
}


def permission(apps, model, action):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    content_type, _ = ContentType.objects.get_or_create(app_label="articles", model=model)
    return Permission.objects.get_or_create(
        content_type=content_type, codename=f"{action}_{model}", defaults={"name": f"Can {action} {model}"}
    )[0]


def grant_authors_and_tags(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    for name, rights in GRANTS.items():
        group = Group.objects.filter(name=name).first()
        if group:
            group.permissions.add(*(permission(apps, model, action) for model, action in rights))


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0007_edition_newest_and_breaking_indexes"),
        ("core", "0001_newsroom_roles"),
    ]

    operations = [migrations.RunPython(grant_authors_and_tags, migrations.RunPython.noop)]

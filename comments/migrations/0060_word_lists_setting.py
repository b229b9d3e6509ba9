"""The banned and suspect word lists become one Wagtail setting (Settings → Comment word lists), edited by
moderators and editors: the two WordList rows are copied into it, and both groups get the setting's
"change" permission and nothing more.

Idempotent and safe on any database: the setting row is created only if there is none, the permission
is get_or_create'd as Django would name it (post_migrate has not created it yet on a fresh database), and
a group that does not exist is left alone.
"""

from django.db import migrations, models

GROUPS = ("Moderators", "Editors")


def copy_lists(apps, schema_editor):
    WordList = apps.get_model("comments", "WordList")
    CommentWordLists = apps.get_model("comments", "CommentWordLists")
    if not CommentWordLists.objects.exists():
        lists = dict(WordList.objects.values_list("kind", "terms"))
        CommentWordLists.objects.create(banned=lists.get("banned", ""), suspect=lists.get("suspect", ""))


def grant_word_lists(apps, schema_editor):
    """Moderators and Editors may change the word lists (and the roles migration's other grants stay)."""
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    Group = apps.get_model("auth", "Group")
    content_type, _ = ContentType.objects.get_or_create(app_label="comments", model="commentwordlists")
    change, _ = Permission.objects.get_or_create(
        content_type=content_type, codename="change_commentwordlists", defaults={"name": "Can change comment word lists"}
    )
    for group in Group.objects.filter(name__in=GROUPS):
        group.permissions.add(change)


def lists_back(apps, schema_editor):
    WordList = apps.get_model("comments", "WordList")
    CommentWordLists = apps.get_model("comments", "CommentWordLists")
    setting = CommentWordLists.objects.first()
    if setting is not None:
        for kind in ("banned", "suspect"):
            WordList.objects.update_or_create(kind=kind, defaults={"terms": getattr(setting, kind)})


class Migration(migrations.Migration):
    dependencies = [
        ("comments", "0059_featured_comments_index"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [
        migrations.CreateModel(
            name="CommentWordLists",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                (
                    "banned",
                    models.TextField(
                        blank=True,
                        help_text="One word or phrase per line, Arabic or English. A comment with one goes to spam; Akismet is not asked.",
                        verbose_name="banned words",
                    ),
                ),
                (
                    "suspect",
                    models.TextField(
                        blank=True,
                        help_text="One word or phrase per line, Arabic or English. A comment with one is held for a moderator.",
                        verbose_name="suspect words",
                    ),
                ),
                ("updated_at", models.DateTimeField(auto_now=True, verbose_name="updated at")),
            ],
            options={
                "verbose_name": "comment word lists",
                "verbose_name_plural": "comment word lists",
            },
        ),
        migrations.RunPython(copy_lists, lists_back),
        migrations.RunPython(grant_word_lists, migrations.RunPython.noop),
        migrations.DeleteModel(
            name="WordList",
        ),
    ]

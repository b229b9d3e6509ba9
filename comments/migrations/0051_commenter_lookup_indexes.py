"""Indexes on django-contrib-comments' own table for looking a commenter up.

`user_email` and `ip_address` live on `django_comments` (the parent table of ReaderComment), which
belongs to a third-party app: Django cannot declare an index on a parent's column in
ReaderComment.Meta, so the indexes are plain SQL that SQLite and PostgreSQL both accept.

- LOWER(user_email): "has this address an approved comment?" (asked for every comment posted), the
  per-row approved count in the moderation queue and the privacy tools all compare addresses
  case-insensitively through `selectors.filter_by_email`, which writes exactly this expression.
- ip_address: the queue's search by a whole IP address is an exact match (`selectors.moderation_queue`).

No model state changes, so `makemigrations --check` stays clean.
"""

from django.db import migrations

INDEXES = {
    "comments_user_email_lower": "django_comments (LOWER(user_email))",
    "comments_ip_address": "django_comments (ip_address)",
}


class Migration(migrations.Migration):
    dependencies = [
        ("comments", "0050_newsroom_roles"),
        ("django_comments", "0004_add_object_pk_is_removed_index"),
    ]

    operations = [
        migrations.RunSQL(
            sql=f"CREATE INDEX IF NOT EXISTS {name} ON {target}",
            reverse_sql=f"DROP INDEX IF EXISTS {name}",
        )
        for name, target in INDEXES.items()
    ]

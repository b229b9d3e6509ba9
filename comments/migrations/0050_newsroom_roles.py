"""Once the newsroom's roles; now empty, kept because databases have it recorded as applied.

The roles live where they belong: core's `0001_newsroom_roles` (the groups, their Wagtail rights, the
review workflow), articles' `0008_newsroom_roles_authors_and_tags` and comments'
`0062_newsroom_roles_comments`. On a database this migration already ran on they find the roles defined
and change nothing."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("comments", "0001_initial")]

    operations = []

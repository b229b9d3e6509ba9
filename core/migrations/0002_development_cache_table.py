"""The table of the cache a site without Redis uses (development: `make run`), created by migrate so that
no extra step is needed. Under `make run` the web process, the task worker and the scheduler are separate
processes: a purge or a new content generation made by the worker (a scheduled publish, a comment an
Akismet recheck publishes) must reach the pages the web process keeps, so their cache is this table, in
the database they share (and recreated with it). With Redis (production) the table stays empty."""

from django.core.management.commands.createcachetable import Command as CreateCacheTable
from django.db import migrations

TABLE = "newsroom_cache"


def create_table(apps, schema_editor):
    command = CreateCacheTable()
    command.verbosity = 0
    command.create_table(schema_editor.connection.alias, TABLE, dry_run=False)


def drop_table(apps, schema_editor):
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {schema_editor.quote_name(TABLE)}")


class Migration(migrations.Migration):
    dependencies = [("core", "0001_newsroom_roles")]

    operations = [migrations.RunPython(create_table, drop_table)]

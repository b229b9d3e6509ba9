"""Search documents by month: the GIN index holds each document's publication month beside its tsvector,
so a search can ask for its matches among the newest documents first and read only those (see
`ArticleSearch` in articles/search.py); and a B-tree gives the edition's newest documents, where that
window starts. The month index replaces the tsvector-only one: a GIN index over several columns answers
a condition on any of them alone. On SQLite only the B-tree is created (its search starts from FTS5)."""

from django.db import migrations, models

# The expression must be the one articles/search.py writes (MONTH_SQL), or the planner will not use the
# index. AT TIME ZONE 'UTC' makes it immutable, as an index expression must be.
MONTH = (
    "ARRAY[COALESCE((date_part('year', first_published_at AT TIME ZONE 'UTC') * 12"
    " + date_part('month', first_published_at AT TIME ZONE 'UTC'))::integer, 2147483647)]"
)

CREATE = f"""
CREATE INDEX articles_searchdocument_tsv_month_gin ON articles_searchdocument USING gin (body, ({MONTH}));
DROP INDEX IF EXISTS articles_searchdocument_body_tsv_gin;
"""

DROP = """
CREATE INDEX articles_searchdocument_body_tsv_gin ON articles_searchdocument USING gin (body);
DROP INDEX IF EXISTS articles_searchdocument_tsv_month_gin;
"""


def create_month_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def drop_month_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0010_search_documents"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="searchdocument",
            index=models.Index(
                condition=models.Q(("expired", False), ("live", True)),
                fields=["locale_id", "-first_published_at"],
                name="articles_searchdoc_recent",
            ),
        ),
        migrations.RunPython(create_month_index, drop_month_index),
    ]

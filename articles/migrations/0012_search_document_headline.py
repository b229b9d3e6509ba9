"""Search documents keep a small second tsvector for ranking: the lexemes of the headline, kicker and
standfirst (the weights Wagtail gives boosted fields, A to C; body and tags are D), filtered from the
document's tsvector by the trigger and stored in the row (see `articles.models.SearchDocument` and
`ArticleSearch._rank_sql`). On SQLite the column exists and stays empty."""

import django.contrib.postgres.search
from django.db import migrations

# The trigger of migration 0010, with or without the ranking vector.
ENTRY_FUNCTION = """
CREATE OR REPLACE FUNCTION articles_searchdocument_from_entry() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    article_type integer := (
        SELECT id FROM django_content_type WHERE app_label = 'articles' AND model = 'articlepage'
    );
BEGIN
    IF TG_OP = 'DELETE' THEN
        IF OLD.content_type_id = article_type THEN
            DELETE FROM articles_searchdocument WHERE page_id = OLD.object_id::integer;
        END IF;
        RETURN OLD;
    END IF;
    IF NEW.content_type_id = article_type THEN
        INSERT INTO articles_searchdocument (page_id, locale_id, live, expired, first_published_at, path, body{columns})
        SELECT p.id, p.locale_id, p.live, p.expired, p.first_published_at, p.path, NEW.body{values}
        FROM wagtailcore_page p WHERE p.id = NEW.object_id::integer
        ON CONFLICT (page_id) DO UPDATE SET
            locale_id = EXCLUDED.locale_id, live = EXCLUDED.live, expired = EXCLUDED.expired,
            first_published_at = EXCLUDED.first_published_at, path = EXCLUDED.path, body = EXCLUDED.body{updates};
    END IF;
    RETURN NEW;
END
$$;
"""

WITH_HEADLINE = ENTRY_FUNCTION.format(
    columns=", headline", values=", ts_filter(NEW.body, '{{a,b,c}}')", updates=", headline = EXCLUDED.headline"
)
WITHOUT_HEADLINE = ENTRY_FUNCTION.format(columns="", values="", updates="")

# MAIN keeps the value in the row (compressed if need be) although the table moves anything past 128 bytes
# out of line (toast_tuple_target, migration 0010): ranking reads it for each of up to a thousand candidates.
CREATE = f"""
ALTER TABLE articles_searchdocument ALTER COLUMN headline SET STORAGE MAIN;
{WITH_HEADLINE}
UPDATE articles_searchdocument SET headline = ts_filter(body, '{{a,b,c}}');
ANALYZE articles_searchdocument;
"""


def create_headline(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def drop_headline(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(WITHOUT_HEADLINE)


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0011_search_document_months"),
    ]

    operations = [
        migrations.AddField(
            model_name="searchdocument",
            name="headline",
            field=django.contrib.postgres.search.SearchVectorField(db_default=""),
        ),
        migrations.RunPython(create_headline, drop_headline),
    ]

"""Search documents: one narrow row per article (its search tsvector beside its edition, state, path and
date), kept by PostgreSQL triggers from Wagtail's search index and the page table; see
`articles.models.SearchDocument`. On SQLite the table is created and stays empty."""

import django.contrib.postgres.search
from django.db import migrations, models

# The tsvector is stored out of line (toast_tuple_target), so a row is about 90 bytes: a common word's
# matches are read from a few thousand blocks rather than the search index's wide rows.
CREATE = """
ALTER TABLE articles_searchdocument SET (toast_tuple_target = 128);
CREATE INDEX articles_searchdocument_body_tsv_gin ON articles_searchdocument USING gin (body);

CREATE FUNCTION articles_searchdocument_from_entry() RETURNS trigger LANGUAGE plpgsql AS $$
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
        INSERT INTO articles_searchdocument (page_id, locale_id, live, expired, first_published_at, path, body)
        SELECT p.id, p.locale_id, p.live, p.expired, p.first_published_at, p.path, NEW.body
        FROM wagtailcore_page p WHERE p.id = NEW.object_id::integer
        ON CONFLICT (page_id) DO UPDATE SET
            locale_id = EXCLUDED.locale_id, live = EXCLUDED.live, expired = EXCLUDED.expired,
            first_published_at = EXCLUDED.first_published_at, path = EXCLUDED.path, body = EXCLUDED.body;
    END IF;
    RETURN NEW;
END
$$;

CREATE TRIGGER articles_searchdocument_entry
    AFTER INSERT OR UPDATE OR DELETE ON wagtailsearch_indexentry
    FOR EACH ROW EXECUTE FUNCTION articles_searchdocument_from_entry();

CREATE FUNCTION articles_searchdocument_from_page() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        DELETE FROM articles_searchdocument WHERE page_id = OLD.id;
        RETURN OLD;
    END IF;
    UPDATE articles_searchdocument SET
        locale_id = NEW.locale_id, live = NEW.live, expired = NEW.expired,
        first_published_at = NEW.first_published_at, path = NEW.path
    WHERE page_id = NEW.id;
    RETURN NEW;
END
$$;

CREATE TRIGGER articles_searchdocument_page
    AFTER UPDATE OF locale_id, live, expired, first_published_at, path ON wagtailcore_page
    FOR EACH ROW
    WHEN (
        OLD.locale_id IS DISTINCT FROM NEW.locale_id OR OLD.live IS DISTINCT FROM NEW.live
        OR OLD.expired IS DISTINCT FROM NEW.expired OR OLD.path IS DISTINCT FROM NEW.path
        OR OLD.first_published_at IS DISTINCT FROM NEW.first_published_at
    )
    EXECUTE FUNCTION articles_searchdocument_from_page();

CREATE TRIGGER articles_searchdocument_page_deleted
    AFTER DELETE ON wagtailcore_page
    FOR EACH ROW EXECUTE FUNCTION articles_searchdocument_from_page();

INSERT INTO articles_searchdocument (page_id, locale_id, live, expired, first_published_at, path, body)
SELECT p.id, p.locale_id, p.live, p.expired, p.first_published_at, p.path, e.body
FROM wagtailsearch_indexentry e
JOIN django_content_type t ON t.id = e.content_type_id AND t.app_label = 'articles' AND t.model = 'articlepage'
JOIN wagtailcore_page p ON p.id = e.object_id::integer;

ANALYZE articles_searchdocument;
"""

DROP = """
DROP TRIGGER IF EXISTS articles_searchdocument_page_deleted ON wagtailcore_page;
DROP TRIGGER IF EXISTS articles_searchdocument_page ON wagtailcore_page;
DROP FUNCTION IF EXISTS articles_searchdocument_from_page();
DROP TRIGGER IF EXISTS articles_searchdocument_entry ON wagtailsearch_indexentry;
DROP FUNCTION IF EXISTS articles_searchdocument_from_entry();
"""


def create_triggers(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def drop_triggers(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0009_page_url_path_index"),
        ("wagtailsearch", "0010_add_text_fields"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.CreateModel(
            name="SearchDocument",
            fields=[
                ("page_id", models.IntegerField(primary_key=True, serialize=False)),
                ("locale_id", models.IntegerField()),
                ("live", models.BooleanField()),
                ("expired", models.BooleanField()),
                ("first_published_at", models.DateTimeField(null=True)),
                ("path", models.CharField(max_length=255)),
                ("body", django.contrib.postgres.search.SearchVectorField()),
            ],
            options={
                "verbose_name": "search document",
                "verbose_name_plural": "search documents",
            },
        ),
        migrations.RunPython(create_triggers, drop_triggers),
    ]

"""PostgreSQL's text-search configuration for both editions: Arabic Snowball stemming for Arabic
words, English stemming for ASCII words. SQLite needs none (search works through normalisation)."""

from django.db import migrations

CREATE = """
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_ts_config WHERE cfgname = 'ar_en') THEN
        CREATE TEXT SEARCH CONFIGURATION public.ar_en (COPY = pg_catalog.arabic);
        ALTER TEXT SEARCH CONFIGURATION public.ar_en
            ALTER MAPPING FOR asciiword, asciihword, hword_asciipart WITH english_stem;
    END IF;
END
$$;
"""
DROP = "DROP TEXT SEARCH CONFIGURATION IF EXISTS public.ar_en;"


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("articles", "0001_initial")]

    operations = [migrations.RunPython(create, drop)]

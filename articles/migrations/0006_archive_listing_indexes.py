"""Indexes that keep the reader's listings a fixed cost at the size of a real archive.

On wagtailcore_page (Wagtail's table, so created here rather than declared on a model): a section's
articles newest first, on the section part of the path (the first three steps of an article's path,
`articles.selectors.section_key`), and every article newest first. Both are built by Django's schema
editor from the same expressions the selectors query with, so the database recognises them on SQLite
and PostgreSQL alike. On our own link tables: a tag's and an author's newest articles.
"""

from django.db import migrations, models
from django.db.models.functions import Substr

PAGE_INDEXES = [
    models.Index(
        Substr("path", 1, 12),
        models.F("first_published_at").desc(),
        models.F("id").desc(),
        name="articles_page_section_recent",
    ),
    models.Index(
        models.F("first_published_at").desc(),
        models.F("id").desc(),
        name="articles_page_recent",
    ),
]


def create_page_indexes(apps, schema_editor):
    page = apps.get_model("wagtailcore", "Page")
    for index in PAGE_INDEXES:
        schema_editor.add_index(page, index)


def drop_page_indexes(apps, schema_editor):
    page = apps.get_model("wagtailcore", "Page")
    for index in PAGE_INDEXES:
        schema_editor.remove_index(page, index)


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0005_article_is_featured"),
        ("wagtailcore", "0001_initial"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="articleauthor",
            index=models.Index(fields=["author", "-page"], name="articles_author_newest"),
        ),
        migrations.AddIndex(
            model_name="articletag",
            index=models.Index(fields=["tag", "-content_object"], name="articles_tag_newest"),
        ),
        migrations.RunPython(create_page_indexes, drop_page_indexes),
    ]

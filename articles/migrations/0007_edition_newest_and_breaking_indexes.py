"""An edition's articles newest first (the front page's latest stories, tag and author pages, the
breaking strip), and the breaking stories alone. Without the first, SQLite's planner, once ANALYZE has
run, fetched every article of the edition through the locale index and sorted them for each front page."""

from django.db import migrations, models

LOCALE_RECENT = models.Index(
    models.F("locale_id"),
    models.F("first_published_at").desc(),
    models.F("id").desc(),
    name="articles_page_locale_recent",
)


def create_page_index(apps, schema_editor):
    schema_editor.add_index(apps.get_model("wagtailcore", "Page"), LOCALE_RECENT)


def drop_page_index(apps, schema_editor):
    schema_editor.remove_index(apps.get_model("wagtailcore", "Page"), LOCALE_RECENT)


class Migration(migrations.Migration):
    dependencies = [("articles", "0006_archive_listing_indexes")]

    operations = [
        migrations.AddIndex(
            model_name="articlepage",
            index=models.Index(condition=models.Q(is_breaking=True), fields=["is_breaking"], name="articles_breaking"),
        ),
        migrations.RunPython(create_page_index, drop_page_index),
    ]

"""Pages by their `url_path`: how a public URL finds its page and the pages above it in one query
(articles/routing.py). Wagtail does not index the column (its own routing walks the tree by parent and
slug), so at 200,000 articles every article view read the whole page table (42 ms on PostgreSQL)."""

from django.db import migrations, models

URL_PATH = models.Index(fields=["url_path"], name="articles_page_url_path")


def create_page_index(apps, schema_editor):
    schema_editor.add_index(apps.get_model("wagtailcore", "Page"), URL_PATH)


def drop_page_index(apps, schema_editor):
    schema_editor.remove_index(apps.get_model("wagtailcore", "Page"), URL_PATH)


class Migration(migrations.Migration):
    dependencies = [("articles", "0008_newsroom_roles_authors_and_tags")]

    operations = [migrations.RunPython(create_page_index, drop_page_index)]

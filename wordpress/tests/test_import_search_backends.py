"""An import indexes what it brought in every search backend: the database's index (the readers' search
reads it) and a second one, as OpenSearch is beside it when OPENSEARCH_URL is set."""

import pytest
from django.contrib.contenttypes.models import ContentType
from modelsearch.backends.database.fallback import DatabaseSearchBackend
from wagtail.search.models import IndexEntry

from articles.models import ArticlePage
from wordpress.models import ImportedObject

from .conftest import ARABIC_EXPORT

pytestmark = pytest.mark.django_db

RECEIVED: list[tuple[str, int]] = []


class RecordingSearchBackend(DatabaseSearchBackend):
    """Stands in for OpenSearch: remembers what it was given in bulk."""

    def add_bulk(self, model, obj_list):
        RECEIVED.extend((model.__name__, obj.pk) for obj in obj_list)


SearchBackend = RecordingSearchBackend


def test_the_import_indexes_articles_in_every_backend(settings, wp_site, media_dir, run_import):
    RECEIVED.clear()
    settings.WAGTAILSEARCH_BACKENDS = {
        "default": {"BACKEND": "wagtail.search.backends.database"},
        "second": {"BACKEND": "wordpress.tests.test_import_search_backends"},
    }
    run_import(ARABIC_EXPORT, "--media-dir", str(media_dir))

    imported = {int(pk) for pk in ImportedObject.objects.filter(kind="article").values_list("object_id", flat=True)}
    assert imported
    assert {pk for model, pk in RECEIVED if model == "ArticlePage"} == imported
    # ...and the database's index, which the readers' search reads, has them too.
    indexed = IndexEntry.objects.filter(content_type=ContentType.objects.get_for_model(ArticlePage))
    assert {int(pk) for pk in indexed.values_list("object_id", flat=True)} >= imported

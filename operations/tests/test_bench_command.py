"""The benchmark command's options: a comparison between two databases measures them as they are."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from articles.models import ArticlePage
from articles.tests.factories import ArticlePageFactory

pytestmark = pytest.mark.django_db


def test_against_without_measure_only_is_refused_before_the_database_is_touched(site_tree):
    """`--against` with `--fresh` and no `--measure-only` would empty a database and build an archive in
    it before comparing: it is refused first, and the articles are still there."""
    article = ArticlePageFactory(parent=site_tree["sections"][0], title="خبر يبقى")

    with pytest.raises(CommandError, match="--measure-only"):
        call_command("bench", "--fresh", "--against", "sqlite:///other-bench.sqlite3")

    assert ArticlePage.objects.filter(pk=article.pk).exists()

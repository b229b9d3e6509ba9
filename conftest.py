"""Shared pytest fixtures."""

import pytest


@pytest.fixture
def site_tree(db):
    """Root → HomePage → two SectionPages, the default Site pointing at the home page."""
    from articles.tests.factories import site_tree

    home, sections = site_tree(sections=2)
    return {"home": home, "sections": sections}


@pytest.fixture(autouse=True)
def arabic_by_default():
    """Every test starts in Arabic, the site's default language.

    A request to `/en/` activates English for the thread and Django leaves it active; without this, the
    next test would save factory-made names into modeltranslation's English columns.
    """
    from django.utils import translation

    translation.activate("ar")
    yield
    translation.activate("ar")


@pytest.fixture(autouse=True)
def empty_cache():
    """Each test starts with an empty cache: cached fragments, renditions and rate limits stay in their test."""
    from django.core.cache import cache

    cache.clear()
    yield

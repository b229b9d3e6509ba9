"""Shared pytest fixtures."""

import pytest


@pytest.fixture
def site_tree(db):
    """Root → HomePage → two SectionPages, the default Site pointing at the home page."""
    from articles.tests.factories import site_tree

    home, sections = site_tree(sections=2)
    return {"home": home, "sections": sections}

"""Shared pytest fixtures."""

import contextlib
import os
import shutil

import pytest
from django.core.cache import cache
from django.utils import translation
from playwright.sync_api import sync_playwright

from articles.tests.factories import site_tree as build_site_tree


@pytest.fixture
def site_tree(db):
    """Root → HomePage → two SectionPages, the default Site pointing at the home page."""
    home, sections = build_site_tree(sections=2)
    return {"home": home, "sections": sections}


@pytest.fixture(autouse=True)
def arabic_by_default():
    """Every test starts in Arabic, the site's default language.

    A request to `/en/` activates English for the thread and Django leaves it active; without this, the
    next test would save factory-made names into modeltranslation's English columns.
    """
    translation.activate("ar")
    yield
    translation.activate("ar")


@pytest.fixture(autouse=True)
def empty_cache():
    """Each test starts with an empty cache: cached fragments, renditions and rate limits stay in their test."""
    cache.clear()
    yield


CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture
def chromium():
    """Launches Debian's Chromium through Playwright: `with chromium() as browser: ...`.

    Without /usr/bin/chromium the test is skipped on a developer's machine but fails under CI (`CI` set),
    so the browser checks can never silently stop running there (`.ci/run` installs Chromium).
    Playwright is started inside the test, after its data is made: its event loop would otherwise make
    Django refuse ORM calls from the test's thread."""
    if not shutil.which(CHROMIUM):
        message = f"needs Chromium at {CHROMIUM} (apt-get install -y chromium)"
        if os.environ.get("CI", "").lower() not in ("", "0", "false"):
            pytest.fail(message)
        pytest.skip(message)

    @contextlib.contextmanager
    def launch():
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            try:
                yield browser
            finally:
                browser.close()

    return launch

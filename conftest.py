"""Shared pytest fixtures."""

import contextlib
import os
import shutil

import pytest
from django.core.cache import cache
from django.db import connections
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


def require_chromium() -> None:
    """Skip the test without /usr/bin/chromium on a developer's machine, but fail it under CI (`CI` set), so
    the browser checks can never silently stop running there (`.ci/run` installs Chromium)."""
    if not shutil.which(CHROMIUM):
        message = f"needs Chromium at {CHROMIUM} (apt-get install -y chromium)"
        if os.environ.get("CI", "").lower() not in ("", "0", "false"):
            pytest.fail(message)
        pytest.skip(message)


@contextlib.contextmanager
def playwright_chromium():
    """Debian's Chromium through Playwright's sync API, and no database connection left behind.

    While Playwright's sync API runs, the test's code runs in the context of Playwright's event loop, not
    the one it started in, and Django keeps its connections per context: an ORM call there opens a
    connection of its own, which nothing would close once the block is left (the test database could then
    not be dropped at the end of the run). Those connections are closed on the way out; the test's own
    are left alone."""
    outside = {id(wrapper) for wrapper in connections.all(initialized_only=True)}
    opened = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()
            # Found while Playwright's context is current; closed once its event loop has stopped, since
            # Django refuses to close a connection from inside a running loop.
            opened = [wrapper for wrapper in connections.all(initialized_only=True) if id(wrapper) not in outside]
    for wrapper in opened:
        wrapper.close()


@pytest.fixture
def chromium():
    """Launches Debian's Chromium through Playwright: `with chromium() as browser: ...`.

    Playwright is started inside the test, after its data is made: its event loop would otherwise make
    Django refuse ORM calls from the test's thread, and those calls would not see the test's data (see
    playwright_chromium)."""
    require_chromium()
    return playwright_chromium


@pytest.fixture(scope="module")
def module_chromium():
    """One Chromium for a whole test module, launched before the tests' data is made. Playwright's sync
    API keeps an event loop in this thread, which makes Django refuse database access; every call still
    happens in this one thread, so it is allowed while the browser runs. The tests' data and their
    transactions then live on the connection of Playwright's context, closed with the browser."""
    require_chromium()
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with playwright_chromium() as browser:
            yield browser
    finally:
        if previous is None:
            del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


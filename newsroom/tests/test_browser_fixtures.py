"""The browser the tests drive (conftest's `chromium`) leaves no database connection open behind it: one
left open keeps the test database from being dropped when the run ends."""

from __future__ import annotations

import pytest
from django.db import connections
from wagtail.models import Page

pytestmark = pytest.mark.django_db


def test_a_query_made_while_the_browser_runs_leaves_no_connection_open(chromium, monkeypatch):
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # as the module-wide browser allows
    outside = connections["default"]
    outside.ensure_connection()
    with chromium() as browser:
        browser.new_page().close()
        Page.objects.exists()  # while Playwright's loop runs, on the connection of its context
        inside = connections["default"]
        assert inside.connection is not None
    assert inside is outside or inside.connection is None, "the connection opened under the browser is still open"
    assert connections["default"] is outside and outside.connection is not None, "the test's connection was closed"

"""Under `make run` (development settings, DEBUG on) a missing or broken page is the site's own 404 or 500
page in the edition's language, not Django's debug page."""

from __future__ import annotations

import pytest
from django.test import Client

from articles.models import HomePage
from articles.tests.factories import translate
from newsroom.settings import dev

pytestmark = pytest.mark.django_db

DEBUG_PAGE_MARKS = ("You’re seeing this error because you have", "Traceback", "technical_500", "Using the URLconf")


@pytest.fixture
def development(settings, site_tree):
    """The development settings' DEBUG and middleware, on the test database."""
    settings.DEBUG = True
    settings.MIDDLEWARE = dev.MIDDLEWARE
    translate(site_tree["home"], "en")
    return site_tree


@pytest.mark.parametrize(
    ("path", "language", "title"),
    [
        ("/no-such-page/", "ar", "الصفحة غير موجودة"),
        ("/en/no-such-page/", "en", "Page not found"),
        # No URL pattern matches a path with a dot: Django's resolver fails before any view runs.
        ("/no-such-file.html", "ar", "الصفحة غير موجودة"),
        ("/en/no-such-file.html", "en", "Page not found"),
    ],
)
def test_a_missing_page_is_the_sites_own_404_in_its_edition(development, client, path, language, title):
    response = client.get(path)
    assert response.status_code == 404
    html = response.content.decode()
    assert f'<html lang="{language}"' in html
    assert title in html
    assert 'name="viewport"' in html
    assert not any(mark in html for mark in DEBUG_PAGE_MARKS)


@pytest.mark.parametrize(("path", "language"), [("/", "ar"), ("/en/", "en")])
def test_a_broken_page_is_the_sites_own_500_and_the_traceback_is_logged(
    development, monkeypatch, caplog, path, language
):
    def broken(self, request, *args, **kwargs):
        raise RuntimeError("the front page broke")

    monkeypatch.setattr(HomePage, "serve", broken)
    response = Client(raise_request_exception=False).get(path)
    assert response.status_code == 500
    html = response.content.decode()
    assert f'<html lang="{language}"' in html
    assert ("حدث خطأ" if language == "ar" else "Something went wrong") in html
    assert not any(mark in html for mark in DEBUG_PAGE_MARKS)
    assert "the front page broke" in caplog.text


def test_the_development_settings_use_it():
    assert "demo.middleware.SiteErrorPagesMiddleware" in dev.MIDDLEWARE
    assert dev.DEBUG is True

"""A reader on a page served from the page cache posts a comment in Arabic: with JavaScript (the form's
script fetches the token), with the token gone stale while they wrote, and without JavaScript (the first
post comes back with the text kept and a token, the second is accepted). Chromium against the live server."""

from __future__ import annotations

import os
import urllib.request

import pytest
from playwright.sync_api import expect

from articles.tests.factories import ArticlePageFactory
from articles.tests.pagecache_helpers import page_cache_on
from comments.models import ReaderComment

pytestmark = pytest.mark.django_db(transaction=True)

WITH_JS = "تعليق من قارئ يستعمل المتصفح بجافاسكربت: شكراً على هذا التقرير."
LATE = "تعليق كُتب على مهل حتى انتهت صلاحية رمز النموذج، ولم يضِع."
WITHOUT_JS = "تعليق من قارئ عطّل جافاسكربت، ونصّه محفوظ حتى يُرسل."
ONE_MORE_STEP = "خطوة أخرى"
THANKS = "شكراً لك"


def fetch_cache_state(url: str) -> str:
    with urllib.request.urlopen(url) as response:  # noqa: S310 (the live server on loopback)
        return response.headers.get("X-Page-Cache", "")


def fill(page, text: str, name: str, email: str) -> None:
    page.fill("#id_comment", text)
    page.fill("#id_name", name)
    page.fill("#id_email", email)


@pytest.fixture(autouse=True)
def whole_page_cache(settings):
    page_cache_on(settings)


@pytest.fixture
def article(site_tree):
    article = ArticlePageFactory(parent=site_tree["sections"][0], slug="cached-story")
    article.save_revision().publish()
    return article


def test_a_reader_on_a_cached_page_posts_with_and_without_javascript(chromium, live_server, article, fake_akismet):
    url = live_server.url + article.url
    fetch_cache_state(url)
    assert fetch_cache_state(url) == "hit"
    shots = os.environ.get("NEWSROOM_SCREENSHOTS")

    with chromium() as browser:
        # With JavaScript: the cached page sets no cookie; focusing the form fetches the token.
        context = browser.new_context(locale="ar")
        page = context.new_page()
        response = page.goto(url)
        assert response.headers.get("x-page-cache") == "hit"
        assert context.cookies() == []
        assert page.locator("input[name=csrfmiddlewaretoken]").input_value() == ""
        with page.expect_response(lambda r: "/comments/form-token/" in r.url):
            page.click("#id_comment")
        # The script fills the fields once it has read the answer: a moment after the response arrives.
        expect(page.locator("input[name=csrfmiddlewaretoken]")).not_to_have_value("")
        assert [cookie["name"] for cookie in context.cookies()] == ["csrftoken"]
        fill(page, WITH_JS, "سارة", "sara@example.com")
        with page.expect_navigation():
            page.click("#comment-form button[type=submit]")
        assert page.url.startswith(url)
        assert THANKS in page.inner_text("#comments")
        context.close()

        # The token went stale while the reader wrote (the page was open for hours): the script asks
        # for a fresh one before sending, and the comment goes through the first time.
        context = browser.new_context(locale="ar")
        page = context.new_page()
        page.clock.install()
        page.goto(url)
        with page.expect_response(lambda r: "/comments/form-token/" in r.url):
            page.click("#id_comment")
        expect(page.locator("input[name=csrfmiddlewaretoken]")).not_to_have_value("")
        fill(page, LATE, "ليلى", "layla@example.com")
        page.eval_on_selector("input[name=security_hash]", "input => { input.value = 'stale'; }")
        page.clock.fast_forward("03:00:00")
        with page.expect_response(lambda r: "/comments/form-token/" in r.url), page.expect_navigation():
            page.click("#comment-form button[type=submit]")
        assert THANKS in page.inner_text("#comments")
        context.close()

        # Without JavaScript: the first post comes back with the text and a token; the second is accepted.
        context = browser.new_context(locale="ar", java_script_enabled=False)
        page = context.new_page()
        response = page.goto(url)
        assert response.headers.get("x-page-cache") == "hit"
        assert context.cookies() == []
        fill(page, WITHOUT_JS, "علي", "ali@example.com")
        with page.expect_navigation():
            page.click("#comment-form button[type=submit]")
        assert ONE_MORE_STEP in page.inner_text("main")
        assert page.input_value("#id_comment") == WITHOUT_JS
        assert page.input_value("#id_name") == "علي"
        if shots:
            page.screenshot(path=os.path.join(shots, "comment-no-js-one-more-step.png"), full_page=True)
        with page.expect_navigation():
            page.click("#comment-form button[type=submit]")
        assert page.url.startswith(url)
        assert THANKS in page.inner_text("#comments")
        if shots:
            page.screenshot(path=os.path.join(shots, "comment-no-js-sent.png"), full_page=True)
        context.close()

    stored = dict(ReaderComment.objects.values_list("user_name", "comment"))
    assert stored == {"سارة": WITH_JS, "ليلى": LATE, "علي": WITHOUT_JS}

"""The back-to-top button never covers a form field or a control, on a phone, a desktop and a wide screen,
in both editions: scrolled from the top of the page to its end, its box meets no input, button or link's.

Chromium (Debian's) draws the pages; its requests are answered by Django's test client, so the pages
come from the test database exactly as a reader's browser would get them, without a server thread."""

from __future__ import annotations

import mimetypes
from urllib.parse import urlsplit

import pytest
from django.contrib.staticfiles import finders
from django.core.files.storage import default_storage
from django.test import Client

from articles.tests.factories import ArticlePageFactory, translate

ORIGIN = "http://testserver"
WIDTHS = {"phone": (390, 844), "desktop": (1280, 800), "wide": (1440, 900)}
CONTROLS = "input:not([type=hidden]), textarea, select, button, summary, a[href], [role=button], [tabindex]"

OVERLAPS = """(selector) => {
    const button = document.querySelector('.back-to-top');
    const style = getComputedStyle(button);
    if (style.visibility === 'hidden' || style.opacity === '0') return [];
    const b = button.getBoundingClientRect();
    const hits = [];
    for (const el of document.querySelectorAll(selector)) {
        if (el === button || button.contains(el) || el.contains(button)) continue;
        const s = getComputedStyle(el);
        if (s.visibility === 'hidden' || s.display === 'none') continue;
        for (const r of el.getClientRects()) {
            if (r.width === 0 || r.height === 0) continue;
            if (r.left < b.right && b.left < r.right && r.top < b.bottom && b.top < r.bottom) {
                hits.push(`${el.tagName.toLowerCase()}${el.id ? '#' + el.id : ''}.${el.className}`);
            }
        }
    }
    return hits;
}"""

pytestmark = pytest.mark.django_db


def answer(client: Client, paths) -> callable:
    """A Playwright route handler. The pages are rendered by Django's test client here, before the browser
    asks (Playwright calls handlers where Django would open a second database connection); static files
    come from the finders and media from the storage."""
    rendered = {}
    for path in paths:
        response = client.get(path)
        rendered[path] = (response.status_code, response.content, response.get("Content-Type", "text/html"))

    def handle(route):
        url = urlsplit(route.request.url)
        path = url.path + (f"?{url.query}" if url.query else "")
        if url.path.startswith("/static/"):
            found = finders.find(url.path.removeprefix("/static/"))
            if not found:
                return route.fulfill(status=404, body="")
            with open(found, "rb") as file:
                body = file.read()
            return route.fulfill(status=200, body=body, content_type=mimetypes.guess_type(found)[0] or "text/plain")
        if url.path.startswith("/media/"):
            name = url.path.removeprefix("/media/")
            if not default_storage.exists(name):
                return route.fulfill(status=404, body="")
            with default_storage.open(name) as file:
                return route.fulfill(status=200, body=file.read(), content_type=mimetypes.guess_type(name)[0])
        if path in rendered:
            status, body, content_type = rendered[path]
            return route.fulfill(status=status, body=body, content_type=content_type)
        return route.fulfill(status=404, body="")

    return handle


@pytest.fixture
def pages(site_tree):
    section = site_tree["sections"][0]
    body = [("paragraph", "<p>" + "فقرة طويلة من نص المقال تملأ الصفحة وتدفع النموذج إلى أسفلها. " * 12 + "</p>")] * 6
    article = ArticlePageFactory(parent=section, body=body)
    english = translate(article, "en", title="A long story")
    return {
        "article (ar)": article.url,
        "article (en)": english.url,
        "search (ar)": "/search/?q=%D8%AD%D9%84%D8%A8",
        "404 (en)": "/en/no-such-page/",
    }


@pytest.mark.parametrize("width", list(WIDTHS))
def test_the_back_to_top_button_never_covers_a_form_field_or_a_control(module_chromium, pages, width, tmp_path):
    client = Client()
    viewport_width, viewport_height = WIDTHS[width]
    context = module_chromium.new_context(viewport={"width": viewport_width, "height": viewport_height})
    try:
        page = context.new_page()
        page.route(f"{ORIGIN}/**", answer(client, pages.values()))
        for name, path in pages.items():
            page.goto(ORIGIN + path)
            page.wait_for_load_state("load")
            height = page.evaluate("document.documentElement.scrollHeight")
            assert page.locator(".back-to-top").count() == 1
            positions = list(range(0, height, viewport_height // 3)) + [height]
            for y in positions:
                page.evaluate("(y) => window.scrollTo({top: y, behavior: 'instant'})", y)
                page.wait_for_timeout(30)  # the scroll handler runs on the next frame
                assert page.evaluate(OVERLAPS, CONTROLS) == [], f"{name} at {width} width, scrolled to {y}px"
            page.screenshot(path=tmp_path / f"{width}-{name}.png")
            page.evaluate("window.scrollTo({top: 0, behavior: 'instant'})")
            page.wait_for_timeout(30)
            page.screenshot(path=tmp_path / f"{width}-{name}-top.png")
    finally:
        context.close()


def test_it_floats_only_where_there_is_a_free_margin(module_chromium, pages):
    """On the wide screen it floats (fixed) in the margin beside the page; narrower, it is in the page."""
    client = Client()
    positions = {}
    for width, (viewport_width, viewport_height) in WIDTHS.items():
        context = module_chromium.new_context(viewport={"width": viewport_width, "height": viewport_height})
        try:
            page = context.new_page()
            page.route(f"{ORIGIN}/**", answer(client, [pages["article (ar)"]]))
            page.goto(ORIGIN + pages["article (ar)"])
            positions[width] = page.evaluate("getComputedStyle(document.querySelector('.back-to-top')).position")
        finally:
            context.close()
    assert positions == {"phone": "static", "desktop": "static", "wide": "fixed"}

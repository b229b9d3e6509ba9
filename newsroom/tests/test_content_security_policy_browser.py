"""The Content-Security-Policy, checked where it matters: in a browser, against a real server.

A fresh server process (development settings, which share production's policy) on a new SQLite database
with the demo content serves the Arabic home, a section, an article, search and the English edition to
Chromium. On each page no `securitypolicyviolation` event fires, nothing reaches the console, and the
page's own scripts ran. On the article the comment form takes typing, "Reply" moves it under the comment
and back, and "Copy link" copies. Wagtail's page editor, with its live preview, works under the admin's
own policy.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

BASE_DIR = Path(__file__).resolve().parents[2]
PORTS = range(8140, 8150)
ARTICLE_SLUG = "aleppo-water-pumping-restored"
ADMIN_PASSWORD = "browser-check-password-7"
# Runs before any page script, outside the page's policy: records every violation the page causes.
RECORD_VIOLATIONS = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__violations.push(`${event.violatedDirective} ${event.blockedURI} ${event.sourceFile}:${event.lineNumber}`);
});
"""

def free_port() -> int:
    for port in PORTS:
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) != 0:
                return port
    raise RuntimeError("no free port in 8140-8149")


def manage(env: dict, *args: str) -> str:
    result = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=600
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


SETUP = f"""
from django.contrib.auth.models import Group, User
from articles.models import ArticlePage, SectionPage
from comments.models import Status
from comments.tests.factories import ReaderCommentFactory

article = ArticlePage.objects.get(slug="{ARTICLE_SLUG}", locale__language_code="ar")
comment = ReaderCommentFactory(article=article, status=Status.PUBLISHED)
User.objects.create_superuser("root", "root@example.com", "{ADMIN_PASSWORD}")
moderator = User.objects.create_user("moderator", "moderator@example.com", "{ADMIN_PASSWORD}")
moderator.groups.add(Group.objects.get(name="Moderators"))
ReaderCommentFactory(article=article, status=Status.HELD)
section = SectionPage.objects.live().filter(locale__language_code="ar").first()
print("SITE", article.pk, article.url, comment.pk, section.url)
"""


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """A server process on a new database with the demo content, one published comment and an admin."""
    folder = tmp_path_factory.mktemp("csp-site")
    env = {key: value for key, value in os.environ.items() if key not in {"REDIS_URL", "SECRET_KEY"}}
    env.update(
        DJANGO_SETTINGS_MODULE="newsroom.settings.dev",
        DATABASE_URL=f"sqlite:///{folder / 'db.sqlite3'}",
        MEDIA_ROOT=str(folder / "media"),
        AKISMET_API_URL="http://127.0.0.1:9/",
        LOG_LEVEL="WARNING",
    )
    manage(env, "migrate", "--no-input", "-v", "0")
    manage(env, "load_demo", "--image-size", "320x180")
    line = next(row for row in manage(env, "shell", "-c", SETUP).splitlines() if row.startswith("SITE "))
    _, article_id, article_url, comment_id, section_url = line.split()
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"],
        cwd=BASE_DIR,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(base + "/robots.txt", timeout=2)
                break
            except OSError:
                assert server.poll() is None and time.monotonic() < deadline, "the server did not start"
                time.sleep(0.3)
        yield {
            "base": base,
            "article_id": int(article_id),
            "article_url": article_url,
            "comment_id": int(comment_id),
            "section_url": section_url,
            "screenshots": folder,
        }
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=20)


class Tab:
    """A page with everything it reports kept: console messages, uncaught errors, policy violations."""

    def __init__(self, browser, base: str):
        self.context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="ar")
        self.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=base)
        self.context.add_init_script(RECORD_VIOLATIONS)
        self.page = self.context.new_page()
        # The site has no favicon; the browser's own request for one is not a page's resource.
        self.page.route("**/favicon.ico", lambda route: route.fulfill(status=204))
        self.base = base
        self.console: list[str] = []
        # "verbose" messages are Chromium's hints about markup (autocomplete attributes), not the page's.
        self.page.on("console", lambda m: m.type != "verbose" and self.console.append(f"{m.type}: {m.text}"))
        self.page.on("pageerror", lambda error: self.console.append(f"uncaught: {error}"))

    def open(self, path: str):
        self.console.clear()
        response = self.page.goto(self.base + path, wait_until="load")
        assert response.status == 200, (path, response.status)
        self.page.wait_for_load_state("networkidle")
        return response

    def violations(self) -> list[str]:
        return self.page.evaluate("window.__violations")

    def assert_clean(self, path: str):
        assert self.violations() == [], path
        assert self.console == [], path

    def close(self):
        self.context.close()


@pytest.fixture
def tab(module_chromium, site):
    opened = Tab(module_chromium, site["base"])
    yield opened
    opened.close()


def public_pages(site) -> list[str]:
    return ["/", site["section_url"], site["article_url"], "/search/?q=" + "حلب", "/en/"]


def test_public_pages_run_their_scripts_and_break_no_rule_of_the_policy(tab, site):
    for path in public_pages(site):
        response = tab.open(path)
        policy = response.headers["content-security-policy"]
        directives = dict(part.strip().split(" ", 1) for part in policy.split(";"))
        assert directives["default-src"] == "'self'" and directives["style-src"] == "'self'", path
        # Scripts from this site only, no nonce: public pages are served whole from the page cache, where a
        # nonce would be the same for every reader. The only inline scripts are JSON-LD data blocks, which
        # browsers do not run (and CSP does not govern): assert_clean below sees no violation from them.
        assert directives["script-src"] == "'self'", path
        inline = tab.page.eval_on_selector_all("script:not([src])", "nodes => nodes.map(n => n.type)")
        assert set(inline) <= {"application/ld+json"}, path
        assert "unsafe" not in policy, path
        # site.js ran: the back-to-top button is idle at the top of the page.
        assert tab.page.eval_on_selector(".back-to-top", "n => n.classList.contains('is-idle')"), path
        tab.assert_clean(path)
    tab.page.screenshot(path=site["screenshots"] / "english-home.png")


def test_the_comment_form_reply_and_copy_link_work_under_the_policy(tab, site):
    tab.open(site["article_url"])
    page = tab.page
    assert page.locator("script[type='application/ld+json']").count() >= 1

    page.fill("#comment-form textarea[name=comment]", "تجربة الكتابة في نموذج التعليق.")
    assert page.input_value("#comment-form textarea[name=comment]") == "تجربة الكتابة في نموذج التعليق."
    # comments.js ran: the "remember me" choice is shown only by it.
    assert page.is_visible("#comment-remember")

    comment = f"#c{site['comment_id']}"
    page.click(f"[data-reply-to='{site['comment_id']}']")
    assert page.locator(f"{comment} #respond").count() == 1
    assert page.input_value("input[name=reply_to]") == str(site["comment_id"])
    assert page.evaluate("document.activeElement.name") == "comment"
    page.click("#cancel-reply")
    assert page.locator(f"{comment} #respond").count() == 0
    assert page.input_value("input[name=reply_to]") == "0"

    copy = page.locator(".share__copy")
    assert copy.is_visible()  # site.js shows it only where the Clipboard API works
    copy.click()
    page.wait_for_function("document.querySelector('.share__status').textContent !== ''")
    assert page.evaluate("navigator.clipboard.readText()") == copy.get_attribute("data-copy-url")

    page.screenshot(path=site["screenshots"] / "article.png", full_page=True)
    tab.assert_clean(site["article_url"])


def sign_in(tab: Tab, site, username: str):
    tab.open("/admin/login/")
    tab.page.fill("input[name=username]", username)
    tab.page.fill("input[name=password]", ADMIN_PASSWORD)
    tab.page.click("button[type=submit]")
    tab.page.wait_for_url(site["base"] + "/admin/")


def test_the_admin_page_editor_and_its_preview_work_under_the_admin_policy(tab, site):
    page = tab.page
    sign_in(tab, site, "root")

    response = tab.open(f"/admin/pages/{site['article_id']}/edit/")
    policy = response.headers["content-security-policy"]
    assert "'nonce-" not in policy and "script-src 'self' 'unsafe-inline'" in policy
    assert "connect-src 'self'" in policy and "default-src 'self'" in policy
    # The editor's scripts ran: the body's rich text is a Draftail editor, the authors an inline panel.
    page.wait_for_selector(".Draftail-Editor")
    assert page.locator("[data-inline-panel-child]").count() >= 1 or page.locator("[data-contentpath]").count() > 1
    page.click("button[data-side-panel-toggle='preview']")
    preview = page.frame_locator("iframe[title]").first
    preview.locator(".article__title").wait_for()
    page.screenshot(path=site["screenshots"] / "admin-editor.png")
    tab.assert_clean("page editor")


def test_a_moderators_dashboard_and_comments_workspace_ask_for_nothing_they_are_refused(tab, site):
    """The admin's scripts on a moderator's pages call no chooser or API that the moderators' scope
    refuses (a refused request would show as a console error)."""
    sign_in(tab, site, "moderator")
    tab.open("/admin/")
    tab.assert_clean("moderator's dashboard")
    tab.open("/admin/comments/")
    assert tab.page.locator("[data-nr-row]").count() >= 1
    tab.page.keyboard.press("j")  # the workspace's keyboard shortcuts (queue.js) run: the first row is focused
    assert tab.page.evaluate("document.activeElement.hasAttribute('data-nr-row')")
    tab.assert_clean("comments workspace")
    tab.page.screenshot(path=site["screenshots"] / "moderator-queue.png")

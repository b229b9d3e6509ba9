"""The load test's browser: it must read the real comment form and post it the way a browser does (CSRF
cookie and token, the form's timestamp and security hash), and find a worker blocked on a socket."""

from __future__ import annotations

import socket
import subprocess
import sys
import time

import pytest
from django.test import Client

from articles.tests.factories import ArticlePageFactory
from comments.models import ReaderComment
from demo.fake_akismet import FakeAkismet
from operations.loadtest import (
    POLL_SYSCALLS,
    akismet_requests_by_token,
    comment_form_fields,
    comment_form_token_url,
    polls_on,
    tcp_inodes_to,
)


@pytest.fixture
def akismet(settings):
    server = FakeAkismet()
    settings.AKISMET_API_URL = server.start()
    settings.AKISMET_API_KEY = "test-key"
    settings.AKISMET_BLOG_URL = "http://testserver/"
    settings.AKISMET_TIMEOUT = 2
    yield server
    server.stop()


def test_the_form_read_from_the_article_page_posts_like_a_browser(site_tree, akismet):
    article = ArticlePageFactory(parent=site_tree["sections"][0])
    browser = Client(enforce_csrf_checks=True)
    page = browser.get(article.url)
    fields = comment_form_fields(page.content.decode())
    assert fields is not None
    assert not page.cookies  # the cached page sets no cookie: the form's script asks for the token
    fields.update(browser.get(comment_form_token_url(page.content.decode())).json())
    assert {"csrfmiddlewaretoken", "content_type", "object_pk", "timestamp", "security_hash"} <= fields.keys()

    token = "lt-0123abcd-c01-0001"
    fields.update({"name": "قارئ", "email": "reader@example.com", "url": "", "comment": f"{token} تعليق"})
    response = browser.post("/comments/post/", fields)

    assert response.status_code == 302
    assert ReaderComment.objects.filter(comment__startswith=token).count() == 1
    checks = akismet_requests_by_token(
        [{"endpoint": r.endpoint, "data": r.data} for r in akismet.requests_to("comment-check")]
    )
    assert checks["comment-check"] == {token: 1}


def test_a_page_without_the_comment_form_is_told_apart():
    assert comment_form_fields('<form id="search"><input name="q" value="x"></form>') is None


@pytest.mark.skipif(not POLL_SYSCALLS, reason="poll() syscall numbers known for x86_64 and aarch64 only")
def test_a_process_waiting_for_an_answer_on_a_connection_is_found():
    """The fault the load test injects: kill the worker that waits for Akismet, not one at random."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        port = listener.getsockname()[1]
        waiting = subprocess.Popen(
            [
                sys.executable,
                "-c",
                f"import socket; s = socket.create_connection(('127.0.0.1', {port})); s.settimeout(20); s.recv(1)",
            ]
        )
        connection, _ = listener.accept()
        try:
            found = False
            for _ in range(100):  # until the child has reached recv()
                if found := polls_on(waiting.pid, tcp_inodes_to(port)):
                    break
                time.sleep(0.05)
            assert found
            assert not polls_on(waiting.pid, tcp_inodes_to(port + 1 if port < 65535 else port - 1))
        finally:
            connection.close()
            waiting.wait(timeout=10)

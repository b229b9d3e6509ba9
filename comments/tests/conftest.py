"""Fixtures: an article to comment on, and the Akismet stand-in over real HTTP on a free loopback port."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import Group, User

from articles.tests.factories import ArticlePageFactory
from demo.fake_akismet import FakeAkismet


@pytest.fixture
def moderator_account(db):
    """A member of the Moderators group, not logged in: for services called directly and for signing in
    through the admin's login form (password "secret-pass-123")."""
    user = User.objects.create_user("moderator", "mod@example.com", "secret-pass-123")
    user.groups.add(Group.objects.get(name="Moderators"))
    return user


@pytest.fixture
def moderator(client, moderator_account):
    """The same moderator, logged in with the test client."""
    client.force_login(moderator_account)
    return moderator_account


@pytest.fixture
def fake_akismet(settings):
    server = FakeAkismet()
    url = server.start()
    settings.AKISMET_API_URL = url
    settings.AKISMET_API_KEY = "test-key"
    settings.AKISMET_BLOG_URL = "http://testserver/"
    settings.AKISMET_TIMEOUT = 0.5
    yield server
    server.stop()


@pytest.fixture
def article(site_tree):
    return ArticlePageFactory(parent=site_tree["sections"][0])


@pytest.fixture
def post_comment(client):
    """Post the article's own form as a reader would: GET the article, fill the form, POST it."""

    def post(article, *, follow=False, reply_to=0, ip="203.0.113.7", form_html=None, **fields):
        """`form_html`: post a form fetched earlier (say, before comments were closed)."""
        html = form_html
        if html is None:
            page = client.get(article.url)
            assert page.status_code == 200
            html = page.content.decode()
        data = {
            name: re.search(rf'name="{name}" value="([^"]*)"', html).group(1)
            for name in ("content_type", "object_pk", "timestamp", "security_hash")
        }
        data.update(
            {
                "comment": "مقال مفيد، شكراً لكم.",
                "name": "سارة",
                "email": "sara@example.com",
                "url": "",
                "reply_to": str(reply_to),
                "honeypot": "",
            }
        )
        headers = {key: value for key, value in fields.items() if key.startswith("HTTP_")}
        data.update({key: value for key, value in fields.items() if key not in headers})
        return client.post(
            "/comments/post/",
            data,
            follow=follow,
            REMOTE_ADDR=ip,
            **headers,
            HTTP_USER_AGENT="Mozilla/5.0 (test)",
            HTTP_REFERER=f"http://testserver{article.url}",
        )

    return post

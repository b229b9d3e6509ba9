"""Moderators are confined to the comments workspace; anyone with more rights than a moderator is not."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group, User

from comments.admin_scope import MODERATOR_PERMISSIONS
from comments.models import Status
from comments.tests.factories import ReaderCommentFactory

pytestmark = pytest.mark.django_db


def member(*groups: str) -> User:
    user = User.objects.create_user("-".join(groups).lower(), "someone@example.com", "pw")
    user.groups.add(*Group.objects.filter(name__in=groups))
    return user


def test_the_scope_knows_the_moderators_groups_permissions():
    moderators = Group.objects.get(name="Moderators")
    assert {f"{p.content_type.app_label}.{p.codename}" for p in moderators.permissions.all()} == MODERATOR_PERMISSIONS


def test_a_moderator_is_sent_back_to_the_dashboard_from_a_chooser_and_refused_the_api(client, site_tree):
    client.force_login(member("Moderators"))
    response = client.get("/admin/choose-page/", follow=True)
    assert response.redirect_chain == [("/admin/", 302)]
    assert [str(m) for m in response.context["messages"]]  # Wagtail's "Sorry, you do not have permission…"
    assert client.get("/admin/api/main/pages/").status_code == 403
    assert client.get("/admin/choose-page/", HTTP_X_REQUESTED_WITH="XMLHttpRequest").status_code == 403
    assert client.get("/admin/comments/").status_code == 200


def test_an_editor_who_also_moderates_keeps_the_editors_admin(client, article):
    ReaderCommentFactory(article=article, status=Status.HELD)
    client.force_login(member("Editors", "Moderators"))
    assert client.get("/admin/choose-page/").status_code == 200
    assert client.get("/admin/api/main/pages/").status_code == 200
    queue = client.get("/admin/comments/")
    assert f'href="/admin/pages/{article.pk}/edit/"' in queue.content.decode()  # "Edit article" on the row


def test_a_moderators_queue_has_no_edit_article_link(client, article):
    ReaderCommentFactory(article=article, status=Status.HELD)
    client.force_login(member("Moderators"))
    html = client.get("/admin/comments/").content.decode()
    assert article.title in html and f"/admin/pages/{article.pk}/edit/" not in html

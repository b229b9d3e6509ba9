"""Row actions and bulk actions through the admin views (POST + CSRF), each through comments/services.py."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import Group, User
from django.test import Client

from comments import admin_services
from comments.models import CommentEvent, EventKind, ReaderComment, Status
from comments.tests.factories import ReaderCommentFactory

pytestmark = pytest.mark.django_db
ACT = "/admin/comments/act/"


@pytest.fixture
def moderator(client):
    user = User.objects.create_user("moderator", "mod@example.com", "pw", first_name="منى")
    user.groups.add(Group.objects.get(name="Moderators"))
    client.force_login(user)
    return user


def status_of(comment) -> str:
    return ReaderComment.objects.get(pk=comment.pk).status


@pytest.mark.parametrize(
    ("action", "before", "after"),
    [
        ("approve", Status.HELD, Status.PUBLISHED),
        ("approve", Status.UNCHECKED, Status.PUBLISHED),
        ("unapprove", Status.PUBLISHED, Status.HELD),
        ("spam", Status.HELD, Status.SPAM),
        ("not_spam", Status.SPAM, Status.PUBLISHED),
        ("not_spam", Status.DISCARDED, Status.PUBLISHED),
        ("trash", Status.PUBLISHED, Status.TRASH),
    ],
)
def test_row_actions_change_the_status_and_record_who_did_it(client, moderator, article, action, before, after):
    comment = ReaderCommentFactory(article=article, status=before, akismet_payload={})
    response = client.post(ACT, {"row": f"{action}:{comment.pk}", "next": "/admin/comments/?queue=spam"})

    assert response.status_code == 302
    assert response["Location"] == "/admin/comments/?queue=spam"
    assert status_of(comment) == after
    event = CommentEvent.objects.get(comment=comment, kind=EventKind.STATUS_CHANGED)
    assert (event.from_status, event.to_status, event.actor) == (before, after, moderator)


def test_restore_brings_a_trashed_comment_back_where_it_was(client, moderator, article):
    comment = ReaderCommentFactory(article=article, status=Status.HELD)
    client.post(ACT, {"row": f"trash:{comment.pk}"})
    assert status_of(comment) == Status.TRASH
    client.post(ACT, {"row": f"restore:{comment.pk}"})
    assert status_of(comment) == Status.HELD


def test_an_action_that_does_not_apply_changes_nothing(client, moderator, article):
    comment = ReaderCommentFactory(article=article, status=Status.PUBLISHED)
    response = client.post(ACT, {"row": f"restore:{comment.pk}"}, follow=True)
    assert status_of(comment) == Status.PUBLISHED
    assert [str(m) for m in response.context["messages"]] == [
        "لم يتغيّر أي تعليق: الإجراء لا ينطبق على التعليقات المحدّدة."
    ]


def test_unknown_actions_and_gets_are_refused(client, moderator, article):
    comment = ReaderCommentFactory(article=article, status=Status.HELD)
    client.post(ACT, {"row": f"delete_everything:{comment.pk}"})
    assert status_of(comment) == Status.HELD
    assert client.get(ACT).status_code == 405


def test_actions_need_the_csrf_token(moderator, article):
    comment = ReaderCommentFactory(article=article, status=Status.HELD)
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(moderator)
    assert strict.post(ACT, {"row": f"approve:{comment.pk}"}).status_code == 403
    assert status_of(comment) == Status.HELD


def test_bulk_action_on_the_ticked_rows(client, moderator, article):
    ticked = ReaderCommentFactory.create_batch(3, article=article, status=Status.HELD)
    untouched = ReaderCommentFactory(article=article, status=Status.HELD)
    client.post(ACT, {"action": "approve", "scope": "selected", "ids": [c.pk for c in ticked]})
    assert [status_of(c) for c in ticked] == [Status.PUBLISHED] * 3
    assert status_of(untouched) == Status.HELD


def test_bulk_action_on_everything_matching_the_filter(client, moderator, site_tree):
    from articles.tests.factories import ArticlePageFactory

    first, second = site_tree["sections"]
    here, there = ArticlePageFactory(parent=first), ArticlePageFactory(parent=second)
    matching = ReaderCommentFactory.create_batch(4, article=here, status=Status.HELD, comment="اشتر الآن")
    other_text = ReaderCommentFactory(article=here, status=Status.HELD, comment="رأي مختلف")
    other_section = ReaderCommentFactory(article=there, status=Status.HELD, comment="اشتر الآن")
    published = ReaderCommentFactory(article=here, status=Status.PUBLISHED, comment="اشتر الآن")

    response = client.post(
        ACT, {"action": "spam", "scope": "matching", "queue": "pending", "section": first.pk, "q": "اشتر"}, follow=True
    )

    assert [status_of(c) for c in matching] == [Status.SPAM] * 4
    assert status_of(other_text) == Status.HELD
    assert status_of(other_section) == Status.HELD
    assert status_of(published) == Status.PUBLISHED
    assert [str(m) for m in response.context["messages"]] == ["«وسم كمزعج»: 4 تعليقات."]


def test_a_large_matching_set_goes_to_the_task_worker(client, moderator, article, monkeypatch):
    monkeypatch.setattr(admin_services, "INLINE_BULK_LIMIT", 2)
    comments = ReaderCommentFactory.create_batch(3, article=article, status=Status.HELD)
    response = client.post(ACT, {"action": "trash", "scope": "matching", "queue": "pending"}, follow=True)
    # The test settings run tasks at once; in production `manage.py db_worker` does.
    assert [status_of(c) for c in comments] == [Status.TRASH] * 3
    assert [str(m) for m in response.context["messages"]] == ["«نقل إلى المهملات»: ستُعالَج 3 تعليقات في الخلفية."]


def test_reply_as_staff_is_published_at_once(client, moderator, article):
    parent = ReaderCommentFactory(article=article, status=Status.PUBLISHED)
    client.post(f"/admin/comments/{parent.pk}/reply/", {"text": "شكراً، صحّحنا الخطأ."})
    reply = ReaderComment.objects.get(parent_id=parent.pk, is_staff_reply=True)
    assert reply.status == Status.PUBLISHED
    assert reply.comment == "شكراً، صحّحنا الخطأ."
    assert reply.user == moderator


def test_edit_text_keeps_the_change_in_the_history(client, moderator, article):
    comment = ReaderCommentFactory(article=article, status=Status.PUBLISHED, comment="نص فيه شتيمة")
    client.post(f"/admin/comments/{comment.pk}/edit/", {"text": "نص [حُذفت كلمة]"})
    comment.refresh_from_db()
    assert comment.comment == "نص [حُذفت كلمة]"
    event = CommentEvent.objects.get(comment=comment, kind=EventKind.EDITED)
    assert event.actor == moderator


def test_a_decision_refreshes_the_menu_badge_at_once(client, moderator, article):
    comment = ReaderCommentFactory(article=article, status=Status.HELD)
    assert menu_label(client).endswith("(1)")
    client.post(ACT, {"row": f"approve:{comment.pk}"})
    assert not menu_label(client).endswith(")")


def menu_label(client) -> str:
    """The "Comments" item's label in the sidebar's data (Wagtail renders the menu from JSON)."""
    html = client.get("/admin/").content.decode()
    match = re.search(r'"name": "comments", "label": "([^"]*)"', html.replace("&quot;", '"'))
    assert match, "the Comments menu item is missing"
    return match.group(1)

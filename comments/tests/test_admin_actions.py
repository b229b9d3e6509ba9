"""Row actions (POST + CSRF) and Wagtail bulk actions (confirmation page, then POST), each through
comments/services.py."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from articles.tests.factories import ArticlePageFactory
from comments.admin import actions as admin_actions
from comments.admin.bulk_actions import SAMPLE_SIZE
from comments.models import CommentEvent, EventKind, ReaderComment, Status
from comments.tests.factories import ReaderCommentFactory

pytestmark = pytest.mark.django_db
BULK = "/admin/bulk/comments/readercomment/{action}/"


def moderate_url(comment) -> str:
    return f"/admin/comments/{comment.pk}/moderate/"


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
    response = client.post(moderate_url(comment), {"action": action, "next": "/admin/comments/?queue=spam"})

    assert response.status_code == 302
    assert response["Location"] == "/admin/comments/?queue=spam"
    assert status_of(comment) == after
    event = CommentEvent.objects.get(comment=comment, kind=EventKind.STATUS_CHANGED)
    assert (event.from_status, event.to_status, event.actor) == (before, after, moderator)


def test_restore_brings_a_trashed_comment_back_where_it_was(client, moderator, article):
    comment = ReaderCommentFactory(article=article, status=Status.HELD)
    client.post(moderate_url(comment), {"action": "trash"})
    assert status_of(comment) == Status.TRASH
    client.post(moderate_url(comment), {"action": "restore"})
    assert status_of(comment) == Status.HELD


def test_a_rows_form_carries_a_working_csrf_token(moderator, article):
    """The row's buttons post the form the listing rendered, token included, as a browser does."""
    comment = ReaderCommentFactory(article=article, status=Status.HELD)
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(moderator)
    html = strict.get("/admin/comments/").content.decode()
    form = html.split(f'action="/admin/comments/{comment.pk}/moderate/"', 1)[1].split("</form>", 1)[0]
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form).group(1)
    response = strict.post(moderate_url(comment), {"csrfmiddlewaretoken": token, "action": "approve"})
    assert response.status_code == 302
    assert status_of(comment) == Status.PUBLISHED


def test_an_action_that_does_not_apply_changes_nothing(client, moderator, article):
    comment = ReaderCommentFactory(article=article, status=Status.PUBLISHED)
    response = client.post(moderate_url(comment), {"action": "restore"}, follow=True)
    assert status_of(comment) == Status.PUBLISHED
    assert [str(m) for m in response.context["messages"]] == [
        "لم يتغيّر أي تعليق: الإجراء لا ينطبق على التعليقات المحدّدة."
    ]


def test_unknown_actions_and_gets_are_refused(client, moderator, article):
    comment = ReaderCommentFactory(article=article, status=Status.HELD)
    client.post(moderate_url(comment), {"action": "delete_everything"})
    assert status_of(comment) == Status.HELD
    assert client.get(moderate_url(comment)).status_code == 405
    assert client.get(BULK.format(action="delete_everything"), {"id": comment.pk}).status_code == 404


def test_actions_need_the_csrf_token(moderator, article):
    comment = ReaderCommentFactory(article=article, status=Status.HELD)
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(moderator)
    assert strict.post(moderate_url(comment), {"action": "approve"}).status_code == 403
    assert strict.post(BULK.format(action="approve") + f"?id={comment.pk}").status_code == 403
    assert status_of(comment) == Status.HELD


def test_bulk_action_on_the_ticked_rows(client, moderator, article):
    ticked = ReaderCommentFactory.create_batch(3, article=article, status=Status.HELD)
    untouched = ReaderCommentFactory(article=article, status=Status.HELD)
    query = "&".join(f"id={c.pk}" for c in ticked) + "&next=/admin/comments/"
    confirm = client.get(BULK.format(action="approve") + "?" + query)
    assert confirm.status_code == 200  # Wagtail's confirmation page, listing them
    assert [entry["item"].pk for entry in confirm.context["items"]] == sorted(c.pk for c in ticked)
    assert [status_of(c) for c in ticked] == [Status.HELD] * 3  # nothing done on GET
    response = client.post(BULK.format(action="approve") + "?" + query)
    assert response.status_code == 302 and response["Location"] == "/admin/comments/"
    assert [status_of(c) for c in ticked] == [Status.PUBLISHED] * 3
    assert status_of(untouched) == Status.HELD
    event = CommentEvent.objects.get(comment=ticked[0], kind=EventKind.STATUS_CHANGED)
    assert event.actor == moderator


@pytest.mark.parametrize(
    ("action", "before", "after"),
    [
        ("approve", Status.HELD, Status.PUBLISHED),
        ("unapprove", Status.PUBLISHED, Status.HELD),
        ("spam", Status.HELD, Status.SPAM),
        ("not_spam", Status.SPAM, Status.PUBLISHED),
        ("trash", Status.HELD, Status.TRASH),
        ("restore", Status.TRASH, Status.HELD),
    ],
)
def test_each_moderation_action_is_a_bulk_action(client, moderator, article, action, before, after):
    comment = ReaderCommentFactory(article=article, status=before, akismet_payload={})
    if before == Status.TRASH:
        CommentEvent.objects.create(
            comment=comment, kind=EventKind.STATUS_CHANGED, from_status=Status.HELD, to_status=Status.TRASH
        )
    client.post(BULK.format(action=action) + f"?id={comment.pk}")
    assert status_of(comment) == after


def test_the_recheck_bulk_action_asks_akismet_again(client, moderator, article, fake_akismet):
    comment = ReaderCommentFactory(
        article=article,
        status=Status.UNCHECKED,
        akismet_payload={"user_ip": "203.0.113.9", "comment_content": "رأي"},
    )
    client.post(BULK.format(action="recheck") + f"?id={comment.pk}")
    assert len(fake_akismet.requests_to("comment-check")) == 1
    assert status_of(comment) != Status.UNCHECKED


def test_a_bulk_action_leaves_the_comments_it_does_not_apply_to(client, moderator, article):
    held = ReaderCommentFactory(article=article, status=Status.HELD)
    published = ReaderCommentFactory(article=article, status=Status.PUBLISHED)
    url = BULK.format(action="unapprove") + f"?id={held.pk}&id={published.pk}"
    confirm = client.get(url)
    assert [entry["item"].pk for entry in confirm.context["items"]] == [published.pk]
    assert [c.pk for c in confirm.context["items_with_no_access"]] == [held.pk]
    client.post(url)
    assert (status_of(held), status_of(published)) == (Status.HELD, Status.HELD)


def test_bulk_action_on_everything_matching_the_filter(client, moderator, site_tree):
    first, second = site_tree["sections"]
    here, there = ArticlePageFactory(parent=first), ArticlePageFactory(parent=second)
    matching = ReaderCommentFactory.create_batch(4, article=here, status=Status.HELD, comment="اشتر الآن")
    other_text = ReaderCommentFactory(article=here, status=Status.HELD, comment="رأي مختلف")
    other_section = ReaderCommentFactory(article=there, status=Status.HELD, comment="اشتر الآن")
    published = ReaderCommentFactory(article=here, status=Status.PUBLISHED, comment="اشتر الآن")

    # "Select every comment matching the filter": Wagtail's script sends id=all with the listing's query.
    url = BULK.format(action="spam") + f"?queue=pending&section={first.pk}&q=اشتر&id=all&next=/admin/comments/"
    response = client.post(url, follow=True)

    assert [status_of(c) for c in matching] == [Status.SPAM] * 4
    assert status_of(other_text) == Status.HELD
    assert status_of(other_section) == Status.HELD
    assert status_of(published) == Status.PUBLISHED
    assert [str(m) for m in response.context["messages"]] == ["«وسم كمزعج»: 4 تعليقات."]


def test_a_large_matching_set_goes_to_the_task_worker(client, moderator, article, monkeypatch):
    monkeypatch.setattr(admin_actions, "INLINE_BULK_LIMIT", 2)
    monkeypatch.setattr(admin_actions, "BATCH_SIZE", 2)
    comments = ReaderCommentFactory.create_batch(3, article=article, status=Status.HELD)
    url = BULK.format(action="trash") + "?queue=pending&id=all&next=/admin/comments/"
    response = client.post(url, follow=True)
    # The test settings run tasks at once; in production `manage.py db_worker` does.
    assert [status_of(c) for c in comments] == [Status.TRASH] * 3
    assert [str(m) for m in response.context["messages"]] == ["«نقل إلى المهملات»: ستُعالَج 3 تعليقات في الخلفية."]


@pytest.mark.parametrize("matching", [5, 60])
def test_the_everything_matching_confirmation_shows_a_count_and_a_sample_at_a_fixed_cost(
    client, moderator, article, django_assert_num_queries, matching
):
    ReaderCommentFactory.create_batch(matching, article=article, status=Status.HELD)
    ReaderCommentFactory(article=article, status=Status.PUBLISHED)  # not in the pending queue
    url = BULK.format(action="spam") + "?queue=pending&id=all&next=/admin/comments/"
    client.get(url)  # warm the per-process caches

    # Session, user, permissions, Wagtail's profile, the COUNT, the sample (with articles), the locales,
    # the menu's look-ups: the same for 5 or 60 comments.
    with django_assert_num_queries(CONFIRM_QUERY_COUNT):
        response = client.get(url)
    assert response.context["total"] == matching
    assert len(response.context["items"]) == min(matching, SAMPLE_SIZE)
    html = response.content.decode()
    assert f"{matching} تعليق" in html or f"{matching} تعليقات" in html
    if matching > SAMPLE_SIZE:
        assert "و40 تعليقًا آخر" in html


CONFIRM_QUERY_COUNT = 11


def test_everything_matching_is_done_in_batches_with_the_same_history(client, moderator, article, monkeypatch):
    monkeypatch.setattr(admin_actions, "BATCH_SIZE", 2)
    comments = ReaderCommentFactory.create_batch(5, article=article, status=Status.HELD)
    batches = []
    moderate = admin_actions.moderate
    monkeypatch.setattr(
        admin_actions,
        "moderate",
        lambda *, comments, **kw: batches.append(len(comments)) or moderate(comments=comments, **kw),
    )
    response = client.post(BULK.format(action="spam") + "?queue=pending&id=all&next=/admin/comments/", follow=True)
    assert batches == [2, 2, 1]
    assert [status_of(c) for c in comments] == [Status.SPAM] * 5
    for comment in comments:
        line = CommentEvent.objects.get(comment=comment, kind=EventKind.STATUS_CHANGED)
        assert (line.from_status, line.to_status, line.actor) == (Status.HELD, Status.SPAM, moderator)
    assert [str(m) for m in response.context["messages"]] == ["«وسم كمزعج»: 5 تعليقات."]


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
    client.post(moderate_url(comment), {"action": "approve"})
    assert not menu_label(client).endswith(")")


def menu_label(client) -> str:
    """The "Comments" item's label in the sidebar's data (Wagtail renders the menu from JSON)."""
    html = client.get("/admin/").content.decode()
    match = re.search(r'"name": "comments", "label": "([^"]*)"', html.replace("&quot;", '"'))
    assert match, "the Comments menu item is missing"
    return match.group(1)

"""Commenter trust: trusted skips the first-comment hold, pre-moderated is always held, banned goes to spam
without asking Akismet (and the reader sees the same message), automatic trust after N approved comments,
and every change in the commenter's history with who and why."""

from __future__ import annotations

from importlib import import_module

import pytest
from django.apps import apps

from comments import services
from comments.models import Commenter, CommenterEvent, ReaderComment, Reason, Status, Trust, Verdict
from comments.tests.factories import ReaderCommentFactory

AWAITING = "بانتظار المراجعة"


def reader_message(response) -> str:
    html = response.content.decode()
    start = html.index('class="comments__messages"')
    return html[start : html.index("</div>", start)]


@pytest.mark.django_db
def test_a_trusted_commenter_is_published_without_the_first_comment_hold(
    post_comment, article, fake_akismet, moderator_account
):
    services.commenter_set_trust(email="Sara@Example.com", trust=Trust.TRUSTED, actor=moderator_account, note="")
    post_comment(article, email="SARA@example.com")
    comment = ReaderComment.objects.get()
    assert comment.status == Status.PUBLISHED
    assert comment.hold_reasons == []
    assert len(fake_akismet.requests_to("comment-check")) == 1


@pytest.mark.django_db
def test_a_normal_first_time_commenter_is_still_held(post_comment, article, fake_akismet):
    post_comment(article)
    assert ReaderComment.objects.get().hold_reasons == [Reason.FIRST_COMMENT]


@pytest.mark.django_db
def test_a_premoderated_commenter_is_held_with_its_reason_even_when_known(
    post_comment, article, fake_akismet, moderator_account
):
    ReaderCommentFactory(article=article, user_email="sara@example.com", status=Status.PUBLISHED)
    services.commenter_set_trust(
        email="sara@example.com", trust=Trust.PREMODERATED, actor=moderator_account, note="heated threads"
    )
    response = post_comment(article, comment="رأيي في الموضوع", follow=True)
    comment = ReaderComment.objects.latest("pk")
    assert comment.status == Status.HELD
    assert comment.akismet_verdict == Verdict.HAM
    assert comment.hold_reasons == [Reason.PREMODERATED]
    assert comment.get_hold_reasons_display() == ["معلّق خاضع للمراجعة المسبقة"]
    assert AWAITING in reader_message(response)
    # A later recheck keeps the hold: the reason is sticky.
    services.recheck(comment=comment, actor=None)
    comment.refresh_from_db()
    assert comment.status == Status.HELD
    assert Reason.PREMODERATED in comment.hold_reasons


@pytest.mark.django_db
def test_a_banned_commenter_goes_to_spam_without_asking_akismet_and_sees_the_same_message(
    post_comment, article, fake_akismet, moderator_account
):
    held = reader_message(post_comment(article, email="first@example.com", comment="أول تعليق", follow=True))
    checks_before = len(fake_akismet.requests_to("comment-check"))
    services.commenter_set_trust(email="troll@example.com", trust=Trust.BANNED, actor=moderator_account, note="")
    response = post_comment(article, email="Troll@Example.com", comment="تعليق من محظور", follow=True)
    comment = ReaderComment.objects.get(user_email="Troll@Example.com")
    assert comment.status == Status.SPAM
    assert comment.hold_reasons == [Reason.BANNED_COMMENTER]
    assert comment.akismet_verdict == Verdict.NONE
    assert len(fake_akismet.requests_to("comment-check")) == checks_before
    assert reader_message(response) == held
    assert "تعليق من محظور" not in response.content.decode()


@pytest.mark.django_db
def test_automatic_trust_after_the_set_number_of_approved_comments(article, moderator_account, settings):
    settings.COMMENTS = {**settings.COMMENTS, "TRUST_AFTER_APPROVED": 2}
    first, second = (
        ReaderCommentFactory(article=article, user_email="Nour@example.com", status=Status.HELD) for _ in range(2)
    )
    services.approve(comment=first, actor=moderator_account)
    assert not Commenter.objects.filter(email="nour@example.com").exists()
    services.approve(comment=second, actor=moderator_account)
    commenter = Commenter.objects.get(email="nour@example.com")
    assert commenter.trust == Trust.TRUSTED
    event = commenter.events.get()
    assert (event.from_trust, event.to_trust, event.actor) == (Trust.NORMAL, Trust.TRUSTED, None)
    assert event.note == "trusted automatically: enough approved comments"


@pytest.mark.django_db
def test_automatic_trust_never_overrides_a_moderators_choice(article, moderator_account, settings):
    settings.COMMENTS = {**settings.COMMENTS, "TRUST_AFTER_APPROVED": 1}
    services.commenter_set_trust(email="x@example.com", trust=Trust.PREMODERATED, actor=moderator_account, note="")
    services.approve(
        comment=ReaderCommentFactory(article=article, user_email="x@example.com", status=Status.HELD),
        actor=moderator_account,
    )
    assert Commenter.objects.get(email="x@example.com").trust == Trust.PREMODERATED
    # Taken back to normal by a person: not trusted again automatically.
    services.commenter_set_trust(email="x@example.com", trust=Trust.NORMAL, actor=moderator_account, note="")
    services.approve(
        comment=ReaderCommentFactory(article=article, user_email="x@example.com", status=Status.HELD),
        actor=moderator_account,
    )
    assert Commenter.objects.get(email="x@example.com").trust == Trust.NORMAL


@pytest.mark.django_db
def test_the_history_records_who_and_why(moderator_account):
    services.commenter_set_trust(
        email=" Omar@Example.com ", trust=Trust.BANNED, actor=moderator_account, note="abuse in three threads"
    )
    services.commenter_set_trust(email="omar@example.com", trust=Trust.BANNED, actor=moderator_account, note="again")
    services.commenter_set_trust(
        email="omar@example.com", trust=Trust.NORMAL, actor=moderator_account, note="apologised"
    )
    events = list(CommenterEvent.objects.filter(commenter__email="omar@example.com"))
    assert [(e.from_trust, e.to_trust, e.actor, e.note) for e in events] == [
        (Trust.NORMAL, Trust.BANNED, moderator_account, "abuse in three threads"),
        (Trust.BANNED, Trust.NORMAL, moderator_account, "apologised"),
    ]
    assert all(e.created_at for e in events)


@pytest.mark.django_db
def test_an_empty_address_is_refused():
    with pytest.raises(ValueError):
        services.commenter_set_trust(email="  ", trust=Trust.TRUSTED, actor=None, note="")


@pytest.mark.django_db
def test_the_migration_gives_every_address_that_commented_one_commenter_row(article):
    # A migration module's name starts with a digit: imported by name.
    migration = import_module("comments.migrations.0056_commenters_from_existing_comments")
    for email in ("Sara@Example.com", "sara@example.com", "omar@example.com", ""):
        ReaderCommentFactory(article=article, user_email=email, status=Status.PUBLISHED)
    Commenter.objects.create(email="omar@example.com", trust=Trust.BANNED)
    migration.create_commenters(apps, None)
    assert dict(Commenter.objects.values_list("email", "trust")) == {
        "sara@example.com": Trust.NORMAL,
        "omar@example.com": Trust.BANNED,
    }

"""Each Akismet verdict, over real HTTP to the stand-in, as a reader and a moderator would notice it."""

from __future__ import annotations

import pytest
from django.test import override_settings

from comments.models import CommentEvent, EventKind, ReaderComment, Status, Verdict
from comments.tests.factories import ReaderCommentFactory

AWAITING = "بانتظار المراجعة"


def known_commenter(article, email="sara@example.com"):
    """The reader already has an approved comment, so WordPress's first-time rule does not hold them."""
    return ReaderCommentFactory(article=article, user_email=email, status=Status.PUBLISHED)


@pytest.mark.django_db
def test_ham_from_a_known_commenter_is_published_and_the_reader_lands_on_it(post_comment, article, fake_akismet):
    known_commenter(article)
    response = post_comment(article, comment="خبر مهم، شكراً.")
    comment = ReaderComment.objects.latest("pk")
    assert comment.status == Status.PUBLISHED
    assert response.status_code == 302
    assert response["Location"] == f"{article.url}#c{comment.pk}"
    assert comment.akismet_verdict == Verdict.HAM
    check = fake_akismet.requests_to("comment-check")[-1]
    assert check.value("comment_author") == "سارة"
    assert check.value("comment_content") == "خبر مهم، شكراً."


@pytest.mark.django_db
def test_every_documented_field_is_sent_and_stored(post_comment, article, fake_akismet):
    article.tags.add("حلب")
    article.save_revision().publish()
    post_comment(article, url="https://sara.example.org/")
    sent = fake_akismet.requests_to("comment-check")[-1]
    for field_name in (
        "api_key",
        "blog",
        "user_ip",
        "user_agent",
        "referrer",
        "permalink",
        "comment_type",
        "comment_author",
        "comment_author_email",
        "comment_author_url",
        "comment_content",
        "comment_date_gmt",
        "comment_post_modified_gmt",
        "blog_lang",
        "blog_charset",
        "comment_context",
    ):
        assert sent.value(field_name), field_name
    assert sent.value("user_ip") == "203.0.113.7"
    assert sent.value("comment_type") == "comment"
    assert sent.value("permalink") == f"http://testserver{article.url}"
    assert sent.value("blog_charset") == "UTF-8"
    assert sent.data["comment_context"] == [article.get_parent().title, "حلب"]
    comment = ReaderComment.objects.get()
    assert comment.akismet_payload["comment_author_email"] == "sara@example.com"
    assert comment.akismet_payload["user_agent"] == "Mozilla/5.0 (test)"


@pytest.mark.django_db
def test_first_time_commenter_is_held_with_the_awaiting_message(post_comment, article, fake_akismet, client):
    response = post_comment(article, follow=True)
    comment = ReaderComment.objects.get()
    assert comment.status == Status.HELD
    assert comment.akismet_verdict == Verdict.HAM
    assert not comment.is_public
    assert AWAITING in response.content.decode()
    assert f'id="c{comment.pk}"' not in response.content.decode()


@pytest.mark.django_db
def test_more_than_two_links_are_held(post_comment, article, fake_akismet):
    known_commenter(article)
    post_comment(article, comment="http://a.example http://b.example https://c.example")
    assert ReaderComment.objects.latest("pk").status == Status.HELD


@pytest.mark.django_db
def test_spam_is_never_shown_and_sits_in_spam(post_comment, article, fake_akismet, client):
    response = post_comment(article, name="akismet-guaranteed-spam", comment="اشترِ الآن", follow=True)
    comment = ReaderComment.objects.get()
    assert comment.status == Status.SPAM
    assert comment.akismet_verdict == Verdict.SPAM
    html = response.content.decode()
    assert AWAITING in html
    assert "اشترِ الآن" not in client.get(article.url).content.decode()
    received, checked = CommentEvent.objects.filter(comment=comment)
    assert (received.kind, received.to_status) == (EventKind.RECEIVED, Status.UNCHECKED)
    assert (checked.kind, checked.verdict, checked.to_status) == (EventKind.CHECKED, Verdict.SPAM, Status.SPAM)
    assert checked.reasons == comment.hold_reasons == ["akismet_spam"]


@pytest.mark.django_db
def test_spam_by_email_local_part(post_comment, article, fake_akismet):
    post_comment(article, email="akismet-guaranteed-spam@example.com")
    assert ReaderComment.objects.get().status == Status.SPAM


@pytest.mark.django_db
def test_discard_is_kept_out_of_sight_and_the_reader_sees_the_same_message(post_comment, article, fake_akismet):
    fake_akismet.set_mode("discard")
    response = post_comment(article, comment="رابط مزعج", follow=True)
    comment = ReaderComment.objects.get()
    assert comment.status == Status.DISCARDED
    assert comment.akismet_verdict == Verdict.DISCARD
    assert response.status_code == 200
    assert AWAITING in response.content.decode()
    assert "رابط مزعج" not in response.content.decode()


@pytest.mark.django_db
def test_the_reader_sees_the_same_message_for_held_spam_and_discard(post_comment, article, fake_akismet, client):
    def message_after(**fields):
        response = post_comment(article, follow=True, **fields)
        html = response.content.decode()
        start = html.index('class="comments__messages"')
        return html[start : html.index("</div>", start)], response.redirect_chain[-1][0]

    held = message_after(comment="أول تعليق")
    spam = message_after(name="akismet-guaranteed-spam", email="x@example.com", comment="سبام")
    fake_akismet.set_mode("discard")
    discard = message_after(email="y@example.com", comment="سبام فاضح")
    assert held == spam == discard


@pytest.mark.django_db
def test_honeypot_is_spam_and_akismet_is_told_about_the_honeypot(post_comment, article, fake_akismet):
    """As WordPress's plugin: the bot's comment is still sent to Akismet (which learns from it) with the
    honeypot's name and value; it goes to spam whatever Akismet says."""
    response = post_comment(article, honeypot="http://bot.example")
    assert response.status_code == 302
    comment = ReaderComment.objects.get()
    assert comment.status == Status.SPAM
    assert comment.hold_reasons == ["honeypot"]  # Akismet said ham: the honeypot alone decides
    [check] = fake_akismet.requests_to("comment-check")
    assert check.value("honeypot_field_name") == "honeypot"
    assert check.value("hidden_honeypot_field") == "http://bot.example"
    assert fake_akismet.requests_to("submit-spam") == []


@pytest.mark.django_db
@override_settings()
def test_hold_all_setting_holds_even_known_commenters(post_comment, article, fake_akismet, settings):
    settings.COMMENTS = {**settings.COMMENTS, "HOLD_ALL": True}
    known_commenter(article)
    post_comment(article)
    assert ReaderComment.objects.latest("pk").status == Status.HELD

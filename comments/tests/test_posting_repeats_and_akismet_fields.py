"""Repeat posts are stored and held, and the reader is told so (never dropped behind a "received");
Akismet is told the edition's language and about a filled honeypot, as WordPress's plugin tells it."""

from __future__ import annotations

import datetime

import pytest
from django_comments.signals import comment_was_posted
from django_comments_xtd.models import TmpXtdComment

from articles.tests.factories import translate
from comments import selectors
from comments.models import CommentEvent, EventKind, ReaderComment, Status
from comments.services import recheck
from comments.tests.factories import ReaderCommentFactory

TEXT = "الأسد في حديقة الحيوان منذ ٣ سنوات"
REPEAT_MESSAGE = "سبق أن أرسلت هذا التعليق نفسه. حُفظت هذه النسخة، وهي بانتظار مراجعة المشرفين."
AWAITING = "بانتظار المراجعة"


def known_commenter(article, email="sara@example.com"):
    return ReaderCommentFactory(article=article, user_email=email, status=Status.PUBLISHED)


@pytest.mark.django_db
def test_an_identical_second_post_is_stored_held_as_a_repeat_and_the_reader_told(
    post_comment, article, fake_akismet, client, request
):
    known_commenter(article)  # so that the first copy is published and only the repeat rule holds the second
    post_comment(article, comment=TEXT)
    first = ReaderComment.objects.latest("pk")
    assert first.status == Status.PUBLISHED

    response = post_comment(article, comment=TEXT, follow=True)
    second = ReaderComment.objects.latest("pk")
    assert second.pk != first.pk  # stored, not dropped
    assert second.status == Status.HELD
    assert second.hold_reasons == ["repeat_post"]
    html = response.content.decode()
    assert REPEAT_MESSAGE in html
    assert "تعليقك منشور" not in html
    checked = CommentEvent.objects.get(comment=second, kind=EventKind.CHECKED)
    assert checked.reasons == ["repeat_post"]
    assert list(selectors.with_reason(ReaderComment.objects.all(), "repeat_post")) == [second]
    assert list(selectors.with_reason(ReaderComment.objects.all(), "first_comment")) == []
    request.getfixturevalue("moderator")  # signs the same browser in as a moderator
    assert "تعليق مكرّر" in client.get("/admin/comments/").content.decode()  # the history says why


@pytest.mark.django_db
def test_the_same_text_spelt_differently_from_the_same_ip_is_a_repeat(post_comment, article, fake_akismet):
    """Through the Arabic normaliser: ligature (ﻷ), diacritics, tatweel, Arabic-Indic digits, spaces."""
    post_comment(article, comment=TEXT, email="first@example.com")
    respelt = "اﻷَسَـــد في  حديقة الحيوان منذ 3 سنوات"
    post_comment(article, comment=respelt, email="other@example.com", name="آخر")
    assert ReaderComment.objects.latest("pk").hold_reasons == ["repeat_post", "first_comment"]


@pytest.mark.django_db
def test_the_same_email_from_another_ip_is_a_repeat(post_comment, article, fake_akismet):
    post_comment(article, comment=TEXT, ip="203.0.113.7")
    post_comment(article, comment=TEXT, ip="198.51.100.9", email="SARA@example.com")
    assert "repeat_post" in ReaderComment.objects.latest("pk").hold_reasons


@pytest.mark.django_db
def test_other_text_or_other_people_or_an_old_post_is_not_a_repeat(post_comment, article, fake_akismet, settings):
    known_commenter(article)
    post_comment(article, comment=TEXT)
    post_comment(article, comment=TEXT + " وأضيف شيئاً")
    assert ReaderComment.objects.latest("pk").status == Status.PUBLISHED
    post_comment(article, comment=TEXT, ip="198.51.100.9", email="someone-else@example.com")
    assert "repeat_post" not in ReaderComment.objects.latest("pk").hold_reasons
    # Outside the window it is a new comment again.
    window = settings.COMMENTS["REPEAT_WINDOW_MINUTES"]
    long_ago = datetime.datetime.now(datetime.UTC) - datetime.timedelta(minutes=window + 1)
    ReaderComment.objects.update(submitted_at=long_ago)
    post_comment(article, comment=TEXT)
    assert ReaderComment.objects.latest("pk").status == Status.PUBLISHED


@pytest.mark.django_db
def test_a_repeat_stays_a_repeat_when_rechecked(post_comment, article, fake_akismet):
    known_commenter(article)
    post_comment(article, comment=TEXT)
    fake_akismet.set_mode("error")
    post_comment(article, comment=TEXT)
    repeat = ReaderComment.objects.latest("pk")
    assert repeat.status == Status.UNCHECKED
    assert repeat.hold_reasons == ["repeat_post", "akismet_unreachable"]
    fake_akismet.set_mode("normal")
    recheck(comment=repeat)
    repeat.refresh_from_db()
    assert (repeat.status, repeat.hold_reasons) == (Status.HELD, ["repeat_post"])


@pytest.mark.django_db
def test_nothing_of_django_comments_xtd_can_store_or_skip_a_comment_besides_our_path():
    """Its receivers are disconnected at start-up: a `comment_was_posted` for xtd's temporary comment
    (which its own view would send) stores nothing, in this process as in a fresh one."""
    receivers = comment_was_posted._live_receivers(TmpXtdComment)
    receivers = receivers[0] if isinstance(receivers, tuple) else receivers
    assert [r for r in receivers if r.__module__.startswith("django_comments_xtd")] == []


@pytest.mark.django_db
def test_blog_lang_is_the_language_of_the_edition_the_comment_was_written_on(post_comment, article, fake_akismet):
    post_comment(article, comment="تعليق بالعربية")
    english = translate(article, "en")
    post_comment(english, comment="A comment in English", email="reader@example.com")
    arabic_check, english_check = fake_akismet.requests_to("comment-check")
    assert arabic_check.value("blog_lang") == "ar"
    assert english_check.value("blog_lang") == "en"
    assert ReaderComment.objects.get(comment="A comment in English").akismet_payload["blog_lang"] == "en"


@pytest.mark.django_db
def test_a_filled_honeypot_goes_to_akismet_with_its_name_and_value_and_the_comment_to_spam(
    post_comment, article, fake_akismet, client
):
    response = post_comment(article, comment="اشترِ الآن", honeypot="https://bot.example/", follow=True)
    assert AWAITING in response.content.decode()  # the bot is told what everyone is told
    comment = ReaderComment.objects.get()
    assert (comment.status, comment.hold_reasons) == (Status.SPAM, ["honeypot"])
    [check] = fake_akismet.requests_to("comment-check")
    assert check.value("honeypot_field_name") == "honeypot"
    assert check.value("hidden_honeypot_field") == "https://bot.example/"
    assert check.value("comment_content") == "اشترِ الآن"
    # The stored payload carries them too, so a moderator's later report sends what was checked.
    assert comment.akismet_payload["hidden_honeypot_field"] == "https://bot.example/"
    assert "اشترِ الآن" not in client.get(article.url).content.decode()

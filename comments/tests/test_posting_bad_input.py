"""Whatever a reader (or a bot) sends, the comment POST never answers 5xx: a field the database could
not hold is refused by the form with an Arabic message and the reader's text shown again, nothing
half-stored, Akismet not asked; an unexpected failure gives the text back to copy."""

from __future__ import annotations

import re
import urllib.parse

import pytest

from comments import akismet, posting
from comments.models import CommentEvent, ReaderComment, Status

TEXT = "رأيي في هذا المقال أنه منصف، وأرجو أن تتابعوا الموضوع."
NOT_POSTED = "لم يُرسل تعليقك بعد"
NUL = "فيه محرف فارغ (NUL) لا يمكن حفظه"


def assert_refused_with_text_kept(response, fake_akismet, *, message: str, kept: str = TEXT) -> None:
    html = response.content.decode()
    assert response.status_code == 200
    assert NOT_POSTED in html
    assert message in html
    assert kept in html  # the reader's words are in the form again
    assert not ReaderComment.objects.exists()
    assert not CommentEvent.objects.exists()
    assert fake_akismet.requests_to("comment-check") == []


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"email": "a" * 290 + "@example.com"}, "عنوان بريدك الإلكتروني طويل: الحدّ الأقصى 254 حرفاً (فيه 302)."),
        ({"name": "س" * 51}, "اسمك طويل: الحدّ الأقصى 50 حرفاً (فيه 51)."),
        ({"url": "https://example.com/" + "a" * 200}, "عنوان الموقع طويل: الحدّ الأقصى 200 حرف."),
        ({"comment": TEXT + "ب" * 3000}, "تعليقك طويل: الحدّ الأقصى 3000 حرف"),
        ({"email": "not-an-address"}, "اكتب عنوان بريد إلكتروني صحيحاً"),
    ],
    ids=["email-300-chars", "name-51-chars", "url-220-chars", "text-over-3000", "email-invalid"],
)
def test_a_field_over_the_model_limit_is_refused_with_the_text_kept(
    post_comment, article, fake_akismet, fields, message
):
    response = post_comment(article, **{"comment": TEXT, **fields})
    assert_refused_with_text_kept(response, fake_akismet, message=message, kept=fields.get("comment", TEXT))


@pytest.mark.django_db
@pytest.mark.parametrize("field", ["comment", "name", "email", "url"])
def test_a_nul_character_in_any_field_is_refused_with_the_text_kept(post_comment, article, fake_akismet, field):
    values = {"comment": TEXT, "name": "سارة", "email": "sara@example.com", "url": "https://sara.example.org/"}
    values[field] = values[field][:4] + "\x00" + values[field][4:]
    response = post_comment(article, **values)
    kept = TEXT if field != "comment" else TEXT[:4]
    assert_refused_with_text_kept(response, fake_akismet, message=NUL, kept=kept)


@pytest.mark.django_db
def test_a_reply_to_an_impossible_comment_number_is_refused(post_comment, article, fake_akismet):
    response = post_comment(article, comment=TEXT, reply_to="9" * 30)
    assert response.status_code == 200
    assert TEXT in response.content.decode()
    assert not ReaderComment.objects.exists()


def raw_form(client, article, **overrides: bytes) -> bytes:
    """The article's form as url-encoded bytes, with some values given as raw (possibly invalid) bytes."""
    html = client.get(article.url).content.decode()
    fields = {
        name: re.search(rf'name="{name}" value="([^"]*)"', html).group(1).encode()
        for name in ("content_type", "object_pk", "timestamp", "security_hash")
    }
    fields.update({"name": "سارة".encode(), "email": b"sara@example.com", "reply_to": b"0", "comment": TEXT.encode()})
    fields.update(overrides)
    encoded = (name.encode() + b"=" + urllib.parse.quote_from_bytes(value).encode() for name, value in fields.items())
    return b"&".join(encoded)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "raw",
    [b"\xff\xfe invalid UTF-8 \xc3", b"\xed\xa0\x80 a lone surrogate, UTF-8 encoded"],
    ids=["invalid-utf8", "surrogate"],
)
def test_bytes_that_are_not_utf8_are_stored_replaced_not_a_500(client, article, fake_akismet, raw):
    body = raw_form(client, article, comment=TEXT.encode() + b" " + raw)
    response = client.post(
        "/comments/post/", body, content_type="application/x-www-form-urlencoded", REMOTE_ADDR="203.0.113.7"
    )
    assert response.status_code == 302
    stored = ReaderComment.objects.get()
    assert stored.comment.startswith(TEXT)
    assert "\ufffd" in stored.comment  # what could not be decoded is shown as �, the rest is kept
    stored.comment.encode("utf-8")  # storable as it is


@pytest.mark.django_db
def test_a_body_over_the_upload_limit_is_a_400_not_a_500(client, article, fake_akismet, settings):
    body = raw_form(client, article, comment=b"x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1))
    response = client.post(
        "/comments/post/", body, content_type="application/x-www-form-urlencoded", REMOTE_ADDR="203.0.113.7"
    )
    assert response.status_code == 400
    assert not ReaderComment.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("object_pk", ["9" * 40, "1\x00", "-1", "١٢"])
def test_a_nonsense_article_number_is_a_400_not_a_500(client, article, fake_akismet, object_pk):
    response = client.post(
        "/comments/post/", {"content_type": "articles.articlepage", "object_pk": object_pk, "comment": TEXT}
    )
    assert response.status_code == 400
    assert not ReaderComment.objects.exists()


@pytest.mark.django_db
def test_a_nul_in_the_browser_headers_is_stored_without_it(client, article, fake_akismet):
    """PostgreSQL's jsonb refuses NUL: the stored Akismet payload must not carry one."""
    response = client.post(
        "/comments/post/",
        raw_form(client, article),
        content_type="application/x-www-form-urlencoded",
        REMOTE_ADDR="203.0.113.7",
        HTTP_USER_AGENT="bot\x00agent",
        HTTP_REFERER="http://testserver/\x00",
    )
    assert response.status_code == 302
    payload = ReaderComment.objects.get().akismet_payload
    assert (payload["user_agent"], payload["referrer"]) == ("botagent", "http://testserver/")


@pytest.mark.django_db
def test_an_unexpected_error_gives_the_text_back_to_copy(post_comment, article, fake_akismet, monkeypatch):
    def broken(**kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(posting, "comment_post", broken)
    response = post_comment(article, comment=TEXT + " <b>كلام</b>")
    html = response.content.decode()
    assert response.status_code == 503
    assert "لم يُنشر تعليقك" in html
    assert "انسخ نصّك" in html
    assert TEXT + " &lt;b&gt;كلام&lt;/b&gt;" in html  # escaped, in a textarea to copy
    assert 'dir="rtl"' in html


@pytest.mark.django_db
def test_an_error_after_the_comment_is_stored_keeps_it_for_the_recheck(
    post_comment, article, fake_akismet, monkeypatch
):
    """The comment committed before Akismet was asked: a failure while asking (here a bug, not an outage)
    leaves it unchecked and due, and the reader is told the truth: it awaits moderation."""

    def broken(payload, **kwargs):
        raise RuntimeError("unexpected")

    monkeypatch.setattr(akismet, "check", broken)
    response = post_comment(article, comment=TEXT, follow=True)
    assert response.status_code == 200
    assert "بانتظار المراجعة" in response.content.decode()
    comment = ReaderComment.objects.get()
    assert comment.status == Status.UNCHECKED
    assert comment.next_recheck_at is not None
    assert [event.kind for event in comment.events.all()] == ["received"]

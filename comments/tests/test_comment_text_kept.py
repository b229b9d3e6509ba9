"""A reader who kept the article open for hours before sending, or whose form was signed with a key
the site no longer uses, gets their text back with a form that works, not a bare 400 that loses it."""

from __future__ import annotations

import re
import time

import pytest

from comments.models import ReaderComment, Status

LONG_TEXT = "كتبت هذا التعليق على مهل، في أكثر من ساعتين، ولا أريد أن أخسره."
STALE = "لم يُرسَل تعليقك لأن الصفحة بقيت مفتوحة مدة طويلة"


def hidden(html: str, name: str) -> str:
    return re.search(rf'name="{name}" value="([^"]*)"', html).group(1)


@pytest.mark.django_db
def test_a_form_open_for_hours_gives_the_text_back_and_sends_on_the_second_try(
    client, article, post_comment, fake_akismet, monkeypatch
):
    page = client.get(article.url).content.decode()
    # Three hours later (COMMENTS_TIMEOUT is two).
    real_time = time.time
    monkeypatch.setattr(time, "time", lambda: real_time() + 3 * 3600)
    response = post_comment(article, form_html=page, comment=LONG_TEXT)
    html = response.content.decode()
    assert response.status_code == 400
    assert STALE in html
    assert LONG_TEXT in html  # the reader's words are in the form again
    assert not ReaderComment.objects.exists()
    # The form that came back carries a fresh signature: sending it as it is works.
    response = post_comment(article, form_html=html, comment=LONG_TEXT)
    assert response.status_code == 302
    assert ReaderComment.objects.get().comment == LONG_TEXT


@pytest.mark.django_db
def test_a_form_signed_with_another_key_gives_the_text_back(client, article, post_comment, fake_akismet):
    page = client.get(article.url).content.decode()
    forged = page.replace(hidden(page, "security_hash"), "0" * 40)
    response = post_comment(article, form_html=forged, comment=LONG_TEXT)
    assert response.status_code == 400
    assert LONG_TEXT in response.content.decode()
    assert ReaderComment.objects.count() == 0
    response = post_comment(article, form_html=response.content.decode(), comment=LONG_TEXT)
    assert response.status_code == 302
    assert ReaderComment.objects.get().status in (Status.HELD, Status.PUBLISHED)

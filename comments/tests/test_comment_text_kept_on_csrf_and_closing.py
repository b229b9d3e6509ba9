"""Two more ways a reader could lose what they wrote, answered with their text kept:
a failed CSRF check (signed in or out in another tab, cookie expired) and comments closing while they wrote."""

from __future__ import annotations

import datetime
import re

import pytest
from django.test import Client
from django.utils import timezone

from articles.tests.factories import translate
from comments.models import ReaderComment

TEXT = "كتبت هذا التعليق قبل أن أسجّل الدخول في نافذة أخرى <script>alert(1)</script> & «هذا»"
CSRF_EXPLANATION = "لم يُرسَل تعليقك لأن التحقق الأمني في هذا المتصفح لم ينجح"
# A browser without a CSRF cookie: an expired one, or a first post from a cached page without JavaScript.
ONE_MORE_STEP = "خطوة أخرى"
CLOSED = "التعليقات مغلقة على هذا المقال."


def field(html: str, name: str) -> str:
    return re.search(rf'name="{name}" value="([^"]*)"', html).group(1)


def open_form(browser: Client, article) -> str:
    """The article page as the page cache serves it to everyone (no token, no cookie), with what
    comments.js fills in when the reader starts on the form: a token (and its cookie), a fresh signature."""
    page = browser.get(article.url).content.decode()
    for name, value in browser.get(f"/comments/form-token/{article.pk}/").json().items():
        page = re.sub(rf'name="{name}" value="[^"]*"', f'name="{name}" value="{value}"', page)
    return page


def comment_data(html: str, **overrides) -> dict[str, str]:
    data = {name: field(html, name) for name in ("content_type", "object_pk", "timestamp", "security_hash")}
    data.update(
        {
            "csrfmiddlewaretoken": field(html, "csrfmiddlewaretoken"),
            "comment": TEXT,
            "name": "سارة",
            "email": "sara@example.com",
            "url": "https://sara.example.org/",
            "reply_to": "0",
            "honeypot": "",
        }
    )
    data.update(overrides)
    return data


@pytest.fixture
def browser():
    """A client that checks CSRF as a real browser session would be checked."""
    return Client(enforce_csrf_checks=True, REMOTE_ADDR="203.0.113.7")


def assert_text_given_back_escaped(html: str) -> None:
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; «هذا»" in html
    assert 'value="سارة"' in html
    assert 'value="sara@example.com"' in html
    assert 'value="https://sara.example.org/"' in html


@pytest.mark.django_db
@pytest.mark.parametrize("what_happened", ["token rotated in another tab", "cookie expired"])
def test_a_failed_csrf_check_gives_the_text_back_and_sending_again_works(browser, article, fake_akismet, what_happened):
    page = open_form(browser, article)
    if what_happened == "cookie expired":
        del browser.cookies["csrftoken"]
    else:  # signing in or out elsewhere gives the browser a new CSRF secret; this page's token is for the old one
        browser.cookies["csrftoken"] = "N" * 32
    response = browser.post("/comments/post/", comment_data(page))
    html = response.content.decode()
    assert response.status_code == 403
    assert ReaderComment.objects.count() == 0
    # The site's page (base.html), in the reader's language.
    assert '<html lang="ar" dir="rtl">' in html
    assert (ONE_MORE_STEP if what_happened == "cookie expired" else CSRF_EXPLANATION) in html
    assert_text_given_back_escaped(html)
    # The form that came back carries a token that matches the browser's cookie: sending it again works.
    data = comment_data(html, comment=TEXT)
    assert data["csrfmiddlewaretoken"] != field(page, "csrfmiddlewaretoken")
    response = browser.post("/comments/post/", data)
    assert response.status_code == 302
    assert ReaderComment.objects.get().comment == TEXT


@pytest.mark.django_db
def test_other_urls_keep_djangos_csrf_page(browser, article):
    browser.get(article.url)
    response = browser.post("/i18n/setlang/", {"language": "en"})
    html = response.content.decode()
    assert response.status_code == 403
    assert "(403)" in html  # django.views.csrf.csrf_failure's page
    assert "comments--page" not in html


@pytest.mark.django_db
def test_a_failed_csrf_check_on_an_unknown_article_keeps_djangos_page(browser, article):
    page = open_form(browser, article)
    browser.cookies["csrftoken"] = "N" * 32
    response = browser.post("/comments/post/", comment_data(page, object_pk="999999"))
    assert response.status_code == 403
    assert "(403)" in response.content.decode()
    assert "comments--page" not in response.content.decode()


@pytest.mark.django_db
def test_a_reader_of_the_english_edition_is_answered_in_english(browser, article, fake_akismet):
    """/comments/post/ is outside i18n_patterns, where LocaleMiddleware always picks Arabic."""
    english = translate(article, "en", title="A story", slug="a-story")
    page = open_form(browser, english)
    browser.cookies["csrftoken"] = "N" * 32
    response = browser.post("/comments/post/", comment_data(page, comment="Written before signing in elsewhere"))
    html = response.content.decode()
    assert response.status_code == 403
    assert '<html lang="en" dir="ltr">' in html
    assert "security check failed" in html
    assert "Written before signing in elsewhere" in html
    assert ReaderComment.objects.count() == 0


@pytest.mark.django_db
@pytest.mark.parametrize("how", ["editor", "age"])
def test_comments_closing_while_the_reader_writes_shows_their_text_to_copy(
    client, article, post_comment, fake_akismet, settings, how
):
    form_html = client.get(article.url).content.decode()  # fetched while comments were open
    if how == "editor":
        article.comments_open = False
        article.save_revision().publish()
    else:
        settings.COMMENTS = {**settings.COMMENTS, "CLOSE_AFTER_DAYS": 14}
        type(article).objects.filter(pk=article.pk).update(
            first_published_at=timezone.now() - datetime.timedelta(days=15)
        )
    response = post_comment(article, form_html=form_html, comment=TEXT)
    html = response.content.decode()
    assert response.status_code == 403
    assert CLOSED in html
    readonly = re.search(r"<textarea[^>]*\breadonly\b[^>]*>(.*?)</textarea>", html, re.S)
    assert readonly is not None
    assert (
        readonly.group(1).strip()
        == "كتبت هذا التعليق قبل أن أسجّل الدخول في نافذة أخرى &lt;script&gt;alert(1)&lt;/script&gt; &amp; «هذا»"
    )
    assert "<script>alert(1)</script>" not in html
    assert 'id="comment-form"' not in html  # nothing suggests it can still be sent
    assert not ReaderComment.objects.exists()
    assert fake_akismet.requests == []

"""What a reader notices around comments on the article page:

- a link inside an Arabic comment reads left to right ("https://example.org/", not "/https://example.org");
- the comments area shows the reader's comment messages only; other messages (an editor's "Page
  published") appear in the site's messages area at the top of the page, not under the article."""

from __future__ import annotations

import pytest
from django.contrib.messages import constants
from django.contrib.messages.storage.base import Message
from django.contrib.messages.storage.cookie import CookieStorage
from django.test import RequestFactory

from comments.templatetags.reader_comments import comment_text
from comments.tests.factories import ReaderCommentFactory

AWAITING = "شكراً لك: تعليقك بانتظار المراجعة."


def comments_section(html: str) -> str:
    start = html.index('<section id="comments"')
    return html[start : html.index("</section>", start)]


def site_messages(html: str) -> str:
    if 'class="site-messages"' not in html:
        return ""
    start = html.index('class="site-messages"')
    return html[start : html.index("</div>", start)]


# --- Links in right-to-left comments -----------------------------------------------------------------


def test_a_link_is_isolated_left_to_right_and_arabic_punctuation_stays_outside():
    html = comment_text("راجعوا https://example.org/report، وwww.example.org؟ «https://a.example/»")
    link = '<a href="https://example.org/report" rel="nofollow ugc">https://example.org/report</a>'
    assert f'<bdi dir="ltr">{link}</bdi>،' in html
    # The glued conjunction "و" does not turn into a link to a host that does not exist.
    assert 'href="http://%D9%88www' not in html and "وwww.example.org؟" in html
    assert '«<bdi dir="ltr"><a href="https://a.example/" rel="nofollow ugc">https://a.example/</a></bdi>»' in html


def test_email_addresses_in_comments_stay_plain_text():
    html = comment_text("راسلوني على sara@example.com")
    assert "mailto:" not in html and "sara@example.com" in html


@pytest.mark.django_db
def test_the_article_page_isolates_links_in_comments(client, article):
    ReaderCommentFactory(article=article, comment="المصدر: https://example.org/ للمزيد")
    section = comments_section(client.get(article.url).content.decode())
    assert '<bdi dir="ltr"><a href="https://example.org/" rel="nofollow ugc">' in section


def test_a_link_in_an_arabic_comment_is_drawn_left_to_right(chromium):
    """What the reader sees: in the drawn line, the URL's final "/" is to the right of its "h"."""
    text = "المصدر https://example.org/ للمزيد"
    fragment = comment_text(text)
    page_html = f'<html lang="ar" dir="rtl"><body><div class="comment__text" dir="auto">{fragment}</div></body></html>'
    measure = """() => {
        const link = document.querySelector('.comment__text a');
        const node = link.firstChild;
        const rect = (i) => { const r = document.createRange(); r.setStart(node, i); r.setEnd(node, i + 1);
                              return r.getBoundingClientRect().left; };
        return [rect(0), rect(node.length - 1)];
    }"""
    with chromium() as browser:
        page = browser.new_page()
        page.set_content(page_html)
        first_h, last_slash = page.evaluate(measure)
    assert last_slash > first_h, "the URL's trailing slash is drawn before its start"


# --- Messages ------------------------------------------------------------------------------------------


def messages_cookie(*messages: Message) -> str:
    return CookieStorage(RequestFactory().get("/"))._encode(list(messages))


@pytest.mark.django_db
def test_the_comments_area_shows_only_comment_messages(client, article):
    client.cookies["messages"] = messages_cookie(
        Message(constants.SUCCESS, "Page 'Budget' has been published."),
        Message(constants.INFO, AWAITING, extra_tags="comments"),
    )
    html = client.get(article.url).content.decode()
    section = comments_section(html)
    assert AWAITING in section
    assert "has been published" not in section
    # The editor's message is still shown, once, at the top of the page.
    assert "has been published" in site_messages(html)
    assert AWAITING not in site_messages(html)
    assert html.count("has been published") == 1
    # Shown once: the next page has neither.
    again = client.get(article.url).content.decode()
    assert AWAITING not in again and "has been published" not in again


@pytest.mark.django_db
def test_other_pages_show_site_messages(client, site_tree):
    client.cookies["messages"] = messages_cookie(Message(constants.WARNING, "Your session is about to expire."))
    html = client.get(site_tree["home"].url).content.decode()
    assert "Your session is about to expire." in site_messages(html)
    assert "site-messages__item--warning" in site_messages(html)


@pytest.mark.django_db
def test_a_page_without_messages_has_no_messages_area(client, article):
    assert 'class="site-messages"' not in client.get(article.url).content.decode()


@pytest.mark.django_db
def test_after_posting_the_reader_message_is_in_the_comments_area_only(post_comment, article, fake_akismet):
    response = post_comment(article, follow=True)
    html = response.content.decode()
    assert AWAITING in comments_section(html)
    assert site_messages(html) == ""

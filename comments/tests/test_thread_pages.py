"""A long thread is read in pages (`?comments=N`, THREADS_PER_PAGE top-level comments with all their
replies), featured threads first; a comment's permalink lands on the page that shows it; a comment's
text is shown from the HTML stored when it was saved, and a comment without it is rendered and stored on
its first view or by `manage.py comments_render_html`."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup
from django.core.management import call_command
from django.urls import reverse

from comments import services
from comments.models import ReaderComment
from comments.rendering import RENDER_VERSION
from comments.tests.factories import ReaderCommentFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def three_per_page(settings):
    settings.COMMENTS = {**settings.COMMENTS, "THREADS_PER_PAGE": 3}


def shown_ids(response) -> list[int]:
    soup = BeautifulSoup(response.content.decode(), "html.parser")
    return [int(item["id"][1:]) for item in soup.select("li.comment")]


def test_a_long_thread_is_read_in_pages_of_threads_with_their_replies(client, article, three_per_page):
    tops = [ReaderCommentFactory(article=article, comment=f"تعليق {n}") for n in range(7)]
    reply = ReaderCommentFactory(article=article, parent=tops[1], comment="ردّ")

    first = client.get(article.url)
    assert shown_ids(first) == [tops[0].pk, tops[1].pk, reply.pk, tops[2].pk]
    soup = BeautifulSoup(first.content.decode(), "html.parser")
    later = soup.select_one(".comments__pages a.comments__page-link--next")
    assert later["href"] == f"{article.url}?comments=2#comments"
    assert "nofollow" in later["rel"]
    assert soup.select_one(".comments__page-link--previous") is None
    assert "8 تعليقات" in first.content.decode()  # the heading counts the whole thread

    second = client.get(f"{article.url}?comments=2")
    assert shown_ids(second) == [tops[3].pk, tops[4].pk, tops[5].pk]
    soup = BeautifulSoup(second.content.decode(), "html.parser")
    assert soup.select_one(".comments__page-link--previous")["href"] == f"{article.url}#comments"
    # The comment pages are variants of the article: its canonical URL stays the one without the parameter.
    assert soup.select_one('link[rel="canonical"]')["href"].endswith(article.url)

    assert shown_ids(client.get(f"{article.url}?comments=3")) == [tops[6].pk]
    assert shown_ids(client.get(f"{article.url}?comments=99")) == [tops[6].pk]  # past the end: the last page
    assert shown_ids(client.get(f"{article.url}?comments=x")) == shown_ids(first)


def test_a_featured_thread_opens_the_first_page(client, article, moderator_account, three_per_page):
    tops = [ReaderCommentFactory(article=article) for _ in range(7)]
    services.comment_feature(comment=tops[5], actor=moderator_account)
    assert shown_ids(client.get(article.url)) == [tops[5].pk, tops[0].pk, tops[1].pk]
    assert shown_ids(client.get(f"{article.url}?comments=3")) == [tops[6].pk]


def test_a_permalink_lands_on_the_page_that_shows_the_comment(client, article, three_per_page):
    tops = [ReaderCommentFactory(article=article) for _ in range(7)]
    reply = ReaderCommentFactory(article=article, parent=tops[4])

    assert reply.get_absolute_url() == reverse("comments-permalink", args=[reply.pk]) + f"#c{reply.pk}"
    response = client.get(reverse("comments-permalink", args=[reply.pk]))
    assert response.status_code == 302
    assert response["Location"] == f"{article.url}?comments=2#c{reply.pk}"
    landed = client.get(response["Location"].split("#")[0])
    assert reply.pk in shown_ids(landed)

    first = client.get(reverse("comments-permalink", args=[tops[0].pk]))
    assert first["Location"] == f"{article.url}#c{tops[0].pk}"
    # The no-JavaScript reply page leads back to the comment on its page.
    assert f'href="{reverse("comments-permalink", args=[tops[6].pk])}"' in client.get(
        reverse("comments-xtd-reply", args=[tops[6].pk])
    ).content.decode()


def test_a_held_comment_has_no_permalink(client, article):
    held = ReaderCommentFactory(article=article, status="held")
    assert client.get(reverse("comments-permalink", args=[held.pk])).status_code == 404


def test_the_text_is_stored_as_html_when_saved_and_again_when_edited(client, article, moderator_account):
    comment = ReaderCommentFactory(article=article, comment="انظروا https://example.org/report، شكراً\nسطر ثانٍ")
    stored = ReaderComment.objects.get(pk=comment.pk)
    assert stored.text_html_version == RENDER_VERSION
    assert '<a href="https://example.org/report" rel="nofollow ugc">' in stored.text_html
    assert "<br>" in stored.text_html

    services.edit_text(comment=stored, actor=moderator_account, text="نص مصحّح <b>")
    assert ReaderComment.objects.get(pk=comment.pk).text_html == "نص مصحّح &lt;b&gt;"
    assert "نص مصحّح &lt;b&gt;" in client.get(article.url).content.decode()


def test_a_comment_without_stored_html_is_rendered_and_stored_on_its_first_view(client, article):
    comment = ReaderCommentFactory(article=article, comment="رابط www.example.org هنا")
    ReaderComment.objects.filter(pk=comment.pk).update(text_html="", text_html_version=0)  # written before

    html = client.get(article.url).content.decode()
    assert '<a href="http://www.example.org" rel="nofollow ugc">www.example.org</a>' in html
    stored = ReaderComment.objects.get(pk=comment.pk)
    assert stored.text_html_version == RENDER_VERSION and "www.example.org</a>" in stored.text_html


def test_the_backfill_command_renders_what_lacks_html(article, capsys):
    comments = [ReaderCommentFactory(article=article, comment=f"تعليق {n}\nسطر") for n in range(5)]
    ReaderComment.objects.filter(pk__in=[c.pk for c in comments[:3]]).update(text_html="", text_html_version=0)

    call_command("comments_render_html", batch_size=2)
    assert "3 comment(s)" in capsys.readouterr().out
    assert not ReaderComment.objects.exclude(text_html_version=RENDER_VERSION).exists()
    assert ReaderComment.objects.get(pk=comments[0].pk).text_html == "تعليق 0<br>سطر"
    call_command("comments_render_html")
    assert "0 comment(s)" in capsys.readouterr().out

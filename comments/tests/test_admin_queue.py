"""The moderators' queue: tabs, filters, search, keyset pagination, and a query count that does not grow
with the number of comments shown."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from articles.tests.factories import ArticlePageFactory
from comments.models import CommentEvent, EventKind, Status, Verdict
from comments.tests.factories import ReaderCommentFactory

pytestmark = pytest.mark.django_db
QUEUE = "/admin/comments/"


def ids_in(response) -> list[int]:
    return [row["comment"].pk for row in response.context["rows"]]


def test_pending_queue_shows_unchecked_before_held_and_hides_the_rest(client, moderator, article):
    held = ReaderCommentFactory(article=article, status=Status.HELD, comment="محتجز")
    unchecked = ReaderCommentFactory(article=article, status=Status.UNCHECKED, comment="لم يُفحص")
    ReaderCommentFactory(article=article, status=Status.PUBLISHED)
    ReaderCommentFactory(article=article, status=Status.SPAM)

    response = client.get(QUEUE)

    assert response.status_code == 200
    assert ids_in(response) == [unchecked.pk, held.pk]
    tabs = {tab["queue"]: tab["count"] for tab in response.context["tabs"]}
    assert tabs == {"pending": 2, "published": 1, "spam": 1, "discarded": 0, "trash": 0}


def test_each_queue_lists_its_status(client, moderator, article):
    by_status = {status: ReaderCommentFactory(article=article, status=status) for status in Status.values}
    expected = {
        "published": [by_status["published"].pk],
        "spam": [by_status["spam"].pk],
        "discarded": [by_status["discarded"].pk],
        "trash": [by_status["trash"].pk],
    }
    for queue, pks in expected.items():
        assert ids_in(client.get(QUEUE, {"queue": queue})) == pks


def test_a_row_shows_the_author_the_article_links_and_the_history(client, moderator, article):
    ReaderCommentFactory.create_batch(2, article=article, user_email="known@example.com", status=Status.PUBLISHED)
    comment = ReaderCommentFactory(
        article=article,
        status=Status.HELD,
        user_name="سارة",
        user_email="known@example.com",
        user_url="https://sara.example.org/",
        ip_address="198.51.100.9",
        comment="نص طويل " * 60,
        akismet_verdict=Verdict.HAM,
    )
    CommentEvent.objects.create(comment=comment, kind=EventKind.CHECKED, verdict=Verdict.HAM)

    html = client.get(QUEUE).content.decode()

    assert "سارة" in html
    assert "known@example.com" in html and "https://sara.example.org/" in html and "198.51.100.9" in html
    row = client.get(QUEUE).context["rows"][0]
    assert row["approved"] == 2
    assert f'href="{article.url}#c{comment.pk}"' in html  # the live article
    # No link to its editor: a moderator may not open it (an editor gets one, see test_admin_scope.py).
    assert f'href="/admin/pages/{article.pk}/edit/"' not in html
    assert ("نص طويل " * 60).strip() in html  # the full text, behind the expander
    assert [event.kind for event in row["events"]] == [EventKind.CHECKED]


def test_filter_by_section_article_dates_and_verdict(client, moderator, site_tree):
    first, second = site_tree["sections"]
    in_first = ArticlePageFactory(parent=first)
    in_second = ArticlePageFactory(parent=second)
    a = ReaderCommentFactory(article=in_first, status=Status.HELD, akismet_verdict=Verdict.HAM)
    b = ReaderCommentFactory(article=in_second, status=Status.HELD, akismet_verdict=Verdict.ERROR)
    old = ReaderCommentFactory(
        article=in_second, status=Status.HELD, submit_date=timezone.now() - datetime.timedelta(days=10)
    )

    assert ids_in(client.get(QUEUE, {"section": first.pk})) == [a.pk]
    assert set(ids_in(client.get(QUEUE, {"section": second.pk}))) == {b.pk, old.pk}
    assert ids_in(client.get(QUEUE, {"article": in_first.pk})) == [a.pk]
    assert ids_in(client.get(QUEUE, {"verdict": "error"})) == [b.pk]
    week_ago = (timezone.localdate() - datetime.timedelta(days=7)).isoformat()
    assert set(ids_in(client.get(QUEUE, {"date_from": week_ago}))) == {a.pk, b.pk}
    assert ids_in(client.get(QUEUE, {"date_to": week_ago})) == [old.pk]
    # A bookmarked filter for a section that no longer exists falls back to every section.
    assert len(ids_in(client.get(QUEUE, {"section": 999999}))) == 3


def test_search_by_text_name_email_and_ip(client, moderator, article):
    target = ReaderCommentFactory(
        article=article,
        status=Status.HELD,
        user_name="خالد",
        user_email="khaled@example.net",
        ip_address="192.0.2.44",
        comment="أين المصدر؟",
    )
    ReaderCommentFactory(article=article, status=Status.HELD, ip_address="198.51.100.1")
    for query in ("المصدر", "خالد", "khaled@example", "192.0.2.44"):
        assert ids_in(client.get(QUEUE, {"q": query})) == [target.pk], query


def test_keyset_pages_walk_forwards_and_back_without_gaps(client, moderator, article):
    now = timezone.now()
    comments = [
        ReaderCommentFactory(article=article, status=Status.HELD, submit_date=now - datetime.timedelta(minutes=i))
        for i in range(7)
    ]
    newest_first = [c.pk for c in comments]

    first = client.get(QUEUE, {"per_page": 20})
    assert ids_in(first) == newest_first

    page_size = 3
    seen, url, params = [], QUEUE, {"per_page": page_size}
    pages = []
    response = client.get(url, params)
    while True:
        pages.append(response)
        seen += ids_in(response)
        next_url = response.context["next_url"]
        if not next_url:
            break
        response = client.get(next_url + f"&per_page={page_size}" if "per_page" not in next_url else next_url)
    assert seen == newest_first
    assert [len(ids_in(p)) for p in pages] == [3, 3, 1]

    back = client.get(pages[-1].context["previous_url"])
    assert ids_in(back) == newest_first[3:6]
    assert ids_in(client.get(QUEUE, {"order": "oldest", "per_page": 3})) == newest_first[::-1][:3]
    # A hand-edited cursor is ignored, not an error.
    assert client.get(QUEUE, {"after": "garbage"}).status_code == 200


@pytest.mark.parametrize("shown", [5, 50])
def test_the_queue_query_count_does_not_depend_on_the_comments_shown(
    client, moderator, article, django_assert_num_queries, shown
):
    for i in range(shown):
        comment = ReaderCommentFactory(
            article=article, status=Status.HELD, user_email=f"r{i % 7}@example.com", ip_address="203.0.113.5"
        )
        CommentEvent.objects.create(comment=comment, kind=EventKind.CHECKED, verdict=Verdict.HAM, actor=moderator)
    client.get(QUEUE)  # warm the per-process caches (content types, site root paths, status counts)

    with django_assert_num_queries(QUERY_COUNT):
        response = client.get(QUEUE, {"per_page": 50})
    assert len(response.context["rows"]) == shown


# Session, user, user and group permissions, Wagtail's user profile; the rows (one query with their
# articles), their history, the approved counts by e-mail; the site and locales for the live links;
# Wagtail's page/collection/site permission look-ups for the menu; the section choices. Fourteen, with
# 5 rows or 50.
QUERY_COUNT = 14

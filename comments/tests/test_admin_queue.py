"""The moderators' listing (Wagtail's generic index view): queue tabs with counts, filters, search,
pages, reasons as labels, export, and a query count that does not grow with the number of rows shown."""

from __future__ import annotations

import csv
import datetime
import io

import pytest
from django.utils import timezone

from articles.tests.factories import ArticlePageFactory
from comments.models import CommentEvent, EventKind, Reason, Status, Verdict
from comments.tests.factories import ReaderCommentFactory

pytestmark = pytest.mark.django_db
QUEUE = "/admin/comments/"


def ids_in(response) -> list[int]:
    return [comment.pk for comment in response.context["rows"]]


def test_pending_queue_shows_unchecked_before_held_and_hides_the_rest(client, moderator, article):
    held = ReaderCommentFactory(article=article, status=Status.HELD, comment="محتجز")
    unchecked = ReaderCommentFactory(article=article, status=Status.UNCHECKED, comment="لم يُفحص")
    ReaderCommentFactory(article=article, status=Status.PUBLISHED)
    ReaderCommentFactory(article=article, status=Status.SPAM)

    response = client.get(QUEUE)

    assert response.status_code == 200
    assert ids_in(response) == [unchecked.pk, held.pk]
    tabs = {tab["queue"]: tab["count"] for tab in response.context["tabs"]}
    assert tabs == {"pending": 2, "published": 1, "spam": 1, "discarded": 0, "trash": 0, "reported": 0}


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
    # The filter drawer's results view answers the same.
    assert ids_in(client.get(QUEUE + "results/", {"queue": "spam"})) == expected["spam"]


def test_a_row_shows_the_author_the_article_links_and_its_tools(client, moderator, article):
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

    response = client.get(QUEUE)
    html = response.content.decode()

    assert "سارة" in html
    assert "known@example.com" in html and "https://sara.example.org/" in html and "198.51.100.9" in html
    assert response.context["rows"][0].nr_approved == 2
    assert f'href="{article.url}#c{comment.pk}"' in html  # the live article
    # No link to its editor: a moderator may not open it (an editor gets one, see test_admin_scope.py).
    assert f'href="/admin/pages/{article.pk}/edit/"' not in html
    # History, reply and edit are visible links to the comment's page, not hidden behind its text.
    for anchor in ("history", "reply", "edit"):
        assert f'href="/admin/comments/{comment.pk}/#{anchor}"' in html
    # The row's actions are buttons of a form that works without JavaScript, with their shortcuts.
    assert f'action="/admin/comments/{comment.pk}/moderate/"' in html
    assert 'data-nr-shortcut="a"' in html and 'data-nr-shortcut="s"' in html

    page = client.get(f"/admin/comments/{comment.pk}/")
    assert page.status_code == 200
    assert [event.kind for event in page.context["events"]] == [EventKind.CHECKED]
    page_html = page.content.decode()
    assert ("نص طويل " * 60).strip() in page_html  # the full text
    assert 'id="history"' in page_html and 'id="reply"' in page_html and 'id="edit"' in page_html


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


def test_reasons_are_labels_on_the_row_and_a_filter(client, moderator, article):
    links = ReaderCommentFactory(article=article, status=Status.HELD, hold_reasons=[Reason.TOO_MANY_LINKS])
    first = ReaderCommentFactory(
        article=article, status=Status.HELD, hold_reasons=[Reason.FIRST_COMMENT, Reason.REPEAT_POST]
    )
    ReaderCommentFactory(article=article, status=Status.HELD, hold_reasons=[])

    assert ids_in(client.get(QUEUE, {"reason": Reason.TOO_MANY_LINKS})) == [links.pk]
    assert ids_in(client.get(QUEUE, {"reason": Reason.REPEAT_POST})) == [first.pk]
    html = client.get(QUEUE, {"reason": Reason.REPEAT_POST}).content.decode()
    reasons = html.split('class="nr-reasons"', 1)[1].split("</ul>", 1)[0]
    assert "أول تعليق لهذا المعلّق" in reasons and "تعليق مكرّر" in reasons


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


def test_pages_walk_forwards_and_back_without_gaps(client, moderator, article):
    now = timezone.now()
    comments = [
        ReaderCommentFactory(article=article, status=Status.HELD, submit_date=now - datetime.timedelta(minutes=i))
        for i in range(45)
    ]
    newest_first = [c.pk for c in comments]

    assert ids_in(client.get(QUEUE, {"per_page": 50})) == newest_first

    seen, pages = [], []
    for number in (1, 2, 3):
        response = client.get(QUEUE, {"per_page": 20, "p": number})
        pages.append(ids_in(response))
        seen += pages[-1]
    assert seen == newest_first
    assert [len(p) for p in pages] == [20, 20, 5]
    assert ids_in(client.get(QUEUE, {"per_page": 20, "p": 2})) == newest_first[20:40]
    oldest = client.get(QUEUE, {"ordering": "submitted_at", "per_page": 20})
    assert ids_in(oldest) == newest_first[::-1][:20]
    # A hand-edited page number or page size is not an error.
    assert client.get(QUEUE, {"p": "garbage"}).status_code == 200
    assert len(ids_in(client.get(QUEUE, {"per_page": "9999"}))) == 45


def test_export_the_filtered_listing_as_csv_and_xlsx(client, moderator, article):
    ReaderCommentFactory(
        article=article, status=Status.HELD, user_name="ليلى", comment="رأي", hold_reasons=[Reason.TOO_MANY_LINKS]
    )
    ReaderCommentFactory(article=article, status=Status.PUBLISHED, user_name="عمر")

    response = client.get(QUEUE, {"export": "csv"})
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert len(rows) == 2  # the heading and the one pending comment
    assert "ليلى" in rows[1] and "رأي" in rows[1] and "روابط كثيرة" in rows[1]
    xlsx = client.get(QUEUE, {"export": "xlsx", "queue": "published"})
    assert xlsx.status_code == 200 and xlsx["Content-Type"].startswith("application/vnd.openxmlformats")


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


# Session, user, user and group permissions, Wagtail's user profile; the rows and one more (one query
# with their articles: no COUNT for the pages), the approved counts by e-mail, the commenters' pages by
# e-mail; the locales; Wagtail's page/collection/site permission look-ups for the menu; the section
# choices of the filter. The same with 1 row, 5 or 50.
QUERY_COUNT = 13


@pytest.mark.parametrize("shown", [1, 60])
@pytest.mark.parametrize(
    "listing",
    [{}, {"queue": "spam"}, {"reason": "first_comment"}, {"q": "رأي"}, {"date_from": "2000-01-01"}],
    ids=["pending", "spam", "reason", "search", "date"],
)
def test_no_listing_counts_the_table_and_the_queries_stay_fixed(
    client, moderator, article, django_assert_num_queries, shown, listing
):
    """Whole queues and filtered or searched listings alike: a page is its rows (and one more), never a
    COUNT over the comments, and 1 row costs what 60 do."""
    status = Status.SPAM if listing.get("queue") == "spam" else Status.HELD
    for i in range(shown):
        ReaderCommentFactory(article=article, status=status, comment=f"رأي {i}", hold_reasons=[Reason.FIRST_COMMENT])
    client.get(QUEUE, listing)  # warm the per-process caches and the status counts

    with django_assert_num_queries(QUERY_COUNT) as queries:
        response = client.get(QUEUE, {**listing, "per_page": 50})
    assert len(response.context["rows"]) == min(shown, 50)
    # Django's QuerySet.count() (the paginator's) reads "__count"; the GROUP BYs of a page's rows do not.
    assert not [query["sql"] for query in queries if "__count" in query["sql"]]


def test_a_whole_queue_has_its_page_total_from_the_tab_count_a_filtered_one_says_page_n(client, moderator, article):
    for _i in range(45):
        ReaderCommentFactory(article=article, status=Status.HELD, hold_reasons=[Reason.FIRST_COMMENT])
    whole = client.get(QUEUE, {"per_page": 20, "p": 2}).content.decode()
    assert "الصفحة 2 من 3" in whole
    assert "45 تعليقًا" in whole

    filtered = client.get(QUEUE, {"reason": "first_comment", "per_page": 20, "p": 2})
    html = filtered.content.decode()
    assert filtered.context["page_obj"].has_next()
    assert "الصفحة 2 من" not in html
    assert "أكثر من 40 تعليقًا" in html
    last = client.get(QUEUE, {"reason": "first_comment", "per_page": 20, "p": 3})
    assert not last.context["page_obj"].has_next()
    assert "الصفحة 3 من 3" in last.content.decode() and "45 تعليقًا" in last.content.decode()
    # A page past the end (a bookmark) shows the first page.
    assert len(client.get(QUEUE, {"reason": "first_comment", "per_page": 20, "p": 9}).context["rows"]) == 20

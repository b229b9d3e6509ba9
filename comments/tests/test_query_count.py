"""The article page costs the same number of queries with 50 and with 500 comments (the thread's outline
and one page of it), one fewer with none (no page of comments to read); once a page of comments is
rendered, the next reader's view reads neither until the thread changes."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from comments import services
from comments.models import Status
from comments.tests.factories import ReaderCommentFactory


def count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def comment_items(response) -> int:
    html = response.content.decode()
    return html.count('class="comment"') + html.count('class="comment comment--staff"')


@pytest.mark.django_db
def test_article_page_query_count_is_the_same_with_50_and_500_comments(client, article, django_assert_num_queries):
    client.get(article.url)  # warm per-process caches (content types, site settings)
    services.thread_changed(article_id=article.pk)  # the next view renders the (empty) thread again
    empty = count_queries(client, article.url)

    tops = [ReaderCommentFactory(article=article) for _ in range(40)]
    for parent in tops[:5]:
        reply = ReaderCommentFactory(article=article, parent=parent)
        ReaderCommentFactory(article=article, parent=reply)
    ReaderCommentFactory.create_batch(5, article=article, status=Status.HELD)  # not shown
    with django_assert_num_queries(empty + 1):
        response = client.get(article.url)
    assert comment_items(response) == 50
    assert "50 تعليقاً" in response.content.decode()

    # The next reader gets the same page of comments without the thread's two queries.
    with django_assert_num_queries(empty - 1):
        again = client.get(article.url)
    assert comment_items(again) == 50

    more = [ReaderCommentFactory(article=article) for _ in range(400)]
    for parent in more[:25]:
        reply = ReaderCommentFactory(article=article, parent=parent)
        ReaderCommentFactory(article=article, parent=reply)
    with django_assert_num_queries(empty + 1):
        response = client.get(article.url)
    # 500 comments, and the page holds the first 50 threads with their replies: the first 40 (10 replies)
    # and 10 of the new ones (each with two replies).
    assert "500 تعليق" in response.content.decode()
    assert comment_items(response) == 40 + 10 + 10 + 20

"""The article page costs the same number of queries with 0 and with 200 comments (one for the thread)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from comments.models import Status
from comments.tests.factories import ReaderCommentFactory


def count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.django_db
def test_article_page_query_count_is_the_same_with_0_and_200_comments(client, article, django_assert_num_queries):
    client.get(article.url)  # warm per-process caches (content types, site settings)
    empty = count_queries(client, article.url)

    tops = [ReaderCommentFactory(article=article) for _ in range(100)]
    for parent in tops[:50]:
        reply = ReaderCommentFactory(article=article, parent=parent)
        ReaderCommentFactory(article=article, parent=reply)
    ReaderCommentFactory.create_batch(5, article=article, status=Status.HELD)  # not shown

    with django_assert_num_queries(empty):
        response = client.get(article.url)
    assert (
        response.content.decode().count('class="comment"')
        + response.content.decode().count('class="comment comment--staff"')
        == 200
    )
    assert "200 تعليق" in response.content.decode()

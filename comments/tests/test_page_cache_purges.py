"""Comments and the readers' page cache: a comment's change retires its article's cached pages (every
comment page of it) at once, here and at the CDN, and nothing else; a featured one its section's too."""

from __future__ import annotations

import pytest
from django.test import Client

from articles.tests.pagecache_helpers import listing, page_cache_on, recording_cdn, story_tree
from comments.models import Status
from comments.services import approve, comment_delete, comment_feature, edit_text, unapprove
from comments.tests.factories import ReaderCommentFactory


@pytest.fixture
def reader():
    return Client()


@pytest.fixture(autouse=True)
def whole_page_cache(settings):
    page_cache_on(settings)


@pytest.fixture
def cdn(settings):
    yield from recording_cdn(settings)


@pytest.fixture
def tree(site_tree):
    return story_tree(site_tree)


@pytest.mark.django_db
def test_a_published_comment_shows_at_once_on_every_comment_page_of_the_article(reader, tree):
    article = tree["article"]
    for url in (article.url, f"{article.url}?comments=2"):
        reader.get(url)
    comment = ReaderCommentFactory(article=article, status=Status.HELD, comment="تعليق ينتظر النشر")
    assert reader.get(article.url)["X-Page-Cache"] == "hit"
    approve(comment=comment, actor=None)
    for url in (article.url, f"{article.url}?comments=2"):
        response = reader.get(url)
        assert response["X-Page-Cache"] == "miss"
    assert "تعليق ينتظر النشر" in reader.get(article.url).content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("event", ["published", "hidden", "edited", "deleted"])
def test_a_comment_change_purges_only_its_article(tree, cdn, django_capture_on_commit_callbacks, event):
    article = tree["article"]
    comment = ReaderCommentFactory(article=article, status=Status.HELD if event == "published" else Status.PUBLISHED)
    with django_capture_on_commit_callbacks(execute=True):
        if event == "published":
            approve(comment=comment, actor=None)
        elif event == "hidden":
            unapprove(comment=comment, actor=None)
        elif event == "edited":
            edit_text(comment=comment, actor=None, text="نص معدّل")
        else:
            comment_delete(comment=comment)
    assert set(cdn) == {f"http://localhost{article.url}"}


@pytest.mark.django_db
def test_a_featured_comment_also_purges_its_sections_page(tree, cdn, django_capture_on_commit_callbacks):
    article, news = tree["article"], tree["news"]
    comment = ReaderCommentFactory(article=article, status=Status.PUBLISHED)
    with django_capture_on_commit_callbacks(execute=True):
        comment_feature(comment=comment, actor=None)
    assert set(cdn) == {f"http://localhost{article.url}", *listing(f"http://localhost{news.url}")}
    cdn.clear()
    with django_capture_on_commit_callbacks(execute=True):
        unapprove(comment=comment, actor=None)
    assert set(cdn) == {f"http://localhost{article.url}", *listing(f"http://localhost{news.url}")}

"""Featured comments: a moderator or editor features a published comment (a row action and a bulk
action, through the service); it shows first on the article with a badge, and a JSON-LD block marks it."""

from __future__ import annotations

import json
import re

import pytest
from django.urls import reverse

from comments import services
from comments.models import CommentEvent, EventKind, Status
from comments.tests.factories import ReaderCommentFactory

pytestmark = pytest.mark.django_db
BADGE = "اختاره المحررون"


def json_ld_blocks(html: str) -> list[dict]:
    return [json.loads(m) for m in re.findall(r'<script type="application/ld\+json"[^>]*>(.*?)</script>', html, re.S)]


def test_a_featured_comment_is_first_with_a_badge_and_json_ld(client, article, moderator_account):
    older = ReaderCommentFactory(article=article, status=Status.PUBLISHED, comment="أول تعليق")
    later = ReaderCommentFactory(
        article=article, status=Status.PUBLISHED, comment="تعليق مميز </script><b>", user_name="ليلى"
    )
    services.comment_feature(comment=later, actor=moderator_account)

    html = client.get(article.url).content.decode()
    assert html.index(f'id="c{later.pk}"') < html.index(f'id="c{older.pk}"')
    assert html.count(BADGE) == 1
    comments = [block for block in json_ld_blocks(html) if "comment" in block]
    assert len(comments) == 1
    (marked,) = comments[0]["comment"]
    assert marked["@type"] == "Comment"
    assert marked["author"] == {"@type": "Person", "name": "ليلى"}
    assert marked["text"] == "تعليق مميز </script><b>"
    assert marked["dateCreated"].startswith(str(later.submit_date.year))
    assert "</script><b>" not in html  # escaped inside the script, escaped in the page
    event = CommentEvent.objects.get(comment=later, kind=EventKind.FEATURED)
    assert event.actor == moderator_account

    services.comment_unfeature(comment=later, actor=moderator_account)
    html = client.get(article.url).content.decode()
    assert BADGE not in html
    assert not [block for block in json_ld_blocks(html) if "comment" in block]


def test_only_a_published_comment_can_be_featured(article, moderator_account):
    held = ReaderCommentFactory(article=article, status=Status.HELD)
    services.comment_feature(comment=held, actor=moderator_account)
    held.refresh_from_db()
    assert held.featured_at is None


def test_feature_as_a_row_action_and_a_bulk_action(client, moderator, article):
    one = ReaderCommentFactory(article=article, status=Status.PUBLISHED)
    two = ReaderCommentFactory(article=article, status=Status.PUBLISHED)
    response = client.post(reverse("comments_admin:moderate", args=[one.pk]), {"action": "feature"})
    assert response.status_code == 302
    one.refresh_from_db()
    assert one.featured_at is not None

    url = reverse("wagtail_bulk_action", args=["comments", "readercomment", "feature"])
    response = client.post(f"{url}?id={one.pk}&id={two.pk}&next=/admin/comments/")
    assert response.status_code == 302
    two.refresh_from_db()
    assert two.featured_at is not None
    assert CommentEvent.objects.filter(kind=EventKind.FEATURED).count() == 2  # the first was featured already

    html = client.get("/admin/comments/", {"queue": "published"}).content.decode()
    assert "إيقاف التمييز" in html  # "Stop featuring" on the featured rows

"""The commenters' pages in the workspace: the listing (search by address, filter by trust, the same
queries with 5 or 50 rows), a commenter's page (comments by status, approval rate, reports, first and last
seen, IPs), setting trust with a note from the page, and the link from a comment row."""

from __future__ import annotations

import datetime
import re

import pytest
from django.contrib.auth.models import Group, User
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from comments import services
from comments.models import Commenter, CommenterEvent, CommentReport, Status, Trust
from comments.tests.factories import ReaderCommentFactory
from comments.tests.test_arabic_pages_have_no_english import english_leftovers, main_of

pytestmark = pytest.mark.django_db
LISTING = "/admin/comments/commenters/"


def listing_queries(client, count: int) -> int:
    Commenter.objects.all().delete()
    for n in range(count):
        email = f"reader{n:03}@example.com"
        Commenter.objects.create(email=email, trust=Trust.TRUSTED if n % 2 else Trust.NORMAL)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(LISTING)
    assert response.status_code == 200
    assert len(re.findall(r'<a href="/admin/comments/commenters/\d+/">', response.content.decode())) == count
    return len(queries)


def test_the_listing_costs_the_same_queries_with_5_and_50_rows(client, moderator, article):
    for n in range(50):
        ReaderCommentFactory(article=article, user_email=f"Reader{n:03}@example.com", status=Status.PUBLISHED)
    client.get(LISTING)  # warm per-process caches
    assert (listing_queries(client, 5), listing_queries(client, 50)) == (LISTING_QUERIES, LISTING_QUERIES)


# Session, user, user and group permissions, Wagtail's user profile; the paginator's count, the rows, the
# approved counts by e-mail (one GROUP BY for the page); the locales; the menu's permission look-ups.
LISTING_QUERIES = 12


def test_search_by_address_and_filter_by_trust(client, moderator):
    Commenter.objects.create(email="sara@example.com", trust=Trust.BANNED)
    Commenter.objects.create(email="omar@example.com")
    html = client.get(LISTING, {"q": "SARA@"}).content.decode()
    assert "sara@example.com" in html and "omar@example.com" not in html
    html = client.get(LISTING, {"trust": "banned"}).content.decode()
    assert "sara@example.com" in html and "omar@example.com" not in html


def test_the_commenters_page_shows_their_record(client, moderator, article):
    commenter = Commenter.objects.create(email="sara@example.com")
    first = timezone.now() - datetime.timedelta(days=30)
    published = ReaderCommentFactory(
        article=article, user_email="Sara@example.com", status=Status.PUBLISHED, ip_address="198.51.100.4"
    )
    ReaderComment = type(published)
    ReaderComment.objects.filter(pk=published.pk).update(submitted_at=first)
    ReaderCommentFactory(article=article, user_email="sara@example.com", status=Status.PUBLISHED)
    ReaderCommentFactory(article=article, user_email="sara@example.com", status=Status.PUBLISHED)
    ReaderCommentFactory(article=article, user_email="sara@example.com", status=Status.SPAM, comment="رسالة مزعجة")
    ReaderCommentFactory(article=article, user_email="sara@example.com", status=Status.HELD)
    ReaderCommentFactory(article=article, user_email="other@example.com", status=Status.SPAM)
    CommentReport.objects.create(comment=published, reason="abusive", reader_key="a", ip_address="192.0.2.1")
    CommentReport.objects.create(comment=published, reason="spam", reader_key="b", ip_address="192.0.2.2")

    response = client.get(reverse("comments_admin:commenter", args=[commenter.pk]))
    assert response.status_code == 200
    context = response.context
    counts = {row["status"]: row["count"] for row in context["counts"]}
    assert (counts["published"], counts["spam"], counts["held"], context["total"]) == (3, 1, 1, 5)
    assert context["approval_rate"] == 75  # 3 published of 4 decided (held is not decided yet)
    assert context["reports"] == 2
    assert context["first_seen"] == ReaderComment.objects.get(pk=published.pk).submitted_at
    assert [ip["ip_address"] for ip in context["ips"]][-1] == "198.51.100.4"
    html = response.content.decode()
    assert "رسالة مزعجة" in html
    assert "75%" in html


def test_setting_trust_from_the_page_keeps_who_and_why(client, moderator, article):
    commenter = Commenter.objects.create(email="troll@example.com")
    url = reverse("comments_admin:commenter", args=[commenter.pk])
    refused = client.post(url, {"trust": "banned", "note": ""})
    assert refused.status_code == 200  # the note is required: the form comes back
    assert Commenter.objects.get(pk=commenter.pk).trust == Trust.NORMAL

    response = client.post(url, {"trust": "banned", "note": "شتائم متكررة"})
    assert response.status_code == 302
    event = CommenterEvent.objects.get()
    assert (event.commenter, event.to_trust, event.actor, event.note) == (
        commenter,
        Trust.BANNED,
        moderator,
        "شتائم متكررة",
    )
    assert "شتائم متكررة" in client.get(url).content.decode()


def test_a_comment_rows_address_links_to_the_commenters_page(
    client, moderator_account, article, fake_akismet, post_comment
):
    post_comment(article, email="Nour@Example.com")  # posting makes the commenter's row
    client.force_login(moderator_account)
    commenter = Commenter.objects.get(email="nour@example.com")
    html = client.get("/admin/comments/", {"queue": "pending"}).content.decode()
    assert f'href="{reverse("comments_admin:commenter", args=[commenter.pk])}"' in html


def test_auto_trust_on_the_page_says_automatic(client, moderator, article, settings):
    settings.COMMENTS = {**settings.COMMENTS, "TRUST_AFTER_APPROVED": 1}
    services.approve(
        comment=ReaderCommentFactory(article=article, user_email="a@example.com", status=Status.HELD), actor=moderator
    )
    commenter = Commenter.objects.get(email="a@example.com")
    html = client.get(reverse("comments_admin:commenter", args=[commenter.pk])).content.decode()
    assert commenter.trust == Trust.TRUSTED
    assert "وُثق به تلقائياً: تعليقات معتمدة كافية" in html
    assert "تلقائي" in html


def test_the_commenter_pages_have_no_english(client, article):
    user = User.objects.create_user("muna", "muna@example.com", "pw")
    user.groups.add(Group.objects.get(name="Moderators"))
    client.force_login(user)
    ReaderCommentFactory(
        article=article,
        status=Status.PUBLISHED,
        user_name="Sara",
        user_email="sara@example.com",
        ip_address="203.0.113.7",
    )
    commenter = Commenter.objects.create(email="sara@example.com")
    services.commenter_set_trust(email="sara@example.com", trust=Trust.PREMODERATED, actor=user, note="ردود حادة")
    ignore = ("Sara", "sara@example.com", "muna", "Actions", "203.0.113.7")
    for url in (LISTING, reverse("comments_admin:commenter", args=[commenter.pk])):
        main = main_of(client.get(url).content.decode())
        assert english_leftovers(main, ignore=ignore) == [], url

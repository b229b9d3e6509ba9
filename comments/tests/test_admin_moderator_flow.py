"""Done when: a Moderators user logs into the Arabic admin, sees the held comments of one section,
approves one and marks another as spam (the Akismet stand-in receives submit-spam), and cannot open an
article's editor. Plus the panels moderators and editors see."""

from __future__ import annotations

import datetime
import re

import pytest
from django.contrib.auth.models import Group, User
from django.utils import timezone

from articles.tests.factories import ArticlePageFactory
from comments.models import AkismetHealth, ReaderComment, Status
from comments.tests.factories import ReaderCommentFactory

pytestmark = pytest.mark.django_db


def test_a_moderator_works_the_held_comments_of_one_section_in_arabic(
    client, moderator_account, site_tree, fake_akismet
):
    news, opinion = site_tree["sections"]
    news_article = ArticlePageFactory(parent=news)
    opinion_article = ArticlePageFactory(parent=opinion)
    good = ReaderCommentFactory(article=news_article, status=Status.HELD, comment="تعليق مفيد")
    bad = ReaderCommentFactory(
        article=news_article,
        status=Status.HELD,
        user_name="بائع",
        comment="اشترِ الآن",
        akismet_payload={"user_ip": "198.51.100.66", "comment_author": "بائع", "comment_content": "اشترِ الآن"},
    )
    elsewhere = ReaderCommentFactory(article=opinion_article, status=Status.HELD)

    response = client.post("/admin/login/", {"username": "moderator", "password": "secret-pass-123"})
    assert response.status_code == 302

    queue = client.get("/admin/comments/", {"section": news.pk})
    html = queue.content.decode()
    assert '<html lang="ar" dir="rtl"' in html.replace("  ", " ")
    assert "التعليقات" in html  # the Arabic admin's heading and menu
    assert "موافقة" in html and "وسم كمزعج" in html  # the row actions in Arabic
    shown = [comment.pk for comment in queue.context["rows"]]
    assert set(shown) == {good.pk, bad.pk} and elsewhere.pk not in shown

    client.post(f"/admin/comments/{good.pk}/moderate/", {"action": "approve", "next": queue.request["PATH_INFO"]})
    client.post(f"/admin/comments/{bad.pk}/moderate/", {"action": "spam"})

    assert ReaderComment.objects.get(pk=good.pk).status == Status.PUBLISHED
    assert ReaderComment.objects.get(pk=bad.pk).status == Status.SPAM
    [report] = fake_akismet.requests_to("submit-spam")
    assert report.value("comment_author") == "بائع"
    assert report.value("user_ip") == "198.51.100.66"

    editor = client.get(f"/admin/pages/{news_article.pk}/edit/")
    assert editor.status_code == 302 and editor["Location"] == "/admin/"


def test_the_dashboard_shows_held_comments_spam_per_day_and_akismet_state(client, article, settings):
    settings.AKISMET_API_KEY, settings.AKISMET_BLOG_URL = "key", "http://testserver/"
    admin = User.objects.create_superuser("admin", "a@example.com", "pw")
    client.force_login(admin)
    ReaderCommentFactory.create_batch(3, article=article, status=Status.HELD)
    ReaderCommentFactory.create_batch(2, article=article, status=Status.SPAM)
    ReaderCommentFactory(
        article=article, status=Status.DISCARDED, submit_date=timezone.now() - datetime.timedelta(days=2)
    )
    ReaderCommentFactory(article=article, status=Status.SPAM, submit_date=timezone.now() - datetime.timedelta(days=9))
    AkismetHealth.objects.update_or_create(
        pk=1,
        defaults={
            "last_success_at": timezone.now() - datetime.timedelta(hours=1),
            "last_error_at": timezone.now(),
            "last_error": "Akismet timed out",
        },
    )

    html = client.get("/admin/").content.decode()

    assert 'id="comments-dashboard-section"' in html
    assert "تعليقات القرّاء" in html  # the panel's heading, in Arabic
    assert '<span class="nr-big">3</span>' in html
    bars = [int(v) for v in re.findall(r"<title>[^<]*: (\d+)</title>", html)]
    assert len(bars) == 7 and bars[-1] == 2 and bars[-3] == 1 and sum(bars) == 3  # the 9-day-old one is out
    assert "Akismet timed out" in html
    assert "nr-status--spam" in html  # failing: the last error is newer than the last success


def test_the_dashboard_says_when_akismet_is_not_configured(client, settings):
    settings.AKISMET_API_KEY = ""
    client.force_login(User.objects.create_superuser("admin", "a@example.com", "pw"))
    html = client.get("/admin/").content.decode()
    assert "w-status--primary" in html.split("comments-dashboard", 1)[1]


def test_the_dashboard_before_akismet_was_ever_asked_writes_nothing(client, settings):
    """Reading Akismet's state is a read: with no outcome recorded yet the panel says "never" and no row
    is made; the first answer from Akismet makes it."""
    settings.AKISMET_API_KEY, settings.AKISMET_BLOG_URL = "key", "http://testserver/"
    client.force_login(User.objects.create_superuser("admin", "a@example.com", "pw"))
    html = client.get("/admin/").content.decode()
    assert 'id="comments-dashboard-section"' in html
    assert not AkismetHealth.objects.exists()


def test_reporters_do_not_get_the_comments_panel_or_menu(client, article):
    reporter = User.objects.create_user("rep", "r@example.com", "pw")
    reporter.groups.add(Group.objects.get(name="Reporters"))
    client.force_login(reporter)
    html = client.get("/admin/").content.decode()
    assert "comments-dashboard" not in html
    assert "&quot;name&quot;: &quot;comments&quot;" not in html and '"name": "comments"' not in html


def test_the_article_editor_shows_its_comment_counts_and_the_switch(client, article):
    editor = User.objects.create_user("ed", "e@example.com", "pw")
    editor.groups.add(Group.objects.get(name="Editors"))
    client.force_login(editor)
    ReaderCommentFactory.create_batch(2, article=article, status=Status.HELD)
    ReaderCommentFactory(article=article, status=Status.PUBLISHED)

    html = client.get(f"/admin/pages/{article.pk}/edit/").content.decode()

    assert 'name="comments_open"' in html
    assert f'href="/admin/comments/?queue=pending&amp;article={article.pk}"' in html
    assert f'href="/admin/comments/?queue=published&amp;article={article.pk}"' in html
    counts = html.split("nr-article-counts", 1)[1].split("</ul>", 1)[0]
    assert ": 2</a>" in counts and ": 1</a>" in counts

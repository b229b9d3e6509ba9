"""Scheduled publishing fires without cron: `run_scheduler` publishes and expires pages on time."""

from __future__ import annotations

import datetime
import io

import pytest
from django.core.management import call_command
from django.utils import timezone
from wagtail.models import Revision

from articles.models import ArticlePage
from articles.tests.factories import ArticlePageFactory

pytestmark = pytest.mark.django_db


def test_an_editors_scheduled_article_goes_live_when_its_time_comes(site_tree):
    section = site_tree["sections"][0]
    article = ArticlePageFactory(parent=section, live=False, title="خبر مجدول")
    article.go_live_at = timezone.now() + datetime.timedelta(minutes=5)
    article.save_revision().publish()
    article.refresh_from_db()
    assert not article.live, "a future go-live time must keep the article off the site"
    revision = Revision.page_revisions.get(object_id=str(article.pk), approved_go_live_at__isnull=False)

    call_command("run_scheduler", "--once", stdout=io.StringIO())
    article.refresh_from_db()
    assert not article.live, "the scheduler must not publish before the time"

    # Time passes: the go-live moment (approved, and in the revision's content) is now in the past.
    past = timezone.now() - datetime.timedelta(seconds=1)
    revision.content["go_live_at"] = past.isoformat()
    revision.approved_go_live_at = past
    revision.save(update_fields=["content", "approved_go_live_at"])
    call_command("run_scheduler", "--once", stdout=io.StringIO())

    article.refresh_from_db()
    assert article.live
    assert article.title == "خبر مجدول"
    assert not Revision.objects.filter(approved_go_live_at__isnull=False).exists()


def test_an_expired_article_is_taken_down(site_tree):
    article = ArticlePageFactory(parent=site_tree["sections"][0])
    ArticlePage.objects.filter(pk=article.pk).update(expire_at=timezone.now() - datetime.timedelta(seconds=1))

    call_command("run_scheduler", "--once", stdout=io.StringIO())

    article.refresh_from_db()
    assert not article.live
    assert article.expired

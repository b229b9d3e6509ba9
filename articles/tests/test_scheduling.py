"""Scheduled publishing fires without cron: `run_scheduler` publishes and expires pages on time."""

from __future__ import annotations

import datetime
import io
import os
import signal

import pytest
from django.core.management import call_command
from django.utils import timezone
from django_tasks import task
from wagtail.models import Revision

from articles.management.commands import run_scheduler
from articles.models import ArticlePage
from articles.tests.factories import ArticlePageFactory

pytestmark = pytest.mark.django_db

ENQUEUED: list[str] = []


@task()
def record_tick():
    ENQUEUED.append("ran")


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


def test_periodic_jobs_are_enqueued_and_missing_ones_skipped(monkeypatch):
    ENQUEUED.clear()
    monkeypatch.setattr(
        run_scheduler,
        "PERIODIC_JOBS",
        (
            run_scheduler.PeriodicJob(f"{__name__}.record_tick", every=60),
            run_scheduler.PeriodicJob("comments.no_such_module.job", every=60),
        ),
    )
    call_command("run_scheduler", "--once", stdout=io.StringIO())
    assert ENQUEUED == ["ran"]


def test_periodic_jobs_wait_for_their_interval_between_ticks(monkeypatch):
    ENQUEUED.clear()
    monkeypatch.setattr(run_scheduler, "PERIODIC_JOBS", (run_scheduler.PeriodicJob(f"{__name__}.record_tick", 600),))
    command = run_scheduler.Command(stdout=io.StringIO())
    last_run: dict[str, float] = {}
    command.tick(last_run)
    command.tick(last_run)
    assert ENQUEUED == ["ran"], "a job runs once per interval, not once per tick"


def test_sigterm_stops_the_loop_after_the_current_tick(monkeypatch):
    ticks = []

    def tick_then_get_terminated(self, last_run, *, force_jobs=False):
        ticks.append(1)
        os.kill(os.getpid(), signal.SIGTERM)

    monkeypatch.setattr(run_scheduler.Command, "tick", tick_then_get_terminated)
    out = io.StringIO()
    call_command("run_scheduler", "--interval", "30", stdout=out)
    assert ticks == [1]
    assert "Scheduler stopped." in out.getvalue()
    assert signal.getsignal(signal.SIGTERM) is not tick_then_get_terminated

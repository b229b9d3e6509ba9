"""The "most read" list: anonymous daily view counts sent by the article page, summed over recent days."""

from __future__ import annotations

import datetime

import pytest
from bs4 import BeautifulSoup
from django.conf import settings
from django.db import connection
from django.utils import timezone

from articles import selectors, services
from articles.models import ArticleDailyViews
from articles.tasks import prune_article_daily_views
from articles.tests.factories import ArticlePageFactory, translate
from core.periodic import periodic_jobs

pytestmark = pytest.mark.django_db


def views(article, *, days_ago: int, count: int) -> None:
    ArticleDailyViews.objects.create(
        article=article, day=timezone.localdate() - datetime.timedelta(days=days_ago), views=count
    )


def beacon(client, article, **headers):
    return client.post(f"/views/{article.pk}/", **headers)


def test_a_beacon_counts_a_view_for_today_and_stores_nothing_about_the_reader(client, site_tree):
    story = ArticlePageFactory(parent=site_tree["sections"][0])
    first = beacon(client, story, headers={"Sec-Fetch-Site": "same-origin"})
    assert first.status_code == 204
    assert not first.cookies and "no-cache" in first["Cache-Control"]
    beacon(client, story, REMOTE_ADDR="203.0.113.9")
    row = ArticleDailyViews.objects.get()
    assert (row.article_id, row.day, row.views) == (story.pk, timezone.localdate(), 2)
    stored = [str(getattr(row, field.attname)) for field in ArticleDailyViews._meta.fields]
    assert "203.0.113.9" not in stored


def test_a_beacon_for_a_draft_a_missing_page_or_from_another_site_counts_nothing(client, site_tree):
    section = site_tree["sections"][0]
    draft = ArticlePageFactory(parent=section, live=False)
    story = ArticlePageFactory(parent=section)
    assert beacon(client, draft).status_code == 404
    assert client.post("/views/999999/").status_code == 404
    assert beacon(client, story, headers={"Sec-Fetch-Site": "cross-site"}).status_code == 403
    assert client.get(f"/views/{story.pk}/").status_code == 405
    assert not ArticleDailyViews.objects.exists()


def test_most_read_sums_the_recent_days_and_leaves_out_older_and_unpublished_ones(site_tree, settings):
    settings.NEWSROOM = {**settings.NEWSROOM, "MOST_READ_DAYS": 2, "MOST_READ_COUNT": 3}
    section = site_tree["sections"][0]
    steady, spike, old, withdrawn, quiet = (ArticlePageFactory(parent=section) for _ in range(5))
    views(steady, days_ago=0, count=60)
    views(steady, days_ago=1, count=60)  # 120 over two days
    views(spike, days_ago=0, count=100)
    views(old, days_ago=2, count=5000)  # outside the window
    views(withdrawn, days_ago=0, count=900)
    withdrawn.unpublish()
    views(quiet, days_ago=1, count=1)
    ranked = selectors.most_read(locale=site_tree["home"].locale_id)
    assert [(a.pk, a.recent_views) for a in ranked] == [(steady.pk, 120), (spike.pk, 100), (quiet.pk, 1)]


def test_most_read_is_per_edition(site_tree):
    story = ArticlePageFactory(parent=site_tree["sections"][0])
    english = translate(story, "en", title="An English story")
    views(english, days_ago=0, count=10)
    assert selectors.most_read(locale=story.locale_id) == []
    assert [a.pk for a in selectors.most_read(locale=english.locale_id)] == [english.pk]


def test_most_read_is_one_query_reading_the_day_index(site_tree, django_assert_num_queries):
    """The recent days' counters are found through the (day, article, views) index, however many older
    days and articles there are."""
    story = ArticlePageFactory(parent=site_tree["sections"][0])
    views(story, days_ago=0, count=3)
    with django_assert_num_queries(1):
        selectors.most_read(locale=story.locale_id)
    since = timezone.localdate() - datetime.timedelta(days=settings.NEWSROOM["MOST_READ_DAYS"] - 1)
    query = ArticleDailyViews.objects.filter(day__gte=since).values("article_id", "views").query
    sql, params = query.sql_with_params()
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
            plan = " ".join(str(row[-1]) for row in cursor.fetchall())
            assert "USING COVERING INDEX articles_views_recent (day>?)" in plan, plan
        else:
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute(f"EXPLAIN {sql}", params)
            plan = " ".join(row[0] for row in cursor.fetchall())
            # An index-only or a bitmap scan, depending on the visibility map: the day range on our index.
            assert "on articles_views_recent" in plan and "Index Cond: (day >=" in plan, plan


def test_the_front_page_and_the_article_show_the_most_read_in_order(client, site_tree):
    section = site_tree["sections"][0]
    second = ArticlePageFactory(parent=section, title="الثاني")
    first = ArticlePageFactory(parent=section, title="الأول")
    views(first, days_ago=0, count=50)
    views(second, days_ago=0, count=20)
    home = BeautifulSoup(client.get(site_tree["home"].url).content, "html.parser")
    listed = home.select(".front-top .most-read .most-read__link")
    assert [(a.get_text(), a["href"]) for a in listed] == [("الأول", first.url), ("الثاني", second.url)]
    assert home.select_one("#most-read-heading").get_text() == "الأكثر قراءة"
    article = BeautifulSoup(client.get(second.url).content, "html.parser")
    assert [a.get_text() for a in article.select("aside.most-read .most-read__link")] == ["الأول", "الثاني"]
    assert article.select_one(".article")["data-view-beacon"] == f"/views/{second.pk}/"


def test_unpublishing_takes_an_article_off_the_cached_list_at_once(client, site_tree):
    story = ArticlePageFactory(parent=site_tree["sections"][0], title="خبر سيُسحب")
    views(story, days_ago=0, count=50)
    assert "خبر سيُسحب" in client.get(site_tree["home"].url).content.decode()
    story.unpublish()
    home = BeautifulSoup(client.get(site_tree["home"].url).content, "html.parser")
    assert home.select_one(".most-read") is None


def test_no_most_read_column_without_counts(client, site_tree):
    ArticlePageFactory(parent=site_tree["sections"][0])
    home = BeautifulSoup(client.get(site_tree["home"].url).content, "html.parser")
    assert home.select_one(".most-read") is None and home.select_one(".front-top__lead")


def test_the_first_view_of_a_day_is_recorded_even_when_another_request_creates_the_row(site_tree, monkeypatch):
    story = ArticlePageFactory(parent=site_tree["sections"][0])
    real_published_articles = services.published_articles

    def another_worker_counts_first(**kwargs):  # runs between our UPDATE (no row yet) and our INSERT
        ArticleDailyViews.objects.create(article=story, day=timezone.localdate(), views=1)
        return real_published_articles(**kwargs)

    monkeypatch.setattr(services, "published_articles", another_worker_counts_first)
    assert services.article_view_record(article_id=story.pk)
    assert ArticleDailyViews.objects.get().views == 2


def test_the_daily_job_prunes_counters_older_than_the_window_and_its_margin_in_batches(site_tree, settings):
    """Window of 2 days (today and yesterday) plus 3 days kept: counters of 4 days ago stay, 5 days ago go."""
    settings.NEWSROOM = {**settings.NEWSROOM, "MOST_READ_DAYS": 2, "MOST_READ_KEEP_DAYS_AFTER": 3}
    section = site_tree["sections"][0]
    articles = [ArticlePageFactory(parent=section) for _ in range(3)]
    for article in articles:
        for days_ago in (0, 1, 4, 5, 30):
            views(article, days_ago=days_ago, count=10)

    assert services.article_daily_views_prune(batch_size=2) == 6

    kept = sorted(
        {(timezone.localdate() - day).days for day in ArticleDailyViews.objects.values_list("day", flat=True)}
    )
    assert kept == [0, 1, 4]
    assert ArticleDailyViews.objects.count() == 9
    assert services.article_daily_views_prune() == 0


def test_the_scheduler_runs_the_pruning_daily(site_tree):
    job = next(job for job in periodic_jobs() if job.name == "articles.tasks.prune_article_daily_views")
    assert job.every == datetime.timedelta(days=1)
    views(ArticlePageFactory(parent=site_tree["sections"][0]), days_ago=400, count=1)
    prune_article_daily_views.call()
    assert not ArticleDailyViews.objects.exists()

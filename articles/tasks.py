"""Background work for articles (django-tasks): renditions are made after publishing, by a worker,
rather than by the first reader's request; the old "most read" counters are pruned daily (registered with
core's scheduler in ArticlesConfig.ready)."""

from __future__ import annotations

from django_tasks import task

from .models import ArticlePage
from .services import article_daily_views_prune, article_renditions_warm


@task()
def warm_article_renditions(page_id: int) -> int:
    article = ArticlePage.objects.live().filter(pk=page_id).select_related("lead_image").first()
    if article is None:  # unpublished or deleted before the worker got to it
        return 0
    return article_renditions_warm(article=article)


@task()
def prune_article_daily_views() -> int:
    return article_daily_views_prune()

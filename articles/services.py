"""Writes and background work for articles.

`article_renditions_warm` makes every image rendition the public templates ask for, so the first reader
of a freshly published article (or of the demo site after `load_demo`) does not wait for Pillow. The
filter specs below are the templates' own, read from:

- templates/includes/cards/article_card.html: `format-{webp,jpeg} fill-{480x270,960x540,1280x720}`
  (the lead card uses all three sizes, the other cards the first two);
- templates/articles/article_page.html: `format-{webp,jpeg} width-{480,800,1200,1600}` for the lead image;
- templates/articles/blocks/image.html: `format-{webp,jpeg} width-{480,800,1200}` for body images;
- articles/seo.py: the social card (OpenGraph, X, JSON-LD) and the feeds' enclosure.

Keep them in step when a template's {% picture %} changes: a spec missing here only means that one
rendition is made on the first view, as before.
"""

from __future__ import annotations

import datetime
import logging

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.utils import timezone
from wagtail.images.models import Filter

from .models import ArticleDailyViews, ArticlePage
from .selectors import published_articles
from .seo import FEED_IMAGE_FILTER, SOCIAL_IMAGE_FILTER

logger = logging.getLogger(__name__)

CARD_SPECS = "format-{webp,jpeg} fill-{480x270,960x540,1280x720}"
LEAD_IMAGE_SPECS = "format-{webp,jpeg} width-{480,800,1200,1600}"
BODY_IMAGE_SPECS = "format-{webp,jpeg} width-{480,800,1200}"


def _specs(pattern: str) -> list[str]:
    # The same expansion {% picture %} does, so the renditions made here are the ones it looks up.
    return Filter.expand_spec(pattern)


def lead_image_filter_specs() -> list[str]:
    return list(dict.fromkeys([*_specs(CARD_SPECS), *_specs(LEAD_IMAGE_SPECS), SOCIAL_IMAGE_FILTER, FEED_IMAGE_FILTER]))


def body_image_filter_specs() -> list[str]:
    return _specs(BODY_IMAGE_SPECS)


def article_renditions_warm(*, article: ArticlePage) -> int:
    """Create the renditions `article`'s lead image and body images will be shown in; returns how many
    images were warmed. Existing renditions are found, not remade, so calling it twice is cheap. An image
    whose file is missing is logged and skipped: warming must never fail a publish."""
    jobs = []
    if article.lead_image_id:
        jobs.append((article.lead_image, lead_image_filter_specs()))
    body_specs = body_image_filter_specs()
    for block in article.body:
        if block.block_type == "image" and block.value.get("image") is not None:
            jobs.append((block.value["image"], body_specs))
    warmed = 0
    for image, specs in jobs:
        try:
            image.get_renditions(*specs)
        except Exception:  # a missing or unreadable source file: the page falls back as it always did
            logger.warning("Could not make renditions of image %s", image.pk, exc_info=True)
            continue
        warmed += 1
    return warmed


# --- Most read: one counter per article and day ----------------------------------------------------------


def article_view_record(*, article_id: int) -> bool:
    """Count one view of a live, public article today; False (nothing counted) for anything else.

    One UPDATE for every view after the day's first; the first also checks the article is published,
    so a beacon sent with a draft's or a made-up id stores nothing. No reader data is kept."""
    day = timezone.localdate()
    today = ArticleDailyViews.objects.filter(article_id=article_id, day=day)
    if today.update(views=F("views") + 1):
        return True
    if not published_articles().filter(pk=article_id).exists():
        return False
    try:
        with transaction.atomic():
            ArticleDailyViews.objects.create(article_id=article_id, day=day, views=1)
    except IntegrityError:  # another request created today's row first
        today.update(views=F("views") + 1)
    return True


def article_daily_views_prune(*, batch_size: int = 5000) -> int:
    """Delete the daily counters older than the "most read" window plus NEWSROOM_MOST_READ_KEEP_DAYS_AFTER
    days; returns how many. Nothing else reads them, and one row per article and day would otherwise grow
    with the archive for ever. Deleted in batches of `batch_size` rows, each its own short statement, so a
    first run on a large table holds no long lock over the rows the beacons update."""
    window = settings.NEWSROOM["MOST_READ_DAYS"] + settings.NEWSROOM["MOST_READ_KEEP_DAYS_AFTER"]
    before = timezone.localdate() - datetime.timedelta(days=window - 1)
    old = ArticleDailyViews.objects.filter(day__lt=before).order_by()
    deleted = 0
    while batch := list(old.values_list("pk", flat=True)[:batch_size]):
        deleted += ArticleDailyViews.objects.filter(pk__in=batch).delete()[0]
    return deleted


def search_documents_rebuild() -> int:
    """Write every article's search document afresh from Wagtail's search index and the page table, on
    PostgreSQL (on SQLite there are none). Triggers keep the documents in step with every write; this is
    for a load that ran with triggers off (a bulk load as `session_replication_role = replica`) or a
    repair. New documents are written in publication order: into an empty table (a bulk load's) they then
    lie on disk as in a table grown by publishing, so that a search's newest matches share blocks rather
    than one to a block. (Into a table with free space left by deleted rows, PostgreSQL puts them where it
    finds room.) Returns how many documents there are."""
    if connection.vendor != "postgresql":
        return 0
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO articles_searchdocument
                (page_id, locale_id, live, expired, first_published_at, path, body, headline)
            SELECT p.id, p.locale_id, p.live, p.expired, p.first_published_at, p.path, e.body,
                ts_filter(e.body, '{a,b,c}')
            FROM wagtailsearch_indexentry e
            JOIN django_content_type t
              ON t.id = e.content_type_id AND t.app_label = 'articles' AND t.model = 'articlepage'
            JOIN wagtailcore_page p ON p.id = e.object_id::integer
            ORDER BY p.first_published_at NULLS LAST, p.id
            ON CONFLICT (page_id) DO UPDATE SET
                locale_id = EXCLUDED.locale_id, live = EXCLUDED.live, expired = EXCLUDED.expired,
                first_published_at = EXCLUDED.first_published_at, path = EXCLUDED.path, body = EXCLUDED.body,
                headline = EXCLUDED.headline
            """
        )
        cursor.execute(
            """
            DELETE FROM articles_searchdocument d WHERE NOT EXISTS (
                SELECT 1 FROM wagtailsearch_indexentry e
                JOIN django_content_type t
                  ON t.id = e.content_type_id AND t.app_label = 'articles' AND t.model = 'articlepage'
                WHERE e.object_id = d.page_id::text
            )
            """
        )
        cursor.execute("SELECT count(*) FROM articles_searchdocument")
        (count,) = cursor.fetchone()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE articles_searchdocument")
    return count

"""Read paths for what readers see. Each answers in a fixed number of queries, however much there is.

Every listing goes through `published_articles()`, so drafts, expired, private and other-language
pages cannot leak into one of them by a forgotten filter.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, TypeVar

from django.conf import settings
from django.db import connection
from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Sum, prefetch_related_objects
from django.db.models.functions import Substr
from django.utils import timezone
from wagtail.models import Locale, Page, PageViewRestriction

# The page models serve themselves (their context and routes call these selectors), so the two modules
# import each other: the models are reached through their module, which is complete by the time any
# selector runs, and named directly only for type checking.
from . import models
from .generation import generation_cached

if TYPE_CHECKING:
    from .models import ArticlePage, Author, HomePage, SectionPage, Tag

FRONT_PAGE_LATEST = 8
FRONT_PAGE_PER_SECTION = 4
# Related articles are ranked among at most this many recent articles sharing a tag with the story,
# so the ranking reads a bounded slice of the archive however large it grows.
RELATED_CANDIDATES = 200
# Root → HomePage → SectionPage → ArticlePage: an article's first three path steps are its section's
# path (the page types allow no other shape). Listings select on this prefix through an index
# (migration articles 0004) instead of a LIKE on the path followed by a sort of the whole section.
SECTION_PATH_CHARS = 3 * Page.steplen


def section_key():
    """The section part of an article's path, as the expression the listing index is built on."""
    return Substr("path", 1, SECTION_PATH_CHARS)


T = TypeVar("T")


def request_memo(request, key, compute: Callable[[], T]) -> T:
    """`compute()` once per request: the header, the footer, <head> and the page body all ask for the
    edition's home, sections and translations, and each asking used to cost the same queries again.
    Without a request (a feed built in a test, a management command) nothing is remembered."""
    if request is None:
        return compute()
    memo = request.__dict__.setdefault("_newsroom_memo", {})
    if key not in memo:
        memo[key] = compute()
    return memo[key]


# Pages sit at most this deep (Root → HomePage → SectionPage → ArticlePage is 4): the restriction check
# below looks at each of a page's ancestors by path.
MAX_TREE_DEPTH = 6


def _unrestricted(qs: QuerySet) -> QuerySet:
    """Pages with no view restriction (password, login, groups) on themselves or an ancestor, as one
    NOT EXISTS in the same query. A page's ancestors are the prefixes of its path, one per tree level:
    naming them (path IN (…)) makes each check a few unique-index lookups whatever the planner knows
    about the tables, where a "restriction's path is a prefix of mine" test let SQLite scan every page
    for each article listed."""
    ancestors = [Substr(OuterRef("path"), 1, depth * Page.steplen) for depth in range(1, MAX_TREE_DEPTH + 1)]
    restricted = PageViewRestriction.objects.filter(page__path__in=ancestors)
    return qs.filter(~Exists(restricted))


def published_articles(*, locale: Locale | int | None = None) -> QuerySet[ArticlePage]:
    """Live, public, unexpired articles, newest first, with what a card needs fetched up front.

    `locale` may be a Locale or its id (callers holding a page pass `page.locale_id`: no Locale query)."""
    qs = _unrestricted(models.ArticlePage.objects.live().filter(expired=False))
    if locale is not None:
        qs = qs.filter(locale=locale)
    # "-id" (wagtailcore_page.id) rather than "-pk" (articles_articlepage.page_ptr_id): the same value,
    # but the column the listing indexes end with, so the database reads them in order and stops early.
    return qs.select_related("lead_image").order_by("-first_published_at", "-id")


def searchable_pages(*, locale: Locale | int) -> QuerySet[Page]:
    """The edition's live, unexpired pages, on the page table alone: search chooses its candidates among
    them by date, each match's page found by primary key with no other table joined. It is a superset of
    `published_articles()` (the article row and view restrictions are checked on the few candidates
    only), so never list it to readers as it is."""
    return Page.objects.filter(live=True, expired=False, locale=locale)


def searchable_documents(*, locale: Locale | int) -> QuerySet:
    """The edition's live, unexpired articles' search documents (PostgreSQL's search starts from them):
    like `searchable_pages()`, a superset of what readers may be shown."""
    return models.SearchDocument.objects.filter(live=True, expired=False, locale_id=getattr(locale, "pk", locale))


# A search document's publication month as a number (year × 12 + month, in UTC), as the search documents'
# GIN index holds it (migration articles 0011); undated documents, which sort before every dated one, have
# the last month there is.
UNDATED_MONTH = 2_147_483_647


def publication_month(moment: datetime.datetime | None) -> int:
    if moment is None:
        return UNDATED_MONTH
    moment = moment.astimezone(datetime.UTC)
    return moment.year * 12 + moment.month


def recent_search_months(*, locale: Locale | int, documents: int) -> list[int] | None:
    """The publication months that hold the edition's newest `documents` search documents (and any
    newer, and the undated), or None when the edition has no more than that: there a search reads all
    its matches anyway. Two reads of the newest-first index, once per content generation."""

    def compute() -> list[int] | None:
        newest = searchable_documents(locale=locale).order_by("-first_published_at")
        oldest_in_window = list(newest.values_list("first_published_at", flat=True)[documents : documents + 1])
        if not oldest_in_window or oldest_in_window[0] is None:
            return None
        latest = newest.filter(first_published_at__isnull=False).values_list("first_published_at", flat=True)[0]
        # Through next month: a story published while this list is cached (until the next generation reaches
        # this process) is inside the window even when the month has just turned.
        last = max(publication_month(latest), publication_month(timezone.now()) + 1)
        return [*range(publication_month(oldest_in_window[0]), last + 1), UNDATED_MONTH]

    return generation_cached("search-months", getattr(locale, "pk", locale), documents, compute=compute)


def with_card_data(articles: Iterable[ArticlePage], *, known_sections: Iterable[SectionPage] = ()) -> list[ArticlePage]:
    """Attach each article's section and authors, and prefetch lead-image renditions: three queries
    for any number of cards, instead of three per card (two when the caller already holds the sections)."""
    articles = list(articles)
    if not articles:
        return articles
    section_paths = {a.path[: -Page.steplen] for a in articles}
    sections = {s.path: s for s in known_sections if s.path in section_paths}
    missing = section_paths - sections.keys()
    if missing:
        sections.update((s.path, s) for s in models.SectionPage.objects.filter(path__in=missing))
    links = (
        models.ArticleAuthor.objects.filter(page__in=articles)
        .select_related("author")
        .order_by("page_id", "sort_order")
    )
    authors_by_page: dict[int, list[Author]] = {}
    for link in links:
        authors_by_page.setdefault(link.page_id, []).append(link.author)
    card_renditions(articles)
    for article in articles:
        article.card_section = sections.get(article.path[: -Page.steplen])
        article.card_authors = authors_by_page.get(article.pk, [])
    return articles


def card_renditions(articles: Iterable[ArticlePage | None]) -> None:
    """Lead-image renditions for every card in one query (Wagtail reads the prefetched cache); anything
    prefetched on these images before is read again."""
    images = [a.lead_image for a in articles if a is not None and a.lead_image_id]
    for image in images:
        getattr(image, "_prefetched_objects_cache", {}).pop("renditions", None)
    prefetch_related_objects(images, "renditions")


def related_articles(*, article: ArticlePage, limit: int | None = None) -> list[ArticlePage]:
    """The editor's picks in their order, topped up with the articles sharing the most tags, then the
    same section, newest first. Never the article itself and never anything unpublished."""
    limit = limit or settings.NEWSROOM["RELATED_ARTICLES_COUNT"]
    base = published_articles(locale=article.locale_id).exclude(pk=article.pk)

    pick_ids = [pick.article_id for pick in article.related_picks.all()][:limit]
    picks_by_id = {a.pk: a for a in base.filter(pk__in=pick_ids)} if pick_ids else {}
    chosen = [picks_by_id[pk] for pk in pick_ids if pk in picks_by_id]

    missing = limit - len(chosen)
    if missing > 0:
        tag_ids = models.ArticleTag.objects.filter(content_object_id=article.pk).values("tag_id")  # a subquery
        # Bounded candidates, each through an index: the newest articles carrying one of the story's tags
        # (articletag's (tag, article) index, read backwards) and the section's newest stories.
        by_tag = (
            models.ArticleTag.objects.filter(tag_id__in=tag_ids)
            .order_by("-content_object_id")
            .values("content_object_id")[:RELATED_CANDIDATES]
        )
        section_path = article.path[:SECTION_PATH_CHARS]
        in_section = (
            published_articles().alias(section=section_key()).filter(section=section_path).values("id")[: limit * 2 + 1]
        )
        if connection.features.supports_slicing_ordering_in_compound:
            # One list of candidates (a UNION of the two bounded ones) that the planner joins to the articles
            # by primary key: an OR of two IN lists is a filter run over every article of the archive.
            candidates = Q(pk__in=by_tag.union(in_section, all=True))
        else:
            # SQLite allows no LIMIT inside a compound subquery; it looks each IN list up by key anyway.
            candidates = Q(pk__in=by_tag) | Q(pk__in=in_section)
        fill = (
            base.exclude(pk__in=[a.pk for a in chosen])
            .filter(candidates)
            .annotate(
                shared_tags=Count("tagged_items", filter=Q(tagged_items__tag_id__in=tag_ids), distinct=True),
            )
            .order_by("-shared_tags", "-first_published_at", "-id")
        )
        # Same-section articles sharing no tag rank after every tag match, newest first.
        chosen.extend(fill[:missing])
    return with_card_data(chosen)


def section_articles(*, section: SectionPage) -> QuerySet[ArticlePage]:
    """A section's articles, newest first, read in order from the section listing index."""
    # No locale filter: the section's path already names its edition's tree, and a second condition
    # tempts SQLite into the locale index (half the archive, then a sort).
    return published_articles().alias(section=section_key()).filter(section=section.path)


def articles_by_author(*, author: Author, locale: Locale) -> QuerySet[ArticlePage]:
    return published_articles(locale=locale).filter(article_authors__author=author)


def articles_by_tag(*, tag: Tag, locale: Locale) -> QuerySet[ArticlePage]:
    return published_articles(locale=locale).filter(tagged_items__tag=tag)


def breaking_news(*, locale: Locale | int, limit: int = 3) -> list[ArticlePage]:
    now = timezone.now()
    return list(
        published_articles(locale=locale)
        .filter(is_breaking=True)
        .filter(Q(breaking_until__isnull=True) | Q(breaking_until__gt=now))[:limit]
    )


def sections(*, home: HomePage) -> list[SectionPage]:
    return list(_unrestricted(models.SectionPage.objects.live().child_of(home)).order_by("path"))


def front_page(*, home: HomePage) -> dict:
    """The front page: a lead story, the latest stories, a block per section and the breaking strip.

    Five queries however many sections and articles there are: the latest stories, the sections, every
    section's newest stories at once, then the cards' authors and lead-image renditions for all of them.
    Each section's stories are their own small subquery (… LIMIT 4) that reads the first entries of the
    section listing index, so the cost stays the same whatever the archive (on PostgreSQL their UNION
    ALL, on SQLite `id IN (…) OR id IN (…)`).
    """
    # Featured stories (WordPress's "sticky" posts) come first, as WordPress shows them: same query.
    recent = published_articles(locale=home.locale_id).descendant_of(home)
    count = FRONT_PAGE_LATEST + 1
    if connection.features.supports_slicing_ordering_in_compound:
        # The order spans two tables (is_featured on the article, the date on the page), so no index
        # serves it and the database would sort the whole archive. The first `count` by it are among the
        # newest `count` featured ones and the newest `count` of all: two walks of the newest-first index,
        # one short list to sort.
        newest = recent.order_by("-first_published_at", "-pk").values("pk")
        recent = recent.filter(pk__in=newest.filter(is_featured=True)[:count].union(newest[:count], all=True))
    latest = list(recent.order_by("-is_featured", "-first_published_at", "-pk")[:count])
    home_sections = sections(home=home)
    by_section: dict[str, list[ArticlePage]] = {}
    if home_sections:
        newest = published_articles().alias(section=section_key())  # a section's path names its edition
        lists = [newest.filter(section=s.path).values("id")[:FRONT_PAGE_PER_SECTION] for s in home_sections]
        if connection.features.supports_slicing_ordering_in_compound:
            # One list (a UNION ALL of the sections' short ones) joined to the articles by key: PostgreSQL
            # runs an OR of IN lists as a filter over every article of the archive.
            condition = Q(pk__in=lists[0].union(*lists[1:], all=True))
        else:
            condition = Q()
            for ids in lists:
                condition |= Q(pk__in=ids)
        # No ORDER BY here: with one, SQLite walks the newest-first index over the whole archive testing
        # each id against the lists; without, it fetches the listed ids by primary key.
        blocks = list(published_articles(locale=home.locale_id).filter(condition).order_by())
        blocks.sort(key=lambda a: (a.first_published_at, a.pk), reverse=True)
        for article in blocks:
            by_section.setdefault(article.path[:SECTION_PATH_CHARS], []).append(article)
    blocks = [article for items in by_section.values() for article in items]
    with_card_data(latest + blocks, known_sections=home_sections)
    section_blocks = [
        {"section": section, "articles": by_section[section.path]}
        for section in home_sections
        if by_section.get(section.path)
    ]
    return {
        "lead": latest[0] if latest else None,
        "latest": latest[1:],
        "section_blocks": section_blocks,
    }


def most_read(*, locale: Locale | int, days: int | None = None, limit: int | None = None) -> list[ArticlePage]:
    """The edition's most read live articles over the last `days` days (today included), most views first.

    One query: the day-range scan of the (day, article, views) index finds the few thousand counters of
    those days, whatever the size of the archive; only published, public articles of the edition count.
    Each article carries `recent_views`."""
    days = days or settings.NEWSROOM["MOST_READ_DAYS"]
    limit = limit or settings.NEWSROOM["MOST_READ_COUNT"]
    since = timezone.localdate() - datetime.timedelta(days=days - 1)
    return list(
        published_articles(locale=locale)
        .select_related(None)
        .filter(daily_views__day__gte=since)
        .annotate(recent_views=Sum("daily_views__views"))
        .order_by("-recent_views", "-first_published_at", "-pk")[:limit]
    )

"""Read paths for what readers see. Each answers in a fixed number of queries, however much there is.

Every listing goes through `published_articles()`, so drafts, expired, private and other-language
pages cannot leak into one of them by a forgotten filter.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.db.models import Count, Q, QuerySet, prefetch_related_objects
from django.utils import timezone
from wagtail.models import Locale, Page, PageViewRestriction

from .models import ArticleAuthor, ArticlePage, Author, HomePage, SectionPage, Tag

FRONT_PAGE_LATEST = 8
FRONT_PAGE_PER_SECTION = 4


def published_articles(*, locale: Locale | None = None) -> QuerySet[ArticlePage]:
    """Live, public, unexpired articles, newest first, with what a card needs fetched up front."""
    qs = ArticlePage.objects.live().filter(expired=False)
    # Anything under a view restriction (password, login, groups) stays out of public listings.
    restricted_paths = list(PageViewRestriction.objects.values_list("page__path", flat=True))
    for restricted in restricted_paths:
        qs = qs.exclude(path__startswith=restricted)
    if locale is not None:
        qs = qs.filter(locale=locale)
    return qs.select_related("lead_image").order_by("-first_published_at", "-pk")


def with_card_data(articles: Iterable[ArticlePage]) -> list[ArticlePage]:
    """Attach each article's section and authors, and prefetch lead-image renditions: three queries
    for any number of cards, instead of three per card."""
    articles = list(articles)
    if not articles:
        return articles
    section_paths = {a.path[: -Page.steplen] for a in articles}
    sections = {s.path: s for s in SectionPage.objects.filter(path__in=section_paths)}
    links = ArticleAuthor.objects.filter(page__in=articles).select_related("author").order_by("page_id", "sort_order")
    authors_by_page: dict[int, list[Author]] = {}
    for link in links:
        authors_by_page.setdefault(link.page_id, []).append(link.author)
    # Lead-image renditions for every card in one query (Wagtail reads the prefetched cache).
    prefetch_related_objects([a for a in articles if a.lead_image_id], "lead_image__renditions")
    for article in articles:
        article.card_section = sections.get(article.path[: -Page.steplen])
        article.card_authors = authors_by_page.get(article.pk, [])
    return articles


def related_articles(*, article: ArticlePage, limit: int | None = None) -> list[ArticlePage]:
    """The editor's picks in their order, topped up with the articles sharing the most tags, then the
    same section, newest first. Never the article itself and never anything unpublished."""
    limit = limit or settings.NEWSROOM["RELATED_ARTICLES_COUNT"]
    base = published_articles(locale=article.locale).exclude(pk=article.pk)

    pick_ids = [pick.article_id for pick in article.related_picks.all()][:limit]
    picks_by_id = {a.pk: a for a in base.filter(pk__in=pick_ids)} if pick_ids else {}
    chosen = [picks_by_id[pk] for pk in pick_ids if pk in picks_by_id]

    missing = limit - len(chosen)
    if missing > 0:
        tag_ids = [item.tag_id for item in article.tagged_items.all()]
        section_path = article.path[: -Page.steplen]
        fill = (
            base.exclude(pk__in=[a.pk for a in chosen])
            .annotate(
                shared_tags=Count("tagged_items", filter=Q(tagged_items__tag_id__in=tag_ids), distinct=True),
            )
            .filter(Q(shared_tags__gt=0) | Q(path__startswith=section_path))
            .order_by("-shared_tags", "-first_published_at", "-pk")
        )
        # Same-section articles sharing no tag rank after every tag match, newest first.
        chosen.extend(fill[:missing])
    return with_card_data(chosen)


def section_articles(*, section: SectionPage) -> QuerySet[ArticlePage]:
    return published_articles(locale=section.locale).child_of(section)


def articles_by_author(*, author: Author, locale: Locale) -> QuerySet[ArticlePage]:
    return published_articles(locale=locale).filter(article_authors__author=author)


def articles_by_tag(*, tag: Tag, locale: Locale) -> QuerySet[ArticlePage]:
    return published_articles(locale=locale).filter(tagged_items__tag=tag)


def breaking_news(*, locale: Locale) -> list[ArticlePage]:
    now = timezone.now()
    return list(
        published_articles(locale=locale)
        .filter(is_breaking=True)
        .filter(Q(breaking_until__isnull=True) | Q(breaking_until__gt=now))[:3]
    )


def sections(*, home: HomePage) -> list[SectionPage]:
    return list(SectionPage.objects.live().public().child_of(home).order_by("path"))


def front_page(*, home: HomePage) -> dict:
    """The front page: a lead story, the latest stories, a block per section and the breaking strip."""
    latest = with_card_data(published_articles(locale=home.locale).descendant_of(home)[: FRONT_PAGE_LATEST + 1])
    section_blocks = []
    for section in sections(home=home):
        items = with_card_data(section_articles(section=section)[:FRONT_PAGE_PER_SECTION])
        if items:
            section_blocks.append({"section": section, "articles": items})
    return {
        "lead": latest[0] if latest else None,
        "latest": latest[1:],
        "section_blocks": section_blocks,
    }

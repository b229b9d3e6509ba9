"""The reader's read paths go through indexes (migration articles 0004 and the search index), so their
cost stays the same at 200,000 articles: asserted on the database's own plan (EXPLAIN).

PostgreSQL is told not to read whole tables (a test table holds a handful of rows, and reading it all
would rightly be cheaper there): what is asserted is that an index answers each query. The listing
plans are PostgreSQL's (production's database; CI runs the suite on it): SQLite's planner chooses among
indexes from the statistics ANALYZE gathers, which a test's handful of rows cannot stand for. Search is
asserted on both.
"""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.models import Page

from articles import search, selectors
from articles.models import Tag
from articles.tests.factories import ArticlePageFactory, AuthorFactory

pytestmark = pytest.mark.django_db
postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="listing plans are asserted on PostgreSQL (see the docstring)"
)


def plans_of(run, *, settings: tuple[str, ...] = ("enable_seqscan",)) -> list[str]:
    """The database's plan for every query `run` makes, as text (index names in it)."""
    with CaptureQueriesContext(connection) as queries:
        run()
    plans = []
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            for setting in settings:
                cursor.execute(f"SET LOCAL {setting} = off")
        for query in queries.captured_queries:
            sql = query["sql"]
            if sql.startswith(("SET LOCAL enable_", "RESET enable_", "SELECT set_config('enable_")):
                cursor.execute(sql)  # a planner setting the code chose for its next query: replayed
                continue
            if not sql.lstrip().upper().startswith("SELECT"):
                continue
            cursor.execute(("EXPLAIN " if connection.vendor == "postgresql" else "EXPLAIN QUERY PLAN ") + sql)
            plans.append(" ".join(str(cell) for row in cursor.fetchall() for cell in row))
    return plans


def plan_naming(plans: list[str], name: str) -> str:
    found = [plan for plan in plans if name in plan]
    assert found, f"no plan uses {name}:\n" + "\n".join(plans)
    return found[0]


@pytest.fixture
def archive(site_tree):
    news, reports = site_tree["sections"]
    tag = Tag.objects.create(name="دمشق", slug="damascus")
    author = AuthorFactory()
    articles = [
        ArticlePageFactory(parent=section, title=f"خبر من دمشق {n}", authors=[author], tags=[tag])
        for n, section in enumerate([news, reports] * 3)
    ]
    return {**site_tree, "tag": tag, "author": author, "articles": articles}


@postgres_only
def test_section_listing_reads_the_section_index(archive):
    section = archive["sections"][0]
    plans = plans_of(lambda: list(selectors.section_articles(section=section)[:12]))
    # Read in order from a newest-first index, no sort of the section's articles: the section's own index
    # (what the planner takes at 200,000 articles) or, on a test's few rows once autovacuum has gathered
    # their statistics, the edition's, filtered by section.
    in_order = re.compile(r"Index Scan( Backward)? using articles_page_(section_)?recent")
    [plan] = [plan for plan in plans if in_order.search(plan)] or ["\n".join(plans)]
    assert in_order.search(plan), plan
    assert "Sort Key" not in plan, plan


@postgres_only
def test_front_page_section_blocks_read_the_section_index(archive):
    plans = plans_of(lambda: selectors.front_page(home=archive["home"]))
    plan_naming(plans, "articles_page_section_recent")
    # The latest stories: read newest first from an index on the publication time (ours, per edition or
    # not, or Wagtail's own read backwards: the planner may take any), not a sort of every article.
    newest_first = re.compile(r"Index Scan( Backward)? using (articles_page_(locale_)?recent|\w*first_published_at\w*)")
    assert any(newest_first.search(plan) for plan in plans), "\n".join(plans)


@postgres_only
def test_related_articles_read_bounded_candidates_through_the_tag_index(archive):
    story = archive["articles"][0]
    plans = plans_of(lambda: selectors.related_articles(article=story))
    plan_naming(plans, "articles_tag_newest")


@postgres_only
def test_tag_and_author_listings_use_their_indexes(archive):
    home = archive["home"]
    by_tag = plans_of(lambda: list(selectors.articles_by_tag(tag=archive["tag"], locale=home.locale)[:12]))
    plan_naming(by_tag, "articles_tag_newest")
    by_author = plans_of(lambda: list(selectors.articles_by_author(author=archive["author"], locale=home.locale)[:12]))
    plan_naming(by_author, "articles_author_newest")


def fill_search_index(archive):
    """Every search document of an archive is a live article of the edition, so at scale only the GIN index
    on the tsvector narrows the search: give the planner an archive's worth of documents (ids no page has)
    and their statistics, and let it choose with nothing switched off."""
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO articles_searchdocument (page_id, locale_id, live, expired, first_published_at, path, body)"
            " SELECT 100000000 + n, locale_id, live, expired, first_published_at, path,"
            " to_tsvector('ar_en', 'خبر رقم ' || n)"
            " FROM articles_searchdocument, generate_series(1, 5000) AS n WHERE page_id = %s",
            [archive["articles"][0].pk],
        )
        cursor.execute("ANALYZE articles_searchdocument")


def test_search_starts_from_the_full_text_index(archive):
    home = archive["home"]
    results = search.search_articles(search.query_clauses("دمشق"), locale=home.locale)
    assert len(results[:10]) == 6
    if connection.vendor == "postgresql":
        fill_search_index(archive)
        results = search.search_articles(search.query_clauses("دمشق"), locale=home.locale)
        plans = plans_of(lambda: results[:10])
        # The GIN index on the search documents' weighted tsvector, then each match's page by primary key.
        assert any("Bitmap Index Scan on articles_searchdocument_tsv_month_gin" in plan for plan in plans), "\n".join(
            plans
        )
    else:
        plans = plans_of(lambda: results[:10])
        plan_naming(plans, "VIRTUAL TABLE INDEX")  # FTS5's own index


@postgres_only
def test_related_articles_join_one_bounded_candidate_list(archive):
    """The candidates (the newest articles sharing a tag, the section's newest) are one list the articles
    are joined to by key: an OR of two IN lists is a filter the database runs over every article, which
    took 52 ms at 12,000 articles and grows with the archive."""
    story = archive["articles"][0]
    plans = plans_of(lambda: selectors.related_articles(article=story))
    plan = plan_naming(plans, "articles_tag_newest")
    assert "Append" in plan  # the UNION ALL of the two bounded lists
    assert not re.search(r"OR \((hashed )?SubPlan", plan), plan


@postgres_only
def test_front_page_joins_short_lists_instead_of_sorting_the_archive(archive):
    """The latest stories (featured first) and the sections' blocks: each a UNION ALL of short lists read
    from the newest-first indexes, joined to the articles by key. Ordered by two tables' columns or
    filtered by an OR of IN lists, they read every article (1.3 s and 0.4 s at 200,000 articles)."""
    plans = plans_of(lambda: selectors.front_page(home=archive["home"]))
    listing = [plan for plan in plans if "articles_articlepage" in plan and "Append" in plan]
    assert len(listing) == 2, "\n".join(plans)
    for plan in listing:
        assert not re.search(r"OR \((hashed )?SubPlan", plan), plan


@postgres_only
def test_search_counts_and_ranks_a_bounded_number_of_matches(archive, settings):
    """A common word's matches are read once, from the narrow search documents alone, and only those of
    the newest months: the newest NEWSROOM["SEARCH_CANDIDATES"] + 1 (the GIN index on the tsvector and
    the month, then a sort by date under a LIMIT) give the count and the candidates, ranked above the
    LIMIT on the headline vector in their rows; only a page of results is read from the articles.
    Counting and ranking every match through the page table took 1.2 s for 22,661 matches at 200,000
    articles, choosing them through Wagtail's wide index rows 170 ms, reading all of a word's matches
    25 ms for one in 84 % of them, and ranking the candidates on their bodies' tsvectors 10 ms."""
    settings.NEWSROOM = {**settings.NEWSROOM, "SEARCH_CANDIDATES": 4}
    results = search.search_articles(search.query_clauses("دمشق"), locale=archive["home"].locale)
    fill_search_index(archive)
    chosen = [plan for plan in plans_of(results.count, settings=()) if "articles_searchdocument" in plan]
    page = plans_of(lambda: results[:10], settings=())
    assert results.count() == 4 and results.capped
    # Where the recent window starts: the edition's newest documents, read in order from their index.
    months = [plan for plan in chosen if "articles_searchdoc_recent" in plan]
    assert months and all("Sort Key" not in plan for plan in months), "\n".join(chosen)
    # The newest matches among the window's months: the GIN index answers the word and the months at once;
    # the rank is computed above the LIMIT, for the candidates alone.
    [plan] = [plan for plan in chosen if plan not in months]
    newest_matches = (
        r"Subquery Scan on newest .*Limit .*Sort Key: .*first_published_at.*"
        r"Bitmap Index Scan on articles_searchdocument_tsv_month_"
    )
    assert re.search(newest_matches, plan), plan
    assert re.search(r"Index Cond: \(\(body @@ .*\) AND \(ARRAY\[COALESCE", plan), plan
    assert "wagtailcore_page" not in plan and "wagtailsearch_indexentry" not in plan, plan
    # The page of results reads its articles by key, and no search document or index entry again.
    [plan] = page
    assert "page_ptr_id = ANY" in plan or "id = ANY" in plan, plan
    assert "articles_searchdocument" not in plan and "wagtailsearch_indexentry" not in plan, plan


def test_a_public_url_finds_its_pages_through_the_url_path_index(archive, client):
    """Routing reads the page and the pages above it by `url_path` (articles/routing.py) through the
    index, not a read of every page (at 200,000 pages the article's one query took 42 ms without it).
    PostgreSQL rightly walks any index of a table of a few pages, so the table is given a few hundred
    more rows (plain rows under a page of their own, outside any site) and its statistics first."""
    story = archive["articles"][0]
    story.save_revision().publish()
    if connection.vendor == "postgresql":
        root = Page.get_first_root_node()
        base = root.path + "ZZZZ"
        Page.objects.bulk_create(
            Page(
                title=f"صفحة {n}",
                draft_title=f"صفحة {n}",
                slug=f"filler-{n}",
                path=f"{base}{n:04d}",
                depth=root.depth + 2,
                url_path=f"/filler/{n}/",
                locale_id=story.locale_id,
                content_type_id=root.content_type_id,
            )
            for n in range(400)
        )
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE wagtailcore_page")
    plans = plans_of(lambda: client.get(story.url))
    plan_naming(plans, "articles_page_url_path")

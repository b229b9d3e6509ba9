"""Reader search: `/search/` and `/en/search/`.

The index holds normalised Arabic (ArticlePage.search_* callables run `normalise_arabic`), so the query
is normalised the same way here: a reader typing الأسد finds a story that wrote اﻷسد with a ligature,
الأَسَد with diacritics or الاسد without a hamza. Ta marbuta (ة/ه) is folded at query time only, by
searching both spellings, so switching NEWSROOM["SEARCH_FOLD_TA_MARBUTA"] needs no reindex.

Highlighting works on the same normalised text but marks the reader's original characters, so a
snippet shows the ligature or the diacritics the editor typed, with the matching words in <mark>.
"""

from __future__ import annotations

import bisect
import contextlib
import datetime
import functools
import re

from django import forms
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.contrib.postgres.search import SearchQuery
from django.core.paginator import Paginator
from django.db import connections, transaction
from django.db.models import QuerySet
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _
from modelsearch.conf import get_app_config
from wagtail.models import Page

from . import selectors
from .editions import active_locale, edition_home, edition_sections
from .models import ArticlePage, SectionPage, restricted_paths
from .text import normalise_arabic, stem_word

MAX_QUERY_LENGTH = 200
MAX_TERMS = 12
SNIPPET_CHARS = 240
RESULTS_PER_PAGE = 10
# The PostgreSQL text-search configuration the index is built with (articles migration 0002).
SEARCH_CONFIG = "ar_en"
# A search document's publication month (selectors.publication_month), written exactly as the search
# documents' GIN index computes it (migration articles 0011), or the planner would not use the index.
MONTH_SQL = (
    "ARRAY[COALESCE((date_part('year', first_published_at AT TIME ZONE 'UTC') * 12"
    f" + date_part('month', first_published_at AT TIME ZONE 'UTC'))::integer, {selectors.UNDATED_MONTH})]"
)
# On PostgreSQL a search first looks for its newest candidates among the edition's newest documents: the
# months holding 2, then 16 times as many documents as it needs (see ArticleSearch).
RECENT_WINDOWS = (2, 16)

WORD = re.compile(r"[^\W_]+")
# Proclitics written joined to the next word: و (and), ف (so), ب (with), ل (for), ك (like), ال (the).
# A query word is highlighted where it starts a word or follows one of these.
PROCLITICS = ("", "و", "ف", "ب", "ل", "ك", "ال", "وال", "فال", "بال", "كال", "لل", "ولل", "وب", "ول", "فب", "فل")


def fold_ta_marbuta() -> bool:
    return bool(settings.NEWSROOM.get("SEARCH_FOLD_TA_MARBUTA", False))


PHRASE = re.compile(r'["\u201c\u201d\u00ab\u00bb]([^"\u201c\u201d\u00ab\u00bb]+)["\u201c\u201d\u00ab\u00bb]')


def query_terms(raw: str) -> list[str]:
    """The words of a query, normalised like the index. Punctuation and search-engine operators
    (quotes, *, NEAR, parentheses) are dropped rather than passed to FTS5 or to_tsquery."""
    return WORD.findall(normalise_arabic(raw))[:MAX_TERMS]


def query_clauses(raw: str) -> list[tuple[str, ...]]:
    """The query as clauses that must all match: a word is a clause of one, a phrase in quotes
    ("…", “…” or «…») a clause of its words in order. Words are normalised like the index."""
    clauses: list[tuple[str, ...]] = []
    budget = MAX_TERMS

    def add(words: list[str]):
        nonlocal budget
        words = words[:budget]
        budget -= len(words)
        return words

    position = 0
    text = normalise_arabic(raw)
    for match in PHRASE.finditer(text):
        clauses.extend((word,) for word in add(WORD.findall(text[position : match.start()])))
        phrase = add(WORD.findall(match.group(1)))
        if phrase:
            clauses.append(tuple(phrase))
        position = match.end()
    clauses.extend((word,) for word in add(WORD.findall(text[position:])))
    return clauses


def _spellings(term: str) -> list[str]:
    if fold_ta_marbuta() and term[-1] in "ةه":
        return [term[:-1] + "ة", term[:-1] + "ه"]
    return [term]


def _stems(term: str) -> list[str]:
    """The index's forms of one query word (two when ة/ه folding is on and they stem apart)."""
    return list(dict.fromkeys(stem_word(spelling) for spelling in _spellings(term)))


class ArticleSearch:
    """One edition's published articles matching every clause of a query, most relevant first.

    Relevance is the database's own full-text ranking over the search index (FTS5's bm25 on SQLite,
    ts_rank over the `ar_en` tsvector of the headline, kicker and standfirst on PostgreSQL), with the
    headline weighing most; among equals the more recent story comes first. On PostgreSQL a match in the
    body alone ranks no higher for naming the word more often: body-only matches come newest first.

    Counting, joining and ranking are bounded by `candidates` (NEWSROOM["SEARCH_CANDIDATES"], 1,000 by
    default), not by how many articles a word appears in (دمشق is in one story in nine):

    - the count stops at `candidates` + 1 matches: past that the reader reads "more than 1,000
      articles", not an exact figure nobody pages through;
    - ranking looks at the newest `candidates` matches only; the rank, the article's own row and the
      view-restriction check are computed on those alone.

    On PostgreSQL the matches are read once, from the search documents (SearchDocument: one narrow row
    per article with its tsvector stored out of line): the GIN index gives the matching rows, and the
    edition, state, section, dates and publication date are columns of those same rows, so the newest
    `candidates` + 1 are chosen without opening the tsvectors, Wagtail's wide index rows or the page
    table; they give the count and the candidates both. They are looked for among the newest months
    first (the GIN index holds each document's month too; see `_newest`), so a common word's read stops
    at the matches of its recent months: at 200,000 articles, 4-5 ms for a word in one story in nine or
    in five stories in six, where reading all their matches took 9 and 25 ms (and reading each match's
    index entry and page 170 ms). On SQLite the candidates are chosen from FTS5's matches and the page
    table.

    The trade-off: when a query matches more than `candidates` articles, an older story that would have
    ranked first (its headline naming the word) is not on the first page; readers reach it by adding a
    word, a phrase in quotes, a section or dates (the filters choose the candidates, so a date range
    searches its own newest matches). A search matching fewer than `candidates` articles ranks all of
    them exactly as before.

    Pages of results are sliced out of it (`results[10:20]`), which is how Django's Paginator reads it;
    a page of results is one query and the count another (on PostgreSQL the count is the candidates'
    query, read once per search).
    """

    def __init__(
        self,
        clauses: list[tuple[str, ...]],
        articles: QuerySet,
        pages: QuerySet,
        documents: QuerySet,
        candidates: int,
        locale_id: int,
    ):
        self.clauses = clauses
        self.articles = articles
        # The cheap filters (edition, state, section, dates) choose the candidates: on PostgreSQL as columns
        # of the search documents, on SQLite on the page table alone.
        self.pages = pages
        self.documents = documents
        self.locale_id = locale_id
        self.candidates = candidates
        self.vendor = connections[articles.db].vendor
        self._count: int | None = None
        self._rows: list[tuple[int, float]] | None = None
        self._order: list[int] | None = None

    # The index's text is normalised and stemmed by ArticlePage.search_* (see text.py), so the query's
    # words are stemmed the same way here and passed as plain tokens: no operator a reader typed reaches
    # the database's query parser (WORD keeps letters and digits only).

    def _fts5_match(self) -> str:
        parts = []
        for clause in self.clauses:
            if len(clause) > 1:  # a phrase: its words' stems, in order
                parts.append('"' + " ".join(_stems(word)[0] for word in clause) + '"')
            else:
                stems = _stems(clause[0])
                parts.append("(" + " OR ".join(f'"{stem}"' for stem in stems) + ")")
        return " AND ".join(parts)

    def _tsquery(self) -> str:
        parts = []
        for clause in self.clauses:
            if len(clause) > 1:
                parts.append("(" + " <-> ".join(f"'{_stems(word)[0]}'" for word in clause) + ")")
            else:
                parts.append("(" + " | ".join(f"'{stem}'" for stem in _stems(clause[0])) + ")")
        return " & ".join(parts)

    def _matching(self, qs: QuerySet) -> QuerySet:
        """SQLite: `qs` (pages or articles) limited to the pages whose index entry matches the query,
        starting from FTS5's index and joining each match by primary key."""
        content_type = ContentType.objects.get_for_model(ArticlePage)
        entries, page = _entries_table(), Page._meta.db_table
        fts = f"{entries}_fts"
        return qs.extra(
            tables=[fts, entries],
            where=[
                f"{fts} MATCH %s",
                f"{entries}.id = {fts}.rowid",
                f"{page}.id = CAST({entries}.object_id AS INTEGER)",
                f"{entries}.content_type_id = %s",
            ],
            params=[self._fts5_match(), content_type.pk],
        )

    def _matching_documents(self) -> QuerySet:
        """PostgreSQL: the matching search documents, found through their GIN index; the edition, state,
        section and dates are columns of the same narrow row (see SearchDocument)."""
        return self.documents.filter(body=SearchQuery(self._tsquery(), config=SEARCH_CONFIG, search_type="raw"))

    def _candidate_rows(self) -> list[tuple[int, float]]:
        """PostgreSQL: the newest `candidates` + 1 matches readers may see, newest first, as (page id,
        rank), from one read of the matching search documents. It serves the count and
        the ranking both, so a search reads its matches once. Pages under a view restriction (few, usually
        none: cached per content generation) are left out in the same query, before the limit, so they
        never take a candidate's place."""
        if self._rows is None:
            documents = self._matching_documents()
            for path in restricted_paths():
                documents = documents.exclude(path__startswith=path)
            wanted = self.candidates + 1
            ordered = documents.order_by("-first_published_at", "-page_id").values_list(
                "page_id", "first_published_at", "headline"
            )
            windows = []
            for factor in RECENT_WINDOWS:
                months = selectors.recent_search_months(locale=self.locale_id, documents=factor * wanted)
                if months is None:
                    break
                if all(months != seen for _, seen in windows):
                    windows.append((factor, months))
            with _through_indexes(documents.db):
                self._rows = self._newest(ordered, wanted, windows)
        return self._rows

    def _newest(self, ordered: QuerySet, wanted: int, windows: list[tuple[int, list[int]]]) -> list[tuple]:
        """The first `wanted` of `ordered` (matching documents, newest first), looked for among the edition's
        newest documents first, in `windows` of publication months: (factor, months), the months holding 2,
        then 16 times `wanted` documents (RECENT_WINDOWS). The GIN index holds each document's month beside
        its words and answers both conditions at once, so only the window's matches are read: for a word in
        one story in nine, about 2,000 rather than the 22,661 of the whole archive of 200,000. When a window
        holds `wanted` matches, none older can be among the newest `wanted`. When none does, the word is in
        fewer than one in sixteen of the newest documents, and all its matches are read; a window is
        skipped when the one before it found too few for it to hold enough."""
        for index, (factor, months) in enumerate(windows):
            rows = self._ranked_rows(ordered.extra(where=[f"{MONTH_SQL} && %s::integer[]"], params=[months])[:wanted])
            if len(rows) == wanted:
                return rows
            following = windows[index + 1][0] if index + 1 < len(windows) else None
            if following is None or len(rows) * following / factor < wanted / 2:
                break  # a rare word: the next window would not hold enough of its matches either
        return self._ranked_rows(ordered[:wanted])

    def _ranked_rows(self, newest: QuerySet) -> list[tuple[int, float]]:
        """The page ids of `newest` (a limited query of page id, date and headline vector), in its order,
        each with its rank.

        The rank is computed in an outer query, on the rows the LIMIT keeps: in the query that sorts them
        by date the database would rank every match the sort reads (twice as many for a common word, and
        all of them for a rarer one). The dates stay in the database: turning a thousand of them into
        Python datetimes took longer than choosing the rows."""
        sql, params = newest.query.sql_with_params()
        with connections[newest.db].cursor() as cursor:
            cursor.execute(
                f"SELECT newest.page_id, {self._rank_sql('newest')}"
                f" FROM ({sql}) AS newest ORDER BY newest.first_published_at DESC, newest.page_id DESC",
                [self._tsquery(), *params],
            )
            return cursor.fetchall()

    def _ranking(self) -> list[int]:
        """PostgreSQL: the candidates' page ids, most relevant first; among equal ranks, in the newest-first
        order the database gave them (a stable sort keeps it)."""
        if self._order is None:
            rows = self._candidate_rows()[: self.candidates]
            self._order = [page_id for page_id, _ in sorted(rows, key=lambda row: -row[1])]
        return self._order

    def _candidates_sql(self) -> tuple[str, tuple]:
        """SQLite: the newest `candidates` matches, SQL for a list of page ids, as its own statement. Django
        would rename its tables inside a subquery (U0…), and the search's raw conditions would then name
        the outer query's tables; as written here, they name the subquery's own."""
        ids = self._matching(self.pages).order_by("-first_published_at", "-id").values("id")
        return ids[: self.candidates].query.sql_with_params()

    def _rank_sql(self, documents: str) -> str:
        """PostgreSQL: the rank of a search document, from its headline vector (SearchDocument.headline:
        the headline, kicker and standfirst). Weights for D, C, B, A: the headline (boost 3, weight B)
        far above the kicker and standfirst (boost 2, C); A is the boost images' titles are given.
        Body-only matches rank equal, so the newest comes first, as the outlet's WordPress search
        ordered them; the body's tsvector, read out of line, made ranking 1,000 candidates cost 10 ms at
        200,000 articles."""
        query = f"to_tsquery('{SEARCH_CONFIG}'::regconfig, %s)"
        return f"ts_rank('{{0.05, 0.1, 0.3, 1.0}}'::float4[], {documents}.headline, {query})"

    def _ranked(self, index: slice = slice(None)):
        """The articles of `index` (a slice of the ranking), most relevant first."""
        if self.vendor == "postgresql":
            # The candidates were ranked as they were chosen (see _ranked_rows); only the slice asked for
            # is read from the articles: their rows are wide (the body's blocks), and a page of results
            # needs ten.
            ids = self._ranking()[index]
            if not ids:
                return []
            articles = {article.pk: article for article in self.articles.filter(pk__in=ids).order_by()}
            return [articles[pk] for pk in ids if pk in articles]
        page = Page._meta.db_table
        sql, params = self._candidates_sql()
        articles = self.articles.extra(where=[f"{page}.id IN ({sql})"], params=list(params))
        # FTS5 columns are (autocomplete, body, title); bm25 is lower for better matches. The autocomplete
        # column holds the headline (title and search_title), so it weighs most. bm25 needs the MATCH in
        # the same query.
        rank = f"bm25({_entries_table()}_fts, 4.0, 1.0, 0.0)"
        return self._matching(articles).extra(
            select={"search_rank": rank}, order_by=["search_rank", "-first_published_at", "-id"]
        )

    def count(self) -> int:
        """The number of matches, counting no further than `candidates` + 1 (see `capped`); the Paginator
        is given at most `candidates`, the articles there are to page through."""
        if self._count is None:
            if self.vendor == "postgresql":
                self._count = len(self._candidate_rows())
            else:
                matches = self._matching(self.articles).order_by().values("pk")[: self.candidates + 1]
                self._count = matches.count()
        return min(self._count, self.candidates)

    @property
    def capped(self) -> bool:
        """More matches than `candidates`: the page says "more than N" rather than a figure."""
        self.count()
        return self._count > self.candidates

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, index):
        if self.vendor != "postgresql":
            return list(self._ranked()[index])
        if isinstance(index, slice):
            return list(self._ranked(index))
        return self[index : index + 1][0]

    def __iter__(self):
        return iter(self._ranked())


# Switched off while the candidates are chosen (see _through_indexes).
PLANNER_SETTINGS = ("enable_seqscan", "enable_indexscan")


@contextlib.contextmanager
def _through_indexes(using: str):
    """Run the enclosed queries with PostgreSQL's sequential and plain index scans switched off, so that
    the candidates are chosen through the GIN index (a bitmap scan).

    The search documents keep their tsvector out of line, so their table is small and the planner, which
    does not count the cost of fetching and decompressing a tsvector to test it, would rather read the
    whole table than the GIN index for a common word (or for any word, on a small table), or walk the
    newest-first index testing each document in turn, which for a word common years ago and rare since
    reads most of the archive. Either costs far more than it thinks: each row's tsvector is fetched from
    the TOAST table, where the GIN index answers without opening one. The settings are the transaction's
    own (`set_config(…, true)`, as `SET LOCAL`), so the queries run in a transaction of their own, or,
    inside an enclosing one, the settings are put back after them."""
    connection = connections[using]
    nested = connection.in_atomic_block
    with transaction.atomic(using=using, savepoint=False), connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(f"set_config('{name}', 'off', true)" for name in PLANNER_SETTINGS))
        yield
        if nested:
            cursor.execute("SELECT " + ", ".join(f"set_config('{name}', 'on', true)" for name in PLANNER_SETTINGS))


def _entries_table() -> str:
    return get_app_config().get_model("IndexEntry")._meta.db_table


def search_candidates() -> int:
    return int(settings.NEWSROOM.get("SEARCH_CANDIDATES", 1000))


def search_articles(
    clauses: list[tuple[str, ...]] | list[str],
    *,
    locale,
    section: SectionPage | None = None,
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
    candidates: int | None = None,
) -> ArticleSearch:
    """Published articles of one edition matching every clause (a word, or a phrase as a tuple of
    words), most relevant first, ranked among the newest `candidates` matches (see ArticleSearch)."""
    clauses = [clause if isinstance(clause, tuple) else (clause,) for clause in clauses]
    filters = {}
    if section is not None:
        filters["path__startswith"] = section.path
    tz = timezone.get_current_timezone()
    if date_from:
        filters["first_published_at__gte"] = datetime.datetime.combine(date_from, datetime.time.min, tzinfo=tz)
    if date_to:
        filters["first_published_at__lt"] = datetime.datetime.combine(
            date_to + datetime.timedelta(days=1), datetime.time.min, tzinfo=tz
        )
    articles = selectors.published_articles(locale=locale).filter(**filters)
    pages = selectors.searchable_pages(locale=locale).filter(**filters)
    documents = selectors.searchable_documents(locale=locale).filter(**filters)
    return ArticleSearch(
        clauses, articles, pages, documents, candidates or search_candidates(), locale_id=getattr(locale, "pk", locale)
    )


# --- Highlighting ------------------------------------------------------------------------------------


@functools.lru_cache(maxsize=4096)
def _normalised_char(char: str, fold: bool) -> str:
    # A story is a few thousand characters drawn from a few dozen: each is normalised once per process,
    # not once per character of every snippet (which was a third of a search page's time).
    return normalise_arabic(char, fold_ta_marbuta=fold)


class _Offsets:
    """For each character of a normalised text, the index of the original character it came from.

    Most characters normalise to one of their own; only those that vanish (tashkeel, tatweel) or grow
    (a ligature NFKC turns into two letters) move the ones after them. Those few are recorded as they
    occur, and an index is mapped through the last one before it: a story is normalised in one C-level
    pass, not character by character in Python (which was most of a search result's snippet)."""

    def __init__(self):
        self.starts: list[int] = []  # where, in the normalised text, each irregular character's output starts
        self.records: list[tuple[int, int]] = []  # (its original index, its output's length)

    def add(self, normalised_index: int, original_index: int, length: int) -> None:
        self.starts.append(normalised_index)
        self.records.append((original_index, length))

    def __getitem__(self, index: int) -> int:
        at = bisect.bisect_right(self.starts, index) - 1
        if at < 0:
            return index
        start = self.starts[at]
        original, length = self.records[at]
        if index < start + length:
            return original  # one of the letters a ligature became
        return index + (original + 1) - (start + length)


def _normalised_with_offsets(text: str) -> tuple[str, _Offsets]:
    """The normalised text and, for each of its characters, the index of the original character it
    came from (NFKC may turn one ligature into two letters; tashkeel and tatweel vanish)."""
    fold = fold_ta_marbuta()
    mapping = {char: _normalised_char(char, fold) for char in set(text)}
    offsets = _Offsets()
    irregular = "".join(re.escape(char) for char, out in mapping.items() if len(out) != 1)
    if irregular:
        shift = 0  # normalised index minus original index, so far
        for match in re.finditer(f"[{irregular}]", text):
            index = match.start()
            length = len(mapping[match.group()])
            offsets.add(index + shift, index, length)
            shift += length - 1
    return text.translate(str.maketrans(mapping)), offsets


def _highlight_terms(terms: list[str]) -> list[str]:
    fold = fold_ta_marbuta()
    result = set()
    for term in terms:
        term = normalise_arabic(term, fold_ta_marbuta=fold)
        result.add(term)
        # English plurals: PostgreSQL's stemmer matches "schools" to "school"; highlight both.
        if term.isascii() and len(term) > 3 and term.endswith("s"):
            result.add(term[:-1])
    return sorted(result, key=len, reverse=True)


def match_spans(text: str, terms: list[str]) -> list[tuple[int, int]]:
    """(start, end) spans of the original `text` holding a whole word that matches a query term."""
    if not text or not terms:
        return []
    normalised, offsets = _normalised_with_offsets(text)
    wanted = _highlight_terms(terms)
    # The search matched stems (مستشفيات finds مستشفى): a word whose stem is a query word's stem is a match.
    wanted_stems = {stem for term in terms for stem in _stems(normalise_arabic(term))}
    # Every query word behind every proclitic, tested in one startswith (a loop over them per word of the
    # text was a tenth of a search page's time).
    prefixed = tuple(prefix + term for term in wanted for prefix in PROCLITICS)
    spans = []
    for word in WORD.finditer(normalised):
        value = word.group()
        if stem_word(value) in wanted_stems or value.startswith(prefixed):
            start = offsets[word.start()]
            end = offsets[word.end() - 1] + 1
            # Keep trailing diacritics and tatweel of the last letter inside the mark.
            while end < len(text) and not _normalised_char(text[end], False):
                end += 1
            spans.append((start, end))
    return spans


def highlight(text: str, terms: list[str], *, spans: list[tuple[int, int]] | None = None) -> SafeString:
    """`text` escaped, with the words matching `terms` in <mark>."""
    spans = match_spans(text, terms) if spans is None else spans
    pieces, position = [], 0
    for start, end in spans:
        pieces.append(escape(text[position:start]))
        pieces.append(f"<mark>{escape(text[start:end])}</mark>")
        position = end
    pieces.append(escape(text[position:]))
    return mark_safe("".join(pieces))


def snippet(texts: list[str], terms: list[str], *, length: int = SNIPPET_CHARS) -> SafeString:
    """A window of the first text (summary, then body) that mentions a term, cut at word boundaries,
    with the matches marked. Without any match (a stemmed or tag-only hit) the summary is shown."""
    texts = [" ".join(t.split()) for t in texts if t and t.strip()]
    if not texts:
        return mark_safe("")
    chosen, spans = texts[0], []
    for text in texts:
        found = match_spans(text, terms)
        if found:
            chosen, spans = text, found
            break
    start = 0
    if spans and spans[0][0] > length // 3:
        start = chosen.rfind(" ", 0, spans[0][0] - length // 3) + 1
    end = len(chosen)
    if end - start > length:
        cut = chosen.rfind(" ", start, start + length)
        end = cut if cut > start else start + length
        if spans and end < spans[0][1]:
            end = spans[0][1]
    window = [(s - start, e - start) for s, e in spans if s >= start and e <= end]
    body = highlight(chosen[start:end], terms, spans=window)
    prefix = "… " if start > 0 else ""
    suffix = " …" if end < len(chosen) else ""
    return mark_safe(f"{prefix}{body}{suffix}")


# --- The view ----------------------------------------------------------------------------------------


class SearchForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, strip=True)
    section = forms.ChoiceField(label=_("Section"), required=False)
    date_from = forms.DateField(label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, sections: list[SectionPage], **kwargs):
        super().__init__(*args, **kwargs)
        self.sections = {section.slug: section for section in sections}
        self.fields["section"].choices = [("", _("All sections"))] + [(s.slug, s.title) for s in sections]
        self.fields["q"].widget.attrs.update({"type": "search", "dir": "auto", "autocomplete": "off"})


def search_view(request):
    """Search the active edition. Thin: the form validates, `search_articles` searches, the template shows."""
    locale = active_locale(request)
    home = edition_home(request, locale)
    sections = edition_sections(request, home) if home else []
    form = SearchForm(request.GET, sections=sections)
    context = {"form": form, "query": "", "state": "empty", "results": None, "sections": sections}
    if form.is_valid():
        query = form.cleaned_data["q"]
        context["query"] = context["search_query"] = query
        terms = query_terms(query)
        clauses = query_clauses(query)
        if not query:
            context["state"] = "empty"
        elif len(query) > MAX_QUERY_LENGTH:
            context["state"] = "too_long"
        elif not terms or locale is None:
            context["state"] = "no_results"
        else:
            results = search_articles(
                clauses,
                locale=locale,
                section=form.sections.get(form.cleaned_data["section"]),
                date_from=form.cleaned_data["date_from"],
                date_to=form.cleaned_data["date_to"],
            )
            paginator = Paginator(results, RESULTS_PER_PAGE)
            page = paginator.get_page(request.GET.get("page"))
            # A page of links around the current one, not one per page of a 20,000-result search.
            page.elided_range = paginator.get_elided_page_range(page.number)
            items = selectors.with_card_data(page.object_list)
            for article in items:
                article.search_title_html = highlight(article.title, terms)
                article.search_snippet = snippet([article.summary, article.body_text], terms)
            page.object_list = items
            context.update(results=page, items=items, capped=results.capped, state="results" if items else "no_results")
            query_string = request.GET.copy()
            query_string.pop("page", None)
            context["query_string"] = query_string.urlencode()
    else:
        context["state"] = "invalid"
    return TemplateResponse(request, "search/search.html", context)

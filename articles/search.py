"""Reader search: `/search/` and `/en/search/`.

The index holds normalised Arabic (ArticlePage.search_* callables run `normalise_arabic`), so the query
is normalised the same way here: a reader typing الأسد finds a story that wrote اﻷسد with a ligature,
الأَسَد with diacritics or الاسد without a hamza. Ta marbuta (ة/ه) is folded at query time only, by
searching both spellings, so switching NEWSROOM["SEARCH_FOLD_TA_MARBUTA"] needs no reindex.

Highlighting works on the same normalised text but marks the reader's original characters, so a
snippet shows the ligature or the diacritics the editor typed, with the matching words in <mark>.
"""

from __future__ import annotations

import datetime
import re

from django import forms
from django.conf import settings
from django.core.paginator import Paginator
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _
from wagtail.search.query import And, Or, PlainText

from . import selectors
from .models import ArticlePage, SectionPage
from .seo import active_locale, edition_home
from .text import normalise_arabic

MAX_QUERY_LENGTH = 200
MAX_TERMS = 12
SNIPPET_CHARS = 240
RESULTS_PER_PAGE = 10

WORD = re.compile(r"[^\W_]+")
# Proclitics written joined to the next word: و (and), ف (so), ب (with), ل (for), ك (like), ال (the).
# A query word is highlighted where it starts a word or follows one of these.
PROCLITICS = ("", "و", "ف", "ب", "ل", "ك", "ال", "وال", "فال", "بال", "كال", "لل", "ولل", "وب", "ول", "فب", "فل")


def fold_ta_marbuta() -> bool:
    return bool(settings.NEWSROOM.get("SEARCH_FOLD_TA_MARBUTA", False))


def query_terms(raw: str) -> list[str]:
    """The words of a query, normalised like the index. Punctuation and search-engine operators
    (quotes, *, NEAR, parentheses) are dropped rather than passed to FTS5 or to_tsquery."""
    return WORD.findall(normalise_arabic(raw))[:MAX_TERMS]


def _spellings(term: str) -> list[str]:
    if fold_ta_marbuta() and term[-1] in "ةه":
        return [term[:-1] + "ة", term[:-1] + "ه"]
    return [term]


def build_query(terms: list[str]):
    """Every word must match (AND); a word ending in ة or ه matches either when folding is on."""
    parts = []
    for term in terms:
        spellings = _spellings(term)
        parts.append(PlainText(spellings[0]) if len(spellings) == 1 else Or([PlainText(s) for s in spellings]))
    return parts[0] if len(parts) == 1 else And(parts)


def search_articles(
    terms: list[str],
    *,
    locale,
    section: SectionPage | None = None,
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
):
    """Published articles of one edition matching every term, most relevant first (titles weigh most)."""
    articles = selectors.published_articles(locale=locale)
    if section is not None:
        articles = articles.filter(path__startswith=section.path)
    tz = timezone.get_current_timezone()
    if date_from:
        articles = articles.filter(
            first_published_at__gte=datetime.datetime.combine(date_from, datetime.time.min, tzinfo=tz)
        )
    if date_to:
        articles = articles.filter(
            first_published_at__lt=datetime.datetime.combine(
                date_to + datetime.timedelta(days=1), datetime.time.min, tzinfo=tz
            )
        )
    # published_articles() filters on fields the search index does not hold (expired, view restrictions);
    # searching "ids among those" keeps it the one definition of what readers may see.
    searchable = ArticlePage.objects.filter(id__in=articles.order_by().values("id"))
    return searchable.search(build_query(terms), order_by_relevance=True)


# --- Highlighting ------------------------------------------------------------------------------------


def _normalised_with_offsets(text: str) -> tuple[str, list[int]]:
    """The normalised text and, for each of its characters, the index of the original character it
    came from (NFKC may turn one ligature into two letters; tashkeel and tatweel vanish)."""
    fold = fold_ta_marbuta()
    chars: list[str] = []
    offsets: list[int] = []
    for index, char in enumerate(text):
        for out in normalise_arabic(char, fold_ta_marbuta=fold):
            chars.append(out)
            offsets.append(index)
    return "".join(chars), offsets


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
    spans = []
    for word in WORD.finditer(normalised):
        value = word.group()
        if any(value.startswith(prefix + term) for term in wanted for prefix in PROCLITICS):
            start = offsets[word.start()]
            end = offsets[word.end() - 1] + 1
            # Keep trailing diacritics and tatweel of the last letter inside the mark.
            while end < len(text) and not normalise_arabic(text[end]):
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
    locale = active_locale()
    home = edition_home(request, locale)
    sections = selectors.sections(home=home) if home else []
    form = SearchForm(request.GET, sections=sections)
    context = {"form": form, "query": "", "state": "empty", "results": None, "sections": sections}
    if form.is_valid():
        query = form.cleaned_data["q"]
        context["query"] = context["search_query"] = query
        terms = query_terms(query)
        if not query:
            context["state"] = "empty"
        elif len(query) > MAX_QUERY_LENGTH:
            context["state"] = "too_long"
        elif not terms or locale is None:
            context["state"] = "no_results"
        else:
            results = search_articles(
                terms,
                locale=locale,
                section=form.sections.get(form.cleaned_data["section"]),
                date_from=form.cleaned_data["date_from"],
                date_to=form.cleaned_data["date_to"],
            )
            page = Paginator(results, RESULTS_PER_PAGE).get_page(request.GET.get("page"))
            items = selectors.with_card_data(page.object_list)
            for article in items:
                article.search_title_html = highlight(article.title, terms)
                article.search_snippet = snippet([article.summary, article.body_text], terms)
            page.object_list = items
            context.update(results=page, items=items, state="results" if items else "no_results")
            query_string = request.GET.copy()
            query_string.pop("page", None)
            context["query_string"] = query_string.urlencode()
    else:
        context["state"] = "invalid"
    return TemplateResponse(request, "search/search.html", context)

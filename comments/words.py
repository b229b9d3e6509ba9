"""Banned and suspect word lists, matched the way Arabic is written.

Terms and comment text both go through the project's Arabic normaliser (diacritics, tatweel, alef and
hamza forms, ى/ي, ة/ه, presentation-form ligatures, Arabic-Indic digits, letter case), then whole words
are compared. A word also matches with the prefixes Arabic attaches to it (و ف, then ب ل ك, then ال, in
any combination: «وبالخنزير») and with a pronoun suffix («كلبهم»), but never inside an unrelated longer
word: only those prefixes and suffixes are taken off, and what is left must be the whole term.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from articles.text import normalise_arabic

# A word: letters and digits with the marks and tatweel that may sit inside it.
WORD = re.compile(r"[\w\u0640\u064b-\u065f\u0670]+")
CONJUNCTIONS = ("و", "ف")
PREPOSITIONS = ("ب", "ل", "ك")
ARTICLE = "ال"
# Longest first, so «هما» is tried before «ها» and «ه».
SUFFIXES = ("هما", "كما", "هم", "هن", "ها", "كم", "كن", "نا", "ه", "ك", "ي")
MIN_STEM = 2


def normalise(text: str) -> str:
    return normalise_arabic(text, fold_ta_marbuta=True)


def parse_terms(text: str) -> list[str]:
    """One term or phrase per line; blank lines and duplicates (after normalising) dropped."""
    seen, terms = set(), []
    for line in (text or "").splitlines():
        term = " ".join(line.split())
        key = normalise(term)
        if term and key not in seen:
            seen.add(key)
            terms.append(term)
    return terms


def _prefix_forms(word: str) -> set[str]:
    forms = {word}
    for first in ("", *CONJUNCTIONS):
        if first and not word.startswith(first):
            continue
        rest = word[len(first) :]
        for second in ("", *PREPOSITIONS):
            if second and not rest.startswith(second):
                continue
            stem = rest[len(second) :]
            forms.add(stem)
            if stem.startswith(ARTICLE):
                forms.add(stem[len(ARTICLE) :])
            # ل + ال is written «لل»: «للخنزير».
            if second == "ل" and stem.startswith("ل"):
                forms.add(stem[1:])
    return {form for form in forms if len(form) >= MIN_STEM}


def _forms(word: str) -> set[str]:
    """The word and what it is once attached prefixes and a pronoun suffix are taken off."""
    forms = set()
    for form in _prefix_forms(word):
        forms.add(form)
        for suffix in SUFFIXES:
            if form.endswith(suffix) and len(form) - len(suffix) >= MIN_STEM:
                stem = form[: -len(suffix)]
                forms.add(stem)
                # ة becomes ت before a suffix («سيارتها»); folded ة is ه.
                if stem.endswith("ت"):
                    forms.add(stem[:-1] + "ه")
    return forms


@dataclass(frozen=True)
class Match:
    term: str
    kind: str
    start: int
    end: int


def find(text: str, lists: dict[str, list[str]]) -> list[Match]:
    """Every term of `lists` ({kind: terms}) found in `text`, with where it is in the text as written."""
    tokens = [(m.start(), m.end(), normalise(m.group())) for m in WORD.finditer(text or "")]
    if not tokens:
        return []
    candidates = [_forms(word) for _start, _end, word in tokens]
    found: list[Match] = []
    for kind, terms in lists.items():
        for term in terms:
            parts = [normalise(part) for part in WORD.findall(term)]
            if not parts:
                continue
            for i in range(len(tokens) - len(parts) + 1):
                if all(
                    part in candidates[i + j] if j in (0, len(parts) - 1) else part == tokens[i + j][2]
                    for j, part in enumerate(parts)
                ):
                    found.append(Match(term, kind, tokens[i][0], tokens[i + len(parts) - 1][1]))
    return sorted(found, key=lambda match: (match.start, match.end))

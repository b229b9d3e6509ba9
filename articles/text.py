"""Arabic text handling shared by search, slugs and comments.

One normaliser is used at index time and at query time, so a reader typing الأسد finds a story that
wrote اﻷسد (a presentation-form ligature) or الأَسَد (with diacritics). We write our own rather than
using pyarabic, whose normalize_alef also folds ى into ا and whose normalize_hamza turns أ into ء.
"""

import functools
import re
import unicodedata

import snowballstemmer

TASHKEEL = re.compile("[\u064b-\u0652\u0670\u0653-\u065f]")
TATWEEL = "\u0640"
ALEF_FORMS = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا"})
DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "0123456789" * 2)
# "Trojan Source" (CVE-2021-42574): embeddings, overrides and isolates that reorder what a reader sees.
BIDI_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]")
ARABIC_INDIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")


def normalise_arabic(text: str, *, fold_ta_marbuta: bool = False) -> str:
    """Fold the spellings readers treat as the same word into one form for matching.

    NFKC first (ligatures such as ﻷ U+FEF7 become لأ), then strip tashkeel and tatweel, unify alef
    forms, alef maqsura to ya, and Arabic-Indic and Persian digits to ASCII. Ta marbuta (ة → ه) is
    optional because it also merges words that differ in meaning.
    """
    if not text:
        return ""
    text = unicodedata.normalize("NFKC", text)
    text = TASHKEEL.sub("", text).replace(TATWEEL, "")
    text = text.translate(ALEF_FORMS).replace("ى", "ي").translate(DIGITS)
    if fold_ta_marbuta:
        text = text.replace("ة", "ه")
    return text.lower()


def strip_bidi_controls(text: str) -> str:
    """Remove characters that silently reorder text; bidi isolation is done by templates instead."""
    return BIDI_CONTROLS.sub("", text)


def to_arabic_indic(text: str) -> str:
    """Show ASCII digits as Arabic-Indic digits (٠١٢٣). Stored data stays ASCII."""
    return str(text).translate(ARABIC_INDIC)


# --- Stemming for search -----------------------------------------------------------------------------

ARABIC_LETTER = re.compile("[\u0621-\u064a]")
STEM_WORD = re.compile(r"[^\W_]+")
_stemmers: dict = {}


def _stemmer(language: str):
    # snowballstemmer's stemmers keep state between calls: one per language, built on first use.
    if language not in _stemmers:
        _stemmers[language] = snowballstemmer.stemmer(language)
    return _stemmers[language]


@functools.lru_cache(maxsize=200_000)
def stem_word(word: str) -> str:
    """The stem of one normalised word: Snowball's Arabic stemmer for Arabic words, the English one for
    Latin words (the algorithms of PostgreSQL's `arabic` and `english` configurations), digits as they are.

    The Arabic stemmer takes one layer of affixes per pass, so a plural and its singular can stop at
    different stems (مستشفيات → مستشفيا, مستشفى → مستشف); stemming again until nothing changes brings
    them to the same one. Every spelling of a word (index and query alike) goes through this."""
    if word.isdigit():
        return word
    if ARABIC_LETTER.search(word):
        stemmer = _stemmer("arabic")
        for _ in range(4):
            stemmed = stemmer.stemWord(word)
            if stemmed == word or not stemmed:
                break
            word = stemmed
        return word
    return _stemmer("english").stemWord(word)


def stem_text(text: str) -> str:
    """Every word of already normalised text replaced by its stem, in order (phrases still match)."""
    return " ".join(stem_word(word) for word in STEM_WORD.findall(text))

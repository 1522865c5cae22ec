"""Searching indicators in practitioners' words.

- Inflections match: each word is reduced to its stem with the Snowball English stemmer
  (``snowballstemmer``, imported only when searching), so "drugs" finds "drug" and "bruise"
  finds "bruising"; a query word also matches the start of a longer word ("bruis").
- Abbreviations and plain-language names come from the concept vocabulary (``abbreviations``,
  ``synonyms``): "CSE", "MFH" or "county lines" also find the indicators tagged with that concept.
- A query of several words ranks indicators by how many of its terms they match, best first, in
  document order among equals.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cache
from typing import Any

from thresholdkit.model.errors import visible
from thresholdkit.model.objects import Indicator

_WORD = re.compile(r"[a-z0-9]+")
#: Words too common to search by on their own (they still count inside a vocabulary phrase).
STOP_WORDS = frozenset(
    {
        "a",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "by",
        "for",
        "from",
        "has",
        "have",
        "he",
        "her",
        "his",
        "in",
        "is",
        "it",
        "its",
        "not",
        "of",
        "on",
        "or",
        "she",
        "that",
        "the",
        "their",
        "them",
        "they",
        "this",
        "to",
        "was",
        "with",
    }
)


def words(text: str) -> list[str]:
    return _WORD.findall(text.lower().replace("’", "'").replace("'", ""))


@cache
def _stemmer() -> Any:
    import snowballstemmer

    return snowballstemmer.stemmer("english")


def stem(word: str) -> str:
    return str(_stemmer().stemWord(word))


@cache
def _phrases() -> dict[tuple[str, ...], frozenset[str]]:
    """Each abbreviation, synonym and concept label, as a tuple of words -> the concept ids."""
    from thresholdkit.data import vocabulary

    found: dict[tuple[str, ...], set[str]] = {}
    for cid, concept in vocabulary.concepts().items():
        for phrase in [*concept.get("abbreviations", []), *concept.get("synonyms", []), concept["label"]]:
            key = tuple(words(phrase))
            if key:
                found.setdefault(key, set()).add(cid)
    return {k: frozenset(v) for k, v in found.items()}


def terms(query: str) -> list[tuple[str, frozenset[str]]]:
    """The query's terms: (the word's stem, or '' for a phrase, and the concepts it names)."""
    ws = words(query)
    phrases = _phrases()
    out: list[tuple[str, frozenset[str]]] = []
    i = 0
    while i < len(ws):
        for size in (4, 3, 2):  # the longest phrase from the vocabulary first
            key = tuple(ws[i : i + size])
            if len(key) == size and key in phrases:
                out.append(("", phrases[key]))
                i += size
                break
        else:
            if ws[i] not in STOP_WORDS or (ws[i],) in phrases:
                out.append((ws[i], phrases.get((ws[i],), frozenset())))
            i += 1
    return out


def _matches(
    term: tuple[str, frozenset[str]], text_words: list[str], stems: list[str], concepts: set[str], q: str | None = None
) -> bool:
    """Whether an indicator (its words, their stems, its concepts) matches one query term;
    ``q`` is the term's stem when the caller has it already."""
    word, named = term
    if named & concepts:
        return True
    if not word:
        return False
    if q is None:
        q = stem(word)
    if q in stems or word in text_words:
        return True
    return len(word) >= 4 and any(w.startswith(word) or s.startswith(q) for w, s in zip(text_words, stems, strict=True))


def search_indicators(items: Iterable[Indicator], query: str) -> list[Indicator]:
    """The indicators matching any term of ``query``, ranked by how many they match."""
    wanted = terms(query)
    if not wanted:  # nothing to look for is not "everything matched"
        from thresholdkit.model.errors import UsageError

        raise UsageError(
            f"--search '{query}' has no word to look for (punctuation and words such as 'the' and 'and' are "
            "left out); give a word the indicator might use, e.g. --search neglect"
        )
    stemmer = _stemmer()
    # each query word stemmed once, each indicator's words in one call (not word by word)
    stemmed = [(t, str(stemmer.stemWord(t[0])) if t[0] else "") for t in wanted]
    scored = []
    for n, ind in enumerate(items):
        text_words = words(ind.text)
        stems = [str(s) for s in stemmer.stemWords(text_words)]
        concepts = set(ind.concepts)
        score = sum(_matches(t, text_words, stems, concepts, q) for t, q in stemmed)
        if score:
            scored.append((-score, n, ind))
    return [ind for _, _, ind in sorted(scored, key=lambda x: (x[0], x[1]))]


def no_match_message(area_id: str, query: str) -> str:
    """What to say when nothing matched: that is not the same as no concern."""
    return (
        f"No printed indicator in {area_id} matched '{visible(query)}'. This does not mean there is no concern: "
        f"try other words, look at the concepts ('thresholdkit concepts', then 'thresholdkit indicators {area_id} "
        f"--concept ID'), or use 'thresholdkit assess {area_id} --level N' with your own professional judgement."
    )

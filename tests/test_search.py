"""Search in practitioners' words (issue 16, part): inflections, abbreviations and synonyms from
the concept vocabulary, ranked multi-word queries, a --concept filter, and an empty result that
never reads as "no concern"."""

from __future__ import annotations

import json
from typing import Any

import pytest
from conftest import assert_one_line_error


def _found(run, area, *args):
    r = run("indicators", area, *args, "-f", "json")
    assert r.code == 0, r.err
    return json.loads(r.out)


@pytest.mark.parametrize(
    ("query", "word"),
    [("drugs", "drug"), ("drug", "drugs"), ("bruise", "bruising"), ("neglected", "neglect"), ("miss", "missing")],
)
def test_inflections_match(run, query, word):
    for area in ("telford", "herefordshire", "coventry", "worcestershire"):
        texts = [i["text"].lower() for i in _found(run, area, "--search", query)]
        if any(word in t for t in texts):
            return
    raise AssertionError(f"'{query}' found no indicator saying '{word}' in any area")


def test_a_partial_word_matches_the_start_of_words(run):
    assert any("bruis" in i["text"].lower() for i in _found(run, "telford", "--search", "bruis"))


def test_abbreviations_find_indicators_by_concept(run):
    found = _found(run, "telford", "--search", "CSE")
    assert found and all("child-sexual-exploitation" in i["concepts"] or "cse" in i["text"].lower() for i in found)
    assert _found(run, "herefordshire", "--search", "NAI")


def test_multi_word_queries_rank_the_best_match_first(run):
    found = _found(run, "telford", "--search", "alcohol drugs parent")
    assert len(found) > 3
    from thresholdkit.rules.search import _matches, stem, terms, words

    def score(i):
        ws = words(i["text"])
        return sum(_matches(t, ws, [stem(w) for w in ws], set(i["concepts"])) for t in terms("alcohol drugs parent"))

    scores = [score(i) for i in found]
    assert scores == sorted(scores, reverse=True) and scores[0] > scores[-1]


def test_concept_filter(run):
    found = _found(run, "coventry", "--concept", "private-fostering")
    assert found and all("private-fostering" in i["concepts"] for i in found)
    r = run("indicators", "coventry", "--concept", "cse")
    assert_one_line_error(r, 2)
    assert "child-sexual-exploitation" in r.err


def test_no_match_never_reads_as_no_concern(run):
    r = run("indicators", "worcestershire", "--search", "zzqx")
    assert r.code == 0 and "(nothing to show)" not in r.out
    assert "does not mean there is no concern" in r.out and "assess worcestershire --level N" in r.out
    r = run("indicators", "worcestershire", "--search", "zzqx", "-f", "json")
    assert json.loads(r.out) == [] and "does not mean there is no concern" in r.err


def test_search_imports_the_stemmer_only_when_searching():
    import subprocess
    import sys

    code = (
        "import sys; from thresholdkit.cli.main import cli\n"
        "try:\n cli.main(['contacts', 'coventry'], prog_name='thresholdkit')\nexcept SystemExit: pass\n"
        "print('snowballstemmer' in sys.modules, file=sys.stderr)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.stderr.strip().splitlines()[-1] == "False"


@pytest.mark.parametrize("fmt", ["table", "csv", "markdown"])
def test_uncertain_domains_and_notes_show_in_every_format(run, fmt):
    r = run("indicators", "worcestershire", "-l", "4", "-f", fmt)
    assert r.code == 0
    out = " ".join(r.out.replace("\\", "").split())  # Markdown escapes the brackets
    assert "[domain uncertain]" in out and "[note: Uncertain sub-heading" in out


def test_the_quiz_leaves_out_texts_printed_at_two_levels(run):
    from thresholdkit.areas.registry import Registry
    from thresholdkit.render.quiz import quiz_model

    area = Registry.load().area("telford")
    import re

    def key(text: str) -> str:
        return re.sub(r"\W+", " ", text.lower()).strip()

    levels: dict[str, set[int]] = {}
    for ind in area.indicators():
        levels.setdefault(key(ind.text), set()).add(ind.level)
    twice = {text for text, lv in levels.items() if len(lv) > 1}
    assert twice, "Telford prints some indicator texts at two levels"
    for seed in range(1, 6):
        model = quiz_model(area, 40, seed)
        assert not any(key(q["text"]) in twice for q in model["questions"])


def test_the_compiled_stemmer_stems_every_word_as_the_pure_python_one() -> None:
    """snowballstemmer uses PyStemmer when it is installed (2 ms to import against 35 ms): the
    stems, and so every search, must be the same with either."""
    compiled = pytest.importorskip("Stemmer").Stemmer("english")
    from snowballstemmer.english_stemmer import EnglishStemmer

    from thresholdkit.areas.registry import Registry
    from thresholdkit.data import vocabulary
    from thresholdkit.rules.search import words

    found: set[str] = set()
    reg = Registry.load()
    for area in reg.usable():
        for ind in _all(area):
            found.update(words(ind.text))
    for concept in vocabulary.concepts().values():
        for phrase in [*concept.get("abbreviations", []), *concept.get("synonyms", []), concept["label"]]:
            found.update(words(phrase))
    assert len(found) > 1000
    pure = EnglishStemmer()
    assert {w: compiled.stemWord(w) for w in found if compiled.stemWord(w) != pure.stemWord(w)} == {}


def _all(area: Any) -> list[Any]:
    from thresholdkit.model.errors import NotPublishedError

    try:
        return area.indicators()
    except NotPublishedError:
        return []


def test_the_ranking_is_the_word_by_word_rule() -> None:
    """search_indicators stems each query word once and each indicator's words in one call
    (issue 19); the ranking must be what stemming and matching word by word gives."""
    import random

    from thresholdkit.areas.registry import Registry
    from thresholdkit.model.errors import UsageError
    from thresholdkit.rules.search import _matches, search_indicators, stem, terms, words

    rnd = random.Random(19)
    for area in Registry.load().usable():
        items = _all(area)
        if not items:
            continue
        vocabulary = sorted({w for i in items for w in words(i.text)})
        queries = ["drugs", "running away", "CSE", "not going to school", "bruis"]
        queries += [" ".join(rnd.sample(vocabulary, rnd.randint(1, 3))) for _ in range(40)]
        for query in queries:
            if not terms(query):  # stop words only: nothing to look for, an error (not "everything matched")
                with pytest.raises(UsageError):
                    search_indicators(items, query)
                continue
            scored = []
            for n, ind in enumerate(items):
                ws = words(ind.text)
                score = sum(_matches(t, ws, [stem(w) for w in ws], set(ind.concepts)) for t in terms(query))
                if score:
                    scored.append((-score, n, ind.ref))
            assert [i.ref for i in search_indicators(items, query)] == [ref for *_, ref in sorted(scored)], query


@pytest.mark.parametrize("query", ["!!", "the", "and of the", " - ", "'"])
def test_a_search_with_no_word_to_look_for_is_an_error(run, query):
    """Red team (surfaces, F9): a search of punctuation or stop words alone listed every indicator
    (345 of Telford's), as if all had matched."""
    from conftest import assert_one_line_error

    r = run("indicators", "coventry", "--search", query)
    assert_one_line_error(r, code=2)
    assert "no word to look for" in r.err

"""Comparing areas on the shared vocabulary: levels, concepts, indicators, pathways, contacts."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Iterator
from functools import lru_cache
from itertools import chain
from typing import TYPE_CHECKING, Any

from thresholdkit.areas.registry import Area, Registry
from thresholdkit.model.errors import NotPublishedError, UsageError, did_you_mean
from thresholdkit.model.objects import Indicator

if TYPE_CHECKING:
    from thresholdkit.model.objects import Condition, OpeningAdvice

NOT_PUBLISHED = "not published in this document"


def pick_areas(reg: Registry, areas: str | None, purpose: str = "compare", name: str = "--areas") -> list[Area]:
    """The usable areas of ``--areas`` (comma-separated ids; None: every usable installed area;
    ``name`` is what messages call it).

    UsageError for an unknown id (with a suggestion), an id named twice, a value that names no
    area, or no usable area at all; a broken or draft area is left out and reported
    (Registry.on_left_out) and the rest go on."""
    ids = reg.area_ids()
    wanted: list[str] | None = None
    if areas is not None:
        wanted = [a.strip().lower() for a in areas.split(",") if a.strip()]
        if not wanted:
            raise UsageError(f"{name} names no area; leave it out to use every usable installed area")
        twice = next((w for n, w in enumerate(wanted) if w in wanted[:n]), None)
        if twice is not None:
            raise UsageError(f"{name} names '{twice}' twice; name each area once")
        for w in wanted:
            if w not in ids:
                raise UsageError(f"unknown area '{w}'{did_you_mean(w, ids)}; installed: {', '.join(ids)}")
    out = reg.usable(wanted)
    if not out:
        raise UsageError(f"no usable areas to {purpose}; see 'thresholdkit plugins'")
    return out


def all_indicators(area: Area) -> list[Indicator] | None:
    """Every indicator of every published set; None when the document publishes none."""
    items: list[Indicator] = []
    published = False
    for s in area.indicator_sets():
        try:
            items += area.indicators(s["id"])
            published = True
        except NotPublishedError:
            continue
    return items if published else None


def compare_levels(areas: list[Area]) -> list[dict[str, Any]]:
    """The four levels side by side: for each level, each area's local name, label and
    definition (as ``thresholdkit compare levels`` gives them)."""
    rows = []
    for n in (1, 2, 3, 4):
        row: dict[str, Any] = {"level": n, "areas": {}}
        for a in areas:
            lv = a.level(n)
            row["areas"][a.id] = {
                "name": lv["name"],
                "label": lv["label"],
                "definition": [q["text"] for q in lv["definition"]],
            }
        rows.append(row)
    return rows


def _signature(ind: Indicator) -> frozenset[str]:
    from thresholdkit.rules.cases import condition_facts

    return frozenset().union(*(condition_facts(c) for c in ind.conditions)) if ind.conditions else frozenset()


def compare_concept(areas: list[Area], concept: str) -> dict[str, Any]:
    """For each area, the indicators tagged with ``concept`` at each level, and the differences:
    the same situation (a witness case meeting both areas' printed conditions) at different
    levels, and the highest level at which each area names the concept."""
    from thresholdkit.data import vocabulary

    concepts = vocabulary.concepts()
    if concept not in concepts:
        raise UsageError(
            f"unknown concept '{concept}'{vocabulary.suggest(concept)}; list them with 'thresholdkit concepts'"
        )
    result: dict[str, Any] = {"concept": concepts[concept], "areas": [], "differences": []}
    by_signature: dict[frozenset[str], list[tuple[str, Indicator]]] = {}
    top: dict[str, int] = {}
    for a in areas:
        items = all_indicators(a)
        if items is None:
            result["areas"].append(
                {"area": a.id, "name": a.name, "published": False, "note": NOT_PUBLISHED, "levels": {}}
            )
            continue
        tagged = [i for i in items if concept in i.concepts]
        levels: dict[str, list[dict[str, Any]]] = {}
        for i in tagged:
            levels.setdefault(str(i.level), []).append(
                {"id": i.id, "ref": i.ref, "set": i.set, "text": i.text, "level": i.level, "source": i.source}
            )
            sig = _signature(i)
            if sig:
                by_signature.setdefault(sig, []).append((a.id, i))
        if tagged:
            top[a.id] = max(i.level for i in tagged)
        result["areas"].append(
            {
                "area": a.id,
                "name": a.name,
                "published": True,
                "note": None if tagged else "the document names no indicator of this concept",
                "levels": dict(sorted(levels.items())),
                "level_names": {str(lv["level"]): lv["name"] for lv in a.levels()},
            }
        )
    from thresholdkit.rules.cases import condition_holds
    from thresholdkit.rules.notices import highest

    def level_at(area_id: str, case: dict[str, Any]) -> tuple[int, Indicator | None]:
        """The area's level for the witness case, from every indicator of this signature that
        the case's facts meet (escalations included), and the indicator that sets it."""
        hits = [
            i
            for a, i in members
            if a == area_id and i.condition_use == "sufficient" and all(condition_holds(c, case) for c in i.conditions)
        ]
        top = highest(hits, case)
        return top, next((i for i in hits if highest([i], case) == top), None)

    said: set[tuple[str, str, str]] = set()
    for sig, members in sorted(by_signature.items(), key=lambda kv: sorted(kv[0])):
        for (a1, i1), (a2, i2) in _pairs(members):
            if a1 == a2:
                continue
            for case in witnesses(i1, i2):  # the first same situation the two areas set apart
                (l1, j1), (l2, j2) = level_at(a1, case), level_at(a2, case)
                if l1 != l2 and j1 is not None and j2 is not None:
                    break
            else:
                continue
            key = (a1, a2, repr(sorted(case.items())))
            if key in said:
                continue
            said.add(key)
            result["differences"].append(
                {
                    "kind": "same situation, different levels",
                    "facts": sorted(sig),
                    "example": case,
                    "indicators": [
                        {"area": a1, "id": j1.id, "ref": j1.ref, "level": l1, "text": j1.text},
                        {"area": a2, "id": j2.id, "ref": j2.ref, "level": l2, "text": j2.text},
                    ],
                }
            )
    if len(set(top.values())) > 1:
        result["differences"].append(
            {
                "kind": "highest level at which each area names this concept",
                "levels": dict(sorted(top.items())),
            }
        )
    return result


def _pairs(members: list[tuple[str, Indicator]]) -> list[tuple[tuple[str, Indicator], tuple[str, Indicator]]]:
    return [(members[i], members[j]) for i in range(len(members)) for j in range(i + 1, len(members))]


def _candidates(ind: Indicator) -> dict[str, set[Any]]:
    values: dict[str, set[Any]] = {}

    def add(cond: Condition) -> None:
        if "any" in cond:
            for group in cond["any"]:
                for c in group:
                    add(c)
            return
        bucket = values.setdefault(cond["fact"], set())
        for key in ("value", "min", "max"):
            v = cond.get(key)
            if isinstance(v, (bool, str)):
                bucket.add(v)
            elif isinstance(v, (int, float)):
                bucket.update({v - 1, v, v + 1})
        bucket.update(cond.get("values", []))

    for c in ind.conditions:
        add(c)
    for c in ind.escalation["conditions"] if ind.escalation else ():
        add(c)
    return values


def witness(a: Indicator, b: Indicator) -> dict[str, Any] | None:
    """A case whose facts meet both indicators' conditions (the same situation), or None."""
    return next(witnesses(a, b), None)


def witnesses(a: Indicator, b: Indicator) -> Iterator[dict[str, Any]]:
    """Every case, from the figures the two print, whose facts meet both indicators' conditions."""
    import itertools

    from thresholdkit.rules.cases import condition_holds

    pool = _candidates(a)
    for fact, vals in _candidates(b).items():
        pool.setdefault(fact, set()).update(vals)
    for fact, vals in pool.items():
        if any(isinstance(v, bool) for v in vals):
            pool[fact] = {True, False}
    facts = sorted(pool)
    for combo in itertools.product(*(sorted(pool[f], key=str) for f in facts)):
        case = dict(zip(facts, combo, strict=True))
        if all(condition_holds(c, case) for c in a.conditions) and all(condition_holds(c, case) for c in b.conditions):
            yield case


_WORD = re.compile(r"[a-z]{4,}")


@lru_cache(maxsize=16384)
def _words(text: str) -> frozenset[str]:
    """The words of four letters or more in ``text``; remembered per text, since ``site`` asks
    for the same indicator's words tens of thousands of times (plugin text only, per process)."""
    return frozenset(_WORD.findall(text.lower()))


class AreaConcepts:
    """One area's published indicators as :func:`nearest` and the site's related links read them,
    derived once from the area's own data: each indicator's concepts (a frozenset, and how many),
    the indicators by concept (positions in document order), the level names, each indicator's
    rank in the order matches are listed by on a tied score and, once it is first compared, its
    condition signature and its words (how many, and as bits of ``vocabulary``, a word-to-bit
    table shared by the areas compared together)."""

    __slots__ = (
        "_candidates",
        "_filled",
        "_missing",
        "_shared",
        "by_concept",
        "concept_counts",
        "concepts",
        "items",
        "level_names",
        "rank",
        "signatures",
        "vocabulary",
        "word_counts",
        "words_as_bits",
    )

    def __init__(self, area: Area, items: list[Indicator], vocabulary: dict[str, int] | None = None) -> None:
        self.items = items
        self.vocabulary = {} if vocabulary is None else vocabulary
        self.concepts = [frozenset(i.concepts) for i in items]
        self.concept_counts = [len(c) for c in self.concepts]
        by_concept: dict[str, list[int]] = {}
        for n, concepts in enumerate(self.concepts):
            for c in concepts:
                by_concept.setdefault(c, []).append(n)
        self.by_concept = by_concept
        self.level_names: dict[int, str] = {lv["level"]: lv["name"] for lv in area.levels()}
        # higher level first, then id, then document order: what a stable sort on (-level, id) gives
        order = sorted(range(len(items)), key=lambda n: (-items[n].level, items[n].id, n))
        self.rank = [0] * len(items)
        for r, n in enumerate(order):
            self.rank[n] = r
        self._shared: dict[frozenset[str], list[tuple[int, int]]] = {}
        self._candidates: dict[frozenset[str], list[tuple[int, int]]] = {}
        # filled in by compared(), position by position: one nearest() call needs only a few
        self.signatures: list[frozenset[str]] = [frozenset()] * len(items)
        self.word_counts = [0] * len(items)
        self.words_as_bits = [0] * len(items)
        self._filled = [False] * len(items)
        self._missing = len(items)

    def shared_counts(self, concepts: frozenset[str]) -> list[tuple[int, int]]:
        """(position, how many concepts it shares) for each indicator sharing a concept with
        ``concepts``, in no set order; remembered per set of concepts (indicators often carry the
        same set)."""
        found = self._shared.get(concepts)
        if found is None:
            if len(concepts) == 1:  # most indicators carry one concept: each shares it once
                (concept,) = concepts
                found = [(n, 1) for n in self.by_concept.get(concept, ())]
            else:
                found = list(Counter(chain.from_iterable(self.by_concept.get(c, ()) for c in concepts)).items())
            self._shared[concepts] = found
        return found

    def candidates(self, concepts: frozenset[str]) -> list[tuple[int, int]]:
        """:meth:`shared_counts` in rank order (the first of equal scores is the one listed
        first), each with its signature and words in place (:meth:`compared`); remembered per
        set of concepts."""
        found = self._candidates.get(concepts)
        if found is None:
            shared = self.shared_counts(concepts)
            if self._missing:
                self.compared(n for n, _ in shared)
            rank = self.rank
            found = self._candidates[concepts] = sorted(shared, key=lambda nk: rank[nk[0]])
        return found

    def sharing(self, concepts: frozenset[str]) -> list[int]:
        """Positions, in document order, of the indicators that share a concept with ``concepts``."""
        return sorted(n for n, _ in self.shared_counts(concepts))

    def compared(self, positions: Iterable[int]) -> None:
        """Make sure the indicators at ``positions`` have their condition signature (the facts
        their conditions test) and their words (how many, and as bits) in place."""
        if not self._missing:
            return
        filled = self._filled
        for n in positions:
            if not filled[n]:
                ind = self.items[n]
                words = _words(ind.text)
                self.signatures[n] = _signature(ind)
                self.word_counts[n] = len(words)
                self.words_as_bits[n] = word_bits(words, self.vocabulary)
                filled[n] = True
                self._missing -= 1


def _scores(
    derived: AreaConcepts,
    candidates: list[tuple[int, int]],
    n_mine: int,
    my_sig: frozenset[str],
    n_my_words: int,
    my_bits: int,
) -> list[float]:
    """Each candidate's score against an indicator of ``n_mine`` concepts: the Jaccard of the
    concepts, plus 0.5 for the same condition signature, plus half the Jaccard of the words,
    summed in that order (the same floats as the plain comparison). |A u B| is taken as
    |A| + |B| - |A n B|, with |A n B| counted (the words' on bits): the same integers as the
    sets' own sizes, so the same floats."""
    n_theirs, signatures, n_words, bits = (
        derived.concept_counts,
        derived.signatures,
        derived.word_counts,
        derived.words_as_bits,
    )
    return [
        k / (n_mine + n_theirs[n] - k)
        + (0.5 if my_sig and my_sig == signatures[n] else 0.0)
        + 0.5 * ((common := (my_bits & bits[n]).bit_count()) / ((n_my_words + n_words[n] - common) or 1))
        for n, k in candidates
    ]


def word_bits(words: Iterable[str], vocabulary: dict[str, int]) -> int:
    """``words`` as an integer with one bit per word of ``vocabulary`` (a word new to it is added),
    so that two texts' common words are counted as ``(a & b).bit_count()``."""
    bits = 0
    for w in words:
        bit = vocabulary.get(w)
        if bit is None:
            bit = vocabulary[w] = len(vocabulary)
        bits |= 1 << bit
    return bits


class Neighbours:
    """:func:`nearest` for many indicators of the same areas: each area's :class:`AreaConcepts`
    is derived once, on first use, and kept (``site`` asks for every indicator's nearest)."""

    def __init__(self, areas: list[Area]) -> None:
        self.areas = areas
        self.vocabulary: dict[str, int] = {}
        self._by_area: dict[str, tuple[Area, AreaConcepts | None]] = {}

    def of(self, area: Area) -> AreaConcepts | None:
        """The area's derived indicators; None when the document publishes none."""
        kept = self._by_area.get(area.id)
        if kept is not None and kept[0] is area:
            return kept[1]
        items = all_indicators(area)
        derived = None if items is None else AreaConcepts(area, items, self.vocabulary)
        self._by_area[area.id] = (area, derived)
        return derived

    def derive_all(self) -> None:
        """Derive every area now, each indicator's signature and words included (as
        :meth:`of` and :meth:`best` would on first use)."""
        for a in self.areas:
            derived = self.of(a)
            if derived is not None:
                derived.compared(range(len(derived.items)))

    def nearest(self, ref: str, per_area: int = 3) -> dict[str, Any]:
        """As :func:`nearest`, over this object's areas."""
        areas = self.areas
        if ":" not in ref:
            raise UsageError(f"give the indicator as AREA:ID, e.g. coventry:private-fostering (got '{ref}')")
        area_id, _, ind_id = ref.partition(":")
        source_area = next((a for a in areas if a.id == area_id.lower()), None)
        if source_area is None:
            raise UsageError(f"unknown area '{area_id}'{did_you_mean(area_id, [a.id for a in areas])}")
        from thresholdkit.rules.assess import resolve_indicator

        me = resolve_indicator(source_area, ind_id)  # a document that publishes none: NotPublishedError (exit 3)
        out: dict[str, Any] = {"indicator": {"area": source_area.id, **me.to_dict()}, "areas": []}
        my_concepts = set(me.concepts)
        for a, derived, ranked in self.ranked(me, source_area):
            if derived is None:
                out["areas"].append(
                    {"area": a.id, "name": a.name, "published": False, "note": NOT_PUBLISHED, "matches": []}
                )
                continue
            names = derived.level_names
            out["areas"].append(
                {
                    "area": a.id,
                    "name": a.name,
                    "published": True,
                    "matches": [
                        {
                            "id": o.id,
                            "ref": o.ref,
                            "set": o.set,
                            "level": o.level,
                            "level_name": names[o.level],
                            "text": o.text,
                            "shared_concepts": sorted(my_concepts & derived.concepts[n]),
                            "score": round(score, 3),
                            "source": o.source,
                        }
                        for score, n in ranked[:per_area]
                        for o in (derived.items[n],)
                    ],
                    "note": None if ranked else "no indicator shares a concept with this one",
                }
            )
        return out

    def ranked(
        self, me: Indicator, source: Area, limit: int | None = None
    ) -> list[tuple[Area, AreaConcepts | None, list[tuple[float, int]]]]:
        """For every other area (None where its document publishes none): its indicators that
        share a concept with ``me``, as (score, position), best first (the first ``limit`` of
        them). The score is the Jaccard of the concepts, plus 0.5 for the same condition
        signature, plus half the Jaccard of the words; on a tie the higher level comes first,
        then the id, then document order."""
        my_concepts, my_sig, my_words = frozenset(me.concepts), _signature(me), _words(me.text)
        n_my_words, my_bits = len(my_words), word_bits(my_words, self.vocabulary)
        out: list[tuple[Area, AreaConcepts | None, list[tuple[float, int]]]] = []
        for a in self.areas:
            if a.id == source.id:
                continue
            derived = self.of(a)
            if derived is None:
                out.append((a, None, []))
                continue
            # only an indicator sharing a concept can score; the best first, then by rank
            candidates = derived.candidates(my_concepts)
            scores = _scores(derived, candidates, len(my_concepts), my_sig, n_my_words, my_bits)
            rank = derived.rank
            scored = sorted(zip(scores, candidates, strict=True), key=lambda sc: (-sc[0], rank[sc[1][0]]))
            out.append((a, derived, [(score, n) for score, (n, _) in scored[:limit]]))
        return out

    def best(self, area: Area, positions: Iterable[int]) -> dict[int, list[tuple[Area, AreaConcepts, int]]]:
        """For each indicator of ``area`` at ``positions``: the best match in every other area
        that has one, as (that area, its derived indicators, the match's position): what
        ``ranked(indicator, area, 1)`` gives, for many indicators at once (each other area's
        candidates are made once per set of concepts, not once per indicator)."""
        wanted = list(positions)
        out: dict[int, list[tuple[Area, AreaConcepts, int]]] = {n: [] for n in wanted}
        source = self.of(area)
        if source is None:
            return out
        source.compared(wanted)
        mine = [
            (n, source.concepts[n], source.signatures[n], source.word_counts[n], source.words_as_bits[n])
            for n in wanted
        ]
        for other in self.areas:
            derived = None if other.id == area.id else self.of(other)
            if derived is None:
                continue
            for n, concepts, sig, n_words, bits in mine:
                candidates = derived.candidates(concepts)
                scores = _scores(derived, candidates, len(concepts), sig, n_words, bits)
                if scores:  # the first of ranked(..., 1): the best score, the first in rank order
                    out[n].append((other, derived, candidates[scores.index(max(scores))][0]))
        return out


def nearest(areas: list[Area], ref: str, per_area: int = 3) -> dict[str, Any]:
    """The nearest indicators of every other area to AREA:ID (shared concepts first, then conditions, words)."""
    return Neighbours(areas).nearest(ref, per_area)


def compare_pathway(areas: list[Area], level: int) -> list[dict[str, Any]]:
    rows = []
    for a in areas:
        lp = a.level_pathway(level)
        rows.append(
            {
                "area": a.id,
                "level": level,
                "level_name": a.level(level)["name"],
                "response": [q["text"] for q in lp.get("response", [])],
                "lead": [q["text"] for q in lp.get("lead", [])],
                "forms": [f["name"] for f in lp.get("forms", [])],
                "timescales": [t["text"] for t in lp.get("timescales", [])],
                "contacts": [a.contact(c)["name"] for c in lp.get("contacts", [])],
            }
        )
    return rows


def compare_contacts(areas: list[Area], role: str | None, at: str | None, now: bool) -> list[dict[str, Any]]:
    """Every area's contacts (of ``role``), each with its area; with ``at`` or ``now`` each marked
    open, closed or unknown then, with why (``open_reason``)."""
    return compare_contacts_advice(areas, role, at, now)[0]


def compare_contacts_advice(
    areas: list[Area], role: str | None, at: str | None, now: bool
) -> tuple[list[dict[str, Any]], dict[str, OpeningAdvice]]:
    """:func:`compare_contacts` and, with ``at`` or ``now``, each area's 'Call now' advice by area
    id (one moment for every area: ``now`` is read once)."""
    from thresholdkit.rules.contacts import select

    if now and at is None:
        from thresholdkit.rules.hours import uk_now

        at, now = uk_now().isoformat(timespec="seconds"), False
    rows = []
    advice: dict[str, OpeningAdvice] = {}
    for a in areas:
        result = select(a.contacts(), role=role, at=at, now=now)
        if result["advice"] is not None:
            advice[a.id] = result["advice"]
        for c in result["contacts"]:
            rows.append({"area": a.id, **c})
        if role and not result["contacts"]:  # say so, rather than leave the area out
            key = role.strip().lower().replace("-", "_")
            rows.append(
                {
                    "area": a.id,
                    "id": None,
                    "name": f"(the document prints no {key.replace('_', '-')} line)",
                    "role": key,
                    "phone": [],
                    "printed": False,
                    **({"open": None, "call": False} if at is not None or now else {}),
                }
            )
    return rows, advice


def matrix(areas: list[Area]) -> dict[str, Any]:
    """Concepts x areas: the levels at which each area names each concept."""
    from thresholdkit.data import vocabulary

    cells: dict[str, dict[str, Any]] = {}
    published: dict[str, bool] = {}
    for a in areas:
        items = all_indicators(a)
        published[a.id] = items is not None
        for i in items or []:
            for c in i.concepts:
                cells.setdefault(c, {}).setdefault(a.id, set()).add(i.level)
    rows = []
    for cid, concept in vocabulary.concepts().items():
        row: dict[str, Any] = {"concept": cid, "label": concept["label"], "cin_code": concept["cin_code"], "areas": {}}
        for a in areas:
            if not published[a.id]:
                row["areas"][a.id] = NOT_PUBLISHED
            else:
                row["areas"][a.id] = sorted(cells.get(cid, {}).get(a.id, set()))
        rows.append(row)
    return {"areas": [{"id": a.id, "name": a.name, "published": published[a.id]} for a in areas], "rows": rows}

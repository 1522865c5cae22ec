"""Comparing areas on the shared vocabulary: levels, concepts, indicators, pathways, contacts."""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from thresholdkit.areas.registry import Area, Registry
from thresholdkit.model.errors import NotPublishedError, UsageError, did_you_mean
from thresholdkit.model.objects import Indicator

if TYPE_CHECKING:
    from thresholdkit.model.objects import Condition

NOT_PUBLISHED = "not published in this document"


def pick_areas(reg: Registry, areas: str | None) -> list[Area]:
    ids = reg.area_ids()
    if areas:
        wanted = [a.strip().lower() for a in areas.split(",") if a.strip()]
        for w in wanted:
            if w not in ids:
                raise UsageError(f"unknown area '{w}'{did_you_mean(w, ids)}; installed: {', '.join(ids)}")
        ids = wanted
    # a broken or draft area is left out and reported (Registry.on_left_out); the rest go on
    out = reg.usable(None if not areas else ids)
    if not out:
        raise UsageError("no usable areas to compare")
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


def nearest(areas: list[Area], ref: str, per_area: int = 3) -> dict[str, Any]:
    """The nearest indicators of every other area to AREA:ID (shared concepts first, then conditions, words)."""
    if ":" not in ref:
        raise UsageError(f"give the indicator as AREA:ID, e.g. coventry:private-fostering (got '{ref}')")
    area_id, _, ind_id = ref.partition(":")
    source_area = next((a for a in areas if a.id == area_id.lower()), None)
    if source_area is None:
        raise UsageError(f"unknown area '{area_id}'{did_you_mean(area_id, [a.id for a in areas])}")
    from thresholdkit.rules.assess import resolve_indicator

    me = resolve_indicator(source_area, ind_id)  # a document that publishes none: NotPublishedError (exit 3)
    my_concepts, my_sig, my_words = set(me.concepts), _signature(me), _words(me.text)
    out: dict[str, Any] = {"indicator": {"area": source_area.id, **me.to_dict()}, "areas": []}
    for a in areas:
        if a.id == source_area.id:
            continue
        others = all_indicators(a)
        if others is None:
            out["areas"].append(
                {"area": a.id, "name": a.name, "published": False, "note": NOT_PUBLISHED, "matches": []}
            )
            continue
        scored = []
        for o in others:
            shared = my_concepts & set(o.concepts)
            if not shared:
                continue
            jaccard = len(shared) / len(my_concepts | set(o.concepts))
            cond = 0.5 if my_sig and my_sig == _signature(o) else 0.0
            theirs = _words(o.text)
            words = len(my_words & theirs) / (len(my_words | theirs) or 1)
            scored.append((jaccard + cond + 0.5 * words, o, sorted(shared)))
        scored.sort(key=lambda t: (-t[0], -t[1].level, t[1].id))
        names = {lv["level"]: lv["name"] for lv in a.levels()}
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
                        "shared_concepts": shared,
                        "score": round(score, 3),
                        "source": o.source,
                    }
                    for score, o, shared in scored[:per_area]
                ],
                "note": None if scored else "no indicator shares a concept with this one",
            }
        )
    return out


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
    from thresholdkit.rules.contacts import select

    rows = []
    for a in areas:
        result = select(a.contacts(), role=role, at=at, now=now)
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
    return rows


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

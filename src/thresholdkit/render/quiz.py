"""Training worksheets: N indicators drawn across levels and domains, with an answer key."""

from __future__ import annotations

import random
from typing import Any

from thresholdkit.areas.registry import Area
from thresholdkit.model.errors import UsageError
from thresholdkit.model.objects import DISCLAIMER, DOMAINS, Indicator, source_text


def draw(items: list[Indicator], count: int, seed: int) -> list[Indicator]:
    """A reproducible draw spread across indicator sets, levels and domains (round robin over
    the strata), so a small set such as Telford's exploitation tool is drawn from too."""
    if count < 1:
        raise UsageError("--count must be at least 1")
    rng = random.Random(seed)
    strata: dict[tuple[str, int, str], list[Indicator]] = {}
    for ind in items:
        strata.setdefault((ind.set, ind.level, ind.domain), []).append(ind)
    for bucket in strata.values():
        rng.shuffle(bucket)
    keys = sorted(strata)
    rng.shuffle(keys)
    chosen: list[Indicator] = []
    while len(chosen) < min(count, len(items)):
        for key in keys:
            if strata[key] and len(chosen) < count:
                chosen.append(strata[key].pop())
    rng.shuffle(chosen)
    return chosen


def unambiguous(items: list[Indicator]) -> list[Indicator]:
    """The indicators whose wording the document prints at one level only: a text printed at two
    levels has no single right answer, so it is left out of the quiz."""
    from thresholdkit.rules.search import words

    def key(text: str) -> str:
        return " ".join(words(text))

    levels: dict[str, set[int]] = {}
    for ind in items:
        levels.setdefault(key(ind.text), set()).add(ind.level)
    return [ind for ind in items if len(levels[key(ind.text)]) == 1]


def quiz_model(area: Area, count: int, seed: int, set_id: str | None = None) -> dict[str, Any]:
    """A worksheet of ``count`` indicators drawn from every published indicator set (or from
    ``set_id`` alone), each named with its set. A text the document prints at more than one
    level, in any of its sets, is left out (:func:`unambiguous`)."""
    from thresholdkit.model.objects import LEVEL_COLOURS
    from thresholdkit.render.handout import generated_on, review_view, running_text

    titles = {s["id"]: s["title"] for s in area.indicator_sets()}
    if set_id is not None:
        area.indicator_set(set_id)  # an unknown set is a one-line error naming the sets
        area.indicators(set_id)  # a set the document does not publish, too
    pool = unambiguous(area.indicators())  # across every published set
    if set_id is not None:
        pool = [i for i in pool if i.set == set_id]
    items = draw(pool, count, seed)
    notes = []
    if count > len(items):
        every = len(area.indicators(set_id))
        where = f" in the set '{set_id}'" if set_id is not None else ""
        why = f" ({every - len(pool)} printed at more than one level are left out)" if every > len(pool) else ""
        notes.append(
            f"only {len(pool)} indicators{where} to ask{why}: the quiz has {len(items)} questions, not {count}"
        )
    names = {lv["level"]: lv["name"] for lv in area.levels()}
    sets = [s["id"] for s in area.published_sets() if set_id in (None, s["id"])]
    generated = generated_on()
    date = area.document.get("date") or "no date printed"
    return {
        "area": area.id,
        "name": area.name,
        "title": area.document["title"],
        "seed": seed,
        # the review warning, printed as handouts print it (render.handout.review_view)
        **review_view(area),
        # what the worksheet could not do as asked (fewer questions than --count), for stderr
        "notes": notes,
        "sets": [{"id": s, "title": titles[s]} for s in sets],
        "levels": [{"level": n, "name": names[n], "colour": LEVEL_COLOURS[n]} for n in (1, 2, 3, 4)],
        "questions": [
            {
                "n": k,
                "text": i.text,
                "domain": DOMAINS[i.domain],
                "level": i.level,
                "level_name": names[i.level],
                "id": i.id,
                "ref": i.ref,
                "set": i.set,
                "set_title": titles[i.set],
                "source": source_text(i.source),
            }
            for k, i in enumerate(items, 1)
        ],
        "generated": generated,
        "disclaimer": DISCLAIMER,
        "running": running_text(
            f"{area.name} · what level is this? (levels 1 to 4)", f"{area.document['title']}, {date}", generated
        ),
    }


def render_markdown(m: dict[str, Any]) -> str:
    from thresholdkit.render.output import md_escape as e

    scale = ", ".join(f"{lv['level']} = {e(lv['name'])}" for lv in m["levels"])
    sets = "; ".join(e(s["title"]) for s in m["sets"])
    out = [
        f"# {e(m['name'])}: what level is this?",
        "",
        f"For each indicator, write the level of need ({scale}). Source: *{e(m['title'])}*; indicator sets: {sets}.",
        "",
        f"**Review status:** {e(m['review'].rstrip('.'))}.",
        "",
    ]
    for q in m["questions"]:
        out += [f"{q['n']}\\. {e(q['text'])} *({e(q['set_title'])}; {e(q['domain'])})*", "", "   Level: ____", ""]
    out += ["---", "", "## Answer key", ""]
    for q in m["questions"]:
        out.append(
            f"{q['n']}\\. Level {q['level']} ({e(q['level_name'])}): {e(q['ref'])}, {e(q['set_title'])}, "
            f"{e(q['source'])}"
        )
    out += ["", f"*{e(m['disclaimer'])}*", "", f"Seed {m['seed']}; generated {m['generated']} by thresholdkit."]
    return "\n".join(out) + "\n"


def run_interactive(m: dict[str, Any], ask: Any, say: Any) -> int:
    """Ask one indicator at a time; return the score. ``ask``/``say`` are prompt/echo functions."""
    missed = []
    score = 0
    if m["stale"]:
        say(f"Review status: {m['review']}")
    say(m["disclaimer"])
    for q in m["questions"]:
        say(f"\n{q['n']}. {q['text']}  ({q['set_title']}; {q['domain']})")
        answer = ask("Level (1-4)")
        if answer == q["level"]:
            score += 1
            say("  Right.")
        else:
            say(f"  The document puts it at level {q['level']} ({q['level_name']}).")
            missed.append(q)
    say(f"\nScore: {score} / {len(m['questions'])}")
    if missed:
        say("Missed:")
        for q in missed:
            say(f"  {q['n']}. level {q['level']} {q['level_name']}: {q['text']}  [{q['source']}]")
    say(f"\n{m['disclaimer']}")
    return score

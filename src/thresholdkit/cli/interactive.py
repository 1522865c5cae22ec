"""``assess --interactive``: walk the domains on a terminal, tick indicators, get the assessment."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from thresholdkit.areas.registry import Area
from thresholdkit.model.case import check_case
from thresholdkit.model.objects import DOMAINS, Indicator

if TYPE_CHECKING:
    from thresholdkit.model.case import Case

Ask = Callable[[str], str]
Say = Callable[[str], None]


#: The word that starts an answer un-ticking numbers ticked before ("untick 7 12").
UNTICK = "untick"


def _parse_numbers(text: str, limit: int) -> list[int] | str:
    """The numbers an answer gives (``3 7 12``, ``3-5``, commas or spaces between), or a one-line
    message saying what is wrong with it. A number given twice in one answer (``32,32``, ``1-3 2``)
    is an error, never a toggle: the answer is asked again and nothing is changed."""
    picked: list[int] = []
    for part in text.replace(",", " ").split():
        if "-" in part:
            lo, _, hi = part.partition("-")
            if not (lo.isdigit() and hi.isdigit()):
                return f"'{part}' is not a number or a range like 3-5"
            if int(lo) > int(hi):
                return f"'{part}' is not a range from low to high, like 3-5"
            picked += list(range(int(lo), int(hi) + 1))
        elif part.isdigit():
            picked.append(int(part))
        else:
            return f"'{part}' is not a number (type /word to search, {UNTICK} N to remove a tick, or Enter to go on)"
    if not picked:
        return f"no number given (e.g. 3 7 12, 3-5, or {UNTICK} 7)"
    bad = [n for n in picked if not 1 <= n <= limit]
    if bad:
        return f"there is no indicator {bad[0]} (1 to {limit})"
    twice = sorted({n for n in picked if picked.count(n) > 1})
    if twice:
        listed = ", ".join(str(n) for n in twice)
        return f"{listed} given twice in one answer: nothing changed; type each number once"
    return picked


def walk(area: Area, ask: Ask, say: Say, set_id: str | None = None) -> list[str]:
    """Show each domain's indicators grouped by level, from every published set (or ``set_id``
    only); return the references (``id``, or ``set/id`` outside main) the user ticked."""
    items = area.indicators(set_id)
    numbered: list[Indicator] = []
    ticked: list[str] = []
    names = {lv["level"]: lv["name"] for lv in area.levels()}
    say(f"{area.name}: tick the indicators that apply. Numbers tick (e.g. 3 7 12, or 3-5); a number")
    say(f"already ticked stays ticked; '{UNTICK} 7' (or '{UNTICK} 3-5') removes a tick.")
    say("/word searches every domain; Enter moves to the next domain.")
    for domain, label in DOMAINS.items():
        in_domain = [i for i in items if i.domain == domain]
        if not in_domain:
            continue
        say(f"\n== {label} ==")
        for level in (1, 2, 3, 4):
            at_level = [i for i in in_domain if i.level == level]
            if at_level:
                say(f"-- Level {level} ({names[level]}) --")
            for ind in at_level:
                numbered.append(ind)
                in_set = f" [set {ind.set}: {ind.domain_label}]" if ind.set != "main" else ""
                say(f"  [{len(numbered)}] {ind.text}{in_set}")
        while True:
            answer = ask(f"{label}: numbers, /search or Enter").strip()
            if not answer:
                break
            if answer.startswith("/"):
                needle = answer[1:].strip().lower()
                hits = [i for i in items if needle in i.text.lower()]
                for ind in hits:
                    if ind not in numbered:
                        numbered.append(ind)
                    say(f"  [{numbered.index(ind) + 1}] L{ind.level} {ind.text}")
                if not hits:
                    say("  no indicator contains that")
                continue
            untick = answer.split()[0].lower() == UNTICK
            picked = _parse_numbers(answer[len(UNTICK) :] if untick else answer, len(numbered))
            if isinstance(picked, str):
                say(f"  {picked}")
                continue
            say(f"  {_apply(picked, numbered, ticked, untick)}")
    return ticked


def _apply(picked: list[int], numbered: list[Indicator], ticked: list[str], untick: bool) -> str:
    """Tick (or, with ``untick``, un-tick) the indicators numbered ``picked``, in place; the line
    that says what happened. Ticking a number already ticked, or un-ticking one that is not, leaves
    it as it is and says so: no answer ever flips a tick silently."""
    unchanged = []
    for n in picked:
        ref = numbered[n - 1].ref
        if untick and ref in ticked:
            ticked.remove(ref)
        elif not untick and ref not in ticked:
            ticked.append(ref)
        else:
            unchanged.append(str(n))
    line = f"ticked: {len(ticked)}"
    if unchanged:
        line += f" ({'not ticked' if untick else 'already ticked'}, left as they were: {', '.join(unchanged)})"
    return line


def case_yaml(area_id: str, ids: list[str], level: int | None) -> str:
    """The ticked case as a case file (checked, so that it reruns as saved)."""
    import yaml

    case: Case = {"area": area_id, "indicators": ids}
    if level is not None:
        case["level"] = level
    check_case(case, where="the ticked case")
    return "# Saved by thresholdkit assess --interactive; rerun with: thresholdkit assess AREA THIS_FILE\n" + str(
        yaml.safe_dump(case, sort_keys=False)
    )

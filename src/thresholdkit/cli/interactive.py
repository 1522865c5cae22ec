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


def _parse_numbers(text: str, limit: int) -> list[int] | str:
    picked = []
    for part in text.replace(",", " ").split():
        if "-" in part:
            lo, _, hi = part.partition("-")
            if not (lo.isdigit() and hi.isdigit()):
                return f"'{part}' is not a number or a range like 3-5"
            picked += list(range(int(lo), int(hi) + 1))
        elif part.isdigit():
            picked.append(int(part))
        else:
            return f"'{part}' is not a number (type /word to search, or press Enter to go on)"
    bad = [n for n in picked if not 1 <= n <= limit]
    if bad:
        return f"there is no indicator {bad[0]} (1 to {limit})"
    return picked


def walk(area: Area, ask: Ask, say: Say, set_id: str | None = None) -> list[str]:
    """Show each domain's indicators grouped by level, from every published set (or ``set_id``
    only); return the references (``id``, or ``set/id`` outside main) the user ticked."""
    items = area.indicators(set_id)
    numbered: list[Indicator] = []
    ticked: list[str] = []
    names = {lv["level"]: lv["name"] for lv in area.levels()}
    say(f"{area.name}: tick the indicators that apply. Numbers toggle a tick (e.g. 3 7 12, or 3-5);")
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
            picked = _parse_numbers(answer, len(numbered))
            if isinstance(picked, str):
                say(f"  {picked}")
                continue
            for n in picked:
                iid = numbered[n - 1].ref
                if iid in ticked:
                    ticked.remove(iid)
                else:
                    ticked.append(iid)
            say(f"  ticked: {len(ticked)}")
    return ticked


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

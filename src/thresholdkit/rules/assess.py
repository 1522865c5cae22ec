"""The assessment: a case's level (:func:`thresholdkit.rules.level.final_level`), and what the
area's document says to do at that level.

A practitioner's own level (``level``) may raise the level, never lower it below a matched
indicator.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from thresholdkit import __version__
from thresholdkit.areas.registry import Area
from thresholdkit.model.case import CASE_FIELDS, check_facts, from_frame, plain, whole
from thresholdkit.model.errors import NotPublishedError, UsageError, did_you_mean
from thresholdkit.model.objects import LEVEL_MAX, LEVEL_MIN, TOP_LEVEL, Assessment, Indicator
from thresholdkit.rules.cases import condition_holds
from thresholdkit.rules.consent import evaluate
from thresholdkit.rules.level import final_level
from thresholdkit.rules.notices import area_notices, case_warnings, contradicted, highest, unprinted_figures

if TYPE_CHECKING:
    from thresholdkit.model.case import Case, Facts
    from thresholdkit.model.objects import AssessedPathway, Contact, Emergency, OpeningAdvice

__all__ = ["TOP_LEVEL", "assess", "assess_case", "contradicted", "emergency_route", "match_facts", "resolve_indicators"]


def _set_hint(area: Area, set_id: str | None) -> str:
    return f"list them with 'thresholdkit indicators {area.id}" + (f" --set {set_id}'" if set_id else "'")


def resolve_indicator(area: Area, ref: str, set_id: str | None = None) -> Indicator:
    """The indicator named by ``ref``: a bare id found in one published set only, or a
    qualified ``set/id``. With ``set_id``, only that set's indicators can be named.

    An unknown reference is an error with suggestions, one found in another set than
    ``set_id`` says where it is, and a bare id in more than one set is ambiguous: an error
    listing the qualified forms (a case is never silently read as one of them).
    """
    area.indicators(set_id)  # an unknown set, or a document that publishes none, is an error here
    refs = area.indicator_refs()
    iid = ref
    if ref != ref.strip():  # as batch reads it: an id is exact, never trimmed into another
        raise UsageError(spaced_message(ref))
    found = refs.get(iid, [])
    if set_id is not None:
        inside = [i for i in found if i.set == set_id]
        if not inside and found:
            where = ", ".join(sorted({i.set for i in found}))
            raise UsageError(
                f"indicator '{iid}' is in set '{where}', not in set '{set_id}'; "
                f"drop --set (or the case's 'set') to name indicators of every set"
            )
        found = inside
    if not found:
        pool = sorted(
            {
                i.id if len(refs[i.id]) == 1 else f"{i.set}/{i.id}"
                for i in area.indicators(set_id)
            }
        )
        in_set = f" (set '{set_id}')" if set_id else ""
        raise UsageError(
            f"unknown indicator '{iid}' in {area.id}{in_set}{did_you_mean(iid, pool)}; {_set_hint(area, set_id)}"
        )
    if len(found) > 1:
        forms = " or ".join(f"'{i.set}/{i.id}'" for i in found)
        raise UsageError(f"indicator '{iid}' is in more than one set of {area.id}; name it as {forms}")
    return found[0]


def spaced_message(ref: str) -> str:
    """The error for an indicator id with spaces (or other whitespace) around it."""
    from thresholdkit.model.errors import visible

    return f"indicator '{visible(ref)}' has spaces around it; write '{ref.strip()}'"


def resolve_indicators(area: Area, ids: list[str], set_id: str | None = None) -> list[Indicator]:
    """The indicators named by ``ids`` (see :func:`resolve_indicator`), in order. An indicator
    named twice, even in two forms (``x`` and ``main/x``), is an error too: duplicated input
    is never silently merged."""
    out: list[Indicator] = []
    for raw in ids:
        ind = resolve_indicator(area, raw, set_id)
        if ind in out:
            raise UsageError(f"indicator '{raw}' is named more than once; name each indicator once")
        out.append(ind)
    return out


def match_facts(area: Area, facts: Mapping[str, Any], set_id: str | None = None) -> list[Indicator]:
    """Indicators whose structured conditions all hold for the case's facts (in every
    published set, or in ``set_id`` only)."""
    if not facts:
        return []
    return [
        i
        for i in area.indicators(set_id)
        if i.conditions and i.condition_use == "sufficient" and all(condition_holds(c, facts) for c in i.conditions)
    ]


def _contact(area: Area, cid: str) -> Contact:
    return area.contact(cid)


def emergency_route(area: Area, advice: OpeningAdvice | None = None) -> Emergency:
    """The top level's emergency route: 999 first, once, then the area's referral line(s).

    With ``advice`` (the :class:`OpeningAdvice` for a moment, as ``contacts --at`` gives it, so
    ``assess --at/--now``), the route after 999 is ordered for that moment: a line naming the
    moment, then the line(s) to call then, numbered in the advice's order (``call``) and each
    marked open, open or closed not known, or closed then; then the document's other referral
    line(s), each marked closed (or not known) then. ``referral`` is in the same order and ``at``
    is the advice's moment. Without ``advice`` the route is as below, and ``at`` is absent.

    ``call`` is ``"999"``; ``text`` is thresholdkit's own line for it (999 is the national
    emergency number, which no document sets; ``text_by`` says whose line it is);
    ``statement`` is the document's own words (verbatim); ``police`` and ``referral`` are the
    contacts, resolved. ``route`` is the route as printed, line by line: ``text`` first, then
    each referral line once: its name (district), its number(s) with a label only where the
    label adds something the name does not say, its menu options once, its hours once and
    only where they add something; no text is repeated. ``route_note`` is thresholdkit's note
    saying so. ``assess`` and ``pathway`` print the same ``route``.
    """
    import re
    from typing import cast

    def words(text: str) -> str:
        return " ".join(re.findall(r"[a-z0-9]+", text.lower()))

    def adds(text: str, *already: str) -> bool:
        """Whether ``text`` says something not already said in ``already``."""
        own = words(text)
        return bool(own) and not any(own in words(a) for a in already if a)

    def referral_line(c: Contact) -> str:
        name = c["name"]
        head = name + (f" ({c['district']})" if c.get("district") and adds(c["district"], name) else "")
        said = [name, c.get("district", "")]
        options = c.get("options", [])
        option_labels = {f"option {o['option']}" for o in options}
        numbers = []
        for p in c.get("phone", []):
            label = p.get("label", "")
            if label and words(label) not in {words(o) for o in option_labels} and adds(label, *said):
                numbers.append(f"{p['number']} ({label})")
                said.append(label)
            else:
                numbers.append(p["number"])
        parts = [f"{head}: {', '.join(numbers)}" if numbers else head]
        for o in options:  # a sentence naming the contact or its number is no menu text
            repeats = any(words(x) in words(o["text"]) for x in [name, *(p["number"] for p in c.get("phone", []))])
            if adds(o["text"], *said) and not repeats:
                parts.append(f"option {o['option']}: {o['text']}")
                said.append(o["text"])
            else:
                parts.append(f"option {o['option']}")
        hours = c.get("hours")
        if hours and adds(hours["text"], *said):
            parts.append(f"hours: {hours['text']}")
        return "; ".join(parts)

    em = area.pathway()["emergency"]
    text = "Call 999 now if a child is in immediate danger (the national emergency number)"
    referral = [_contact(area, cid) for cid in em["referral"]]
    route: list[str] = []
    note = (
        "thresholdkit's note: the first line is thresholdkit's (the national emergency number, "
        "which the document does not set); the lines after it are the document's referral "
        "line(s): names, numbers, options and hours as printed, each said once."
    )
    if advice is None:
        lines = [text, *(referral_line(c) for c in referral)]
    else:
        referral, lines = _timed_route(area, referral, advice, referral_line)
        lines.insert(0, text)
        note = (
            "thresholdkit's note: the first line is thresholdkit's (the national emergency number, "
            "which the document does not set). Then come the line(s) to call at that time, in the "
            "order of 'Call now', which says why and which readings of the hours are thresholdkit's; "
            "then the document's other referral line(s), marked as closed or not known then. Names, "
            "numbers, options and hours are as printed, each said once."
        )
    for line in lines:
        if line not in route:
            route.append(line)
    out: dict[str, Any] = {
        "call": "999",
        "text": text,
        "text_by": "thresholdkit",
        "statement": em["statement"],
        "police": _contact(area, em["police"]),
        "referral": referral,
        "route": route,
        "route_note": note,
    }
    if advice is not None:
        out["at"] = advice["at"]
    return cast("Emergency", out)


#: How the emergency route marks a line's state at the moment asked about (True / None / False).
_STATE_TAGS: dict[bool | None, str] = {True: "open then", None: "open or closed then: not known", False: "closed then"}


def _timed_route(
    area: Area, referral: list[Contact], advice: OpeningAdvice, referral_line: Callable[[Contact], str]
) -> tuple[list[Contact], list[str]]:
    """The referral lines ordered for ``advice``'s moment, and the route's lines after 999: a line
    naming the moment, the line(s) to call then (``advice["call"]``, in order, numbered, each with
    its state), then the other referral lines with their state. A line to call that the emergency
    route does not name (the area's own out-of-hours line, say) is still given: it is the line
    'Call now' gives."""
    by_id = {c["id"]: c for c in referral}
    calls = [by_id.get(cid) or _contact(area, cid) for cid in advice["call"]]
    rest = [c for c in referral if c["id"] not in advice["call"]]
    zone = advice["time_zone"].split("(")[-1].rstrip(")")
    holiday = f", {advice['bank_holiday']} (a bank holiday)" if advice.get("bank_holiday") else ""
    lines: list[str] = []
    if calls:
        lines.append(f"Then, at {advice['at']} {zone} ({advice['day']}{holiday}), call:")
    for n, c in enumerate(calls, 1):
        lines.append(f"{n}. {referral_line(c)} [{_STATE_TAGS[advice['open'].get(c['id'])]}]")
    for c in rest:
        state = advice["open"].get(c["id"])
        if state is True:  # open, yet not offered: 'Call now' says why
            lines.append(f"Also open then, not the line to call: {referral_line(c)}")
        elif state is False:
            lines.append(f"Closed then: {referral_line(c)}")
        else:
            lines.append(f"Not the line to call then (open or closed: not known): {referral_line(c)}")
    return [*calls, *rest], lines


def assess(
    area: Area,
    indicator_ids: list[str] | None = None,
    *,
    set_id: str | None = None,
    level: int | None = None,
    facts: Mapping[str, Any] | None = None,
) -> Assessment:
    """Assess a case in ``area``: by indicator ids, by structured facts, or by the practitioner's level.

    Unknown or repeated indicator ids, unknown facts, facts of the wrong type or out of range,
    and a level outside 1-4 are errors (:class:`UsageError`).
    """
    from thresholdkit.rules.caseinput import id_list

    indicator_ids = id_list(indicator_ids)
    if facts is not None and not isinstance(facts, Mapping):
        raise UsageError(f"facts must be a mapping of fact names to values, not a {type(facts).__name__}")
    # numpy numbers, NaN (missing) and whole-number floats in integer fields, as pandas gives them
    level = whole(plain(level), CASE_FIELDS["level"])
    facts = {k: v for k, v in from_frame({"facts": dict(facts)})["facts"].items() if v is not None} if facts else None
    checked: Facts = check_facts(dict(facts), where="case") if facts else {}
    if level is not None and (type(level) is not int or not LEVEL_MIN <= level <= LEVEL_MAX):
        raise UsageError(f"--level must be 1, 2, 3 or 4 (got {level!r})")
    if not indicator_ids and level is None and not checked:
        raise UsageError("nothing to assess: give --indicator ID, --level N or a case file")
    matched: list[Indicator] = []
    named: list[Indicator] = []
    if indicator_ids or checked:
        try:
            matched = resolve_indicators(area, indicator_ids, set_id)
            named.extend(matched)
            for ind in match_facts(area, checked, set_id):
                if ind not in matched:
                    matched.append(ind)
        except NotPublishedError:
            if level is None or indicator_ids:
                raise
    elif set_id is not None:
        area.indicator_set(set_id)  # an unknown set is an error even with --level alone
    if not matched and level is None:
        raise UsageError("the case's facts match no indicator; give --indicator ID or --level N")
    top = highest(matched, checked)
    final, basis = final_level(top, level)
    lv = area.level(final)
    review = area.review_warning()
    warnings = case_warnings(
        area_notices(area), matched, named, checked, level, top, final, unprinted_figures(area) if checked else None
    )
    see: list[dict[str, str]] = []
    for ind in matched:
        if ind.see_set and all(x["set"] != ind.see_set for x in see):
            see.append(
                {
                    "from": ind.ref,
                    "set": ind.see_set,
                    "title": area.indicator_set(ind.see_set)["title"],
                    "command": f"thresholdkit indicators {area.id} --set {ind.see_set}",
                }
            )
    pathway: AssessedPathway = {**area.level_pathway(final), "procedures": area.procedures(final)}
    contact_ids = list(pathway.get("contacts", []))
    if final == TOP_LEVEL:
        for cid in area.pathway()["emergency"]["referral"]:
            if cid not in contact_ids:
                contact_ids.append(cid)
    contacts = [_contact(area, cid) for cid in contact_ids]
    consent = evaluate(area.consent_rules(), level=final)["rules"]
    guidance = [
        g
        for g in area.guidance()
        if g.get("show_with_assess") and (not g.get("levels") or final in g["levels"])
    ]
    doc = area.document
    return Assessment(
        area=area.id,
        area_name=area.name,
        set=set_id,
        level=final,
        level_name=lv["name"],
        level_label=lv["label"],
        basis=basis,
        indicators=sorted(matched, key=lambda i: -i.level),
        emergency=emergency_route(area) if final == TOP_LEVEL else None,
        pathway=pathway,
        contacts=contacts,
        consent=consent,
        guidance=guidance,
        document={
            "title": doc["title"],
            "version": doc.get("version"),
            "date": doc.get("date"),
            "review_due": doc.get("review_due"),
            "review_warning": review,
        },
        versions={"thresholdkit": __version__, "plugin": area.record.version},
        warnings=warnings,
        practitioner_level=level,
        see=see,
    )


def assess_case(area: Area, case: Case) -> Assessment:
    """Assess a checked :class:`~thresholdkit.model.case.Case` (from
    :func:`~thresholdkit.model.case.check_case` or :func:`~thresholdkit.rules.caseinput.merge_case`)
    in ``area``. A case for another area is an error."""
    if "area" in case and case["area"].lower() != area.id:
        raise UsageError(f"the case is for area '{case['area']}', not '{area.id}'")
    return assess(
        area,
        list(case.get("indicators", [])),
        set_id=case.get("set"),
        level=case.get("level"),
        facts=case.get("facts"),
    )

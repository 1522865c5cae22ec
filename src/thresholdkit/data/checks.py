"""Checks for authority data: JSON Schema, consistency, and verbatim quotes.

Every message names the file, the item and, where it can, the fix.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from thresholdkit.data.schemas import check_schema
from thresholdkit.data.schemas import where as _where
from thresholdkit.model.errors import did_you_mean, first_invisible, visible

_WS = re.compile(r"\s+")
#: A Markdown link of the text conversion, ``[printed words](#...)``: only the printed words count.
_MD_LINK = re.compile(r"\[([^\[\]]*)\]\(#[^()\s]*\)")


def normalise(text: str) -> str:
    """Whitespace folded (the text conversion's line breaks and tabs are not the document's)."""
    return _WS.sub(" ", text).strip()


def strip_markup(text: str) -> str:
    """The source text without the Markdown markup the text conversion added: bold markers
    (``**``) removed, links ``[printed words](#...)`` reduced to their printed words.

    Only the source is stripped: a quote must not carry the markup itself.
    """
    return _MD_LINK.sub(r"\1", text).replace("**", "")


def has_markup(text: str) -> bool:
    """Whether a text still carries conversion markup (``**`` or a ``[words](#...)`` link)."""
    return "**" in text or _MD_LINK.search(text) is not None


def rejoin_skipped(text: str, skipped: list[dict[str, str]] | None) -> str | None:
    """The quote as it stands in the source, with each recorded ``skipped_in_source`` fragment put
    back after the words it follows (``after``); None when an ``after`` is not in the text once.

    A quote may leave out a fragment the text conversion put inside a printed sentence (rotated
    margin text, a table label that slid into the cell); the data names each fragment, and the
    check looks for the whole run (quote + fragment) in the source, so no word can be added.
    """
    rebuilt = normalise(text)
    for gap in skipped or []:
        after = normalise(gap["after"])
        if not after or rebuilt.count(after) != 1:
            return None
        cut = rebuilt.index(after) + len(after)
        rebuilt = normalise(f"{rebuilt[:cut]} {gap['fragment']} {rebuilt[cut:]}")
    return rebuilt


def check_data(
    data: dict[str, Any],
    origin: dict[str, Path] | None = None,
    source_dir: Path | None = None,
    *,
    require_tags: bool = False,
) -> list[str]:
    """All problems found in merged authority data; an empty list means it passed.

    ``require_tags`` (used by ``thresholdkit validate``) also reports untagged indicators.
    """
    problems = check_schema(data, origin)
    if problems:
        return problems  # consistency checks assume the shape is right
    problems += check_consistency(data, origin)
    problems += check_controls(data, origin)
    problems += check_tags(data, origin, require_tags=require_tags)
    if require_tags:
        problems += check_todos(data, origin)
    if source_dir is not None and (source_dir / data["document"]["source_file"]).is_file():
        problems += check_verbatim(data, source_dir, origin)
    return problems


def iter_indicators(data: dict[str, Any]) -> Iterator[tuple[str, int, int, dict[str, Any], dict[str, Any]]]:
    """(set id, group index, indicator index, group, indicator) for every indicator."""
    for s in data.get("indicator_sets", []):
        for gi, group in enumerate(s.get("groups", []) or []):
            for ii, ind in enumerate(group.get("indicators", [])):
                yield s["id"], gi, ii, group, ind


def check_consistency(data: dict[str, Any], origin: dict[str, Path] | None = None) -> list[str]:
    problems: list[str] = []

    def where(*path: Any) -> str:
        return _where(origin, list(path))

    levels = [lv["level"] for lv in data["levels"]]
    if sorted(levels) != [1, 2, 3, 4]:
        problems.append(f"{where('levels')}: levels must be 1, 2, 3 and 4 once each (found {levels})")
    named: dict[str, int] = {}
    for i, lv in enumerate(data["levels"]):  # two levels under one name: "Level 4" could read as level 1
        key = " ".join(str(lv["name"]).casefold().split())
        if key in named:
            problems.append(
                f"{where('levels', i, 'name')}: level {lv['level']} has the name '{lv['name']}' of level "
                f"{named[key]}; each level needs its own name, as the document prints it"
            )
        named.setdefault(key, lv["level"])

    contact_ids: set[str] = set()
    for i, c in enumerate(data["contacts"]):
        if c["id"] in contact_ids:
            problems.append(f"{where('contacts', i, 'id')}: duplicate contact id '{c['id']}'")
        contact_ids.add(c["id"])

    def ref(cid: str, *path: Any) -> None:
        if cid not in contact_ids:
            problems.append(f"{where(*path)}: unknown contact '{cid}'{did_you_mean(cid, contact_ids)}")

    for i, c in enumerate(data["contacts"]):
        comp = (c.get("hours") or {}).get("complement_of")
        if comp:
            ref(comp, "contacts", i, "hours", "complement_of")
            if comp == c["id"]:
                problems.append(f"{where('contacts', i, 'hours')}: a contact cannot be the complement of itself")
    for i, lp in enumerate(data["pathway"]["levels"]):
        for j, cid in enumerate(lp.get("contacts", [])):
            ref(cid, "pathway", "levels", i, "contacts", j)
    for i, proc in enumerate(data["pathway"].get("procedures", [])):
        for j, cid in enumerate(proc.get("contacts", [])):
            ref(cid, "pathway", "procedures", i, "contacts", j)
    em = data["emergency"]
    ref(em["police"], "emergency", "police")
    by_id = {c["id"]: c for c in data["contacts"]}
    police = by_id.get(em["police"])
    if police is not None and not any(p["number"].strip() == "999" for p in police.get("phone", [])):
        problems.append(
            f"{where('emergency', 'police')}: contact '{em['police']}' has no 999 number; name the 999 contact"
        )
    for j, cid in enumerate(em["referral"]):
        ref(cid, "emergency", "referral", j)
        # the top level leads with 999, then a line to call now: a form, a policy or a post with no
        # number printed is not one
        if cid in by_id and not by_id[cid].get("phone") and not str(by_id[cid]["name"]).startswith(_TODO):
            problems.append(
                f"{where('emergency', 'referral', j)}: contact '{cid}' has no telephone number, so it cannot be "
                "the line to call after 999; name the referral line (front door, MASH or out of hours) the "
                "document prints a number for"
            )
    if not any(
        by_id.get(cid, {}).get("phone") or str(by_id.get(cid, {}).get("name")).startswith(_TODO)
        for cid in em["referral"]
    ):
        problems.append(f"{where('emergency', 'referral')}: no line with a telephone number to call after 999")

    seen: dict[str, str] = {}
    set_ids: set[str] = set()
    for s in data["indicator_sets"]:
        if s["id"] in set_ids:
            problems.append(f"{where('indicator_sets')}: duplicate indicator set id '{s['id']}'")
        set_ids.add(s["id"])
        if s["published"]:
            wanted = set(s.get("levels") or [1, 2, 3, 4])
            have = {g["level"] for g in s.get("groups", [])}
            for missing in sorted(wanted - have):
                problems.append(
                    f"{where('indicator_sets')}: set '{s['id']}' has no indicators at level {missing}"
                    " (add them, or list the levels the set covers in 'levels')"
                )
    published = {s["id"] for s in data["indicator_sets"] if s["published"]}
    for set_id, gi, ii, group, ind in iter_indicators(data):
        key = f"{set_id}/{ind['id']}"
        if key in seen:
            problems.append(
                f"{where('indicator_sets')}: set '{set_id}' group {gi} indicator {ii}: duplicate indicator id "
                f"'{ind['id']}' (already used in set '{set_id}'); ids must be unique within their set"
            )
        seen[key] = set_id
        esc = ind.get("escalation")
        if esc is not None:
            here = f"{where('indicator_sets')}: set '{set_id}' group {gi} indicator {ii}: escalation"
            if esc["text"] not in ind["text"]:
                problems.append(f"{here}: its text is not found in the indicator's text (quote the words that say so)")
            if esc["level"] <= group["level"]:
                problems.append(f"{here}: level {esc['level']} is not above the indicator's level {group['level']}")
        see = ind.get("see_set")
        if see is not None and (see == set_id or see not in published):
            problems.append(
                f"{where('indicator_sets')}: set '{set_id}' group {gi} indicator {ii}: see_set '{see}' is not "
                f"another published set of the area{did_you_mean(see, sorted(published - {set_id}))}"
            )

    for key in ("guidance", "errata"):
        ids = [item["id"] for item in data.get(key, [])]
        for dup in sorted({x for x in ids if ids.count(x) > 1}):
            problems.append(f"{where(key)}: duplicate id '{dup}'")
    rule_ids = [r["id"] for r in data["consent"]["rules"]]
    for dup in sorted({x for x in rule_ids if rule_ids.count(x) > 1}):
        problems.append(f"{where('consent', 'rules')}: duplicate rule id '{dup}'")
    problems += check_consent_lists(data, origin)
    proc_ids = [p["id"] for p in data["pathway"].get("procedures", [])]
    for dup in sorted({x for x in proc_ids if proc_ids.count(x) > 1}):
        problems.append(f"{where('pathway', 'procedures')}: duplicate procedure id '{dup}'")
    pl = [lp["level"] for lp in data["pathway"]["levels"]]
    for dup in sorted({x for x in pl if pl.count(x) > 1}):
        problems.append(f"{where('pathway', 'levels')}: level {dup} appears more than once")
    return problems


#: Consent wording that promises a list: a trailing colon, or a dangling "unless".
_PROMISES_A_LIST = re.compile(r"(:|\bunless)\s*$", re.IGNORECASE)


def check_consent_lists(data: dict[str, Any], origin: dict[str, Path] | None = None) -> list[str]:
    """A consent text (rule, inform or record item, note) that ends by introducing a list
    ("... unless to do so may:") carries that list with it as ``exceptions``, whose ``lead``
    is the end of the text; the list's items do not themselves end on a colon."""
    problems: list[str] = []
    consent = data.get("consent") or {}
    owners: list[tuple[list[Any], dict[str, Any]]] = []
    for i, rule in enumerate(consent.get("rules", [])):
        owners.append((["consent", "rules", i], rule))
        for key in ("inform", "record"):
            for j, q in enumerate(rule.get(key, [])):
                owners.append((["consent", "rules", i, key, j], q))
    for j, q in enumerate(consent.get("notes", [])):
        owners.append((["consent", "notes", j], q))
    for path, owner in owners:
        text, exceptions = owner["text"], owner.get("exceptions")
        if exceptions is None:
            if _PROMISES_A_LIST.search(text):
                problems.append(
                    f"{_where(origin, path)}: the text ends {text[-30:]!r} but the list it introduces is not "
                    "with it: add the document's list as 'exceptions' (lead: the words that introduce it; "
                    "items: each item verbatim with its source)"
                )
            continue
        if not normalise(text).endswith(normalise(exceptions["lead"])):
            problems.append(
                f"{_where(origin, [*path, 'exceptions', 'lead'])}: exceptions lead {exceptions['lead']!r} "
                "must be the words that end the text it belongs to"
            )
        for k, item in enumerate(exceptions["items"]):
            if _PROMISES_A_LIST.search(item["text"]):
                problems.append(
                    f"{_where(origin, [*path, 'exceptions', 'items', k])}: an exception ends "
                    f"{item['text'][-30:]!r}, introducing a list of its own, which exceptions cannot hold"
                )
    return problems


def check_tags(data: dict[str, Any], origin: dict[str, Path] | None = None, *, require_tags: bool = False) -> list[str]:
    """Concept and dimension tags must come from the shared vocabulary."""
    from thresholdkit.data import vocabulary

    concepts = vocabulary.concepts()
    dims = vocabulary.dimensions()
    problems: list[str] = []
    from thresholdkit.model.errors import did_you_mean

    for s in data.get("indicator_sets", []):
        for gi, group in enumerate(s.get("groups", []) or []):
            for tag in group.get("dimensions", []):
                if tag not in dims:
                    problems.append(
                        f"{_where(origin, ['indicator_sets'])}: set '{s['id']}' group {gi}: unknown dimension "
                        f"'{tag}'{did_you_mean(tag, dims)}"
                    )
            for ind in group["indicators"]:
                for tag in ind.get("concepts", []):
                    if tag not in concepts:
                        problems.append(
                            f"{_where(origin, ['indicator_sets'])}: indicator '{ind['id']}': unknown concept "
                            f"'{tag}'{did_you_mean(tag, concepts)}; see 'thresholdkit concepts'"
                        )
                for tag in ind.get("dimensions", []):
                    if tag not in dims:
                        problems.append(
                            f"{_where(origin, ['indicator_sets'])}: indicator '{ind['id']}': unknown dimension "
                            f"'{tag}'{did_you_mean(tag, dims)}"
                        )
                if require_tags and not ind.get("concepts"):
                    problems.append(
                        f"{_where(origin, ['indicator_sets'])}: indicator '{ind['id']}' has no concepts: "
                        "tag it with one or more ids from 'thresholdkit concepts'"
                    )
    return problems


def check_controls(node: Any, origin: dict[str, Path] | None = None) -> list[str]:
    """Text a terminal would act on rather than show: a control character (an escape sequence
    could move the cursor and overwrite another area's number on screen) or a bidirectional
    override, a zero-width character or CR, in any key or value (YAML reads line ends as LF). Tab
    and LF are allowed."""
    found: list[tuple[tuple[Any, ...], str]] = []
    _find_controls(node, (), found)
    return [
        f"{visible(_where(origin, list(p)))}: holds {visible(ch)}, a control character or bidirectional mark that a "
        "terminal acts on rather than shows; remove it (the source document's text has none)"
        for p, ch in found
    ]


def _find_controls(node: Any, path: tuple[Any, ...], found: list[tuple[tuple[Any, ...], str]]) -> None:
    items = node.items() if isinstance(node, dict) else enumerate(node) if isinstance(node, list) else ()
    for key, value in items:
        for text in (key, value) if isinstance(key, str) else (value,):
            if isinstance(text, str):
                ch = first_invisible(text)
                if ch is not None:
                    found.append(((*path, key), ch))
        if isinstance(value, (dict, list)):
            _find_controls(value, (*path, key), found)


_TODO = ("TODO", "todo-")


def check_todos(node: Any, origin: dict[str, Path] | None = None, path: tuple[Any, ...] = ()) -> list[str]:
    """Placeholders a scaffolded plugin still carries ("TODO ...")."""
    found: list[tuple[tuple[Any, ...], str]] = []
    if isinstance(node, str):
        if node.startswith(_TODO):
            found.append((path, node))
    else:
        _find_todos(node, path, found)
    return [f"{_where(origin, list(p))}: still to write: {text!r}" for p, text in found]


def _find_todos(node: Any, path: tuple[Any, ...], found: list[tuple[tuple[Any, ...], str]]) -> None:
    """Depth first, in order; a path is built only for a placeholder or a collection (a first
    check walks every value of every area)."""
    items = node.items() if isinstance(node, dict) else enumerate(node) if isinstance(node, list) else ()
    for key, value in items:
        if isinstance(value, str):
            if value.startswith(_TODO):
                found.append(((*path, key), value))
        elif isinstance(value, (dict, list)):
            _find_todos(value, (*path, key), found)


_NOT_QUOTES = {("document", "notes")}


def iter_quotes(node: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[tuple[Any, ...], str]]:
    """Every verbatim text in the data: (path, text)."""
    if path[:2] in _NOT_QUOTES:
        return
    if isinstance(node, dict):
        text = node.get("text")
        if isinstance(text, str):
            yield path, text
        for key, value in node.items():
            if key != "text":
                yield from iter_quotes(value, (*path, key))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from iter_quotes(value, (*path, i))


def iter_printed_names(data: dict[str, Any]) -> Iterator[tuple[tuple[Any, ...], str]]:
    """Names and headings that the schema says are 'as printed'."""
    for i, lv in enumerate(data.get("levels", [])):
        yield ("levels", i, "name"), lv["name"]
        yield ("levels", i, "label"), lv["label"]
    for i, c in enumerate(data.get("contacts", [])):
        yield ("contacts", i, "name"), c["name"]
    for si, s in enumerate(data.get("indicator_sets", [])):
        for gi, g in enumerate(s.get("groups", []) or []):
            for key in ("domain_label", "subdomain"):
                if g.get(key):
                    yield ("indicator_sets", si, "groups", gi, key), g[key]


def _node(data: Any, path: tuple[Any, ...]) -> Any:
    for key in path:
        data = data[key]
    return data


def check_verbatim(data: dict[str, Any], source_dir: Path, origin: dict[str, Path] | None = None) -> list[str]:
    """Every quote and printed name must stand in the source text, whitespace aside, against the
    source with its conversion markup stripped (:func:`strip_markup`). A quote that records
    ``skipped_in_source`` fragments must stand there whole once they are put back, and only then."""
    source_file = source_dir / data["document"]["source_file"]
    try:
        source = normalise(strip_markup(source_file.read_text(encoding="utf-8")))
    except OSError:
        return [f"{source_file}: source text not found; cannot check quotes are verbatim"]
    problems = []
    quotes = [(path, text, _node(data, path).get("skipped_in_source")) for path, text in iter_quotes(data)]
    names = [(path, text, None) for path, text in iter_printed_names(data)]
    for path, text, skipped in [*quotes, *names]:
        short = text if len(text) < 70 else text[:67] + "..."
        where = _where(origin, list(path))
        if has_markup(text):
            problems.append(
                f"{where}: text carries the conversion's Markdown markup (** or [..](#)); "
                f"quote the printed words only: {short!r}"
            )
            continue
        if isinstance(skipped, list) and skipped:
            whole = rejoin_skipped(text, skipped)
            if whole is None:
                problems.append(
                    f"{where}: a skipped_in_source 'after' is not found exactly once in the text: {short!r}"
                )
            elif normalise(text) in source:
                problems.append(
                    f"{where}: skipped_in_source is recorded but the text stands in {source_file.name} "
                    "without it; remove it"
                )
            elif whole not in source:
                problems.append(
                    f"{where}: text (with its skipped_in_source fragments put back) not found verbatim "
                    f"in {source_file.name}: {short!r}"
                )
        elif normalise(text) not in source:
            problems.append(f"{where}: text not found verbatim in {source_file.name}: {short!r}")
    return problems


def find_sources(start: Path | None = None) -> Path | None:
    """The folder of source texts: $THRESHOLDKIT_SOURCES, or a shared/seeds folder above here."""
    import os

    env = os.environ.get("THRESHOLDKIT_SOURCES")
    if env:
        return Path(env) if Path(env).is_dir() else None
    for base in [start or Path.cwd(), Path(__file__).resolve()]:
        for parent in [base, *base.parents]:
            for cand in (parent / "shared" / "seeds", parent.parent / "shared" / "seeds"):
                if cand.is_dir():
                    return cand
    return None

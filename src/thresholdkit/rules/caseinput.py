"""One case from a case file and options: the rules ``thresholdkit assess`` applies, for the
Python API too.

Unknown, ambiguous or duplicated input is an error, never silently dropped or overridden:

- the case file's ``area``, where it gives one, must be the area assessed;
- an indicator id may be named once: twice in the file, twice in the options, or once in each
  is an error;
- the practitioner's level: from the file or from the options; both given and different is an
  error (the same level in both is fine);
- the indicator set: likewise;
- facts: from both; the same fact given both ways with different values is an error.

Messages name the options as the command line spells them (``--level``, ``--set``,
``--indicator``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from thresholdkit.model.case import check_case, check_facts
from thresholdkit.model.errors import UsageError

if TYPE_CHECKING:
    from thresholdkit.model.case import Case

__all__ = ["merge_case"]


def id_list(ids: Any, name: str = "indicator_ids") -> list[str]:
    """``ids`` as a list of indicator ids, or a UsageError naming ``name`` and what was given: a
    single string is not read as its characters, and every id is a non-empty string."""
    if ids is None:
        return []
    if isinstance(ids, (str, bytes, Mapping)) or not isinstance(ids, Iterable):
        raise UsageError(f"{name} must be a list of indicator ids, not a {type(ids).__name__} (got {ids!r:.60})")
    out = list(ids)
    for item in out:
        if not isinstance(item, str):
            raise UsageError(f"{name} must hold indicator ids (strings); got {item!r:.60}")
        if not item.strip():
            raise UsageError(
                f"an empty indicator id was given ({name} {item!r}); give an id, as 'thresholdkit indicators AREA' "
                "lists them"
            )
    return out


def merge_case(
    file_case: Any = None,
    indicators: Sequence[str] = (),
    level: int | None = None,
    set_id: str | None = None,
    facts: Mapping[str, Any] | None = None,
    *,
    area: str | None = None,
    where: str = "the case file",
) -> Case:
    """Merge a case file's case (as read, unchecked; None for no file) with options into one checked
    :class:`~thresholdkit.model.case.Case`.

    ``indicators``, ``level``, ``set_id`` and ``facts`` are the options (``--indicator``,
    ``--level``, ``--set``; None or empty when not given). ``area``, when given, is the area
    assessed: the result names it, and a case file for another area is an error. ``where``
    names the file in messages. Raises :class:`UsageError` with a one-line message for any
    conflict (see the module's rules) or any fault of the file.

    The result holds only what was given, and is itself a valid case: the file's fields first,
    then the options' indicators after the file's.
    """
    base: Case = check_case(file_case, where=where) if file_case is not None else {}
    out: dict[str, Any] = dict(base)
    if area is not None:
        given = base.get("area")
        if given is not None and given.lower() != area.lower():
            raise UsageError(f"{where} is for area '{given}', not '{area}'")
        out["area"] = area.lower()
    indicators = id_list(indicators, "--indicator")
    from_file = base.get("indicators", [])
    ids = list(from_file)
    for iid in indicators:
        if iid in ids:
            how = f"is in {where} and given with --indicator" if iid in from_file else "is given twice with --indicator"
            raise UsageError(f"indicator '{iid}' {how}; name each indicator once")
        ids.append(iid)
    if ids or "indicators" in base:
        out["indicators"] = ids
    if level is not None:
        if "level" in base and base["level"] != level:
            raise UsageError(
                f"{where} gives level {base['level']} and --level gives {level}; give one level (or the same in both)"
            )
        out["level"] = level
    if set_id is not None:
        if "set" in base and base["set"] != set_id:
            raise UsageError(
                f"{where} gives indicator set '{base['set']}' and --set gives '{set_id}'; "
                "give one set (or the same in both)"
            )
        out["set"] = set_id
    if facts:
        merged: dict[str, Any] = dict(base.get("facts", {}))
        for key, value in check_facts(dict(facts), where="facts").items():
            if key in merged and merged[key] != value:
                raise UsageError(
                    f"{where} gives fact '{key}' as {merged[key]!r} and the options give {value!r}; give one value"
                )
            merged[key] = value
        if merged:
            out["facts"] = merged
    if not out.get("indicators") and "level" not in out and not out.get("facts"):
        raise UsageError("nothing to assess: give --indicator ID, --level N or a case file")
    return check_case(out, where="the merged case")

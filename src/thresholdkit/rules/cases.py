"""Case input: parsing and checking a case (the input of ``assess``), cheaply and strictly.

The rules mirror ``schemas/case.schema.json``; a test holds the two together.
"""

from __future__ import annotations

from typing import Any

from thresholdkit.model.errors import UsageError, did_you_mean

CASE_KEYS = ("id", "area", "set", "indicators", "level", "facts")
FACTS: dict[str, tuple[type | tuple[type, ...], Any]] = {
    "age": (int, (0, 25)),
    "attendance_percent": ((int, float), (0, 100)),
    "school_phase": (str, ("primary", "secondary")),
    "gestation_weeks": (int, (0, 45)),
    "homeless": (bool, None),
    "sexually_active": (bool, None),
}


def _is(value: Any, kind: type | tuple[type, ...]) -> bool:
    if isinstance(value, bool) and kind is not bool and (kind is int or (isinstance(kind, tuple) and bool not in kind)):
        return False
    return isinstance(value, kind)


def check_case(case: Any, where: str = "case") -> dict[str, Any]:
    """Return the case if it is well formed; raise UsageError with a one-line message if not."""
    if not isinstance(case, dict):
        raise UsageError(f"{where}: a case must be a mapping with 'indicators', 'level' or 'facts'")
    for key in case:
        if key not in CASE_KEYS:
            raise UsageError(f"{where}: unknown field '{key}'{did_you_mean(str(key), CASE_KEYS)}")
    if "id" in case and (isinstance(case["id"], bool) or not isinstance(case["id"], (str, int))):
        raise UsageError(f"{where}: 'id' must be a string or a number")
    for key in ("area", "set"):
        if key in case and not isinstance(case[key], str):
            raise UsageError(f"{where}: '{key}' must be a string")
    inds = case.get("indicators", [])
    if inds is None:
        inds = []
    if not isinstance(inds, list) or not all(isinstance(i, str) and i for i in inds):
        raise UsageError(f"{where}: 'indicators' must be a list of indicator ids (strings)")
    level = case.get("level")
    if level is not None and (not _is(level, int) or not 1 <= level <= 4):
        raise UsageError(f"{where}: 'level' must be a whole number from 1 to 4 (got {level!r})")
    facts = case.get("facts") or {}
    if not isinstance(facts, dict):
        raise UsageError(f"{where}: 'facts' must be a mapping such as {{age: 13}}")
    for key, value in facts.items():
        if key not in FACTS:
            raise UsageError(f"{where}: unknown fact '{key}'{did_you_mean(str(key), FACTS)}; facts: {', '.join(FACTS)}")
        kind, allowed = FACTS[key]
        if not _is(value, kind):
            raise UsageError(f"{where}: fact '{key}' has the wrong type ({value!r})")
        if isinstance(allowed, tuple) and allowed and isinstance(allowed[0], str):
            if value not in allowed:
                raise UsageError(f"{where}: fact '{key}' must be one of {', '.join(allowed)} (got {value!r})")
        elif allowed is not None:
            lo, hi = allowed
            if not lo <= value <= hi:
                raise UsageError(f"{where}: fact '{key}' must be between {lo} and {hi} (got {value!r})")
    if not inds and level is None and not facts:
        raise UsageError(f"{where}: nothing to assess: give 'indicators', 'level' or 'facts'")
    return case


def condition_holds(cond: dict[str, Any], facts: dict[str, Any]) -> bool:
    """Whether the case's facts meet one condition; a fact the case does not give never matches."""
    if "any" in cond:
        return any(all(condition_holds(c, facts) for c in group) for group in cond["any"])
    fact = cond["fact"]
    if fact not in facts:
        return False
    value = facts[fact]
    op = cond["op"]
    if op == "between":
        return bool(cond["min"] <= value <= cond["max"])
    if op == "in":
        return value in cond["values"]
    target = cond.get("value")
    try:
        return bool(
            {
                "lt": lambda: value < target,
                "le": lambda: value <= target,
                "gt": lambda: value > target,
                "ge": lambda: value >= target,
                "eq": lambda: value == target,
            }[op]()
        )
    except TypeError:
        return False


def read_case_file(path: str) -> Any:
    """Parse a YAML or JSON case file ('-' for stdin)."""
    import sys

    from thresholdkit.data import safeyaml
    from thresholdkit.model.errors import DataError

    try:
        if path == "-":
            raw = sys.stdin.buffer.read()
            name = "stdin"
        else:
            with open(path, "rb") as fh:
                raw = fh.read()
            name = path
    except OSError as exc:
        raise UsageError(f"cannot read case file '{path}': {exc.strerror}") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise UsageError(f"{name}: not UTF-8 text") from None
    try:
        return safeyaml.parse(text, name=name)  # JSON is YAML too
    except DataError as exc:
        raise UsageError(str(exc)) from None


def condition_facts(cond: dict[str, Any]) -> set[str]:
    if "any" in cond:
        return {f for group in cond["any"] for c in group for f in condition_facts(c)}
    return {cond["fact"]}

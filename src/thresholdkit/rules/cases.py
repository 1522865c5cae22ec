"""Cases and conditions: reading a case file, and matching a case's facts against indicators'
structured conditions.

What a case is (its fields, facts, ranges) is defined once, in :mod:`thresholdkit.model.case`;
``check_case``, ``CASE_KEYS`` and ``FACTS`` are re-exported here for existing callers.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from thresholdkit.model.case import CASE_KEYS, FACTS, check_case
from thresholdkit.model.errors import UsageError

if TYPE_CHECKING:
    from thresholdkit.model.objects import Condition

__all__ = ["CASE_KEYS", "FACTS", "check_case", "condition_facts", "condition_holds", "read_case_file"]


def condition_holds(cond: Condition, facts: Mapping[str, Any]) -> bool:
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
    """Parse a YAML or JSON case file ('-' for stdin); UsageError if it cannot be read or is empty.
    The result is unchecked: :func:`check_case` or :func:`~thresholdkit.rules.caseinput.merge_case` checks it."""
    from thresholdkit.data import safeyaml
    from thresholdkit.data.files import NotRegular, TooLarge, read_regular, read_stream
    from thresholdkit.model.environment import stdin
    from thresholdkit.model.errors import DataError

    try:
        if path == "-":
            raw = read_stream(stdin().buffer, safeyaml.MAX_BYTES)
            name = "stdin"
        else:
            raw = read_regular(path, safeyaml.MAX_BYTES)
            name = path
    except OSError as exc:
        raise UsageError(f"cannot read case file '{path}': {exc.strerror}") from None
    except (NotRegular, TooLarge) as exc:
        where = "standard input" if path == "-" else f"case file '{path}'"
        raise UsageError(f"cannot read {where}: {exc}") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise UsageError(f"{name}: not UTF-8 text") from None
    json_file = name.lower().endswith(".json")
    if json_file or text.lstrip().startswith("{"):
        # JSON is read as JSON, not as YAML 1.1, which reads 9.4e1 as a string: the number batch
        # and the schema see. A '{' file that is not JSON may still be a YAML flow mapping.
        case = _parse_json(text, name, strict=json_file)
        if case is not _NOT_JSON:
            return case
    try:
        case = safeyaml.parse(text, name=name)
    except DataError as exc:
        raise UsageError(str(exc)) from None
    if case is None:
        raise UsageError(f"{name}: the case file is empty; give 'indicators', 'level' or 'facts'")
    return case


_NOT_JSON = object()


def _parse_json(text: str, name: str, *, strict: bool) -> Any:
    """The JSON case in ``text``: a key given twice, NaN or Infinity, or nesting too deep is a
    UsageError; text that is not JSON is one too when ``strict`` (a .json file), else _NOT_JSON."""
    import json

    def pairs(items: list[tuple[str, Any]]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for key, value in items:
            if key in out:
                import re

                at = [m.start() for m in re.finditer(re.escape(json.dumps(key)) + r"\s*:", text)]
                line = f" (line {text.count(chr(10), 0, at[1]) + 1})" if len(at) > 1 else ""
                raise UsageError(f"{name}: key '{key}' is given twice{line}; give each key once")
            out[key] = value
        return out

    def constant(word: str) -> Any:
        raise UsageError(f"{name}: {word} is not a number; give a number or leave the fact out")

    if not text.strip():
        raise UsageError(f"{name}: the case file is empty; give 'indicators', 'level' or 'facts'")
    try:
        case = json.loads(text, object_pairs_hook=pairs, parse_constant=constant)
    except json.JSONDecodeError as exc:
        if not strict:
            return _NOT_JSON
        raise UsageError(f"{name}: not valid JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})") from None
    except ValueError:  # Python's limit on the digits of an integer (4300)
        raise UsageError(f"{name}: a number in the case is too long; give it in at most 4300 digits") from None
    except RecursionError:
        raise UsageError(f"{name}: the JSON is nested too deeply") from None
    if case is None:
        raise UsageError(f"{name}: the case file is empty; give 'indicators', 'level' or 'facts'")
    return case


def condition_facts(cond: Condition) -> set[str]:
    """The facts a condition tests."""
    if "any" in cond:
        return {f for group in cond["any"] for c in group for f in condition_facts(c)}
    return {cond["fact"]}

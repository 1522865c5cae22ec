"""Where the JSON Schemas are: inside the installed package, or the repository's schemas/.

``schemas/`` at the repository root is the single source of truth; the wheel carries a copy
in ``thresholdkit/schemas`` (see pyproject.toml). os.path only: this runs at start-up.
"""

from __future__ import annotations

import os
from functools import cache
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pathlib import Path


def schema_dir() -> str:
    """The folder holding ``*.schema.json`` (wheel: thresholdkit/schemas; checkout: schemas/)."""
    package = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))  # .../thresholdkit
    packaged = os.path.join(package, "schemas")
    if os.path.isfile(os.path.join(packaged, "authority.schema.json")):
        return packaged
    return os.path.join(os.path.dirname(os.path.dirname(package)), "schemas")


def schema_path(name: str) -> str:
    return os.path.join(schema_dir(), f"{name}.schema.json")


@cache
def load_schema(name: str) -> dict[str, Any]:
    with open(schema_path(name), encoding="utf-8") as fh:
        import json

        data: dict[str, Any] = json.load(fh)
    return data


def where(origin: dict[str, Path] | None, path: list[Any]) -> str:
    """'file.yaml: dotted.path[3]' for a problem at ``path`` of merged data."""
    top = str(path[0]) if path else ""
    file = origin.get(top) if origin else None
    dotted = ".".join(str(p) if not isinstance(p, int) else f"[{p}]" for p in path).replace(".[", "[")
    prefix = f"{file.name}: " if file is not None else ""
    return f"{prefix}{dotted or '(top level)'}"


def _hint(error: Any) -> str:
    validator = error.validator
    if (validator == "type" and "string" in (error.validator_value or [])) or error.validator_value == "string":
        inst = error.instance
        if isinstance(inst, bool):
            return " (YAML read an unquoted yes/no/on/off as a boolean: quote it)"
        if isinstance(inst, int):
            return " (YAML read an unquoted phone number or time such as 09:00 as a number: quote it)"
        return " (quote it as a string)"
    if validator == "additionalProperties":
        return " (check the spelling against schemas/authority.schema.json)"
    return ""


#: Python's ``\s`` in a pattern (the characters for which ``str.isspace()`` is true), written out:
#: the compiled validator's regex dialect (ECMA 262) has another ``\s`` (it adds U+FEFF and
#: lacks U+001C-U+001F and U+0085). tests/test_startup_invariants.py checks this list.
PY_SPACE = "\\t\\n\\x0b\\x0c\\r\\x1c-\\x20\\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000"
#: Escapes whose meaning is the same in both dialects (or, for ``\s``, made the same).
_SAME_ESCAPES = frozenset("s.-/()[]{}+*?^$|\\")


def _ecma_pattern(pattern: str) -> str | None:
    """``pattern`` for the compiled validator, matching exactly what Python's ``re`` matches,
    or None when it uses an escape whose meaning differs between the dialects."""
    out, in_class, i = [], False, 0
    while i < len(pattern):
        ch = pattern[i]
        if ch == "\\":
            nxt = pattern[i + 1 : i + 2]
            if nxt not in _SAME_ESCAPES or not nxt:
                return None
            out.append((PY_SPACE if in_class else f"[{PY_SPACE}]") if nxt == "s" else ch + nxt)
            i += 2
            continue
        if ch == "[":
            in_class = True
        elif ch == "]":
            in_class = False
        out.append(ch)
        i += 1
    return "".join(out)


def _ecma_schema(node: Any) -> Any:
    """A copy of a schema with every ``pattern`` rewritten by :func:`_ecma_pattern`; raises
    ValueError when one cannot be."""
    if isinstance(node, dict):
        out = {}
        for key, value in node.items():
            if key == "pattern" and isinstance(value, str):
                rewritten = _ecma_pattern(value)
                if rewritten is None:
                    raise ValueError(f"pattern {value!r} has no exact equivalent")
                out[key] = rewritten
            else:
                out[key] = _ecma_schema(value)
        return out
    if isinstance(node, list):
        return [_ecma_schema(v) for v in node]
    return node


def _refuse_retrieval(uri: str) -> Any:
    raise ValueError(f"no network: schema {uri} is not fetched")


@cache
def fast_validator(name: str) -> Any:
    """A compiled (Rust) validator for the schema ``name``, or None where jsonschema-rs is not
    installed or the schema cannot be given to it exactly."""
    try:
        import jsonschema_rs
    except ImportError:  # pragma: no cover - a dependency, but the checks still run without it
        return None
    try:
        return jsonschema_rs.Draft202012Validator(
            _ecma_schema(load_schema(name)), retriever=_refuse_retrieval, validate_formats=False
        )
    except Exception:  # pragma: no cover - a schema it cannot take: jsonschema decides alone
        return None


def passes(data: Any, name: str = "authority") -> bool:
    """Whether the compiled validator accepts ``data``. False means "ask jsonschema": it is
    also False for a value the compiled validator cannot take (a mapping with a non-string key,
    say), and when there is no compiled validator."""
    validator = fast_validator(name)
    if validator is None:
        return False
    try:
        return bool(validator.is_valid(data))
    except Exception:
        return False


def check_schema(data: Any, origin: dict[str, Path] | None = None, name: str = "authority") -> list[str]:
    """The schema problems of ``data`` (none: it passes), each naming file and item.

    Data the compiled validator (jsonschema-rs, about 100 times faster) accepts has no
    problems: its dialect differences make it at most stricter than jsonschema, never looser.
    Anything it does not accept goes to jsonschema, which gives the verdict and the messages,
    so what is refused, and how, is jsonschema's alone.
    """
    if passes(data, name):
        return []
    from jsonschema import Draft202012Validator

    validator = Draft202012Validator(load_schema(name))
    problems = []
    for error in sorted(validator.iter_errors(data), key=lambda e: list(map(str, e.absolute_path))):
        if error.context:
            # oneOf / anyOf: report the most specific sub-error
            best = min(error.context, key=lambda e: len(list(e.schema_path)))
            message = best.message
        else:
            message = error.message
        message = " ".join(message.split())
        if len(message) > 160:
            message = message[:157] + "..."
        top = _top_level(error, origin, name) if not error.absolute_path else None
        problems.append(top or f"{where(origin, list(error.absolute_path))}: {message}{_hint(error)}")
    return problems


#: The file of a plugin's data folder each section usually sits in (as ``plugin new`` writes them).
SECTION_FILES = {
    "schema_version": "authority.yaml",
    "authority": "authority.yaml",
    "document": "authority.yaml",
    "levels": "authority.yaml",
    "guidance": "authority.yaml",
    "glossary": "authority.yaml",
    "errata": "authority.yaml",
    "indicator_sets": "indicators.yaml",
    "pathway": "pathway.yaml",
    "emergency": "pathway.yaml",
    "contacts": "contacts.yaml",
    "consent": "consent.yaml",
}


def _top_level(error: Any, origin: dict[str, Path] | None, name: str) -> str | None:
    """A problem with the sections themselves, naming the file: a section no file gives (say,
    an empty consent.yaml), or one that is not a section (named in the file that gives it)."""
    if name != "authority" or not isinstance(error.instance, dict):
        return None
    if error.validator == "required":
        missing = next(
            (k for k in error.validator_value if k not in error.instance and error.message.startswith(repr(k))), None
        )
        if missing is None:
            return None
        usual = SECTION_FILES.get(missing, f"{missing}.yaml")
        return (
            f"no data file gives the '{missing}' section: add '{missing}:' at the top level of one "
            f"(usually {usual}; a file that is empty or all comments gives nothing)"
        )
    if error.validator == "additionalProperties":
        from thresholdkit.model.errors import did_you_mean

        allowed = list(error.schema.get("properties", {}))
        extra = next((k for k in error.instance if k not in allowed), None)
        if extra is None:
            return None
        file = origin.get(str(extra)) if origin else None
        head = f"{file.name}: " if file is not None else ""
        return (
            f"{head}'{extra}' is not a section of plugin data{did_you_mean(str(extra), allowed)}; "
            f"the sections are {', '.join(allowed)}"
        )
    return None

"""A case: the input of an assessment. The one definition of its fields and facts.

A case names indicator ids, gives structured facts, gives the practitioner's own level, or any
mix; it holds no names. :data:`CASE_FIELDS` and :data:`FACTS` below define it, and everything
else follows from them:

- :func:`check_case` (``assess``, case files, the Python API) checks a mapping against them
  and returns a :class:`Case`;
- ``thresholdkit.batch.engine`` builds its msgspec ``Facts`` struct and its CSV columns from
  :data:`FACTS`, and its ``CaseRecord`` struct uses the ranges defined here;
- ``schemas/case.schema.json`` (for other tools) and the :class:`Case` / :class:`Facts` types
  are held to them by ``tests/test_model.py``, which compares all of them field by field.

Rules common to every form of a case: an unknown field or fact is an error; a null value means
"not given" (JSON producers write ``"level": null``); a whole number is an ``int`` (``13.0`` is
refused by the checker and by batch, although JSON Schema counts it as an integer); true and
false are not numbers; an indicator id may be named only once.

Cheap to import (no msgspec, no TypedDict class created): it is on the path of every
``assess``. :class:`Case` and :class:`Facts` are defined in :mod:`thresholdkit.model.shapes`
and loaded from there on first use, as :mod:`thresholdkit.model.objects` does.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, cast

from thresholdkit.model.errors import UsageError, did_you_mean
from thresholdkit.model.objects import LEVEL_MAX, LEVEL_MIN

if TYPE_CHECKING:
    from thresholdkit.model.shapes import Case, Facts

__all__ = [
    "CASE_FIELDS",
    "CASE_KEYS",
    "FACTS",
    "LEVEL_MAX",
    "LEVEL_MIN",
    "Case",
    "Facts",
    "Field",
    "check_case",
    "check_facts",
    "describe",
]

if not TYPE_CHECKING:

    def __getattr__(name: str) -> Any:
        """``Case`` and ``Facts``, imported from :mod:`thresholdkit.model.shapes` on first use."""
        if name in ("Case", "Facts"):
            from thresholdkit.model import shapes

            value = getattr(shapes, name)
            globals()[name] = value
            return value
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


class Field:
    """One field of a case, or one fact: its JSON type(s), range or allowed values, and meaning.

    ``types`` are JSON Schema type names (``string``, ``integer``, ``number``, ``boolean``,
    ``array``, ``object``); ``minimum`` / ``maximum`` bound a number; ``enum`` lists the
    allowed strings; ``min_length`` bounds a string; ``items`` is the field of an array's items
    (never null) and ``unique`` says they must differ. Null is allowed for every field and fact
    (not given).
    """

    __slots__ = ("description", "enum", "items", "maximum", "min_length", "minimum", "name", "types", "unique")

    def __init__(
        self,
        name: str,
        types: tuple[str, ...],
        description: str,
        *,
        minimum: float | None = None,
        maximum: float | None = None,
        enum: tuple[str, ...] | None = None,
        min_length: int | None = None,
        items: Field | None = None,
        unique: bool = False,
    ) -> None:
        self.name, self.types, self.description = name, types, description
        self.minimum, self.maximum, self.enum = minimum, maximum, enum
        self.min_length, self.items, self.unique = min_length, items, unique

    def __repr__(self) -> str:
        return f"Field({self.name!r}, {self.types!r})"

    def describe(self, nullable: bool = True) -> dict[str, Any]:
        """The field as comparable data: types, null allowed, range, allowed values, item rules
        (an array's items are never null)."""
        return {
            "types": sorted(self.types),
            "nullable": nullable,
            "minimum": self.minimum,
            "maximum": self.maximum,
            "enum": list(self.enum) if self.enum is not None else None,
            "min_length": self.min_length,
            "items": self.items.describe(nullable=False) if self.items is not None else None,
            "unique": self.unique,
        }

    def expected(self) -> str:
        """What a value must be, in words ('a whole number from 0 to 25')."""
        if self.enum is not None:
            return "one of " + ", ".join(self.enum)
        words = {
            ("integer",): "a whole number",
            ("number",): "a number",
            ("boolean",): "true or false",
            ("string",): "a non-empty string" if self.min_length else "a string",
            ("integer", "string"): "a string or a number",
        }.get(tuple(sorted(self.types)), " or ".join(self.types))
        if self.minimum is not None and self.maximum is not None:
            words += f" from {_num(self.minimum)} to {_num(self.maximum)}"
        return words

    def accepts(self, value: Any) -> bool:
        """Whether a (non-null) value has the field's type and lies in its range or values."""
        if isinstance(value, bool):
            if "boolean" not in self.types:
                return False
        elif isinstance(value, int):
            if not ("integer" in self.types or "number" in self.types):
                return False
        elif isinstance(value, float):
            if "number" not in self.types:
                return False
        elif isinstance(value, str):
            if "string" not in self.types:
                return False
            if self.min_length is not None and len(value) < self.min_length:
                return False
            if self.enum is not None and value not in self.enum:
                return False
        else:
            return False
        if self.minimum is not None and not self.minimum <= value:
            return False
        return not (self.maximum is not None and not value <= self.maximum)


def _num(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else str(x)


#: The facts a case may give: matched against the structured conditions of indicators (the
#: thresholds a document prints, such as "attendance below 95%" or "13 and under").
FACTS: dict[str, Field] = {
    f.name: f
    for f in (
        Field("age", ("integer",), "The child's age in whole years.", minimum=0, maximum=25),
        Field("attendance_percent", ("number",), "School attendance, in per cent.", minimum=0, maximum=100),
        Field("school_phase", ("string",), "The child's school phase.", enum=("primary", "secondary")),
        Field("gestation_weeks", ("integer",), "For an unborn child: weeks of pregnancy.", minimum=0, maximum=45),
        Field("homeless", ("boolean",), "The child or young person is homeless."),
        Field("sexually_active", ("boolean",), "The child or young person is sexually active."),
        Field("pregnant", ("boolean",), "The child or young person is pregnant."),
    )
}

#: thresholdkit's reading, not any document's: the concept each measured fact is about. A
#: case giving the fact is told of the indicators of that concept above its level that print
#: no figure, which the fact alone cannot settle (Telford prints attendance figures at Levels
#: 1 and 2, and "Persistent absence" at Level 3 with none).
FIGURE_CONCEPTS: dict[str, str] = {"attendance_percent": "school-attendance"}

def plain(value: Any) -> Any:
    """A value from pandas or numpy as the plain Python value it stands for, so that
    ``df.to_dict("records")`` can be assessed: numpy scalars become ``int``, ``float``, ``bool``
    or ``str``, arrays become lists, and NaN, ``pandas.NA`` and ``NaT`` become None (not given,
    exactly as an absent value). Mappings and lists are converted all through; anything else is
    returned as it is (and checked as usual). numpy and pandas are never imported here."""
    if value is None or isinstance(value, (str, int)):
        return value
    if isinstance(value, float):
        return None if value != value else value  # NaN: a missing value
    if isinstance(value, Mapping):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if type(value).__module__.split(".")[0] in ("numpy", "pandas"):
        if type(value).__name__ in ("NAType", "NaTType"):
            return None
        tolist = getattr(value, "tolist", None)  # a numpy scalar gives its Python value, an array a list
        if callable(tolist):
            return plain(tolist())
    return value


def whole(value: Any, field: Field | None) -> Any:
    """A whole-number float given for an integer field (pandas gives ``2.0`` for an integer
    column that has a gap) as that whole number; anything else as it is (and checked as usual)."""
    if field is not None and field.types == ("integer",) and isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def from_frame(record: Any) -> Any:
    """A record as pandas gives it (``df.to_dict("records")``), as a case: :func:`plain`, then
    whole-number floats in integer fields (``level``, ``age``, ``gestation_weeks``) as integers.
    Used by the Python API only; case files and batch input keep their strict types."""
    record = plain(record)
    if not isinstance(record, dict):
        return record
    out = {k: whole(v, CASE_FIELDS.get(k) or FACTS.get(k)) for k, v in record.items()}
    if isinstance(out.get("facts"), dict):
        out["facts"] = {k: whole(v, FACTS.get(k)) for k, v in out["facts"].items()}
    return out


#: The fields of a case, in order.
CASE_FIELDS: dict[str, Field] = {
    f.name: f
    for f in (
        Field("id", ("string", "integer"), "Your own reference for the case (never a child's name)."),
        Field("area", ("string",), "Area id; when given it must match the area assessed.", min_length=1),
        Field(
            "set",
            ("string",),
            "Only this indicator set (default: every set the document publishes).",
            min_length=1,
        ),
        Field(
            "indicators",
            ("array",),
            "Indicators of the area, each named once: an id found in one set only, or set/id.",
            items=Field("indicator", ("string",), "An indicator id, or set/id.", min_length=1),
            unique=True,
        ),
        Field(
            "level",
            ("integer",),
            "The practitioner's own judgement of the level; the result is never below the highest matched indicator.",
            minimum=LEVEL_MIN,
            maximum=LEVEL_MAX,
        ),
        Field("facts", ("object",), "Structured facts matched against indicators' conditions."),
    )
}

#: Field names, for messages and for readers of the old constant.
CASE_KEYS = tuple(CASE_FIELDS)


def describe() -> dict[str, dict[str, dict[str, Any]]]:
    """The whole definition as comparable data: ``{"fields": {...}, "facts": {...}}``."""
    return {
        "fields": {name: f.describe() for name, f in CASE_FIELDS.items()},
        "facts": {name: f.describe() for name, f in FACTS.items()},
    }


def _bad(where: str, label: str, field: Field, value: Any) -> UsageError:
    return UsageError(f"{where}: {label} must be {field.expected()} (got {value!r})")


def check_facts(facts: Any, where: str = "case") -> Facts:
    """The facts if they are well formed (null values left out); UsageError if not."""
    if not isinstance(facts, dict):
        raise UsageError(f"{where}: 'facts' must be a mapping such as {{age: 13}}")
    out: dict[str, Any] = {}
    for key, value in facts.items():
        field = FACTS.get(key) if isinstance(key, str) else None
        if field is None:
            raise UsageError(
                f"{where}: unknown fact '{key}'{did_you_mean(str(key), FACTS)}; facts: {', '.join(FACTS)}"
            )
        if value is None:
            continue
        if not field.accepts(value):
            raise _bad(where, f"fact '{key}'", field, value)
        out[key] = value
    return cast("Facts", out)


def check_case(case: Any, where: str = "case") -> Case:
    """Check a case (a mapping as read from YAML or JSON) and return it as a :class:`Case`.

    Raises :class:`UsageError` with a one-line message naming ``where`` for an unknown field or
    fact, a wrong type, a value out of range, an indicator named twice, or a case with nothing
    to assess. Null values are left out (a null means not given).
    """
    if not isinstance(case, dict):
        raise UsageError(f"{where}: a case must be a mapping with 'indicators', 'level' or 'facts'")
    for key in case:
        if key not in CASE_FIELDS:
            raise UsageError(f"{where}: unknown field '{key}'{did_you_mean(str(key), CASE_KEYS)}")
    out: dict[str, Any] = {}
    for key in ("id", "area", "set", "level"):
        value = case.get(key)
        if value is None:
            continue
        field = CASE_FIELDS[key]
        if not field.accepts(value):
            raise _bad(where, f"'{key}'", field, value)
        out[key] = value
    inds = case.get("indicators")
    if inds is not None:
        item = CASE_FIELDS["indicators"].items
        assert item is not None
        if not isinstance(inds, list) or not all(item.accepts(i) for i in inds):
            raise UsageError(f"{where}: 'indicators' must be a list of indicator ids (strings)")
        twice = _first_repeat(inds)
        if twice is not None:
            raise UsageError(f"{where}: 'indicators' names '{twice}' more than once; name each indicator once")
        out["indicators"] = list(inds)
    facts = case.get("facts")
    if facts is not None:
        checked = check_facts(facts, where)
        if checked:
            out["facts"] = checked
    if not out.get("indicators") and "level" not in out and not out.get("facts"):
        raise UsageError(f"{where}: nothing to assess: give 'indicators', 'level' or 'facts'")
    return cast("Case", out)


def _first_repeat(items: list[str]) -> str | None:
    seen: set[str] = set()
    for i in items:
        if i in seen:
            return i
        seen.add(i)
    return None

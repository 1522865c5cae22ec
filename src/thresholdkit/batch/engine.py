"""Batch assessment: many case records in, exactly one result per record out, in input order.

Records stream through in constant memory. JSON Lines are decoded and encoded with msgspec,
chosen on evidence (``benchmarks/batch.py`` prints stdlib json, orjson and msgspec side by
side). Each record is checked against a typed structure that mirrors ``schemas/case.schema.json``
(plus ``id`` and ``area``), and every problem becomes that record's ``error``: nothing is
dropped, nothing stops the run.

What a case is comes from :mod:`thresholdkit.model.case`: the msgspec ``Facts`` struct and the
CSV fact columns are built from its ``FACTS`` table, and ``CaseRecord`` uses its ranges
(``tests/test_model.py`` holds the struct, the model and ``schemas/case.schema.json`` together).
The level rule is the one ``assess`` uses, :func:`thresholdkit.rules.level.final_level`.
"""

from __future__ import annotations

import csv
import functools
import operator
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from itertools import compress
from typing import TYPE_CHECKING, Annotated, Any, Literal, cast

import msgspec

from thresholdkit.areas.registry import Registry
from thresholdkit.data.cells import CSV_DANGER
from thresholdkit.model.case import CASE_FIELDS, FACTS, Field
from thresholdkit.model.errors import NotPublishedError, ThresholdkitError, UsageError, did_you_mean
from thresholdkit.model.objects import LEVEL_MAX, LEVEL_MIN
from thresholdkit.rules.cases import condition_holds
from thresholdkit.rules.level import TOP_LEVEL, final_level
from thresholdkit.rules.notices import area_notices, case_warnings, escalated, may_warn, unprinted_figures

if TYPE_CHECKING:
    from thresholdkit.model.objects import Condition, Indicator

CSV_COLUMNS = ("id", "area", "level", "level_name", "indicators", "emergency", "warnings", "error", "record")
#: No warnings: one shared empty list (never appended to), so the hot path allocates none.
_NONE: list[str] = []
#: The longest CSV cell read (characters); a longer one makes that record an error.
MAX_CSV_FIELD = 1 << 20
FACT_NAMES = tuple(FACTS)
_JSON_TYPES: dict[str, type] = {"integer": int, "number": float, "boolean": bool, "string": str}


def msgspec_type(field: Field) -> Any:
    """The msgspec type of one field of the case model (a scalar, with its range or values),
    nullable: null means not given."""
    kind: Any
    if field.enum is not None:
        kind = cast(Any, Literal)[field.enum]
    else:
        (name,) = field.types
        kind = _JSON_TYPES[name]
    meta: dict[str, Any] = {
        k: v
        for k, v in (("ge", field.minimum), ("le", field.maximum), ("min_length", field.min_length))
        if v is not None
    }
    if meta:
        kind = Annotated[kind, msgspec.Meta(**meta)]
    return kind | None


def facts_struct() -> type[msgspec.Struct]:
    """The msgspec struct of a case's facts, built from :data:`thresholdkit.model.case.FACTS`."""
    return msgspec.defstruct(
        "Facts",
        [(name, msgspec_type(field), None) for name, field in FACTS.items()],
        forbid_unknown_fields=True,
        omit_defaults=True,
        gc=False,  # scalars only: never in a reference cycle, so the collector need not track it
        module=__name__,
    )


if TYPE_CHECKING:
    Facts = msgspec.Struct
else:
    Facts = facts_struct()

_Name = Annotated[str, msgspec.Meta(min_length=1)]


class CaseRecord(msgspec.Struct, forbid_unknown_fields=True, omit_defaults=True, gc=False):
    """One input record: a case (:class:`thresholdkit.model.case.Case`), in which ``area`` is
    required by the engine rather than the decoder (its absence is that record's error)."""

    id: str | int | None = None
    area: _Name | None = None
    set: _Name | None = None
    indicators: list[_Name] | None = None
    level: Annotated[int, msgspec.Meta(ge=LEVEL_MIN, le=LEVEL_MAX)] | None = None
    facts: Facts | None = None


class BatchResult(msgspec.Struct, gc=False):
    """One output record. Field order is the output order (JSONL keys and CSV columns).

    ``gc=False`` (also for the records): batch makes millions and none is ever in a cycle, so
    the garbage collector does not track them."""

    id: str | int | None
    area: str | None
    level: int | None
    level_name: str | None
    indicators: list[str]
    emergency: bool
    warnings: list[str]
    error: str | None
    record: int

    def to_dict(self) -> dict[str, Any]:
        return {f: getattr(self, f) for f in self.__struct_fields__}


#: A compiled condition: the case's facts in, whether the condition holds out.
Check = Callable[[Mapping[str, Any]], bool]
_OPS: dict[str, Callable[[Any, Any], Any]] = {
    "lt": operator.lt,
    "le": operator.le,
    "gt": operator.gt,
    "ge": operator.ge,
    "eq": operator.eq,
}


def compile_condition(cond: Condition) -> Check:
    """``cond`` as a function of the facts that gives exactly what
    :func:`thresholdkit.rules.cases.condition_holds` gives (``tests/test_batch_speed_invariants.py``
    holds the two together), with the condition read once instead of once per record."""
    if "any" in cond:
        groups = tuple(tuple(compile_condition(c) for c in group) for group in cond["any"])

        def any_of(facts: Mapping[str, Any]) -> bool:
            return any(all(check(facts) for check in group) for group in groups)

        return any_of
    fact = cond["fact"]
    op = cond["op"]
    if op == "between":
        low, high = cond["min"], cond["max"]

        def between(facts: Mapping[str, Any]) -> bool:
            return fact in facts and bool(low <= facts[fact] <= high)

        return between
    if op == "in":
        values = cond["values"]

        def among(facts: Mapping[str, Any]) -> bool:
            return fact in facts and facts[fact] in values

        return among
    compare = _OPS.get(op)
    if compare is None:  # an operator condition_holds does not know: let it say so, as it would
        return lambda facts: condition_holds(cond, facts)
    target = cond.get("value")

    def holds(facts: Mapping[str, Any]) -> bool:
        if fact not in facts:
            return False
        try:
            return bool(compare(facts[fact], target))
        except TypeError:
            return False

    return holds


def condition_needs(conds: Iterable[Condition]) -> frozenset[str]:
    """Facts that must all be given for ``conds`` (all of them) to hold: the fact of each
    comparison at the top level (a compiled comparison is False when its fact is missing). An
    ``any`` group, or an operator the compiler leaves to condition_holds, needs nothing here."""
    return frozenset(c["fact"] for c in conds if "any" not in c and (c["op"] in ("between", "in") or c["op"] in _OPS))


def compile_conditions(conds: Iterable[Condition]) -> Check:
    """All of ``conds`` (as ``all(condition_holds(c, facts) for c in conds)``), compiled."""
    checks = tuple(compile_condition(c) for c in conds)
    if len(checks) == 1:
        return checks[0]

    def every(facts: Mapping[str, Any]) -> bool:
        return all(check(facts) for check in checks)

    return every


_AMBIGUOUS = -1  # a bare id in more than one set: it must be named set/id
_ALL = "*"  # the table of every published set together (a record with no 'set')


class _AreaTable:
    """Everything batch needs of one area, precomputed once.

    ``levels[set]`` maps each way of naming an indicator (its bare id, and ``set/id``) to its
    level, for one set or for every published set together (``_ALL``); ``canon`` maps a name
    to the indicator's ``ref`` where the two differ (``main/x`` -> ``x``, ``y`` ->
    ``exploitation/y``); ``by_ref`` holds every indicator by its ref, ``warners`` the refs of
    those that can add a warning, ``notices`` the area's own (draft, past review).
    """

    __slots__ = (
        "by_ref",
        "canon",
        "cond",
        "cond_given",
        "conditional",
        "escalating",
        "fast",
        "fast_all",
        "id",
        "levels",
        "names",
        "needs",
        "notice_list",
        "notices",
        "published",
        "unprinted",
        "warners",
    )

    def __init__(self, registry: Registry, area_id: str) -> None:
        area = registry.area(area_id)
        self.id = area_id
        self.names = {lv["level"]: lv["name"] for lv in area.levels()}
        self.levels: dict[str, dict[str, int]] = {}
        self.cond: dict[str, list[tuple[str, int, Check]]] = {}
        #: The facts each entry of ``cond`` needs (see :func:`condition_needs`), entry by entry.
        self.needs: dict[str, list[frozenset[str]]] = {}
        #: ``cond`` less the entries that cannot hold for the facts given, by (set, facts given).
        self.cond_given: dict[tuple[str, tuple[str, ...]], list[tuple[str, int, Check]]] = {}
        self.published: dict[str, str | None] = {}
        self.canon: dict[str, str] = {}
        self.by_ref: dict[str, Indicator] = {}
        self.warners: set[str] = set()
        self.escalating: dict[str, Indicator] = {}
        self.conditional: set[str] = set()  # refs of indicators with printed conditions
        self.notices = area_notices(area)
        #: The warnings of a record that can add none (shared by assess_chunk's results).
        self.notice_list: list[str] = list(self.notices) if self.notices else _NONE
        self.unprinted = unprinted_figures(area)
        every: dict[str, int] = {}
        for s in area.indicator_sets():
            try:
                items = area.indicators(s["id"])
            except NotPublishedError as exc:
                self.published[s["id"]] = str(exc)
                continue
            self.published[s["id"]] = None
            own: dict[str, int] = {}
            for i in items:
                own[i.id] = own[f"{i.set}/{i.id}"] = i.level
                every[f"{i.set}/{i.id}"] = i.level
                every[i.id] = _AMBIGUOUS if i.id in every else i.level
                for name in (i.id, f"{i.set}/{i.id}"):
                    if name != i.ref:
                        self.canon[name] = i.ref
                self.by_ref[i.ref] = i
                if may_warn(i):
                    self.warners.add(i.ref)
                if i.escalation:
                    self.escalating[i.ref] = i
                if i.conditions:
                    self.conditional.add(i.ref)
            self.levels[s["id"]] = own
            sufficient = [i for i in items if i.conditions and i.condition_use == "sufficient"]
            self.cond[s["id"]] = [(i.ref, i.level, compile_conditions(i.conditions)) for i in sufficient]
            self.needs[s["id"]] = [condition_needs(i.conditions) for i in sufficient]
        if any(p is None for p in self.published.values()):
            self.levels[_ALL] = every
            self.cond[_ALL] = [c for set_id, conds in self.cond.items() for c in conds]
            self.needs[_ALL] = [c for set_id, needs in self.needs.items() for c in needs]
            self.published[_ALL] = None
        #: For :meth:`Engine.assess_chunk`'s fast path, per set: the names that are their own ref
        #: (no canon entry) with a level of at least 1, and, for those of them that add a warning
        #: to a case without facts, that warning (what case_warnings gives for the indicator
        #: alone: without facts, an indicator's escalation, conditions and the figures it does
        #: not print add nothing, and what it adds does not depend on the other indicators).
        #: A record naming only these, and no facts, needs no more than this.
        self.fast: dict[str, tuple[Callable[[str], int], dict[str, list[str]]]] = {}
        alone: dict[str, list[str]] = {}
        for set_id, levels in self.levels.items():
            fast = {name: lv for name, lv in levels.items() if lv >= 1 and name not in self.canon}
            for name in fast:
                if name in self.warners and name not in alone:
                    ind = self.by_ref[name]
                    alone[name] = case_warnings([], [ind], [ind], None, None, ind.level, ind.level, self.unprinted)
            self.fast[set_id] = (fast.__getitem__, {name: alone[name] for name in fast if alone.get(name)})
        self.fast_all = self.fast.get(_ALL)

    def conditions_for(self, set_id: str, facts: dict[str, Any]) -> list[tuple[str, int, Check]]:
        """The entries of ``cond[set_id]``, in order, that can hold for facts with these names:
        an entry none of whose needed facts is missing (the others give False whatever the values)."""
        key = (set_id, tuple(facts))
        found = self.cond_given.get(key)
        if found is None:
            found = [c for c, needs in zip(self.cond[set_id], self.needs[set_id], strict=True) if needs <= facts.keys()]
            if len(self.cond_given) < 4096:  # facts given: at most 2**len(FACTS) names, in struct order
                self.cond_given[key] = found
        return found

    def sets_of(self, iid: str) -> list[str]:
        """The published sets that hold the bare id ``iid``."""
        return [s for s, own in self.levels.items() if s != _ALL and iid in own]


class Engine:
    """Assesses records against a registry; area tables are built on first use."""

    def __init__(self, registry: Registry | None = None) -> None:
        self.registry = registry or Registry.load()
        self._tables: dict[str, _AreaTable | str] = {}
        self._known = self.registry.area_ids()
        self._messages: dict[tuple[str, str, str], str] = {}
        self._warned: dict[tuple[Any, ...], list[str]] = {}
        #: Results of records outside the fast path, by the record's complete input but its id
        #: (see :meth:`assess_chunk`); bounded.
        self._results: dict[tuple[Any, ...], BatchResult] = {}
        self._fast_tables: dict[str, _AreaTable] = {}
        #: The level rule, final_level, for every (highest indicator level, practitioner's level
        #: or 0) that can occur, computed once by the rule itself: the hot path looks it up.
        self._final = [
            [final_level(top, p or None)[0] if top or p else 0 for p in range(LEVEL_MAX + 1)]
            for top in range(LEVEL_MAX + 1)
        ]

    def _table(self, area_id: str) -> _AreaTable | str:
        table = self._tables.get(area_id)
        if table is None:
            if area_id not in self._known and self.registry.record(area_id) is None:
                table = f"unknown area '{area_id}'{did_you_mean(area_id, self._known)}"
            else:
                try:
                    table = _AreaTable(self.registry, area_id)
                except ThresholdkitError as exc:
                    table = str(exc)
            self._tables[area_id] = table
        return table

    def _no_area(self) -> str:
        return f"the record names no area; give 'area', one of: {', '.join(self._known) or '(no area is installed)'}"

    def _unknown(self, table: _AreaTable, set_id: str, iid: str) -> str:
        """The error for an unknown or ambiguous indicator; suggestions are remembered (difflib is slow)."""
        key = (table.id, set_id, iid)
        message = self._messages.get(key)
        if message is None:
            levels = table.levels[set_id]
            if iid != iid.strip() and iid.strip() in levels:
                from thresholdkit.rules.assess import spaced_message

                message = spaced_message(iid)
            elif levels.get(iid) == _AMBIGUOUS:
                forms = " or ".join(f"'{s}/{iid}'" for s in table.sets_of(iid))
                message = f"indicator '{iid}' is in more than one set of {table.id}; name it as {forms}"
            elif set_id != _ALL and iid in table.levels.get(_ALL, {}):
                where = ", ".join(table.sets_of(iid.split("/", 1)[-1])) if "/" not in iid else iid.split("/")[0]
                message = (
                    f"indicator '{iid}' is in set '{where}', not in set '{set_id}'; "
                    "drop the record's 'set' to name indicators of every set"
                )
            else:
                message = f"unknown indicator '{iid}'{did_you_mean(iid, levels)}"
            if len(self._messages) < 10_000:
                self._messages[key] = message
        return message

    def assess_chunk(self, items: Iterable[CaseRecord | BatchResult], start: int) -> list[BatchResult]:
        """The result of each of ``items`` numbered from ``start``: what :meth:`assess` gives for
        each record (an error result passes through), faster.

        The results share their ``indicators`` and ``warnings`` lists with one another: they are
        for encoding, not for changing. Two ways past assess's general path, each giving exactly
        its result:

        - the fast path: no facts, a known area and set, and either only indicator names of the
          table's ``fast`` map (each its own ref, with the warnings it adds without facts) named
          once each with no practitioner's level below the highest, or no indicators and a
          practitioner's level;
        - any other record's result is remembered (a bounded dict) under the record's complete
          input but its id (area, set, indicators, level and the facts as msgspec encodes them,
          which tells 1, 1.0 and true apart); a record with the same input gets a copy of that
          result with its own id and number.

        When ``assess`` is not this class's own (a subclass or a patch replaced it), each record
        goes through it, as before.
        """
        assess = self.assess
        if type(self).assess is not _ASSESS:
            return [assess(item, n) if type(item) is CaseRecord else item for n, item in enumerate(items, start)]  # type: ignore[misc]
        tables = self._fast_tables
        final = self._final
        cache = self._results
        encode = _ENCODER.encode
        out: list[BatchResult] = []
        append = out.append
        record, result_type, top_level, none = CaseRecord, BatchResult, TOP_LEVEL, _NONE
        for n, item in enumerate(items, start):
            if type(item) is not record:
                append(item)  # type: ignore[arg-type]
                continue
            rec: CaseRecord = item  # type: ignore[assignment]
            facts = rec.facts
            area_id = rec.area
            if facts is None and area_id is not None:
                table = tables.get(area_id)
                if table is not None:
                    set_id = rec.set
                    entry = table.fast_all if set_id is None else table.fast.get(set_id)
                    if entry is not None:
                        level_of, warn = entry
                        indicators = rec.indicators
                        practitioner = rec.level
                        if indicators:
                            try:
                                top = max(map(level_of, indicators))
                            except KeyError:
                                top = 0
                            if (
                                top
                                and (practitioner is None or practitioner >= top)
                                and (len(indicators) == 1 or len(set(indicators)) == len(indicators))
                            ):
                                level = final[top][practitioner or 0]
                                warnings = table.notice_list
                                if warn and not warn.keys().isdisjoint(indicators):
                                    warnings = list(table.notices)
                                    for iid in indicators:
                                        warnings += warn.get(iid, none)
                                append(
                                    result_type(
                                        rec.id,
                                        area_id,
                                        level,
                                        table.names[level],
                                        indicators,
                                        level == top_level,
                                        warnings,
                                        None,
                                        n,
                                    )
                                )
                                continue
                        elif practitioner is not None:
                            level = final[0][practitioner]
                            append(
                                result_type(
                                    rec.id,
                                    area_id,
                                    level,
                                    table.names[level],
                                    [],
                                    level == top_level,
                                    table.notice_list,
                                    None,
                                    n,
                                )
                            )
                            continue
            indicators = rec.indicators
            key = (
                area_id,
                rec.set,
                None if indicators is None else tuple(indicators),
                rec.level,
                None if facts is None else encode(facts),
            )
            known = cache.get(key)
            if known is None:
                result = assess(rec, n)
                append(result)
                if len(cache) < RESULTS_CACHED:
                    cache[key] = result
                if area_id is not None and area_id not in tables:
                    table_or_error = self._tables.get(area_id)
                    if isinstance(table_or_error, _AreaTable):
                        tables[area_id] = table_or_error
            else:
                append(
                    BatchResult(
                        rec.id,
                        known.area,
                        known.level,
                        known.level_name,
                        known.indicators,
                        known.emergency,
                        known.warnings,
                        known.error,
                        n,
                    )
                )
        return out

    def assess(self, rec: CaseRecord, n: int) -> BatchResult:
        """One record's result (the hot path: kept tight, no per-record allocation beyond the result)."""
        area_id = rec.area
        table = self._tables.get(area_id) if area_id else None
        if table is None:
            if not area_id:  # missing or null: the record's error, never a result with no level and no error
                return BatchResult(rec.id, None, None, None, [], False, _NONE, self._no_area(), n)
            table = self._table(area_id)
        if isinstance(table, str):
            return BatchResult(rec.id, area_id, None, None, [], False, _NONE, table, n)
        set_id = rec.set or _ALL
        levels = table.levels.get(set_id)
        if levels is None:
            return self._unpublished_or_unknown_set(rec, n, table, set_id)
        top = 0
        indicators = rec.indicators
        if indicators:
            try:
                found = [levels[iid] for iid in indicators]
            except KeyError:
                found = [-1]
            if min(found) < 0:  # the first unknown or ambiguous name is the record's error
                iid = next(i for i in indicators if levels.get(i, -1) < 0)
                return BatchResult(rec.id, area_id, None, None, [], False, _NONE, self._unknown(table, set_id, iid), n)
            top = max(found)
            canon = table.canon
            matched = list(map(canon.get, indicators, indicators)) if canon else list(indicators)
            if len(matched) > 1 and len(set(matched)) != len(matched):
                return BatchResult(rec.id, area_id, None, None, [], False, _NONE, _repeated(indicators, matched), n)
        else:
            matched = []
        named = len(matched)
        facts: dict[str, Any] | None = None
        if rec.facts is not None:
            facts = msgspec.to_builtins(rec.facts)  # omit_defaults: the facts given, null ones left out
            if facts:  # null facts are not given
                for ref, lv, conditions in table.conditions_for(set_id, facts):
                    if ref not in matched and conditions(facts):
                        matched.append(ref)
                        if lv > top:
                            top = lv
                if top == 0 and rec.level is None:
                    return BatchResult(
                        rec.id, area_id, None, None, [], False, _NONE, "the record's facts match no indicator", n
                    )
        if facts and table.escalating:
            for ref in matched:
                ind = table.escalating.get(ref)
                if ind is not None and ind.escalation and escalated(ind, facts):
                    top = max(top, ind.escalation["level"])
        practitioner = rec.level
        if top == 0 and practitioner is None:
            return BatchResult(
                rec.id,
                area_id,
                None,
                None,
                [],
                False,
                _NONE,
                "nothing to assess: give indicators, level or facts",
                n,
            )
        level = self._final[top][practitioner or 0]  # final_level(top, practitioner), looked up
        warners = table.warners
        if (
            (practitioner is not None and practitioner < top)
            or (warners and not warners.isdisjoint(matched))
            or (facts and table.unprinted and not table.unprinted.keys().isdisjoint(facts))
        ):
            warnings = self._warnings(table, matched, named, facts, practitioner, top, level)
        else:  # nothing here can add a warning (see may_warn): case_warnings would give the notices alone
            warnings = list(table.notices) if table.notices else _NONE
        return BatchResult(rec.id, area_id, level, table.names[level], matched, level == TOP_LEVEL, warnings, None, n)

    def _warnings(
        self,
        table: _AreaTable,
        matched: list[str],
        named: int,
        facts: dict[str, Any] | None,
        practitioner: int | None,
        top: int,
        level: int,
    ) -> list[str]:
        """:func:`~thresholdkit.rules.notices.case_warnings` for one record, remembered.

        The warnings depend on the facts' values only through an escalation of a matched
        indicator or the conditions of a named one (a contradiction); otherwise only on which
        facts are given. The key holds exactly what they depend on, so a remembered answer is the
        answer case_warnings gives."""
        if facts and (
            not table.escalating.keys().isdisjoint(matched) or not table.conditional.isdisjoint(matched[:named])
        ):
            given: Any = tuple(facts.items())
        else:
            given = tuple(facts) if facts else ()
        key = (table.id, tuple(matched), named, given, practitioner, top, level)
        warnings = self._warned.get(key)
        if warnings is None:
            found = [table.by_ref[r] for r in matched]
            warnings = case_warnings(
                table.notices, found, found[:named], facts, practitioner, top, level, table.unprinted
            )
            if len(self._warned) < 2_000:  # bounded: memory stays flat however long the run
                self._warned[key] = warnings
        return list(warnings)

    def _unpublished_or_unknown_set(self, rec: CaseRecord, n: int, table: _AreaTable, set_id: str) -> BatchResult:
        area_id = table.id
        if set_id == _ALL:  # the document publishes no set: say what it says instead
            set_id = next(iter(table.published))
        if set_id not in table.published:
            sets = [s for s in table.published if s != _ALL]
            return BatchResult(
                rec.id,
                area_id,
                None,
                None,
                [],
                False,
                _NONE,
                f"unknown indicator set '{set_id}'{did_you_mean(set_id, sets)}",
                n,
            )
        message = table.published[set_id]
        if rec.indicators or rec.facts is not None or rec.level is None:
            return BatchResult(rec.id, area_id, None, None, [], False, _NONE, message, n)
        level = self._final[0][rec.level]
        return BatchResult(
            rec.id, area_id, level, table.names[level], [], level == TOP_LEVEL, list(table.notices), None, n
        )


_ASSESS = Engine.assess
#: Results remembered by :meth:`Engine.assess_chunk` (records outside its fast path), at most.
RESULTS_CACHED = 4096


def _repeated(indicators: list[str], refs: list[str]) -> str:
    """The error for a record that names an indicator twice, in any form (the same words as ``assess``)."""
    twice = next(indicators[n] for n, r in enumerate(refs) if r in refs[:n])
    return f"indicator '{twice}' is named more than once; name each indicator once"


# --- reading ---------------------------------------------------------------------------

_DECODER = msgspec.json.Decoder(CaseRecord)
_SPACES_LINE = re.compile(rb"\n[ \t]+\n")  # a literal first byte: the regex engine skips ahead fast
_MAYBE_BLANK = re.compile(rb"\n[\n \t]")  # one pass: no match, no blank line
_ENCODER = msgspec.json.Encoder()
_KEY_TOKEN = re.compile(rb'"\s*:')


def _error(n: int, message: str, rec_id: Any = None, area: Any = None) -> BatchResult:
    return BatchResult(
        rec_id if isinstance(rec_id, (str, int)) and not isinstance(rec_id, bool) else None,
        area if isinstance(area, str) else None,
        None,
        None,
        [],
        False,
        _NONE,
        message,
        n,
    )


def _salvage(raw: bytes) -> tuple[Any, Any]:
    """The id and area of a malformed record, where they can still be read (for the error row)."""
    try:
        obj = msgspec.json.decode(raw)
    except (msgspec.DecodeError, RecursionError):
        return None, None
    return (obj.get("id"), obj.get("area")) if isinstance(obj, dict) else (None, None)


def decode_chunk(start: int, blob: bytes) -> list[CaseRecord | BatchResult]:
    """Decode a block of whole JSON lines numbered from ``start``: one item per line, blank ones too.

    ``blob`` ends with a newline. Fast path: the whole block in one call. Any problem (a blank,
    malformed or non-UTF-8 line) falls back to line by line, so every line still gets its own
    result or error.
    """
    if b"\r" in blob:  # CRLF and lone CR end lines too
        blob = blob.replace(b"\r\n", b"\n").replace(b"\r", b"\n")
    if not blob.endswith(b"\n"):
        blob += b"\n"
    # msgspec's decode_lines skips blank lines and reads glued values ('{...}{...}') as two, so
    # its count alone proves nothing: with no blank line, each of n lines holds at least one value,
    # and n values for n lines then means exactly one value on each line.
    blank = blob.startswith((b"\n", b" ", b"\t")) or (
        _MAYBE_BLANK.search(blob) is not None and (b"\n\n" in blob or _SPACES_LINE.search(blob) is not None)
    )
    if not blank:
        try:
            recs: list[CaseRecord] = _DECODER.decode_lines(blob)
            if len(recs) == blob.count(b"\n") and _no_repeated_keys(blob, recs):
                return cast("list[CaseRecord | BatchResult]", recs)
        except (msgspec.DecodeError, msgspec.ValidationError, RecursionError):
            pass
    out: list[CaseRecord | BatchResult] = []
    for i, raw in enumerate(blob.split(b"\n")[:-1]):
        n = start + i
        line = raw.rstrip(b"\r")
        if not line.strip():
            out.append(_error(n, "empty line"))
        else:
            out.append(decode_line(n, line))
    return out


def _key_tokens(blob: bytes) -> int:
    """How many keys the JSON text gives (a string followed by ':'); never fewer than it has."""
    tokens = blob.count(b'":')
    if tokens == blob.count(b":"):  # every colon follows a quote: no key is spaced from its colon
        return tokens
    return len(_KEY_TOKEN.findall(blob))


def _no_repeated_keys(blob: bytes, recs: list[CaseRecord]) -> bool:
    """True when no record gives a key twice (msgspec would keep the last silently).

    The decoded records, re-encoded without their defaults, give each field at most once and
    only fields that the input gave. So when the input holds no more key tokens than the
    re-encoded records, no key was given twice. When it holds more (a repeated key, a key given
    its default, or ':' inside a string), the caller checks line by line, exactly.
    """
    keys = _ENCODER.encode(recs).count(b'":')
    # keys <= keys given <= key tokens <= colons: as many colons as keys proves them all equal
    return blob.count(b":") == keys or _key_tokens(blob) == keys


def _repeated_key(line: bytes) -> str | None:
    """The first key given twice in one object of the line (exact, with the stdlib parser)."""
    import json

    found: list[str] = []

    def pairs(items: list[tuple[str, Any]]) -> dict[str, Any]:
        seen: set[str] = set()
        for key, _ in items:
            if key in seen and not found:
                found.append(key)
            seen.add(key)
        return dict(items)

    try:
        json.loads(line, object_pairs_hook=pairs)
    except (ValueError, RecursionError):
        return None
    return found[0] if found else None


def decode_line(n: int, line: bytes) -> CaseRecord | BatchResult:
    try:
        rec = _DECODER.decode(line)
        if not _no_repeated_keys(line, [rec]):
            twice = _repeated_key(line)
            if twice is not None:
                rec_id, area = _salvage(line)  # the last of each key: not to be trusted for the key given twice
                return _error(
                    n,
                    f"the key '{twice[:40]}' is given twice in this record; give each key once",
                    None if twice == "id" else rec_id,
                    None if twice == "area" else area,
                )
        return rec
    except RecursionError:
        return _error(n, "malformed record: nested too deeply")
    except msgspec.ValidationError as exc:
        rec_id, area = _salvage(line)
        return _error(n, f"malformed record: {exc}", rec_id, area)
    except msgspec.DecodeError as exc:
        try:
            line.decode("utf-8")
            message = (
                "more than one record on this line; put each record on a line of its own"
                if "trailing characters" in str(exc)
                else f"not valid JSON: {exc}"
            )
        except UnicodeDecodeError:
            message = "not UTF-8 text"
        return _error(n, message)


_TRUE = {"true", "yes", "1", "y"}
_FALSE = {"false", "no", "0", "n"}


def _csv_value(name: str, text: str) -> Any:
    """A CSV cell as the case model's type for the column (text for a string column)."""
    field = FACTS.get(name) or CASE_FIELDS.get(name)
    if field is None or "string" in field.types:
        return text
    if "integer" in field.types or "number" in field.types:
        convert = _csv_converter(name)
        assert convert is not None
        return convert(text)
    if "boolean" in field.types:
        low = text.lower()
        if low in _TRUE:
            return True
        if low in _FALSE:
            return False
        raise ValueError(f"'{name}' must be true or false (got '{text}')")
    return text


CSV_INPUT = (*(name for name in CASE_FIELDS if name != "facts"), *FACT_NAMES)


#: A whole number and a decimal number as a CSV cell may write them: ASCII digits only.
_WHOLE = re.compile(r"\s*[+-]?[0-9]+\s*", re.ASCII)
_DECIMAL = re.compile(r"\s*[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?\s*", re.ASCII)
_SURROGATE = re.compile("[\udc80-\udcff]")  # a byte that was not UTF-8 (surrogateescape)


@functools.cache  # one converter per column name, for the per-row reader too
def _csv_converter(name: str) -> Callable[[str], Any] | None:
    """The conversion of one column's cells (what :func:`_csv_value` does for it), or None for text."""
    field = FACTS.get(name) or CASE_FIELDS.get(name)
    if field is None or "string" in field.types:
        return None
    if "integer" in field.types:

        def whole(text: str) -> int:
            # int() takes '1_2', '١٢' and '４' too: ASCII digits only ('12' without the regex)
            if not (text.isascii() and text.isdigit()) and _WHOLE.fullmatch(text) is None:
                raise ValueError(f"'{name}' must be a whole number in digits 0-9 (got '{text}')")
            return int(text)

        return whole
    if "number" in field.types:

        def number(text: str) -> float:
            plain = text.isascii() and text.replace(".", "", 1).isdigit()  # '92.5', '100': the usual cells
            if not plain and _DECIMAL.fullmatch(text) is None:  # float() takes 'nan', 'inf', '1_2', '١٢' too
                raise ValueError(f"'{name}' must be a number in digits 0-9, such as 92.5 (got '{text}')")
            return float(text)

        return number
    return lambda text: _csv_value(name, text)


def csv_text_lines(stream: Iterable[bytes]) -> Iterator[str]:
    """The lines of CSV input as text: LF, CRLF and lone CR all end a line (files), bytes that are
    not UTF-8 kept as surrogates (the record with them is an error)."""
    if hasattr(stream, "readable"):  # a file: LF, CRLF and lone CR all end a line
        import io

        return iter(io.TextIOWrapper(stream, encoding="utf-8", errors="surrogateescape", newline=""))  # type: ignore[arg-type, type-var]
    return (raw.decode("utf-8", "surrogateescape") for raw in stream)


def csv_reader(lines: Iterable[str]) -> Any:
    csv.field_size_limit(MAX_CSV_FIELD)
    return csv.reader(lines)


def read_csv_header(reader: Any) -> list[str] | None:
    """The header row, checked (a UsageError for a bad one); None for empty input."""
    try:
        header = [h.strip().lstrip("\ufeff") for h in next(reader)]
    except StopIteration:
        return None
    except csv.Error as exc:
        from thresholdkit.model.errors import UsageError

        raise UsageError(f"CSV header cannot be read: {exc}") from None
    twice = next((h for n, h in enumerate(header) if h in header[:n]), None)
    if twice is not None:
        from thresholdkit.model.errors import UsageError

        raise UsageError(f"CSV header: the column '{twice}' is given twice; give each column once")
    unknown = [h for h in header if h not in CSV_INPUT]
    if unknown:
        from thresholdkit.model.errors import UsageError

        raise UsageError(
            f"CSV header: unknown column '{unknown[0]}'{did_you_mean(unknown[0], CSV_INPUT)}; "
            f"columns: {', '.join(CSV_INPUT)}"
        )
    if "area" not in header:
        from thresholdkit.model.errors import UsageError

        raise UsageError("CSV header: an 'area' column is required")
    return header


def read_csv(stream: Iterable[bytes]) -> Iterator[tuple[int, CaseRecord | BatchResult]]:
    """Records from CSV with a header row: id, area, set, indicators (';'-separated), level and facts."""
    reader = csv_reader(csv_text_lines(stream))
    header = read_csv_header(reader)
    if header is None:
        return
    yield from csv_records(reader, header)


def csv_records(reader: Any, header: list[str], n: int = 0) -> Iterator[tuple[int, CaseRecord | BatchResult]]:
    """The records of the rows ``reader`` gives after the header, numbered from ``n + 1``.

    Each row that passes the checks every row gets (a blank row, bytes that are not UTF-8, the
    cell count) is first tried by :func:`csv_fast_record`; a row it cannot prove valid goes to
    :func:`csv_exact_record`, which gives the record or its exact error.
    """
    id_at = header.index("id") if "id" in header else -1
    width = len(header)
    columns = csv_columns(header)
    fast = csv_fast_record(header)
    search = _SURROGATE.search
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:  # a field over the limit, a stray quote: that record's error
            n += 1
            yield n, _error(n, f"malformed CSV record: {exc}")
            continue
        n += 1
        joined = "".join(row)
        if not joined.strip():
            yield n, _error(n, "empty line")
            continue
        if not joined.isascii() and search(joined) is not None:  # isascii: O(1)
            yield n, _error(n, "not UTF-8 text")
            continue
        if len(row) != width:
            rec_id = row[id_at] if 0 <= id_at < len(row) else None
            yield n, _error(n, f"malformed record: {len(row)} cells for {width} columns", rec_id)
            continue
        rec = fast(row)
        yield n, rec if rec is not None else csv_exact_record(n, row, columns, id_at)


#: One column of a CSV header as :func:`csv_exact_record` reads it: (name, kind, conversion).
CsvColumn = tuple[str, str, Callable[[str], Any] | None]


def csv_columns(header: list[str]) -> list[CsvColumn]:
    """How each column of ``header`` is read, worked out once per header."""
    return [
        (
            name,
            "indicators" if name == "indicators" else "fact" if name in FACT_NAMES else "value",
            _csv_converter(name),
        )
        for name in header
    ]


def csv_indicators(cell: str) -> list[str]:
    """The indicator names of a stripped, non-empty ``indicators`` cell (';'-separated)."""
    parts = cell.split(";")
    if "" in parts or len(cell.split()) != 1:  # a blank part, or spaces to strip
        parts = [p.strip() for p in parts if p.strip()]
    return parts


def csv_exact_record(n: int, row: list[str], columns: list[CsvColumn], id_at: int) -> CaseRecord | BatchResult:
    """Row ``n`` (as many cells as columns) as a record, or its error: every cell converted in
    column order and the whole checked by msgspec, so the first problem is the one reported."""
    values: dict[str, Any] = {}
    facts: dict[str, Any] = {}
    try:
        for (name, kind, conv), cell in compress(zip(columns, row), row):  # noqa: B905 - lengths checked
            cell = cell.strip()
            if not cell:
                continue
            if kind == "indicators":
                values[name] = csv_indicators(cell)
            elif kind == "fact":
                facts[name] = cell if conv is None else conv(cell)
            else:
                values[name] = cell if conv is None else conv(cell)
        if facts:
            values["facts"] = facts
        return msgspec.convert(values, CaseRecord)
    except (ValueError, msgspec.ValidationError) as exc:
        rec_id = row[id_at] if 0 <= id_at < len(row) else None
        return _error(n, f"malformed record: {exc}", rec_id, values.get("area"))


def _cells_at(indexes: list[int]) -> Callable[[list[str]], tuple[str, ...]]:
    """The cells of a row at ``indexes``, always as a tuple (itemgetter gives one index bare)."""
    if not indexes:
        return lambda row: ()
    if len(indexes) == 1:
        (at,) = indexes
        return lambda row: (row[at],)
    return cast("Callable[[list[str]], tuple[str, ...]]", operator.itemgetter(*indexes))


def csv_fast_record(header: list[str]) -> Callable[[list[str]], CaseRecord | None]:
    """For ``header``: a row (as many cells as columns) straight to its record, or None when the
    row is not certainly valid; :func:`csv_exact_record` then reads it, error and all.

    The record is the one csv_exact_record gives, built without its dicts and without msgspec
    checking what is already certain: a stripped non-empty cell meets ``min_length`` (area, set,
    each indicator name), an id cell is text, and the level's range is checked here. Facts,
    rare, are still checked by msgspec. Any conversion that fails, a level out of range or facts
    msgspec rejects: None, so the reported error is always the exact reader's.
    """
    width = len(header)

    def at(name: str) -> int:  # a missing column reads the blank cell appended at ``width``
        return header.index(name) if name in header else width

    key_cells = _cells_at([at("id"), at("area"), at("set"), at("indicators"), at("level")])
    level_of = _csv_converter("level")
    assert level_of is not None  # an integer column
    fact_names = [name for name in header if name in FACT_NAMES]
    fact_cells = _cells_at([header.index(name) for name in fact_names])
    fact_convs = [_csv_converter(name) for name in fact_names]
    blank = [""]
    record, facts_type, convert = CaseRecord, Facts, msgspec.convert

    def fast(row: list[str]) -> CaseRecord | None:
        rec_id, area, set_id, indicators, level = key_cells(row + blank)
        try:
            level_value = level_of(level) if level and (level := level.strip()) else None
            if level_value is not None and not LEVEL_MIN <= level_value <= LEVEL_MAX:
                return None
            facts = None
            cells = fact_cells(row)
            if any(cells):
                given = {}
                for name, conv, cell in zip(fact_names, fact_convs, cells):  # noqa: B905 - same header
                    if cell and (cell := cell.strip()):
                        given[name] = cell if conv is None else conv(cell)
                if given:
                    facts = convert(given, facts_type)
        except (ValueError, msgspec.ValidationError):
            return None  # the exact reader says what is wrong, in column order
        return record(
            rec_id.strip() or None,
            area.strip() or None,
            set_id.strip() or None,
            csv_indicators(indicators) if indicators and (indicators := indicators.strip()) else None,
            level_value,
            facts,
        )

    return fast


# --- writing ---------------------------------------------------------------------------


def encode_results(results: list[BatchResult]) -> bytes:
    return _ENCODER.encode_lines(results)


def encode_csv_row(result: BatchResult) -> str:
    from thresholdkit.data.cells import csv_row

    return csv_row(
        [
            "" if result.id is None else str(result.id),
            result.area or "",
            "" if result.level is None else str(result.level),
            result.level_name or "",
            ";".join(result.indicators),
            "true" if result.emergency else "false",
            " | ".join(result.warnings),
            result.error or "",
            str(result.record),
        ]
    )


def csv_header() -> str:
    return ",".join(CSV_COLUMNS) + "\n"


def _plain(head: str) -> bool:
    """Whether the cells joined in ``head`` (five of them) are each as csv_cell writes them:
    no quote, CR or LF anywhere, no comma but the four separators, and no cell (the first, or
    one after a separator) that starts like a formula. Plain ``in`` tests: a regex is slower."""
    return (
        head.count(",") == 4
        and head.isprintable()  # no control character or bidirectional mark (csv_cell escapes them)
        and '"' not in head
        and "\n" not in head
        and "\r" not in head
        and not head.startswith(CSV_DANGER)
        and ",=" not in head
        and ",+" not in head
        and ",-" not in head
        and ",@" not in head
        and ",\t" not in head
    )


#: csv_cell of warning and error texts, which repeat (bounded).
_CELLS: dict[str, str] = {}


def _cell(text: str) -> str:
    cell = _CELLS.get(text)
    if cell is None:
        from thresholdkit.data.cells import csv_cell

        cell = csv_cell(text)
        if len(_CELLS) < 1024:
            _CELLS[text] = cell
    return cell


def encode_csv_rows(results: Iterable[BatchResult]) -> str:
    """The CSV rows of ``results``: the same text as :func:`encode_csv_row` for each, faster.

    The first five cells of each row (id, area, level, level name, indicators: the ones that can
    hold a record's own text) are joined as they are, and one check over the whole chunk
    (:func:`_plain_heads`) proves that none of them needs quoting or a formula guard; the
    warnings and error cells go through the guard and quoting (cached) whatever they hold. A
    chunk that fails the check is encoded row by row (:func:`_encode_csv_rows_each`).
    """
    results = results if isinstance(results, list) else list(results)
    heads = [
        f"{'' if r.id is None else r.id!s},{r.area or ''},{'' if r.level is None else r.level!s},"
        f"{r.level_name or ''},{';'.join(r.indicators)}"
        for r in results
    ]
    if not _plain_heads(heads):
        return _encode_csv_rows_each(results)
    cell = _cell
    return "".join(
        [
            f"{head},{'true' if r.emergency else 'false'},{cell(' | '.join(r.warnings)) if r.warnings else ''},"
            f"{cell(r.error) if r.error else ''},{r.record}\n"
            for head, r in zip(heads, results)  # noqa: B905 - one head per result
        ]
    )


def _plain_heads(heads: list[str]) -> bool:
    """Whether every one of ``heads`` (five cells joined by commas) passes :func:`_plain`,
    checked over all of them at once: in the heads joined by commas, each comma is a cell's
    separator or a head's start, so 4 commas per head and one between heads mean that no cell
    holds one, and a formula character after a comma (or first) means a cell starts with it.
    One pass over the chunk per test, instead of ten tests per row; a one-character test is a
    memchr, far faster than a pair search, so the pair is searched only for a character present."""
    if not heads:
        return True
    blob = ",".join(heads)
    if '"' in blob or not _printable(blob) or blob.startswith(CSV_DANGER):
        return False
    if blob.count(",") != 5 * len(heads) - 1:
        return False
    return not any(c in blob and "," + c in blob for c in CSV_DANGER)


#: The ASCII characters that are not printable (C0 controls, CR and LF among them, and DEL).
_ASCII_CONTROLS = bytes([*range(32), 127])


def _printable(text: str) -> bool:
    """``text.isprintable()``, faster for ASCII text (the usual case): str.isprintable looks each
    character up in the Unicode tables (about 5 ns each), deleting the ASCII controls from the
    encoded bytes is about four times faster."""
    if text.isascii():  # a flag the string keeps: no scan
        raw = text.encode("ascii")
        return len(raw.translate(None, _ASCII_CONTROLS)) == len(raw)
    return text.isprintable()


def _encode_csv_rows_each(results: Iterable[BatchResult]) -> str:
    """:func:`encode_csv_rows` row by row: a row whose first five cells are plain is written
    directly, any other as :func:`encode_csv_row` writes it."""
    out = []
    for r in results:
        level = r.level
        head = ",".join(
            (
                "" if r.id is None else str(r.id),
                r.area or "",
                "" if level is None else str(level),
                r.level_name or "",
                ";".join(r.indicators),
            )
        )
        if _plain(head):
            warnings = r.warnings
            out.append(
                f"{head},{'true' if r.emergency else 'false'},{_cell(' | '.join(warnings)) if warnings else ''},"
                f"{_cell(r.error) if r.error else ''},{r.record}\n"
            )
        else:
            out.append(encode_csv_row(r))
    return "".join(out)


def assess_records(records: Iterable[dict[str, Any]], registry: Registry | None = None) -> Iterator[BatchResult]:
    """Python API: assess mappings (as in the case schema, plus ``id`` and ``area``), one result each.

    Records from pandas (``df.to_dict("records")``) work as they come: numpy numbers are their
    Python values, NaN (or ``pandas.NA``) is a missing value, and a whole-number float in an
    integer field is that number (:func:`~thresholdkit.model.case.from_frame`).
    """
    from collections.abc import Mapping

    from thresholdkit.model.case import from_frame

    if isinstance(records, (Mapping, str, bytes)):  # one record, or text: not records to iterate
        raise UsageError(f"records must be an iterable of records (mappings), not a {type(records).__name__}")
    engine = Engine(registry)
    for n, raw in enumerate(records, 1):
        raw = from_frame(raw)
        try:
            rec = msgspec.convert(raw, CaseRecord)
        except msgspec.ValidationError as exc:
            yield _error(
                n, f"malformed record: {exc}", *((raw.get("id"), raw.get("area")) if isinstance(raw, dict) else ())
            )
            continue
        yield engine.assess(rec, n)

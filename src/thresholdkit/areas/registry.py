"""The registry of areas: the library's entry point.

>>> from thresholdkit.areas.registry import Registry
>>> reg = Registry.load()              # doctest: +SKIP
>>> reg.area("coventry").indicators()  # doctest: +SKIP

Finding plugins imports none of them. Asking for an area imports only the plugin that
registered that id, registers it in a plugin manager of its own, calls its hooks, assembles and
checks the data (:mod:`thresholdkit.data.loader`), and confirms that the data's id is the id the
plugin registered. Any fault of a plugin, at import, at registration or in a hook, makes only
its own area unavailable, with the reason.
"""

from __future__ import annotations

import datetime as _dt
import os
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from thresholdkit.model.objects import (
        ConsentRules,
        Contact,
        Document,
        Guidance,
        Indicator,
        IndicatorSet,
        Level,
        LevelPathway,
        Pathway,
        Procedure,
    )

from thresholdkit.areas.discovery import PluginRecord
from thresholdkit.areas.review import max_age_years, review_status, today
from thresholdkit.model.errors import DataError, NotPublishedError, ThresholdkitError, UsageError, did_you_mean

__all__ = ["Area", "AreaStatus", "Registry", "max_age_years", "review_status", "today"]

ENV_ALLOW_DRAFTS = "THRESHOLDKIT_ALLOW_DRAFTS"
AUTHORITY_KEYS = ("authority", "document", "levels", "guidance", "glossary", "errata")


def drafts_allowed() -> bool:
    """Whether draft areas may be used: ``THRESHOLDKIT_ALLOW_DRAFTS=1`` (or true, yes)."""
    from thresholdkit.model.environment import flag

    return flag(ENV_ALLOW_DRAFTS)


class AreaStatus:
    """One line of ``thresholdkit areas``."""

    def __init__(
        self,
        id: str,
        name: str | None,
        title: str | None,
        date: str | None,
        version: str | None,
        plugin_version: str | None,
        status: str,
        reason: str | None,
    ) -> None:
        self.id, self.name, self.title, self.date = id, name, title, date
        self.version, self.plugin_version, self.status, self.reason = version, plugin_version, status, reason

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "document": self.title,
            "document_date": self.date,
            "document_version": self.version,
            "plugin_version": self.plugin_version,
            "status": self.status,
            "reason": self.reason,
        }


class Area:
    """One authority's data, assembled from its plugin and checked.

    :ivar id: the area id (the plugin's entry-point name).
    :ivar record: the plugin that serves it (distribution, version, hooks).
    :ivar data: the checked data, in the shape of ``schemas/authority.schema.json``.
    :ivar data_folder: the plugin's YAML folder, or None for a plugin that gives its data in Python.
    :ivar drafts: what is still to write when the plugin is a draft (empty when finished).
    """

    def __init__(
        self,
        record: PluginRecord,
        data: dict[str, Any],
        *,
        data_folder: str | None = None,
        drafts: list[str] | None = None,
    ) -> None:
        self.record = record
        self.id = record.name
        self.data = data
        self.data_folder = data_folder
        self.drafts = drafts or []
        self._pathway: Pathway | None = None
        self._cache: dict[str, Any] = {}

    def __repr__(self) -> str:
        return f"Area({self.id!r})"

    @property
    def draft(self) -> bool:
        return bool(self.drafts)

    def draft_notice(self) -> str | None:
        """'DRAFT: ...' for a draft area's output, else None."""
        if not self.drafts:
            return None
        return (
            f"DRAFT: the plugin for '{self.id}' is unfinished ({len(self.drafts)} things still to write, "
            f"first: {self.drafts[0]}); this output is not the area's guidance."
        )

    @property
    def authority(self) -> dict[str, Any]:
        """The authority, document, levels, guidance, glossary and errata sections."""
        return {k: self.data.get(k, []) for k in AUTHORITY_KEYS}

    @property
    def name(self) -> str:
        return str(self.data.get("authority", [])["name"])  # as authority["authority"], without the copy

    @property
    def document(self) -> Document:
        doc: Document = self.data.get("document", [])
        return doc

    def review_warning(self, today: _dt.date | None = None) -> str | None:
        return review_status(self.document, today)

    def levels(self) -> list[Level]:
        return sorted(self.data.get("levels", []), key=lambda lv: lv["level"])

    def level(self, n: int) -> Level:
        if type(n) is not int:  # True is not level 1
            raise UsageError(f"level must be a whole number 1, 2, 3 or 4 (got {n!r})")
        for lv in self.levels():
            if lv["level"] == n:
                return lv
        raise UsageError(f"level must be 1, 2, 3 or 4 (got {n})")

    def guidance(self) -> list[Guidance]:
        result: list[Guidance] = self.authority.get("guidance") or []
        return result

    def indicator_sets(self) -> list[IndicatorSet]:
        result: list[IndicatorSet] = self.data["indicator_sets"]
        return result

    def indicator_set(self, set_id: str = "main") -> IndicatorSet:
        sets = self.indicator_sets()
        for s in sets:
            if s["id"] == set_id:
                return s
        ids = [s["id"] for s in sets]
        raise UsageError(
            f"area '{self.id}' has no indicator set '{set_id}'{did_you_mean(set_id, ids)}; sets: {', '.join(ids)}"
        )

    def published_sets(self) -> list[IndicatorSet]:
        """The indicator sets whose indicators the document publishes, in document order."""
        return [s for s in self.indicator_sets() if s["published"]]

    def indicators(self, set_id: str | None = None) -> list[Indicator]:
        """Every indicator of a set, in document order; with no set, every indicator of every
        published set (the main set first). NotPublishedError where none are published."""
        if set_id is None:
            key = "indicators:*"
            if key not in self._cache:
                published = self.published_sets()
                if not published:  # says what the document says instead
                    return self.indicators(self.indicator_sets()[0]["id"])
                self._cache[key] = [i for s in published for i in self.indicators(s["id"])]
            every: list[Indicator] = self._cache[key]
            return every
        key = f"indicators:{set_id}"
        if key not in self._cache:
            from thresholdkit.model.objects import Indicator

            s = self.indicator_set(set_id)
            if not s["published"]:
                quotes = s.get("not_published") or []
                said = quotes[0]["text"] if quotes else ""
                raise NotPublishedError(
                    f"{self.name}'s document ({self.document['title']}) publishes no indicators; "
                    f"it says: \"{said}\". Use 'assess {self.id} --level N' with your own "
                    f"judgement of the level (see 'thresholdkit about {self.id}')."
                )
            out = []
            for group in s.get("groups", []):
                for ind in group["indicators"]:
                    out.append(
                        Indicator(
                            id=ind["id"],
                            level=group["level"],
                            domain=group["domain"],
                            domain_label=group["domain_label"],
                            subdomain=ind.get("subdomain", group.get("subdomain")),
                            text=ind["text"],
                            source=ind.get("source") or group["source"],
                            set=s["id"],
                            domain_uncertain=bool(ind.get("domain_uncertain", False)),
                            note=ind.get("note"),
                            conditions=tuple(ind.get("conditions", ())),
                            concepts=tuple(ind.get("concepts", ())),
                            condition_use=ind.get("condition_use", "sufficient"),
                            dimensions=tuple(ind.get("dimensions", group.get("dimensions", ()))),
                            see_set=ind.get("see_set"),
                            escalation=ind.get("escalation"),
                        )
                    )
            self._cache[key] = out
        result: list[Indicator] = self._cache[key]
        return result

    def indicator_refs(self) -> dict[str, list[Indicator]]:
        """Every way of naming a published indicator: its qualified reference ``set/id`` and
        its bare ``id``, each with the indicators it names (a bare id in more than one set
        names more than one, and is ambiguous)."""
        key = "refs"
        if key not in self._cache:
            refs: dict[str, list[Indicator]] = {}
            for s in self.published_sets():
                for ind in self.indicators(s["id"]):
                    refs.setdefault(f"{ind.set}/{ind.id}", []).append(ind)
                    refs.setdefault(ind.id, []).append(ind)
            self._cache[key] = refs
        result: dict[str, list[Indicator]] = self._cache[key]
        return result

    def pathway(self) -> Pathway:
        """``{"levels": [...], "procedures": [...], "emergency": {...}}``."""
        if self._pathway is None:
            pw = self.data["pathway"]
            pathway: Pathway = {
                "levels": pw["levels"],
                "procedures": pw.get("procedures", []),
                "emergency": self.data["emergency"],
            }
            self._pathway = pathway
        return self._pathway

    def level_pathway(self, n: int) -> LevelPathway:
        for lp in self.pathway().get("levels", []):
            if lp["level"] == n:
                return lp.copy()
        # the tool's own words, not the document's: the document is silent here
        return {"level": n, "response": [], "note": "The document gives no pathway for this level."}

    def procedures(self, level: int | None = None) -> list[Procedure]:
        procs: list[Procedure] = self.pathway().get("procedures", [])
        if level is None:
            return procs
        return [p for p in procs if not p.get("levels") or level in p["levels"]]

    def contacts(self) -> list[Contact]:
        result: list[Contact] = self.data["contacts"]
        return result

    def contact(self, cid: str) -> Contact:
        for c in self.contacts():
            if c["id"] == cid:
                return c
        raise DataError(f"area '{self.id}': unknown contact '{cid}'")

    def consent_rules(self) -> ConsentRules:
        result: ConsentRules = self.data["consent"]
        return result


def _quiet_stdout() -> Any:
    """While a plugin runs, what it prints goes to stderr: stdout carries only the command's output."""
    import contextlib
    import sys

    return contextlib.redirect_stdout(sys.stderr)


def _unavailable(area_id: str, reason: str) -> DataError:
    return DataError(f"area '{area_id}' is unavailable: {reason}")


class _Interrupts:
    """Tells a real interrupt (Ctrl-C: SIGINT) from a KeyboardInterrupt that plugin code raises
    itself, while that code runs. A real one stops the tool; a raised one is the plugin's fault and
    makes only its own area unavailable.

    Where Python's own SIGINT handler is in place (and this is the main thread), it is replaced for
    the duration by one that notes the signal and then does what Python's does. Anywhere else
    (another handler, signals ignored, another thread) every KeyboardInterrupt counts as real.
    Python's builtin ``_signal`` is used: the ``signal`` module wrapping it costs about 1 ms to
    import, and this runs on every lookup."""

    __slots__ = ("previous", "received")

    def __enter__(self) -> _Interrupts:
        _signal = _builtin_signal()
        self.received, self.previous = False, None
        try:
            if _signal.getsignal(_signal.SIGINT) is _signal.default_int_handler:
                self.previous = _signal.signal(_signal.SIGINT, self._note)
        except ValueError:  # not the main thread: signals cannot be watched from here
            pass
        return self

    def _note(self, signum: int, frame: Any) -> None:
        self.received = True
        raise KeyboardInterrupt

    def __exit__(self, *exc: object) -> None:
        if self.previous is not None:
            _signal = _builtin_signal()
            _signal.signal(_signal.SIGINT, self.previous)

    def real(self) -> bool:
        """Whether the KeyboardInterrupt being handled may have come from a real interrupt."""
        return self.received or self.previous is None


def _builtin_signal() -> Any:
    """Python's builtin ``_signal`` module, loaded with the interpreter (see :class:`_Interrupts`)."""
    import _signal  # type: ignore[import-not-found]  # no stub: the builtin that 'signal' wraps

    return _signal


def _call(caller: Any, record: PluginRecord) -> Any:
    """Call one hook of the area's own plugin; any exception becomes a DataError."""
    from thresholdkit.areas.discovery import one_line

    with _Interrupts() as interrupts:
        try:
            return caller(area=record.name)
        except KeyboardInterrupt:
            if interrupts.real():
                raise
            raise DataError(f"{caller.name} raised KeyboardInterrupt itself (no interrupt was received)") from None
        except MemoryError:
            raise DataError(f"{caller.name} ran out of memory") from None
        except BaseException as exc:  # SystemExit and GeneratorExit included: a plugin never stops the tool
            raise DataError(f"{caller.name} raised {one_line(exc)}") from None


_SHAPES: dict[str, type] = {
    "thresholdkit_authority": dict,
    "thresholdkit_indicator_sets": list,
    "thresholdkit_pathway": dict,
    "thresholdkit_contacts": list,
    "thresholdkit_consent_rules": dict,
}


_SCALARS = (str, int, float, bool, type(None))
_MAX_DEPTH = 64


def _plain_copy(hook: str, value: Any, limit: int) -> Any:
    """A copy of a hook's result made of exactly dict, list, str, int, float, bool and None, or a
    DataError. Only these exact types are walked, so no method of the plugin's runs (a dict
    subclass whose ``items()`` never ends cannot make thresholdkit loop), and the walk stops at
    ``limit`` characters of text and nodes together, and at :data:`_MAX_DEPTH` levels."""
    budget = [limit]

    def copy(node: Any, depth: int) -> Any:
        budget[0] -= 1
        kind = type(node)
        if kind is str:
            budget[0] -= len(node)
        if budget[0] < 0:
            raise DataError(f"{hook} returned more than {limit // 1048576} MiB of data")
        if kind in _SCALARS:
            return node
        if depth >= _MAX_DEPTH:
            raise DataError(f"{hook} returned data nested more than {_MAX_DEPTH} levels deep")
        if kind is list:
            return [copy(item, depth + 1) for item in node]
        if kind is dict:
            out = {}
            for key, item in node.items():
                if type(key) is not str:
                    raise DataError(f"{hook} returned a {type(key).__name__} key, not a string")
                budget[0] -= len(key)
                out[key] = copy(item, depth + 1)
            return out
        raise DataError(f"{hook} returned a {kind.__name__}, not plain data (dict, list, str, number, bool, None)")

    return copy(value, 0)


def _sections(hook: str, result: Any, keys: tuple[str, ...]) -> dict[str, Any]:
    """The data sections one hook's result fills; DataError when it has the wrong shape."""
    kind = _SHAPES[hook]
    if not isinstance(result, (dict, list)) or not isinstance(result, kind):
        raise DataError(f"{hook} returned {type(result).__name__}, not a {kind.__name__}")
    if isinstance(result, list):
        return {keys[0]: result}
    if hook == "thresholdkit_authority":
        extra = sorted(str(k) for k in result if k not in keys)
        if extra:
            raise DataError(f"{hook} returned unknown sections: {', '.join(extra)[:100]}")
        return dict(result)
    if hook == "thresholdkit_pathway":
        if "emergency" not in result:
            raise DataError(f"{hook} returned no 'emergency' route")
        return {"pathway": {k: v for k, v in result.items() if k != "emergency"}, "emergency": result["emergency"]}
    return {keys[0]: result}


def import_plugin(record: PluginRecord) -> Any:
    """The object the area's entry point names, imported; DataError on any fault."""
    from thresholdkit.areas.discovery import load_entry_point, one_line

    if record.obj is not None:
        return record.obj
    with _Interrupts() as interrupts:
        try:
            return load_entry_point(record)
        except KeyboardInterrupt:
            if interrupts.real():
                raise
            raise DataError(
                f"could not import {record.value}: it raised KeyboardInterrupt itself (no interrupt was received)"
            ) from None
        except BaseException as exc:  # SystemExit at import included: a plugin never stops the tool
            raise DataError(f"could not import {record.value}: {one_line(exc)}") from None


def known_folder(record: PluginRecord) -> str | None:
    """The data folder of a plain data plugin, asked without pluggy (see
    :mod:`thresholdkit.areas.dataplugin`): None for any other plugin, or when tracing is on."""
    from thresholdkit.areas import dataplugin
    from thresholdkit.areas.discovery import DATA_HOOK, ENV_TRACE
    from thresholdkit.model.environment import flag

    record.obj = import_plugin(record)
    folder = dataplugin.known_folder(record.obj)
    if folder is None or flag(ENV_TRACE):
        return None
    record.hooks = [DATA_HOOK]
    return folder


def plugin_manager(record: PluginRecord) -> Any:
    """Import the plugin of one area and register it in a manager of its own; DataError on any fault."""
    from thresholdkit.areas.discovery import one_line, register

    obj = import_plugin(record)
    try:
        return register(record, obj)
    except Exception as exc:
        raise DataError(f"{record.value} is not a valid thresholdkit plugin: {one_line(exc)}") from None


def data_folder(pm: Any, record: PluginRecord) -> str | None:
    """The folder the plugin's ``thresholdkit_data_folder`` hook names, or None."""
    if not pm.hook.thresholdkit_data_folder.get_hookimpls():
        return None
    folder = _call(pm.hook.thresholdkit_data_folder, record)
    if folder is not None and not isinstance(folder, (str, os.PathLike)):
        raise DataError(f"thresholdkit_data_folder returned {type(folder).__name__}, not a folder path")
    return None if folder is None else os.fspath(folder)


def load_area(record: PluginRecord) -> Area:
    """Import, register and call the plugin of one area, and check its data.

    Raises DataError with the reason for any fault of the plugin.
    """
    from thresholdkit.data.loader import MAX_DATA_BYTES, check_assembled, load_checked

    data: dict[str, Any] = {}
    drafts: list[str] = []
    folder = known_folder(record)
    if folder is not None:  # a plain data plugin: nothing to call but the folder it holds
        checked = load_checked(folder)
        _check_id(record, checked.data)
        return Area(record, checked.data, data_folder=folder, drafts=checked.drafts)
    import json

    from thresholdkit.areas.discovery import one_line
    from thresholdkit.areas.hookspecs import SECTIONS

    pm = plugin_manager(record)
    folder = data_folder(pm, record)
    if folder is not None:
        checked = load_checked(folder)
        data, drafts = checked.data, checked.drafts
    given: dict[str, Any] = {}
    for hook, keys in SECTIONS.items():
        caller = getattr(pm.hook, hook)
        if not caller.get_hookimpls():
            continue
        result = _call(caller, record)
        if result is not None:
            given.update(_sections(hook, _plain_copy(hook, result, MAX_DATA_BYTES), keys))
    if folder is None and not given:
        raise DataError("the plugin gives no data: implement thresholdkit_data_folder or the section hooks")
    if given:
        data = {**data, **given}
        try:
            encoded = json.dumps(data, sort_keys=True, ensure_ascii=False, allow_nan=False).encode("utf-8")
        except (TypeError, ValueError, RecursionError) as exc:
            raise DataError(f"its hooks returned data that is not plain JSON-like data ({one_line(exc)})") from None
        if len(encoded) > MAX_DATA_BYTES:
            raise DataError(
                f"its hooks returned {len(encoded) // 1048576} MiB of data; "
                f"the limit is {MAX_DATA_BYTES // 1048576} MiB"
            )
        data = json.loads(encoded)  # a private copy: the plugin cannot change it after the checks
        drafts = check_assembled(data, encoded)
    _check_id(record, data)
    return Area(record, data, data_folder=folder, drafts=drafts)


def same_names(areas: list[Area]) -> list[tuple[list[str], str]]:
    """(the ids, a warning) for each name that two or more of ``areas`` give themselves (case and
    spacing aside): a plugin can copy another area's name, and headings, the site's index and
    handouts would show two of it. The id tells them apart; the data does not say which is genuine."""
    by_name: dict[str, list[Area]] = {}
    for a in areas:
        by_name.setdefault(" ".join(a.name.casefold().split()), []).append(a)
    return [
        (
            [a.id for a in same],
            f"areas {' and '.join(repr(a.id) for a in same)} {'both' if len(same) == 2 else 'all'} call themselves "
            f"'{same[0].name}'; check which plugin provides each ('thresholdkit plugins') before relying on either",
        )
        for same in by_name.values()
        if len(same) > 1
    ]


def _check_id(record: PluginRecord, data: dict[str, Any]) -> None:
    """DataError unless the data's id is the one the plugin registered."""
    got = data["authority"]["id"]
    if got != record.name:
        raise DataError(
            f"its data says id '{got}' but it is registered as '{record.name}' (entry point in {record.label}); "
            f"make the two the same"
        )


class Registry:
    """The installed plugins and their areas; an area is loaded when first asked for.

    :ivar records: every plugin found, with its status (see :class:`PluginRecord`).
    :ivar left_out: area id -> a one-line message, for each area that a call listing or crossing
        areas found unusable (its plugin failed, conflicts with another, or is a draft).
    :ivar on_left_out: called with (area id, message) the first time an area is left out.
    """

    def __init__(self, records: list[PluginRecord]) -> None:
        from thresholdkit.areas.discovery import resolve

        self.records = records
        self._served = resolve(records)
        self._areas: dict[str, Area] = {}
        self._errors: dict[str, DataError] = {}
        self.left_out: dict[str, str] = {}
        self.on_left_out: Callable[[str, str], None] | None = None

    @classmethod
    def load(cls) -> Registry:
        """Find the installed plugins (honouring ``THRESHOLDKIT_PLUGINS``); imports none of them.

        The entry points are remembered between runs until a distribution is installed or
        removed (:func:`~thresholdkit.areas.discovery.discover_installed`)."""
        from thresholdkit.areas.discovery import discover_installed

        return cls([PluginRecord(ep.name, ep.dist, ep.version, ep.value) for ep in discover_installed()])

    @classmethod
    def from_plugins(cls, plugins: dict[str, Any]) -> Registry:
        """A registry of the given plugin objects (area id -> object), for tests and embedding."""
        records = []
        for name, obj in plugins.items():
            record = PluginRecord(name, None, None, repr(obj))
            record.obj = obj
            records.append(record)
        return cls(records)

    def area_ids(self) -> list[str]:
        """The ids of the permitted plugins' areas, sorted (without loading them; an area whose
        plugin has already failed is left out)."""
        return sorted(a for a, r in self._served.items() if r.status not in ("failed",))

    def record(self, area_id: str) -> PluginRecord | None:
        """The plugin that serves ``area_id``, or the first one found for it."""
        return self._served.get(area_id) or next((r for r in self.records if r.name == area_id), None)

    def load_area(self, area_id: str) -> Area:
        """The area, drafts included; DataError or UsageError when it cannot be had."""
        if type(area_id) is not str:
            raise UsageError(f"an area is named by its id, a string such as 'coventry' (got {area_id!r:.60})")
        if area_id in self._areas:
            return self._areas[area_id]
        if area_id in self._errors:
            raise self._errors[area_id]
        record = self._served.get(area_id)
        if record is None:
            other = self.record(area_id)
            if other is not None:
                raise _unavailable(area_id, other.error or other.status)
            known = self.area_ids()
            listing = ", ".join(known) if known else "none installed"
            raise UsageError(f"unknown area '{area_id}'{did_you_mean(area_id, known)}; installed: {listing}")
        try:
            with _quiet_stdout():
                area = load_area(record)
        except DataError as exc:
            record.status, record.error = "failed", str(exc)
            self._errors[area_id] = _unavailable(area_id, str(exc))
            raise self._errors[area_id] from None
        record.status = "draft" if area.drafts else "loaded"
        record.error = area.drafts[0] if area.drafts else None
        self._areas[area_id] = area
        return area

    def data_folder(self, area_id: str) -> str | None:
        """The YAML folder of an area's plugin, without checking its data (for ``validate``)."""
        record = self._served.get(area_id)
        if record is None:
            self.load_area(area_id)  # raises the right error
            return None
        try:
            with _quiet_stdout():
                return known_folder(record) or data_folder(plugin_manager(record), record)
        except DataError as exc:
            raise _unavailable(area_id, str(exc)) from None

    def area(self, area_id: str) -> Area:
        """The area ``area_id``, ready to use: an error naming the right one when it is unknown,
        the reason when its plugin failed, and a refusal for a draft unless drafts are allowed."""
        area = self.load_area(area_id)
        if area.drafts and not drafts_allowed():
            raise DataError(
                f"area '{area_id}' is a draft plugin with {len(area.drafts)} things still to write "
                f"(first: {area.drafts[0]}); finish it ('thresholdkit validate {area_id}'), or set "
                f"{ENV_ALLOW_DRAFTS}=1 to use it anyway"
            )
        return area

    def usable(self, area_ids: list[str] | None = None) -> list[Area]:
        """The areas a cross-area command can use (all permitted ones, or those named), each
        failure or draft left out and reported through ``left_out`` and ``on_left_out``."""
        ids = self.area_ids() if area_ids is None else area_ids
        out = []
        for area_id in ids:
            try:
                out.append(self.area(area_id))
            except ThresholdkitError as exc:
                self._leave_out(area_id, str(exc))
        if area_ids is None:
            self._report_unserved()
        for _, message in same_names(out):
            self._leave_out(f"name:{message}", message)  # said once; both areas stay in
        return out

    def _report_unserved(self) -> None:
        for r in self.records:
            if r.status in ("conflict", "failed") and r.name not in self._served:
                self._leave_out(r.name, str(_unavailable(r.name, r.error or r.status)))
        self._report_allow_list()

    def _report_allow_list(self) -> None:
        """Names in the allow-list that serve no area: a typo there left an area out of every
        cross-area command without a word."""
        from thresholdkit.areas.discovery import ENV_ALLOW, allowed, is_slug

        allow = allowed()
        if allow is None:
            return
        if not allow:
            self._leave_out(ENV_ALLOW, f"{ENV_ALLOW} is set but names no area, so none is loaded; unset it to load all")
        installed = sorted({r.name for r in self.records})
        for name in allow:
            if name in installed:
                continue
            if not is_slug(name):
                self._leave_out(
                    name,
                    f"{ENV_ALLOW} item '{name[:60]}' is not an area id; separate area ids with commas "
                    "(coventry,telford)",
                )
            else:
                self._leave_out(
                    name,
                    f"{ENV_ALLOW} names '{name}', but no installed plugin provides it{did_you_mean(name, installed)}",
                )

    def _leave_out(self, area_id: str, reason: str) -> None:
        if area_id in self.left_out:
            return
        self.left_out[area_id] = reason
        if self.on_left_out is not None:
            self.on_left_out(area_id, reason)

    def statuses(self, today: _dt.date | None = None) -> list[AreaStatus]:
        """Every plugin's area with its document and status; failures are reported, not raised."""
        out = []
        self._report_unserved()
        for r in sorted(self.records, key=lambda r: (r.name, r.dist or "")):
            if self._served.get(r.name) is not r:
                out.append(AreaStatus(r.name, None, None, None, None, r.version, r.status, r.error))
                continue
            try:
                area = self.load_area(r.name)
            except ThresholdkitError as exc:
                self._leave_out(r.name, str(exc))
                out.append(AreaStatus(r.name, None, None, None, None, r.version, "failed", r.error or str(exc)))
                continue
            doc = area.document
            warning = area.review_warning(today)
            if area.drafts:
                status, reason = "draft", area.draft_notice()
            elif warning:
                status, reason = ("past review date" if "due for review" in warning else "stale"), warning
            else:
                status, reason = "loaded", None
            out.append(
                AreaStatus(
                    r.name, area.name, doc.get("title"), doc.get("date"), doc.get("version"), r.version, status, reason
                )
            )
        return out

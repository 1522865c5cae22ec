"""The registry of loaded areas: the library's entry point.

>>> from thresholdkit.areas.registry import Registry
>>> reg = Registry.load()              # doctest: +SKIP
>>> reg.area("coventry").indicators()  # doctest: +SKIP
"""

from __future__ import annotations

import datetime as _dt
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from thresholdkit.model.objects import Indicator

from thresholdkit.areas.discovery import PluginRecord
from thresholdkit.model.errors import DataError, NotPublishedError, ThresholdkitError, UsageError, did_you_mean


def _fail(area: str, exc: BaseException) -> ThresholdkitError:
    if isinstance(exc, ThresholdkitError):
        return DataError(f"area '{area}' is unavailable: {exc}")
    text = " ".join(str(exc).split()) or "no message"
    return DataError(f"area '{area}' is unavailable: its plugin raised {type(exc).__name__}: {text}")


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


DEFAULT_MAX_AGE_YEARS = 3


def max_age_years() -> float:
    """How old an undated-for-review document may be: ``THRESHOLDKIT_MAX_AGE_YEARS`` (default 3)."""
    import os

    raw = os.environ.get("THRESHOLDKIT_MAX_AGE_YEARS", "")
    try:
        value = float(raw)
    except ValueError:
        return DEFAULT_MAX_AGE_YEARS
    return value if value > 0 else DEFAULT_MAX_AGE_YEARS


def today() -> _dt.date:
    """Today, or the date of ``SOURCE_DATE_EPOCH`` when set (reproducible output)."""
    import os

    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.isdigit():
        return _dt.datetime.fromtimestamp(int(epoch), tz=_dt.UTC).date()
    return _dt.date.today()


def _last_day(iso: str) -> _dt.date:
    year, month = int(iso[:4]), int(iso[5:7])
    if len(iso) == 10:
        return _dt.date(year, month, int(iso[8:10]))
    nxt = _dt.date(year + (month == 12), month % 12 + 1, 1)
    return nxt - _dt.timedelta(days=1)


def review_status(document: dict[str, Any], on: _dt.date | None = None) -> str | None:
    """A warning when the guidance is past its printed review date or, where no review date is
    printed, older than the configured age; else None. An undated document cannot be judged."""
    on = on or today()
    due = document.get("review_due_iso")
    if due:
        if on > _last_day(due):
            printed = document.get("review_due") or due
            return f"This guidance was due for review ({printed}); check with the partnership for a newer version."
        return None
    dated = document.get("date_iso")
    if dated:
        years = max_age_years()
        limit = _last_day(dated) + _dt.timedelta(days=round(365.25 * years))
        if on > limit:
            printed = document.get("date") or dated
            return (
                f"This guidance is dated {printed}, over {years:g} years ago, and prints no review date; "
                "check with the partnership for a newer version."
            )
    return None


_HOOK_SCHEMA = {
    "thresholdkit_indicator_sets": ("indicator_sets", None),
    "thresholdkit_contacts": ("contacts", None),
    "thresholdkit_consent_rules": ("consent", None),
    "thresholdkit_pathway": ("pathway", "emergency"),
}


def _all_data_plugins(caller: Any) -> bool:
    from thresholdkit.areas.dataplugin import DataPlugin

    return all(isinstance(impl.plugin, DataPlugin) for impl in caller.get_hookimpls())


def _check_result(area_id: str, hook: str, result: Any) -> None:
    """A Python plugin's answer must have the schema's shape before it reaches any output.

    Data plugins are checked once per data-file version when they load; a Python plugin's results
    are checked here (this imports jsonschema, so only areas served by Python plugins pay it).
    """
    from jsonschema import Draft202012Validator

    from thresholdkit.data.schemas import load_schema

    schema = load_schema("authority")
    key, extra = _HOOK_SCHEMA[hook]
    value = result
    if extra is not None:  # the pathway hook also carries the emergency route
        if not isinstance(value, dict):
            raise DataError(f"area '{area_id}' is unavailable: {hook} returned {type(value).__name__}, not a mapping")
        pairs = [(key, {k: v for k, v in value.items() if k != extra}), (extra, value.get(extra))]
    else:
        pairs = [(key, value)]
    problems = []
    for part, data in pairs:
        validator = Draft202012Validator({"$defs": schema["$defs"], **schema["properties"][part]})
        problems += list(validator.iter_errors(data))
    if problems:
        first = problems[0]
        where = "/".join(str(p) for p in first.absolute_path) or "(top)"
        raise DataError(
            f"area '{area_id}' is unavailable: {hook} returned malformed data at {where}: "
            f"{' '.join(first.message.split())[:150]}"
        )


class Area:
    """One authority's data, fetched through the plugin hooks (lazily, each failure contained)."""

    def __init__(self, registry: Registry, record: PluginRecord) -> None:
        self.registry = registry
        self.record = record
        self.id = record.name
        self._authority: dict[str, Any] | None = None
        self._cache: dict[str, Any] = {}

    def _call(self, hook: str) -> Any:
        if hook not in self._cache:
            caller = getattr(self.registry.pm.hook, hook)
            try:
                result = caller(area=self.id)
            except Exception as exc:
                raise _fail(self.id, exc) from None
            if result is None:
                raise DataError(f"area '{self.id}' is unavailable: no plugin answered {hook}")
            if not _all_data_plugins(caller):
                _check_result(self.id, hook, result)
            self._cache[hook] = result
        return self._cache[hook]

    @property
    def authority(self) -> dict[str, Any]:
        if self._authority is None:
            impls = [
                impl
                for impl in self.registry.pm.hook.thresholdkit_authority.get_hookimpls()
                if impl.plugin_name == self.id
            ]
            if not impls:
                raise DataError(
                    f"area '{self.id}' is unavailable: its plugin does not implement thresholdkit_authority"
                )
            try:
                result = impls[-1].function()
            except Exception as exc:
                raise _fail(self.id, exc) from None
            if not isinstance(result, dict) or "authority" not in result:
                raise DataError(f"area '{self.id}' is unavailable: thresholdkit_authority returned malformed data")
            got = result["authority"].get("id")
            if got != self.id:
                raise DataError(
                    f"area '{self.id}' is unavailable: its data says id '{got}' "
                    f"but its entry point is named '{self.id}'"
                )
            self._authority = result
        return self._authority

    @property
    def name(self) -> str:
        return str(self.authority["authority"]["name"])

    @property
    def document(self) -> dict[str, Any]:
        doc: dict[str, Any] = self.authority["document"]
        return doc

    def review_warning(self, today: _dt.date | None = None) -> str | None:
        return review_status(self.document, today)

    def levels(self) -> list[dict[str, Any]]:
        return sorted(self.authority["levels"], key=lambda lv: lv["level"])

    def level(self, n: int) -> dict[str, Any]:
        for lv in self.levels():
            if lv["level"] == n:
                return lv
        raise UsageError(f"level must be 1, 2, 3 or 4 (got {n})")

    def guidance(self) -> list[dict[str, Any]]:
        result: list[dict[str, Any]] = self.authority.get("guidance") or []
        return result

    def indicator_sets(self) -> list[dict[str, Any]]:
        result: list[dict[str, Any]] = self._call("thresholdkit_indicator_sets")
        return result

    def indicator_set(self, set_id: str = "main") -> dict[str, Any]:
        sets = self.indicator_sets()
        for s in sets:
            if s["id"] == set_id:
                return s
        ids = [s["id"] for s in sets]
        raise UsageError(
            f"area '{self.id}' has no indicator set '{set_id}'{did_you_mean(set_id, ids)}; sets: {', '.join(ids)}"
        )

    def indicators(self, set_id: str = "main") -> list[Indicator]:
        """Every indicator of a set, in document order; NotPublishedError where none are published."""
        key = f"indicators:{set_id}"
        if key not in self._cache:
            from thresholdkit.model.objects import Indicator

            s = self.indicator_set(set_id)
            if not s["published"]:
                quotes = s.get("not_published") or [{"text": ""}]
                raise NotPublishedError(
                    f"{self.name}'s document ({self.document['title']}) publishes no indicators; "
                    f"it says: \"{quotes[0]['text']}\". Use 'assess {self.id} --level N' with your own "
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
                        )
                    )
            self._cache[key] = out
        result: list[Indicator] = self._cache[key]
        return result

    def pathway(self) -> dict[str, Any]:
        result: dict[str, Any] = self._call("thresholdkit_pathway")
        return result

    def level_pathway(self, n: int) -> dict[str, Any]:
        for lp in self.pathway().get("levels", []):
            if lp["level"] == n:
                return dict(lp)
        return {"level": n, "response": [], "note": "The document gives no pathway for this level."}

    def procedures(self, level: int | None = None) -> list[dict[str, Any]]:
        procs: list[dict[str, Any]] = self.pathway().get("procedures", [])
        if level is None:
            return procs
        return [p for p in procs if not p.get("levels") or level in p["levels"]]

    def contacts(self) -> list[dict[str, Any]]:
        result: list[dict[str, Any]] = self._call("thresholdkit_contacts")
        return result

    def contact(self, cid: str) -> dict[str, Any]:
        for c in self.contacts():
            if c["id"] == cid:
                return c
        raise DataError(f"area '{self.id}': unknown contact '{cid}'")

    def consent_rules(self) -> dict[str, Any]:
        result: dict[str, Any] = self._call("thresholdkit_consent_rules")
        return result


class Registry:
    """The loaded plugins and their areas."""

    def __init__(self, pm: Any, records: list[PluginRecord]) -> None:
        self.pm = pm
        self.records = records
        self._areas: dict[str, Area] = {}

    @classmethod
    def load(cls) -> Registry:
        """Discover installed plugins (honouring ``THRESHOLDKIT_PLUGINS``) and register them."""
        from thresholdkit.areas.discovery import load_all, new_manager

        pm = new_manager()
        return cls(pm, load_all(pm))

    @classmethod
    def from_plugins(cls, plugins: dict[str, Any]) -> Registry:
        """A registry of the given plugin objects (name -> object), for tests and embedding."""
        from thresholdkit.areas.discovery import new_manager, register

        pm = new_manager()
        records = []
        for name, obj in plugins.items():
            record = PluginRecord(name, None, None, repr(obj))
            register(pm, record, obj)
            records.append(record)
        return cls(pm, records)

    def area_ids(self) -> list[str]:
        return sorted(r.name for r in self.records if r.status == "loaded")

    def area(self, area_id: str) -> Area:
        """The loaded area ``area_id``; an error naming the right one when it is unknown."""
        if area_id in self._areas:
            return self._areas[area_id]
        for r in self.records:
            if r.name == area_id:
                if r.status != "loaded":
                    raise DataError(f"area '{area_id}' is unavailable: {r.error}")
                area = Area(self, r)
                self._areas[area_id] = area
                return area
        known = self.area_ids()
        listing = ", ".join(known) if known else "none installed"
        raise UsageError(f"unknown area '{area_id}'{did_you_mean(area_id, known)}; installed: {listing}")

    def statuses(self, today: _dt.date | None = None) -> list[AreaStatus]:
        """Every plugin's area with its document and status; failures are reported, not raised."""
        out = []
        for r in sorted(self.records, key=lambda r: r.name):
            if r.status != "loaded":
                out.append(AreaStatus(r.name, None, None, None, None, r.version, r.status, r.error))
                continue
            try:
                area = self.area(r.name)
                doc = area.document
                warning = area.review_warning(today)
                out.append(
                    AreaStatus(
                        r.name,
                        area.name,
                        doc["title"],
                        doc.get("date"),
                        doc.get("version"),
                        r.version,
                        ("past review date" if "due for review" in warning else "stale") if warning else "loaded",
                        warning,
                    )
                )
            except ThresholdkitError as exc:
                r.status, r.error = "failed", str(exc)
                out.append(AreaStatus(r.name, None, None, None, None, r.version, "failed", str(exc)))
        return out

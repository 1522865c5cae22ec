"""Finding and loading authority plugins, one failure at a time.

Plugins are distributions with an entry point in the ``thresholdkit`` group; the entry-point
name is the area id. Entry points are read straight from the ``*.dist-info/entry_points.txt``
files on ``sys.path`` rather than through ``importlib.metadata``, whose import alone costs
tens of milliseconds at every start-up.

``THRESHOLDKIT_PLUGINS`` restricts what loads: a comma-separated list of area ids (an empty
value loads none). A plugin that fails to import, that implements unknown hooks, or whose data
fails its checks is recorded with the reason and skipped; the others keep working.
"""

from __future__ import annotations

import os
import sys
from typing import Any

GROUP = "thresholdkit"
ENV_ALLOW = "THRESHOLDKIT_PLUGINS"


class EntryPoint:
    """One ``name = module:attr`` line of an installed distribution's entry points."""

    __slots__ = ("dist", "name", "value", "version")

    # Plain classes, not dataclasses: a dataclass compiles its methods at import time, which
    # costs start-up time on every command.
    def __init__(self, name: str, value: str, dist: str, version: str | None) -> None:
        self.name, self.value, self.dist, self.version = name, value, dist, version


class PluginRecord:
    """What ``thresholdkit plugins`` shows for one plugin."""

    __slots__ = ("dist", "error", "hooks", "name", "obj", "status", "value", "version")

    def __init__(self, name: str, dist: str | None, version: str | None, value: str) -> None:
        self.name, self.dist, self.version, self.value = name, dist, version, value
        self.status = "loaded"  # loaded | failed | disabled
        self.error: str | None = None
        self.hooks: list[str] = []
        self.obj: Any = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "distribution": self.dist,
            "version": self.version,
            "entry_point": self.value,
            "status": self.status,
            "error": self.error,
            "hooks": self.hooks,
        }


def _parse_entry_points(text: str, group: str) -> list[tuple[str, str]]:
    found = []
    section = None
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith(("#", ";")):
            continue
        if line.startswith("[") and line.endswith("]"):
            section = line[1:-1].strip()
            continue
        if section == group and "=" in line:
            name, _, value = line.partition("=")
            found.append((name.strip(), value.strip()))
    return found


def discover(group: str = GROUP, path: list[str] | None = None) -> list[EntryPoint]:
    """Entry points of ``group`` in installed distributions, first on the path wins."""
    seen_dists: set[str] = set()
    result: list[EntryPoint] = []
    for entry in path if path is not None else sys.path:
        folder = entry or "."
        try:
            names = sorted(os.listdir(folder))
        except OSError:
            continue
        for name in names:
            if name.endswith(".dist-info"):
                stem = name[: -len(".dist-info")]
            elif name.endswith(".egg-info"):
                stem = name[: -len(".egg-info")]
            else:
                continue
            dist, _, version = stem.partition("-")
            key = dist.lower().replace("-", "_").replace(".", "_")
            if key in seen_dists:
                continue
            ep_file = os.path.join(folder, name, "entry_points.txt")
            try:
                with open(ep_file, encoding="utf-8") as fh:
                    text = fh.read()
            except OSError:
                continue
            seen_dists.add(key)
            for ep_name, value in _parse_entry_points(text, group):
                result.append(EntryPoint(ep_name, value, dist, version.split("-")[0] or None))
    return result


def allowed() -> set[str] | None:
    """The allow-list from ``THRESHOLDKIT_PLUGINS``: None when unset (load all)."""
    raw = os.environ.get(ENV_ALLOW)
    if raw is None:
        return None
    return {part.strip() for part in raw.split(",") if part.strip()}


def _one_line(exc: BaseException) -> str:
    text = " ".join(str(exc).split()) or "no message"
    return f"{type(exc).__name__}: {text}"


def load_entry_point(ep: EntryPoint) -> Any:
    import importlib

    module_name, _, attr = ep.value.partition(":")
    obj: Any = importlib.import_module(module_name.strip())
    for part in filter(None, attr.strip().split(".")):
        obj = getattr(obj, part)
    return obj


def new_manager() -> Any:
    import pluggy

    from thresholdkit.areas import hookspecs

    pm = pluggy.PluginManager(hookspecs.PROJECT)
    pm.add_hookspecs(hookspecs)
    return pm


def register(pm: Any, record: PluginRecord, obj: Any, *, check: bool = True) -> None:
    """Register one plugin; on any failure mark the record failed and leave ``pm`` clean."""
    try:
        pm.register(obj, name=record.name)
    except Exception as exc:
        record.status, record.error = "failed", _one_line(exc)
        return
    record.obj = obj
    record.hooks = sorted(impl_name for impl_name in dir(obj) if impl_name.startswith("thresholdkit_"))
    if check:
        check_all(pm, [record])


def check_all(pm: Any, records: list[PluginRecord]) -> None:
    """``check_pending()`` once for all registered plugins; a plugin implementing an unknown hook
    is unregistered and marked failed, and the check runs again for the rest."""
    import pluggy

    by_obj = {id(r.obj): r for r in records if r.obj is not None}
    while True:
        try:
            pm.check_pending()
            return
        except pluggy.PluginValidationError as exc:
            bad = by_obj.get(id(exc.plugin))
            pm.unregister(exc.plugin)
            if bad is None:
                continue
            bad.status, bad.error, bad.obj, bad.hooks = "failed", _one_line(exc), None, []


def load_all(pm: Any, entry_points: list[EntryPoint] | None = None) -> list[PluginRecord]:
    """Import and register every permitted plugin. Never raises for a plugin's fault."""
    allow = allowed()
    records: list[PluginRecord] = []
    for ep in discover() if entry_points is None else entry_points:
        record = PluginRecord(ep.name, ep.dist, ep.version, ep.value)
        records.append(record)
        if allow is not None and ep.name not in allow:
            record.status = "disabled"
            record.error = f"not in {ENV_ALLOW}"
            continue
        if pm.has_plugin(ep.name):
            record.status, record.error = "failed", f"another plugin already serves the area '{ep.name}'"
            continue
        try:
            obj = load_entry_point(ep)
        except BaseException as exc:  # a plugin's import must never take the CLI down
            if isinstance(exc, KeyboardInterrupt):
                raise
            record.status, record.error = "failed", f"could not import {ep.value}: {_one_line(exc)}"
            continue
        register(pm, record, obj, check=False)
    check_all(pm, records)
    return records

"""Finding authority plugins, importing one, and registering it in a plugin manager of its own.

Plugins are distributions with an entry point in the ``thresholdkit`` group; the entry-point
name is the area id. Entry points are read straight from the ``*.dist-info/entry_points.txt``
files on ``sys.path`` rather than through ``importlib.metadata``, whose import alone costs
tens of milliseconds at every start-up. Finding plugins imports none of them: a plugin is
imported only when its area is asked for.

``THRESHOLDKIT_PLUGINS`` restricts what loads: a comma-separated list of area ids (an empty
value loads none). An item ``AREA=DISTRIBUTION`` also says which distribution serves an area
that two installed plugins claim.
"""

from __future__ import annotations

import os
import re
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
    """What ``thresholdkit plugins`` shows for one plugin (one entry point).

    ``status`` is ``found`` (not imported yet), ``loaded``, ``draft``, ``failed``, ``conflict``
    (another plugin claims the same area id) or ``disabled`` (not in the allow-list).
    """

    __slots__ = ("dist", "error", "hooks", "name", "obj", "status", "value", "version")

    def __init__(self, name: str, dist: str | None, version: str | None, value: str) -> None:
        self.name, self.dist, self.version, self.value = name, dist, version, value
        self.status = "found"
        self.error: str | None = None
        self.hooks: list[str] = []
        self.obj: Any = None

    @property
    def label(self) -> str:
        """The distribution and version, as a person would name the plugin."""
        if self.dist is None:
            return repr(self.name)
        return f"{self.dist} {self.version}" if self.version else self.dist

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


def _listings(path: list[str]) -> list[tuple[str, list[str]]]:
    """Each folder on the path with its entries, sorted (unreadable folders left out)."""
    out = []
    for entry in path:
        folder = entry or "."
        try:
            out.append((folder, sorted(os.listdir(folder))))
        except OSError:
            continue
    return out


def discover(group: str = GROUP, path: list[str] | None = None) -> list[EntryPoint]:
    """Entry points of ``group`` in installed distributions, first on the path wins."""
    return _scan(_listings(path if path is not None else sys.path), group)


def discover_installed(group: str = GROUP) -> list[EntryPoint]:
    """:func:`discover` on ``sys.path``, remembered in the data cache (issue 19).

    Reading every distribution's ``entry_points.txt`` cost each command about 0.04 ms per
    installed distribution, plugin or not. The result is remembered under a hash of every folder
    on the path that holds distributions: its name, its modification time and the names of its
    ``*.dist-info`` and ``*.egg-info`` folders. Installing, removing, upgrading or reinstalling
    a distribution changes these, so a single-area command sees every plugin that claims its area,
    and a second plugin for one area is still a conflict. An ``entry_points.txt`` edited by hand
    in place is noticed at the next install or removal in its folder, or at once with
    ``THRESHOLDKIT_NO_CACHE=1``.
    """
    from thresholdkit.data import cache

    listings = _listings(sys.path)
    chunks = [b"entry-points", group.encode(), *cache.format_chunks()]
    for folder, names in listings:
        dists = [n for n in names if n.endswith((".dist-info", ".egg-info"))]
        if not dists:
            continue
        try:
            stamp = os.stat(folder).st_mtime_ns
        except OSError:
            stamp = 0
        chunks += [os.fsencode(os.path.abspath(folder)), str(stamp).encode(), "\0".join(dists).encode()]
    key = cache.digest(chunks)
    hit = cache.get(key)
    if isinstance(hit, list) and all(isinstance(row, list) and len(row) == 4 for row in hit):
        return [EntryPoint(*row) for row in hit]
    found = _scan(listings, group)
    cache.put(key, [[ep.name, ep.value, ep.dist, ep.version] for ep in found])
    return found


def _scan(listings: list[tuple[str, list[str]]], group: str) -> list[EntryPoint]:
    seen_dists: set[str] = set()
    result: list[EntryPoint] = []
    for folder, names in listings:
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


SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")


def is_slug(name: str) -> bool:
    """An area id: lowercase letters and digits, words joined by single hyphens."""
    return SLUG.fullmatch(name) is not None


def allowed() -> dict[str, str | None] | None:
    """The allow-list from ``THRESHOLDKIT_PLUGINS``: None when unset (load all), else area id ->
    the distribution chosen for it (None: any)."""
    raw = os.environ.get(ENV_ALLOW)
    if raw is None:
        return None
    out: dict[str, str | None] = {}
    for part in raw.split(","):
        area, _, dist = part.partition("=")
        if area.strip():
            out[area.strip().lower()] = dist_key(dist) if dist.strip() else None
    return out


def dist_key(name: str) -> str:
    """A distribution name in its normalised form (PEP 503), for comparing names."""
    return re.sub(r"[-_.]+", "-", name.strip()).lower()


def one_line(exc: BaseException) -> str:
    """An exception as one line: 'KindOfError: message' (at most 300 characters)."""
    try:
        text = " ".join(str(exc).split()) or "no message"
    except Exception:  # a hostile __str__
        text = "(unprintable message)"
    if len(text) > 300:
        text = text[:297] + "..."
    return f"{type(exc).__name__}: {text}"


def resolve(records: list[PluginRecord]) -> dict[str, PluginRecord]:
    """Apply the allow-list and settle which record serves each area id.

    Records not allowed become ``disabled``; an id that is not a slug fails; an id that two
    permitted records claim becomes a ``conflict`` on both, with an error naming both and saying
    how to choose. Returns area id -> the one record that may serve it.
    """
    allow = allowed()
    by_area: dict[str, list[PluginRecord]] = {}
    for r in records:
        if allow is not None and r.name not in allow:
            r.status, r.error = "disabled", f"not in {ENV_ALLOW}"
            continue
        chosen = allow.get(r.name) if allow is not None else None
        if chosen is not None and dist_key(r.dist or "") != chosen:
            r.status, r.error = "disabled", f"{ENV_ALLOW} chooses the distribution '{chosen}' for '{r.name}'"
            continue
        if not is_slug(r.name):
            r.status = "failed"
            r.error = (
                f"the entry point name '{r.name}' is not a valid area id: use lowercase letters, digits "
                "and single hyphens, e.g. 'north-somerset'"
            )
            continue
        by_area.setdefault(r.name, []).append(r)
    served: dict[str, PluginRecord] = {}
    for area, claims in by_area.items():
        if len(claims) == 1:
            served[area] = claims[0]
            continue
        names = " and ".join(c.label for c in claims)
        example = ",".join(f"{area}={c.dist}" for c in claims[:1])
        one_dist = len({dist_key(c.dist or "") for c in claims}) == 1
        for c in claims:
            c.status = "conflict"
            c.error = (
                # choosing a distribution cannot help when one distribution claims the id twice
                f"area '{area}' is listed {len(claims)} times in the entry points of one distribution ({c.label}); "
                "list it once in that package's entry points and install it again"
                if one_dist
                else f"area '{area}' is claimed by {len(claims)} plugins ({names}); uninstall one, or choose "
                f"one with {ENV_ALLOW}={example}"
            )
    return served


def load_entry_point(ep: PluginRecord) -> Any:
    """Import the object an entry point names (``module:attr.attr``)."""
    import importlib

    module_name, _, attr = ep.value.partition(":")
    obj: Any = importlib.import_module(module_name.strip())
    for part in filter(None, attr.strip().split(".")):
        obj = getattr(obj, part)
    return obj


def new_manager() -> Any:
    """A plugin manager with thresholdkit's hook specifications (one per area).

    It looks only at attributes named ``thresholdkit_*`` (pluggy's documented override points
    ``parse_hookimpl_opts`` and ``parse_hookspec_opts``): every hook is so prefixed, and pluggy's
    static inspection of every other attribute was most of the cost of registering a plugin.
    """
    import pluggy

    from thresholdkit.areas import dataplugin, hookspecs

    class Manager(pluggy.PluginManager):
        def parse_hookimpl_opts(self, plugin: Any, name: str) -> Any:
            if not name.startswith(PREFIX):
                return None
            opts = super().parse_hookimpl_opts(plugin, name)
            if opts is None and name == DATA_HOOK and dataplugin.builtin_hook(plugin):
                # DataPlugin's own hook, unmarked so that data plugins import no pluggy
                opts = super().parse_hookimpl_opts(hookspecs.MarkedDataFolder, name)
            return opts

        def parse_hookspec_opts(self, module_or_class: Any, name: str) -> Any:
            return super().parse_hookspec_opts(module_or_class, name) if name.startswith(PREFIX) else None

    pm = Manager(hookspecs.PROJECT)
    pm.add_hookspecs(hookspecs)
    from thresholdkit.model.environment import flag

    if flag(ENV_TRACE):
        trace(pm)
    return pm


def register(record: PluginRecord, obj: Any) -> Any:
    """Register ``obj`` as the only plugin of a new manager for ``record``'s area and check its
    hooks against the specifications; returns the manager. Raises on any fault of the plugin."""
    pm = new_manager()
    pm.register(obj, name=record.name)
    pm.check_pending()
    record.obj = obj
    record.hooks = sorted(impl.name for impl in pm.get_hookcallers(obj) or [])
    return pm


ENV_TRACE = "THRESHOLDKIT_TRACE"
PREFIX = "thresholdkit_"
DATA_HOOK = "thresholdkit_data_folder"


def trace(pm: Any) -> None:
    """Print each hook call to stderr: the hook, the plugin, the time taken and the kind of
    result (never the data itself)."""
    import time

    started: list[float] = []

    def before(hook_name: str, impls: list[Any], kwargs: dict[str, Any]) -> None:
        started.append(time.perf_counter())

    def after(outcome: Any, hook_name: str, impls: list[Any], kwargs: dict[str, Any]) -> None:
        ms = (time.perf_counter() - started.pop()) * 1000
        names = ", ".join(i.plugin_name for i in impls) or "no plugin"
        exc = outcome.exception
        result = f"raised {type(exc).__name__}" if exc is not None else type(outcome.get_result()).__name__
        sys.stderr.write(f"trace: {hook_name}(area={kwargs.get('area')!r}) -> {names}: {result} in {ms:.1f} ms\n")

    pm.add_hookcall_monitoring(before, after)

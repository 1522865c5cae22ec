"""Hostile, broken and misconfigured authority plugins, each built on demand into a folder put on
``sys.path`` (a package plus a ``*.dist-info/entry_points.txt``), for test_hostile_plugins.py.

Every plugin models one fault. ``Hostile.area`` is the entry-point name (the area id it
registers); ``expect`` is the status ``thresholdkit areas`` must give it; ``reason`` is a piece of
text its reason must contain. Python plugins append each ``area`` they are called with to
``calls.log`` in the site folder, so a test can check that hooks are only called for their own area.
"""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
COVENTRY_DATA = ROOT / "plugins" / "coventry" / "src" / "thresholdkit_coventry" / "data"
COVENTRY_PHONE = "024 7678 8555"
FORKED_PHONE = "024 7600 0000"  # the number a copied plugin puts in place of Coventry's front door
SCRIPT = "</script><script>alert(1)</script>"
FORMULA = '=HYPERLINK("http://evil.example/","click me")'


@dataclass(frozen=True)
class Hostile:
    name: str  # a short name for the test id
    kind: str  # the fault it models
    build: Callable[[Path], None]  # writes the plugin into the site folder
    area: str  # the entry-point name (area id) it registers
    expect: str = "failed"  # its status in 'areas -f json'
    reason: str = ""  # text its reason must contain (case-insensitive)
    per_area: bool = True  # whether 'contacts AREA' can name it at all

    def __str__(self) -> str:
        return self.name


# --- writing plugins ------------------------------------------------------------------------------


def write_dist(site: Path, dist: str, entries: dict[str, str], version: str = "1.0") -> None:
    """A ``DIST-VERSION.dist-info`` folder with ``[thresholdkit]`` entry points."""
    info = site / f"{dist}-{version}.dist-info"
    info.mkdir(parents=True)
    lines = "".join(f"{name} = {value}\n" for name, value in entries.items())
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {dist}\nVersion: {version}\n")
    (info / "entry_points.txt").write_text(f"[thresholdkit]\n{lines}")


def write_package(site: Path, package: str, source: str, files: dict[str, str] | None = None) -> None:
    pkg = site / package
    pkg.mkdir(parents=True)
    (pkg / "__init__.py").write_text(textwrap.dedent(source))
    for rel, text in (files or {}).items():
        target = pkg / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text)


def package_name(area: str) -> str:
    return "hostile_" + area.replace("-", "_")


def plugin(
    area: str,
    source: str,
    files: dict[str, str] | None = None,
    *,
    package: str | None = None,
    attr: str = "plugin",
    dist: str | None = None,
) -> Callable[[Path], None]:
    """A builder for a one-plugin distribution whose module is ``source`` (dedented)."""
    package = package or package_name(area)

    def build(site: Path) -> None:
        log = str(site / "calls.log")
        write_package(site, package, PRELUDE.replace("@LOG@", repr(log)) + textwrap.dedent(source), files)
        write_dist(site, dist or f"thresholdkit_{package}", {area: f"{package}:{attr}"})

    return build


PRELUDE = textwrap.dedent(
    """\
    import json, os
    from thresholdkit.areas.hookspecs import hookimpl
    from thresholdkit.areas.dataplugin import DataPlugin

    def _record(area):
        with open(@LOG@, "a") as fh:
            fh.write(area + "\\n")

    def _data():
        from thresholdkit.data.loader import read_merged
        return read_merged(os.path.join(os.path.dirname(__file__), "data"))[0]
    """
)

DATA_PLUGIN = "plugin = DataPlugin(__file__)\n"


def coventry_files(area: str, edit: Callable[[dict[str, str]], None] | None = None) -> dict[str, str]:
    """Coventry's YAML files (``data/NAME.yaml``) with the id changed to ``area``, then ``edit``ed."""
    files = {p.name: p.read_text() for p in sorted(COVENTRY_DATA.glob("*.yaml"))}
    assert "\n  id: coventry\n" in files["authority.yaml"]
    files["authority.yaml"] = files["authority.yaml"].replace("\n  id: coventry\n", f"\n  id: {area}\n", 1)
    if edit is not None:
        edit(files)
    return {f"data/{name}": text for name, text in files.items()}


def replace_once(files: dict[str, str], name: str, old: str, new: str) -> None:
    assert old in files[name], (name, old)
    files[name] = files[name].replace(old, new, 1)


def fork_phone(files: dict[str, str]) -> None:
    replace_once(files, "contacts.yaml", f'number: "{COVENTRY_PHONE}"', f'number: "{FORKED_PHONE}"')


def raising(area: str, hook: str) -> Hostile:
    """A data plugin (a valid copy of Coventry's data) whose one hook ``hook`` raises."""
    source = f"""
        class P(DataPlugin):
            @hookimpl
            def {hook}(self, area):
                _record(area)
                raise RuntimeError("boom in {hook}")
        plugin = P(__file__)
        """
    return Hostile(
        area, f"raises in {hook}", plugin(area, source, coventry_files(area)), area, reason=f"boom in {hook}"
    )


def python_hook(area: str, hook: str, body: str) -> Callable[[Path], None]:
    """A data plugin (a valid copy of Coventry's data) whose hook ``hook`` runs ``body``."""
    source = (
        f"class P(DataPlugin):\n    @hookimpl\n    def {hook}(self, area):\n        _record(area)\n"
        + textwrap.indent(textwrap.dedent(body).strip() + "\n", " " * 8)
        + "plugin = P(__file__)\n"
    )
    return plugin(area, source, coventry_files(area))


def _conflict(site: Path) -> None:
    # a second distribution registering 'coventry': Coventry's own data with another phone number
    files = coventry_files("coventry", fork_phone)
    write_package(
        site, "hostile_coventry_fork", PRELUDE.replace("@LOG@", repr(str(site / "calls.log"))) + DATA_PLUGIN, files
    )
    write_dist(site, "thresholdkit_coventry_fork", {"coventry": "hostile_coventry_fork:plugin"}, version="2.0")


def _script_text(files: dict[str, str]) -> None:
    replace_once(files, "authority.yaml", 'name: "Statutory Intervention"', f"name: {SCRIPT!r}")
    replace_once(files, "contacts.yaml", 'name: "Children\'s Social Care"', f"name: '{FORMULA}'")


def _schema_invalid(files: dict[str, str]) -> None:
    replace_once(files, "contacts.yaml", 'number: "999"', "number: 999")


def _draft(files: dict[str, str]) -> None:
    replace_once(
        files,
        "authority.yaml",
        'partnership: "Coventry Safeguarding Children Partnership"',
        'partnership: "TODO: the partnership\'s full name"',
    )


# --- the hostile plugins --------------------------------------------------------------------------

HOSTILES: list[Hostile] = [
    # import failures
    Hostile(
        "import-error",
        "ImportError at import",
        plugin("import-error", "raise ImportError('no module named thing')\n"),
        "import-error",
        reason="no module named thing",
    ),
    Hostile(
        "import-interrupt",
        "KeyboardInterrupt raised at import (no interrupt received)",
        plugin("import-interrupt", "raise KeyboardInterrupt\n"),
        "import-interrupt",
        reason="KeyboardInterrupt",
    ),
    Hostile(
        "hook-interrupt",
        "KeyboardInterrupt raised in a hook (no interrupt received)",
        python_hook("hook-interrupt", "thresholdkit_contacts", "raise KeyboardInterrupt"),
        "hook-interrupt",
        reason="KeyboardInterrupt",
    ),
    Hostile(
        "import-exit",
        "SystemExit at import",
        plugin("import-exit", "import sys\nsys.exit('bye from the plugin')\n"),
        "import-exit",
        reason="bye from the plugin",
    ),
    # raising in each hook: one plugin per hook
    raising("raise-folder", "thresholdkit_data_folder"),
    raising("raise-authority", "thresholdkit_authority"),
    raising("raise-indicator-sets", "thresholdkit_indicator_sets"),
    raising("raise-pathway", "thresholdkit_pathway"),
    raising("raise-contacts", "thresholdkit_contacts"),
    raising("raise-consent", "thresholdkit_consent_rules"),
    # a hook that raises SystemExit (must not stop the tool)
    Hostile(
        "hook-exit",
        "SystemExit raised in a hook",
        python_hook("hook-exit", "thresholdkit_contacts", "raise SystemExit(3)"),
        "hook-exit",
        reason="SystemExit",
    ),
    # an exception whose message is 100 000 characters over many lines: the reason stays one line
    Hostile(
        "long-message",
        "a hook raises with a huge multi-line message",
        python_hook("long-message", "thresholdkit_contacts", "raise ValueError('line\\n' * 20000)"),
        "long-message",
        reason="ValueError",
    ),
    # wrong types where a mapping or list is needed
    Hostile(
        "wrong-str",
        "thresholdkit_authority returns a string",
        python_hook("wrong-str", "thresholdkit_authority", "return 'coventry'"),
        "wrong-str",
        reason="str",
    ),
    Hostile(
        "wrong-int",
        "thresholdkit_consent_rules returns an int",
        python_hook("wrong-int", "thresholdkit_consent_rules", "return 42"),
        "wrong-int",
        reason="int",
    ),
    Hostile(
        "wrong-list",
        "thresholdkit_pathway returns a list",
        python_hook("wrong-list", "thresholdkit_pathway", "return [1, 2, 3]"),
        "wrong-list",
        reason="list",
    ),
    Hostile(
        "wrong-folder",
        "thresholdkit_data_folder returns an int",
        python_hook("wrong-folder", "thresholdkit_data_folder", "return 7"),
        "wrong-folder",
        reason="int",
    ),
    Hostile(
        "missing-folder",
        "thresholdkit_data_folder names a folder that does not exist",
        python_hook("missing-folder", "thresholdkit_data_folder", "return '/nonexistent/thresholdkit/data'"),
        "missing-folder",
    ),
    # schema-invalid and non-JSON results
    Hostile(
        "schema-invalid",
        "thresholdkit_contacts returns contacts missing required fields",
        python_hook("schema-invalid", "thresholdkit_contacts", "return [{'id': 'x'}]"),
        "schema-invalid",
    ),
    # a dict subclass whose items() never ends: thresholdkit must not iterate it (red team,
    # attacker F2: areas, compare contacts and compare levels grew without bound, then failed)
    Hostile(
        "endless-dict",
        "thresholdkit_pathway returns a dict subclass whose items() never ends",
        python_hook(
            "endless-dict",
            "thresholdkit_pathway",
            """
            class Endless(dict):
                def items(self):
                    n = 0
                    while True:
                        n += 1
                        if n > 2_000_000:  # a bound, so that code that iterates it fails instead of hanging
                            raise RuntimeError("items() of a dict subclass was iterated without end")
                        yield (f"k{n}", "x")
            return Endless(emergency={})
            """,
        ),
        "endless-dict",
        reason="Endless",
    ),
    Hostile(
        "non-json-set",
        "thresholdkit_contacts returns a set",
        python_hook("non-json-set", "thresholdkit_contacts", "return {'a', 'b'}"),
        "non-json-set",
    ),
    Hostile(
        "non-json-object",
        "thresholdkit_contacts returns a list holding an arbitrary object",
        python_hook("non-json-object", "thresholdkit_contacts", "return [object()]"),
        "non-json-object",
    ),
    # a data id that differs from the entry point: Coventry's YAML, another phone number, 'id: coventry'
    Hostile(
        "hijack",
        "a data plugin registered as 'hijack' whose data says id 'coventry'",
        plugin("hijack", DATA_PLUGIN, coventry_files("coventry", fork_phone)),
        "hijack",
        reason="its data says id 'coventry' but it is registered as 'hijack'",
    ),
    # two distributions claim 'coventry'
    Hostile(
        "conflict",
        "a second distribution registers 'coventry'",
        _conflict,
        "coventry",
        expect="conflict",
        reason="thresholdkit_coventry_fork 2.0",
    ),
    # hooks that ignore 'area' and always answer with their own data (Coventry's, forked)
    Hostile(
        "greedy",
        "Python hooks that ignore 'area' and always return Coventry's data",
        plugin(
            "greedy",
            """
                class P:
                    data = _data()
                    def _section(self, area, *keys):
                        _record(area)
                        return {k: self.data[k] for k in keys if k in self.data}
                    @hookimpl
                    def thresholdkit_authority(self, area):
                        return self._section(area, "authority", "document", "levels", "guidance", "glossary",
                                             "errata", "schema_version")
                    @hookimpl
                    def thresholdkit_indicator_sets(self, area):
                        return self._section(area, "indicator_sets")["indicator_sets"]
                    @hookimpl
                    def thresholdkit_pathway(self, area):
                        s = self._section(area, "pathway", "emergency")
                        return {**s["pathway"], "emergency": s["emergency"]}
                    @hookimpl
                    def thresholdkit_contacts(self, area):
                        return self._section(area, "contacts")["contacts"]
                    @hookimpl
                    def thresholdkit_consent_rules(self, area):
                        return self._section(area, "consent")["consent"]
                plugin = P()
                """,
            coventry_files("coventry", fork_phone),
        ),
        "greedy",
        reason="its data says id 'coventry'",
    ),
    # huge results
    Hostile(
        "huge-string",
        "a 30 MB string in a contact's name",
        python_hook(
            "huge-string",
            "thresholdkit_contacts",
            """
                c = _data()["contacts"]
                c[0]["name"] = "x" * 30_000_000
                return c
                """,
        ),
        "huge-string",
    ),
    Hostile(
        "huge-list",
        "50 000 well-formed contacts, 35 MB in all",
        python_hook(
            "huge-list",
            "thresholdkit_contacts",
            """
                src = {"section": "Section 10: Useful contacts", "page": "12"}
                name = "A contact in a very long list " * 22
                return [{"id": f"c{i}", "name": name, "role": "front_door", "source": src} for i in range(50_000)]
                """,
        ),
        "huge-list",
    ),
    # a slow import (1.5 s), then a plugin object with no hooks at all
    Hostile(
        "slow-import",
        "sleeps 1.5 s at import, then gives no data",
        plugin("slow-import", "import time\ntime.sleep(1.5)\nclass P:\n    pass\nplugin = P()\n"),
        "slow-import",
    ),
    # HTML and spreadsheet formulas in an otherwise valid plugin
    Hostile(
        "script-text",
        "<script> in a level name, =HYPERLINK(...) in a contact name",
        plugin("script-text", DATA_PLUGIN, coventry_files("script-text", _script_text)),
        "script-text",
        expect="loaded",
    ),
    # a hyphenated id that must work
    Hostile(
        "north-somerset",
        "a valid plugin with a hyphenated id",
        plugin("north-somerset", DATA_PLUGIN, coventry_files("north-somerset")),
        "north-somerset",
        expect="loaded",
    ),
    # an unconventional package name, whose data fails the schema
    Hostile(
        "oddname",
        "package zz_weird_pkg, entry point 'oddname', data fails the schema",
        plugin(
            "oddname",
            DATA_PLUGIN,
            coventry_files("oddname", _schema_invalid),
            package="zz_weird_pkg",
            dist="some_other_dist",
        ),
        "oddname",
        reason="not of type 'string'",
    ),
    # hooks pluggy must refuse
    Hostile(
        "unknown-hook",
        "implements a hook that does not exist",
        plugin(
            "unknown-hook",
            """
                class P(DataPlugin):
                    @hookimpl
                    def thresholdkit_no_such_hook(self, area):
                        return 1
                plugin = P(__file__)
                """,
            coventry_files("unknown-hook"),
        ),
        "unknown-hook",
        reason="thresholdkit_no_such_hook",
    ),
    Hostile(
        "bad-signature",
        "a hook with an argument the spec does not have",
        plugin(
            "bad-signature",
            """
                class P(DataPlugin):
                    @hookimpl
                    def thresholdkit_contacts(self, region):
                        return []
                plugin = P(__file__)
                """,
            coventry_files("bad-signature"),
        ),
        "bad-signature",
        reason="region",
    ),
    # entry points that name no plugin
    Hostile(
        "not-a-plugin", "the entry point resolves to an int", plugin("not-a-plugin", "plugin = 42\n"), "not-a-plugin"
    ),
    Hostile(
        "missing-attr",
        "the entry point names an attribute the module does not have",
        plugin("missing-attr", DATA_PLUGIN, coventry_files("missing-attr"), attr="no_such_attr"),
        "missing-attr",
        reason="no_such_attr",
    ),
    Hostile(
        "bad-id",
        "an entry-point name that is not a slug (underscore)",
        plugin("north_yorkshire", DATA_PLUGIN, coventry_files("north-yorkshire")),
        "north_yorkshire",
        reason="not a valid area id",
    ),
    # every section hook answers None and there is no data folder
    Hostile(
        "returns-none",
        "every hook returns None: no data",
        plugin(
            "returns-none",
            """
                class P:
                    @hookimpl
                    def thresholdkit_data_folder(self, area):
                        _record(area)
                    @hookimpl
                    def thresholdkit_authority(self, area):
                        _record(area)
                    @hookimpl
                    def thresholdkit_contacts(self, area):
                        _record(area)
                plugin = P()
                """,
        ),
        "returns-none",
    ),
    # a plugin that changes the list it returned at its next call (valid data otherwise)
    Hostile(
        "mutant",
        "appends to the contacts list it returned earlier at its next call",
        plugin(
            "mutant",
            """
                class P(DataPlugin):
                    given = []
                    @hookimpl
                    def thresholdkit_contacts(self, area):
                        _record(area)
                        for old in self.given:
                            old.append({"id": "late", "name": "Added after the checks"})
                            old[0]["name"] = "Changed after the checks"
                        fresh = _data()["contacts"]
                        self.given.append(fresh)
                        return fresh
                plugin = P(__file__)
                """,
            coventry_files("mutant"),
        ),
        "mutant",
        expect="loaded",
    ),
    # a scaffolded plugin with a TODO placeholder left in
    Hostile(
        "draft",
        "a TODO placeholder left in the data",
        plugin("draft-area", DATA_PLUGIN, coventry_files("draft-area", _draft)),
        "draft-area",
        expect="draft",
        reason="TODO",
    ),
]

assert len({h.name for h in HOSTILES}) == len(HOSTILES)
assert len({h.area for h in HOSTILES}) == len(HOSTILES)

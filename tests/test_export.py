"""``thresholdkit export sqlite``: the threshold dataset as one SQLite database (issue 18).

Every expectation is computed from the registry (never a hard-coded list of areas), and the
README's example queries are run exactly as printed, so the docs cannot go stale.
"""

from __future__ import annotations

import asyncio
import copy
import os
import re
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from conftest import ROOT, assert_one_line_error

from thresholdkit.areas.registry import Area, Registry
from thresholdkit.model.errors import NotPublishedError
from thresholdkit.render import export_sqlite
from thresholdkit.rules.compare import matrix

REG = Registry.load()
AREAS = REG.usable()
SECTION = "## The threshold dataset (SQLite)"


def _connect(path: Path) -> sqlite3.Connection:
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    db.row_factory = sqlite3.Row
    return db


@pytest.fixture(scope="module")
def db_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("THRESHOLDKIT_CACHE_DIR", str(tmp_path_factory.getbasetemp() / "cache"))
        path = tmp_path_factory.mktemp("export") / "thresholds.db"
        left: list[str] = []
        summary = export_sqlite.export(AREAS, str(path), on_left_out=lambda a, _m: left.append(a))
    assert left == [] and summary["left_out"] == []
    assert summary["areas"] == sorted(a.id for a in AREAS)
    return path


@pytest.fixture
def db(db_path: Path) -> Any:
    conn = _connect(db_path)
    yield conn
    conn.close()


def _published(area: Area, set_id: str) -> list[Any]:
    try:
        return area.indicators(set_id)
    except NotPublishedError:
        return []


def _every(area: Area) -> list[Any]:
    return [i for s in area.indicator_sets() for i in _published(area, s["id"])]


def _readme_section() -> str:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    start = text.index(SECTION)
    end = text.find("\n## ", start + len(SECTION))
    return text[start : end if end > 0 else len(text)]


def _readme_queries() -> list[str]:
    return re.findall(r"```sql\n(.*?)```", _readme_section(), re.S)


# --- the file ---------------------------------------------------------------------------


def test_database_is_whole_and_its_references_hold(db):
    assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert db.execute("PRAGMA foreign_key_check").fetchall() == []
    assert db.execute("PRAGMA user_version").fetchone()[0] == export_sqlite.SCHEMA_VERSION
    # every child table declares its references
    for table in ("indicators", "indicator_concepts", "contact_phones", "pathway_steps", "consent_exceptions"):
        assert db.execute(f"PRAGMA foreign_key_list({table})").fetchall(), table


def test_tables_views_and_fts(db):
    kinds = {r["name"]: r["type"] for r in db.execute("SELECT name, type FROM sqlite_master")}
    for table in (
        "metadata", "areas", "documents", "levels", "indicator_sets", "indicators", "indicator_concepts",
        "concepts", "concept_cin_codes", "contacts", "contact_phones", "contact_hours_windows", "procedures",
        "pathway_steps", "pathway_timescales", "consent_rules", "consent_exceptions", "errata", "errata_variants",
    ):  # fmt: skip
        assert kinds.get(table) == "table", table
    for view in ("indicators_full", "indicator_levels_by_concept", "level4_routes", "procedure_steps"):
        assert kinds.get(view) == "view", view
    fts = db.execute("SELECT sql FROM sqlite_master WHERE name = 'indicators_fts'").fetchone()[0]
    # the form datasette recognises as the search index of a table
    assert "USING fts5" in fts and 'content="indicators"' in fts


def test_metadata(db):
    meta = dict(db.execute("SELECT key, value FROM metadata").fetchall())
    from thresholdkit import __version__
    from thresholdkit.model.objects import DISCLAIMER

    assert meta["thresholdkit_version"] == __version__
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", meta["generated"])
    assert meta["disclaimer"] == DISCLAIMER and "does not replace" in meta["disclaimer"].replace("never", "does not")
    assert "verbatim" in meta["verbatim"] and "source" in meta["verbatim"]
    assert meta["areas"].split(",") == sorted(a.id for a in AREAS)


def test_source_date_epoch_fixes_generated(tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")
    out = tmp_path / "a.db"
    export_sqlite.export(AREAS[:1], str(out))
    meta = dict(_connect(out).execute("SELECT key, value FROM metadata").fetchall())
    assert meta["generated"] == "2026-01-01T00:00:00Z"


# --- the data equals the library's ------------------------------------------------------


def test_counts_per_area_and_set_equal_the_library(db):
    for area in AREAS:
        sets = {
            r["id"]: r for r in db.execute("SELECT * FROM indicator_sets WHERE area = ? ORDER BY position", (area.id,))
        }
        assert list(sets) == [s["id"] for s in area.indicator_sets()]
        for s in area.indicator_sets():
            assert sets[s["id"]]["published"] == int(s["published"])
            n = db.execute(
                "SELECT count(*) FROM indicators WHERE area = ? AND set_id = ?", (area.id, s["id"])
            ).fetchone()[0]
            assert n == len(_published(area, s["id"])), (area.id, s["id"])

        def count(table: str, area_id: str = area.id) -> int:
            return int(db.execute(f"SELECT count(*) FROM {table} WHERE area = ?", (area_id,)).fetchone()[0])

        assert count("levels") == len(area.levels())
        assert count("contacts") == len(area.contacts())
        assert count("contact_phones") == sum(len(c.get("phone") or []) for c in area.contacts())
        assert count("level_pathways") == len(area.pathway()["levels"])
        assert count("procedures") == len(area.procedures())
        assert count("consent_rules") == len(area.consent_rules()["rules"])
        assert count("errata") == len(area.authority["errata"])
        assert count("glossary") == len(area.authority["glossary"] or [])
        steps = sum(len(p["steps"]) for p in area.procedures())
        assert (
            db.execute(
                "SELECT count(*) FROM pathway_steps WHERE area = ? AND procedure IS NOT NULL", (area.id,)
            ).fetchone()[0]
            == steps
        )
        timescales = sum(len(p.get("timescales") or []) for p in [*area.pathway()["levels"], *area.procedures()])
        assert count("pathway_timescales") == timescales


def test_telford_has_two_sets_and_gloucestershire_publishes_none(db):
    by_area = {a.id: a for a in AREAS}
    if "telford" in by_area:
        rows = db.execute(
            "SELECT id, published FROM indicator_sets WHERE area = 'telford' ORDER BY position"
        ).fetchall()
        assert [tuple(r) for r in rows] == [("main", 1), ("exploitation", 1)]
    if "gloucestershire" in by_area:
        assert db.execute("SELECT count(*) FROM indicators WHERE area = 'gloucestershire'").fetchone()[0] == 0
        row = db.execute("SELECT published FROM indicator_sets WHERE area = 'gloucestershire'").fetchone()
        assert row["published"] == 0
        said = db.execute("SELECT text FROM indicator_set_not_published WHERE area = 'gloucestershire'").fetchall()
        quotes = by_area["gloucestershire"].indicator_set("main").get("not_published") or []
        assert [r["text"] for r in said] == [q["text"] for q in quotes]


def test_every_indicator_is_verbatim_with_its_source(db):
    assert (
        db.execute("SELECT count(*) FROM indicators WHERE trim(text) = '' OR source_section IS NULL").fetchone()[0] == 0
    )
    for area in AREAS:
        for s in area.indicator_sets():
            want = [
                (i.id, i.ref, i.level, i.domain, i.text, i.source.get("section"), i.source.get("page"), i.note)
                for i in _published(area, s["id"])
            ]
            got = db.execute(
                "SELECT id, ref, level, domain, text, source_section, source_page, note FROM indicators"
                " WHERE area = ? AND set_id = ? ORDER BY position",
                (area.id, s["id"]),
            ).fetchall()
            assert [tuple(r) for r in got] == want
            concepts = {
                (r[0], r[1])
                for r in db.execute(
                    "SELECT i.id, ic.concept FROM indicator_concepts ic JOIN indicators i ON i.pk = ic.indicator"
                    " WHERE i.area = ? AND i.set_id = ?",
                    (area.id, s["id"]),
                )
            }
            assert concepts == {(i.id, c) for i in _published(area, s["id"]) for c in i.concepts}


def test_level_definitions_and_consent_wording_are_verbatim(db):
    for area in AREAS:
        for lv in area.levels():
            got = db.execute(
                "SELECT text, source_section FROM level_texts WHERE area = ? AND level = ? AND part = 'definition'"
                " ORDER BY position",
                (area.id, lv["level"]),
            ).fetchall()
            assert [tuple(r) for r in got] == [(q["text"], q["source"].get("section")) for q in lv["definition"]]
        for rule in area.consent_rules()["rules"]:
            row = db.execute(
                "SELECT decision, text, when_conditions FROM consent_rules WHERE area = ? AND id = ?",
                (area.id, rule["id"]),
            ).fetchone()
            import json

            assert (row["decision"], row["text"], json.loads(row["when_conditions"])) == (
                rule["decision"], rule["text"], rule["when"],
            )  # fmt: skip
            exc = rule.get("exceptions") or {}
            items = exc.get("items", []) if isinstance(exc, dict) else exc
            got = db.execute(
                "SELECT text FROM consent_exceptions WHERE area = ? AND rule = ? AND quote IS NULL ORDER BY position",
                (area.id, rule["id"]),
            ).fetchall()
            assert [r["text"] for r in got] == [q["text"] for q in items]


def test_concepts_and_census_codes(db):
    from thresholdkit.data import vocabulary

    for cid, concept in vocabulary.concepts().items():
        codes = concept.get("cin_code")
        codes = [codes] if isinstance(codes, str) else list(codes or [])
        got = db.execute("SELECT code FROM concept_cin_codes WHERE concept = ? ORDER BY position", (cid,)).fetchall()
        assert [r["code"] for r in got] == codes


def test_census_code_as_a_string_or_a_list(tmp_path, monkeypatch):
    """``cin_code`` is becoming a list; a single string (the older shape) gives one code row."""
    from thresholdkit.data import vocabulary

    data = copy.deepcopy(vocabulary.load())
    data["concepts"][0]["cin_code"] = "9Z"
    data["concepts"][1]["cin_code"] = ["9X", "9Y"]
    monkeypatch.setattr(vocabulary, "load", lambda: data)
    out = tmp_path / "codes.db"
    export_sqlite.export(AREAS[:1], str(out))
    db = _connect(out)
    codes = lambda cid: [r[0] for r in db.execute("SELECT code FROM concept_cin_codes WHERE concept = ?", (cid,))]  # noqa: E731
    assert codes(data["concepts"][0]["id"]) == ["9Z"]
    assert codes(data["concepts"][1]["id"]) == ["9X", "9Y"]


def test_exceptions_as_a_plain_list_of_quotes(tmp_path):
    """A rule's ``exceptions`` may also be a plain list of ``{text, source}``."""
    base = AREAS[0]
    data = copy.deepcopy(base.data)
    rule = data["consent"]["rules"][0]
    rule["exceptions"] = [{"text": "first exception", "source": {"section": "S1"}}, {"text": "second", "source": {}}]
    area = Area(base.record, data)
    db = export_sqlite.build([area])
    rows = db.execute(
        "SELECT lead, position, text, source_section FROM consent_exceptions WHERE rule = ? ORDER BY position",
        (rule["id"],),
    ).fetchall()
    assert rows == [(None, 1, "first exception", "S1"), (None, 2, "second", None)]
    assert db.execute("PRAGMA foreign_key_check").fetchall() == []


def test_an_area_whose_data_does_not_fit_is_left_out_and_said(tmp_path):
    base = AREAS[0]
    data = copy.deepcopy(base.data)
    data["pathway"]["levels"][0]["contacts"] = ["no-such-contact"]
    told: list[tuple[str, str]] = []
    db = export_sqlite.build([Area(base.record, data)], on_left_out=lambda a, m: told.append((a, m)))
    assert [a for a, _ in told] == [base.id] and "left out" in told[0][1]
    assert db.execute("SELECT count(*) FROM areas").fetchone()[0] == 0
    assert dict(db.execute("SELECT key, value FROM metadata").fetchall())["left_out"] == base.id


# --- views and search -------------------------------------------------------------------


def test_fts_finds_telfords_bruising_indicator(db):
    rows = db.execute(
        "SELECT i.area, i.id, i.text FROM indicators_fts f JOIN indicators i ON i.pk = f.rowid"
        " WHERE indicators_fts MATCH 'bruising'"
    ).fetchall()
    want = [(a.id, i.id) for a in AREAS for i in _every(a) if "bruising" in i.text.lower()]
    assert sorted((r["area"], r["id"]) for r in rows) == sorted(want)
    if any(a.id == "telford" for a in AREAS):
        assert any(r["area"] == "telford" and "Bruising" in r["text"] for r in rows)


def test_concept_view_equals_the_compare_matrix(db):
    m = matrix(AREAS)
    want = {
        (row["concept"], area): (min(levels), max(levels))
        for row in m["rows"]
        for area, levels in row["areas"].items()
        if isinstance(levels, list) and levels
    }
    got = {
        (r["concept"], r["area"]): (r["min_level"], r["max_level"])
        for r in db.execute("SELECT * FROM indicator_levels_by_concept")
    }
    assert got == want


def test_level4_routes_follow_the_emergency_route(db):
    for area in AREAS:
        em = area.pathway()["emergency"]
        rows = db.execute(
            "SELECT role, contact, phones FROM level4_routes WHERE area = ? ORDER BY position", (area.id,)
        )
        got = [(r["role"], r["contact"], r["phones"]) for r in rows]
        want = []
        for role, cid in [("police", em["police"]), *[("referral", r) for r in em["referral"]]]:
            phones = "; ".join(p["number"] for p in area.contact(cid).get("phone") or []) or None
            want.append((role, cid, phones))
        assert got == want


def test_indicators_full_names_area_level_and_set(db):
    n = db.execute("SELECT count(*) FROM indicators").fetchone()[0]
    rows = db.execute("SELECT area_name, level_name, set_title FROM indicators_full").fetchall()
    assert len(rows) == n and all(all(r) for r in rows)


# --- the README's queries, verbatim -----------------------------------------------------


def test_readme_queries_run_and_say_what_the_library_says(db):
    queries = _readme_queries()
    assert 3 <= len(queries) <= 6
    counts, search, concept, routes = (db.execute(q).fetchall() for q in queries[:4])
    want_counts = [
        (a.id, s["id"], len(_published(a, s["id"])))
        for a in sorted(AREAS, key=lambda a: a.id)
        for s in sorted(a.indicator_sets(), key=lambda s: s["id"])
        if _published(a, s["id"])
    ]
    assert [tuple(r) for r in counts] == want_counts
    assert search and all("bruis" in r["text"].lower() for r in search)
    if any(a.id == "telford" for a in AREAS):
        assert ("telford", "bruising-non-mobile-baby") in [(r["area"], r["ref"]) for r in search]
    fostering = {r["area"]: (r["min_level"], r["max_level"]) for r in concept}
    for row in matrix(AREAS)["rows"]:
        if row["concept"] == "private-fostering":
            assert fostering == {a: (min(v), max(v)) for a, v in row["areas"].items() if isinstance(v, list) and v}
    assert [r["area"] for r in routes if r["role"] == "police"] == sorted(a.id for a in AREAS)


def test_readme_console_example_is_what_the_command_prints(run, tmp_path, monkeypatch):
    line = re.search(r"^Wrote thresholds\.db: (\d+) areas \(([^)]*)\), (\d+) indicators$", _readme_section(), re.M)
    assert line, "the README shows the command's message"
    named = line.group(2).split(", ")
    if not set(named) <= {a.id for a in AREAS}:
        pytest.skip("the areas the README names are not all installed")
    monkeypatch.chdir(tmp_path)
    r = run("export", "sqlite", "thresholds.db", "--areas", ",".join(named))
    assert r.code == 0, r.err
    assert r.err.strip() == line.group(0)


# --- the command ------------------------------------------------------------------------


def test_cli_writes_the_database(run, tmp_path):
    out = tmp_path / "t.db"
    r = run("export", "sqlite", str(out))
    assert r.code == 0, r.err
    assert r.out == ""
    assert r.err.startswith(f"Wrote {out}: {len(AREAS)} area{'s' if len(AREAS) != 1 else ''} (")
    assert out.read_bytes()[:16] == export_sqlite.SQLITE_MAGIC
    assert sorted(os.listdir(tmp_path)) == ["t.db"]
    db = _connect(out)
    assert db.execute("SELECT count(*) FROM areas").fetchone()[0] == len(AREAS)


def test_cli_areas_option(run, tmp_path):
    one = AREAS[0].id
    out = tmp_path / "one.db"
    r = run("export", "sqlite", str(out), "--areas", one)
    assert r.code == 0, r.err
    assert [x[0] for x in _connect(out).execute("SELECT id FROM areas")] == [one]
    r = run("export", "sqlite", str(out), "--areas", one + "x")
    assert_one_line_error(r, 2)
    assert "unknown area" in r.err


def test_a_broken_plugin_is_left_out_with_a_warning(run, tmp_path, fake_plugins):
    fake_plugins("broken", "raise ImportError('no module named thing')\n")
    out = tmp_path / "t.db"
    r = run("export", "sqlite", str(out))
    assert r.code == 0, r.err
    assert any(line.startswith("Warning: ") and "broken" in line for line in r.err.splitlines())
    ids = [x[0] for x in _connect(out).execute("SELECT id FROM areas")]
    assert "broken" not in ids and ids == sorted(a.id for a in AREAS)


def test_overwrite_replaces_the_database_atomically(run, tmp_path):
    out = tmp_path / "t.db"
    assert run("export", "sqlite", str(out), "--areas", AREAS[0].id).code == 0
    first = os.stat(out)
    r = run("export", "sqlite", str(out))
    assert r.code == 0, r.err
    assert os.stat(out).st_ino != first.st_ino  # a new file renamed into place, not rewritten in place
    assert _connect(out).execute("SELECT count(*) FROM areas").fetchone()[0] == len(AREAS)
    assert sorted(os.listdir(tmp_path)) == ["t.db"]


def test_a_failed_write_leaves_the_old_file_and_no_temporary_file(run, tmp_path, monkeypatch):
    out = tmp_path / "t.db"
    assert run("export", "sqlite", str(out), "--areas", AREAS[0].id).code == 0
    before = out.read_bytes()

    def full_disk(*_a: Any, **_k: Any) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", full_disk)
    r = run("export", "sqlite", str(out))
    monkeypatch.undo()
    assert_one_line_error(r)
    assert f"cannot write '{out}'" in r.err and "No space left" in r.err
    assert out.read_bytes() == before
    assert sorted(os.listdir(tmp_path)) == ["t.db"]


def test_missing_folder_is_a_one_line_error_and_nothing_is_written(run, tmp_path):
    r = run("export", "sqlite", str(tmp_path / "nowhere" / "t.db"))
    assert_one_line_error(r, 2)
    assert "does not exist" in r.err
    assert os.listdir(tmp_path) == []
    r = run("export", "sqlite", str(tmp_path))
    assert_one_line_error(r, 2)
    assert "is a folder" in r.err
    assert os.listdir(tmp_path) == []


def test_an_existing_file_that_is_not_a_database_is_refused(run, tmp_path):
    notes = tmp_path / "notes.txt"
    notes.write_text("my own notes\n")
    r = run("export", "sqlite", str(notes))
    assert_one_line_error(r, 2)
    assert "not a SQLite database" in r.err
    assert notes.read_text() == "my own notes\n"
    assert sorted(os.listdir(tmp_path)) == ["notes.txt"]


def test_stdout_when_not_a_terminal(tmp_path):
    done = subprocess.run(
        [sys.executable, "-m", "thresholdkit", "export", "sqlite", "-", "--areas", AREAS[0].id],
        capture_output=True, cwd=tmp_path, timeout=120, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert done.stdout[:16] == export_sqlite.SQLITE_MAGIC
    (tmp_path / "piped.db").write_bytes(done.stdout)
    assert _connect(tmp_path / "piped.db").execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_stdout_refused_on_a_terminal(tmp_path):
    pty = pytest.importorskip("pty")
    leader, follower = pty.openpty()
    try:
        done = subprocess.run(
            [sys.executable, "-m", "thresholdkit", "export", "sqlite", "-"],
            stdout=follower, stderr=subprocess.PIPE, cwd=tmp_path, timeout=120, check=False,
        )  # fmt: skip
    finally:
        os.close(follower)
        os.close(leader)
    assert done.returncode == 2
    lines = done.stderr.decode().strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: a SQLite database is binary")
    assert os.listdir(tmp_path) == []


def test_no_network(tmp_path):
    strace = shutil.which("strace")
    if strace is None:
        pytest.skip("strace not installed")
    log = tmp_path / "strace.txt"
    done = subprocess.run(
        [strace, "-f", "-qq", "-e", "trace=socket,connect,sendto,sendmsg", "-o", str(log),
         sys.executable, "-m", "thresholdkit", "export", "sqlite", "t.db"],
        capture_output=True, text=True, cwd=tmp_path, timeout=300, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "AF_INET" not in log.read_text(errors="replace")
    assert (tmp_path / "t.db").read_bytes()[:16] == export_sqlite.SQLITE_MAGIC


def test_start_up_does_not_import_the_export(tmp_path):
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "thresholdkit", "contacts", "coventry"],
        capture_output=True, text=True, cwd=tmp_path, timeout=120, check=False,
    )  # fmt: skip
    if done.returncode != 0:
        pytest.skip(f"coventry is not usable here: {done.stderr.strip()[-200:]}")
    imported = [line.rsplit("|", 1)[-1].strip() for line in done.stderr.splitlines() if "|" in line]
    assert not [m for m in imported if "export" in m or m.split(".")[0] == "sqlite3"]


# --- datasette (optional: tested when installed, never a dependency) --------------------


def test_datasette_opens_it_as_it_is(db_path):
    datasette_app = pytest.importorskip("datasette.app")

    async def query() -> tuple[Any, ...]:
        ds = datasette_app.Datasette([str(db_path)])
        name = db_path.stem
        found = await ds.client.get(f"/{name}/indicators.json?_search=bruising&_shape=array")
        view = await ds.client.get(f"/{name}/level4_routes.json?_shape=array")
        fts = await ds.get_database(name).fts_table("indicators")
        tables = await ds.client.get(f"/{name}.json")
        return found, view, fts, tables

    found, view, fts, tables = asyncio.run(query())
    assert fts == "indicators_fts"
    assert found.status_code == 200, found.text[:300]
    rows = found.json()
    want = sum(1 for a in AREAS for i in _every(a) if "bruising" in i.text.lower())
    assert len(rows) == want
    if any(a.id == "telford" for a in AREAS):
        assert any(r["area"] == "telford" and r["id"] == "bruising-non-mobile-baby" for r in rows)
    assert view.status_code == 200 and len(view.json()) == sum(
        1 + len(a.pathway()["emergency"]["referral"]) for a in AREAS
    )
    assert tables.status_code == 200

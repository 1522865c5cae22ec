"""``thresholdkit export oruk`` (contacts as Open Referral UK / HSDS 3.0) and ``export csv`` (the
dataset as one CSV per table) (issue 18).

Every expectation is computed from the registry (never a fixed list or number of areas).
"""

from __future__ import annotations

import csv
import json
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from conftest import assert_one_line_error
from jsonschema import Draft202012Validator

from thresholdkit.areas.registry import Registry
from thresholdkit.data.cells import csv_safe
from thresholdkit.render import export_oruk, export_sqlite

REG = Registry.load()
AREAS = REG.usable()
BYDAY = {"mon": "MO", "tue": "TU", "wed": "WE", "thu": "TH", "fri": "FR", "sat": "SA", "sun": "SU"}


def _required(*fields: str, **properties: Any) -> dict[str, Any]:
    return {"type": "object", "required": list(fields), "properties": properties}


_TEXT = {"type": "string", "minLength": 1}
_UUID = {"type": "string", "pattern": "^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"}
# The required fields of the HSDS 3.0 objects written, from the published schema
# (github.com/openreferral/specification, branch 3.0, schema/*.json, "required"):
# service.json: id, name, status (status one of active, inactive, defunct, temporarily closed);
# organization.json: id, name, description; phone.json: id, number; schedule.json: id;
# contact.json: id; url.json: id, url. Ids are "format": "uuid". byday uses RFC 5545 day codes;
# opens_at / closes_at are HH:MM (schedule.json).
ORGANIZATION = _required("id", "name", "description", id=_UUID, name=_TEXT, description=_TEXT)
PHONE = _required("id", "number", id=_UUID, number=_TEXT, service_id=_UUID)
SCHEDULE = _required(
    "id",
    id=_UUID,
    service_id=_UUID,
    freq={"enum": ["WEEKLY", "MONTHLY"]},
    byday={"type": "string", "pattern": "^(MO|TU|WE|TH|FR|SA|SU)(,(MO|TU|WE|TH|FR|SA|SU))*$"},
    opens_at={"type": "string", "pattern": "^([01][0-9]|2[0-3]):[0-5][0-9]$"},
    closes_at={"type": "string", "pattern": "^(([01][0-9]|2[0-3]):[0-5][0-9]|24:00)$"},
    description=_TEXT,
)
SERVICE = _required(
    "id",
    "name",
    "status",
    id=_UUID,
    organization_id=_UUID,
    name=_TEXT,
    status={"enum": ["active", "inactive", "defunct", "temporarily closed"]},
    email=_TEXT,
    url=_TEXT,
    phones={"type": "array", "items": PHONE},
    schedules={"type": "array", "items": SCHEDULE},
    contacts={"type": "array", "items": _required("id", id=_UUID, email=_TEXT)},
    additional_urls={"type": "array", "items": _required("id", "url", id=_UUID, url=_TEXT)},
    organization=ORGANIZATION,
)


@pytest.fixture(scope="module")
def oruk(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[dict[str, Any]], list[dict[str, Any]]]:
    folder = tmp_path_factory.mktemp("oruk") / "out"
    left: list[str] = []
    summary = export_oruk.export(AREAS, str(folder), on_left_out=lambda a, _m: left.append(a))
    assert left == [] and summary["areas"] == sorted(a.id for a in AREAS)
    services = json.loads((folder / "services.json").read_text(encoding="utf-8"))
    organizations = json.loads((folder / "organizations.json").read_text(encoding="utf-8"))
    return folder, services, organizations


def test_every_object_has_the_fields_hsds_requires(oruk):
    _, services, organizations = oruk
    assert services and len(organizations) == len(AREAS)
    for org in organizations:
        Draft202012Validator(ORGANIZATION).validate(org)
    for service in services:
        Draft202012Validator(SERVICE).validate(service)
    ids = [s["id"] for s in services]
    ids += [x["id"] for s in services for key in ("phones", "schedules", "contacts") for x in s.get(key, [])]
    ids += [o["id"] for o in organizations]
    assert len(ids) == len(set(ids))


def _source_words(source: dict[str, Any] | None) -> list[str]:
    return [str(v) for v in (source or {}).values() if v not in (None, "")]


def test_every_contact_is_a_service_verbatim_with_its_source(oruk):
    _, services, organizations = oruk
    by_id = {s["id"]: s for s in services}
    assert len(services) == sum(len(a.contacts()) for a in AREAS)
    orgs = {o["id"]: o for o in organizations}
    for area in AREAS:
        partnership = area.authority["authority"].get("partnership") or area.name
        for c in area.contacts():
            s = by_id[export_oruk.service_id(area.id, c["id"])]
            assert s["name"] == c["name"]
            assert orgs[s["organization_id"]]["name"] == partnership == s["organization"]["name"]
            assert [p["number"] for p in s["phones"]] == [p["number"] for p in c.get("phone") or []]
            emails = [s["email"]] if "email" in s else []
            emails += [x["email"] for x in s.get("contacts", [])]
            assert emails == list(c.get("email") or [])
            urls = [s["url"]] if "url" in s else []
            urls += [x["url"] for x in s.get("additional_urls", [])]
            assert urls == list(c.get("url") or [])
            for word in _source_words(c.get("source")):
                assert word in s["description"]
            for note in c.get("notes") or []:
                assert note["text"] in s["description"]


def test_schedules_follow_the_hours_and_invent_nothing(oruk):
    _, services, _ = oruk
    by_id = {s["id"]: s for s in services}
    for area in AREAS:
        for c in area.contacts():
            schedules = by_id[export_oruk.service_id(area.id, c["id"])]["schedules"]
            hours = c.get("hours")
            if not hours:
                assert schedules == []
                continue
            windows = hours.get("windows") or []
            assert len(schedules) == max(1, len(windows))
            for sch in schedules:
                assert sch["description"].startswith(hours["text"])
                for word in _source_words(hours.get("source")):
                    assert word in sch["description"]
                said = "on bank holidays (thresholdkit's encoding" in sch["description"]
                assert said == (hours.get("bank_holidays") in ("open", "closed"))
                if said:
                    assert ("Open on" if hours["bank_holidays"] == "open" else "Closed on") in sch["description"]
            if not windows:
                assert not {"opens_at", "closes_at", "byday", "freq"} & set(schedules[0])
            for w, sch in zip(windows, schedules if windows else [], strict=True):
                assert (sch["opens_at"], sch["closes_at"]) == (w["start"], w["end"])
                if w["days"]:
                    assert sch["byday"] == ",".join(BYDAY[d] for d in w["days"]) and sch["freq"] == "WEEKLY"
                else:
                    assert "byday" not in sch


def test_cli_oruk_writes_the_folder_and_replaces_its_own(run, tmp_path):
    out = tmp_path / "oruk"
    r = run("export", "oruk", str(out))
    assert r.code == 0, r.err
    assert r.err.startswith(f"Wrote {out}: {len(AREAS)} area{'s' if len(AREAS) != 1 else ''} (")
    assert sorted(os.listdir(out)) == [export_oruk.MARKER, "organizations.json", "services.json"]
    r = run("export", "oruk", str(out), "--areas", AREAS[0].id)
    assert r.code == 0, r.err
    names = {o["name"] for o in json.loads((out / "organizations.json").read_text(encoding="utf-8"))}
    assert len(names) == 1
    assert sorted(os.listdir(tmp_path)) == ["oruk"]  # no temporary folder left


# --- csv --------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def csv_and_db(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    from thresholdkit.render import export_csv

    base = tmp_path_factory.mktemp("csv")
    db_path = base / "t.db"
    export_sqlite.export(AREAS, str(db_path))
    summary = export_csv.export(AREAS, str(base / "csv"))
    assert summary["areas"] == sorted(a.id for a in AREAS)
    return base / "csv", db_path


def _tables(db: sqlite3.Connection) -> list[str]:
    return [r[1] for r in db.execute("PRAGMA main.table_list") if r[2] == "table" and not r[1].startswith("sqlite_")]


def test_one_csv_per_table_with_the_same_columns_and_rows(csv_and_db):
    folder, db_path = csv_and_db
    db = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    tables = _tables(db)
    assert "indicators" in tables and "contacts" in tables
    assert sorted(f for f in os.listdir(folder) if f.endswith(".csv")) == sorted(f"{t}.csv" for t in tables)
    for table in tables:
        with open(folder / f"{table}.csv", encoding="utf-8", newline="") as fh:
            rows = list(csv.reader(fh))
        assert rows[0] == [r[1] for r in db.execute(f'PRAGMA table_info("{table}")')], table
        assert len(rows) - 1 == db.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0], table
    with open(folder / "indicators.csv", encoding="utf-8", newline="") as fh:
        texts = [row["text"] for row in csv.DictReader(fh)]
    assert texts == [csv_safe(r[0]) for r in db.execute("SELECT text FROM indicators ORDER BY rowid")]
    db.close()


def test_cli_csv_writes_the_folder(run, tmp_path):
    out = tmp_path / "csv"
    r = run("export", "csv", str(out), "--areas", AREAS[0].id)
    assert r.code == 0, r.err
    assert r.err.startswith(f"Wrote {out}: 1 area ({AREAS[0].id})")  # not "1 areas"
    with open(out / "areas.csv", encoding="utf-8", newline="") as fh:
        assert [row["id"] for row in csv.DictReader(fh)] == [AREAS[0].id]


# --- both: bad paths --------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["oruk", "csv"])
def test_bad_paths_are_one_line_errors_and_nothing_is_touched(run, tmp_path, kind):
    r = run("export", kind, str(tmp_path / "nowhere" / "out"))
    assert_one_line_error(r, 2)
    assert "does not exist" in r.err
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "notes.txt").write_text("my own notes\n")
    r = run("export", kind, str(mine))
    assert_one_line_error(r, 2)
    assert "not empty" in r.err
    assert os.listdir(mine) == ["notes.txt"]
    r = run("export", kind, str(mine / "notes.txt"))
    assert_one_line_error(r, 2)
    assert (mine / "notes.txt").read_text() == "my own notes\n"
    r = run("export", kind, "-")
    assert_one_line_error(r, 2)
    r = run("export", kind, str(tmp_path / "x"), "--areas", AREAS[0].id + "x")
    assert_one_line_error(r, 2)
    assert "unknown area" in r.err
    assert sorted(os.listdir(tmp_path)) == ["mine"]


def test_one_export_does_not_replace_the_others_folder(run, tmp_path):
    out = tmp_path / "out"
    assert run("export", "oruk", str(out), "--areas", AREAS[0].id).code == 0
    r = run("export", "csv", str(out))
    assert_one_line_error(r, 2)
    assert sorted(os.listdir(out)) == [export_oruk.MARKER, "organizations.json", "services.json"]


@pytest.mark.parametrize("kind", ["oruk", "csv"])
def test_no_network(tmp_path, kind):
    strace = shutil.which("strace")
    if strace is None:
        pytest.skip("strace not installed")
    log = tmp_path / "strace.txt"
    done = subprocess.run(
        [strace, "-f", "-qq", "-e", "trace=socket,connect,sendto,sendmsg", "-o", str(log),
         sys.executable, "-m", "thresholdkit", "export", kind, "out"],
        capture_output=True, text=True, cwd=tmp_path, timeout=300, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "AF_INET" not in log.read_text(errors="replace")

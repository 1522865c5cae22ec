"""The threshold dataset: every usable area in one SQLite database (``thresholdkit export sqlite``).

Analysts query it with ``sqlite3``, datasette or any SQL tool, without Python. It holds the same
data the library gives, table by table: every quoted text verbatim, each with its source
reference in the four columns ``source_section``, ``source_table``, ``source_heading`` and
``source_page`` (NULL where the data gives none). The schema is :data:`SCHEMA` below; the README
section "The threshold dataset (SQLite)" describes it.

The database is built in memory with the standard library's :mod:`sqlite3` (foreign keys
enforced while it is built), serialised, and written through :class:`~thresholdkit.data.atomic.SafeOutput`,
so the target is replaced in one step and no temporary file is ever left beside it. Nothing is
fetched: no network.

This module is in ``render``: it is an output format of the library's data (areas, the
vocabulary), like the site and the handouts; only the CLI sits above it.
"""

from __future__ import annotations

import datetime as _dt
import json
import os
import sqlite3
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from thresholdkit.areas.registry import Area
    from thresholdkit.data.atomic import SafeOutput

__all__ = [
    "SCHEMA",
    "SCHEMA_VERSION",
    "SQLITE_MAGIC",
    "VERBATIM",
    "build",
    "database_bytes",
    "export",
    "generated_at",
    "target",
]

#: Bumped whenever a table, column or view changes meaning; also ``PRAGMA user_version``.
SCHEMA_VERSION = 1
#: The first 16 bytes of every SQLite database file.
SQLITE_MAGIC = b"SQLite format 3\x00"
#: What the ``metadata`` table says about the wording.
VERBATIM = (
    "Every text in this database that a document prints (indicators, level definitions, pathway "
    "steps, timescales, contacts' notes and hours, consent rules, errata, guidance, glossary) is "
    "quoted verbatim from that area's threshold document, and each keeps its source reference "
    "(source_section, source_table, source_heading, source_page). Ids, levels, domains, roles, "
    "decisions, conditions and concept tags are thresholdkit's encoding of the document, not "
    "its wording."
)

_SRC = "source_section TEXT, source_table TEXT, source_heading TEXT, source_page TEXT"
_ONE_OF = "CHECK ((level IS NULL) <> (procedure IS NULL))"

#: The tables and views, in creation order. Every foreign key is declared.
SCHEMA = f"""
CREATE TABLE metadata (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL
);
CREATE TABLE areas (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  partnership TEXT,
  plugin_distribution TEXT,
  plugin_version TEXT,
  review_warning TEXT
);
CREATE TABLE documents (
  area TEXT PRIMARY KEY REFERENCES areas(id),
  title TEXT NOT NULL,
  subtitle TEXT,
  version TEXT,
  date TEXT,
  date_iso TEXT,
  review_due TEXT,
  review_due_iso TEXT,
  url TEXT,
  source_file TEXT
);
CREATE TABLE document_changes (
  area TEXT NOT NULL REFERENCES documents(area),
  position INTEGER NOT NULL,
  text TEXT NOT NULL, {_SRC},
  PRIMARY KEY (area, position)
);
CREATE TABLE document_notes (
  area TEXT NOT NULL REFERENCES documents(area),
  position INTEGER NOT NULL,
  about TEXT,
  text TEXT NOT NULL,
  PRIMARY KEY (area, position)
);
CREATE TABLE levels (
  area TEXT NOT NULL REFERENCES areas(id),
  level INTEGER NOT NULL CHECK (level BETWEEN 1 AND 4),
  name TEXT NOT NULL,
  label TEXT NOT NULL,
  definition TEXT NOT NULL,
  summary TEXT,
  PRIMARY KEY (area, level)
);
CREATE TABLE level_texts (
  area TEXT NOT NULL,
  level INTEGER NOT NULL,
  part TEXT NOT NULL CHECK (part IN ('definition', 'summary', 'detail')),
  label TEXT,
  position INTEGER NOT NULL,
  text TEXT NOT NULL, {_SRC},
  PRIMARY KEY (area, level, part, position),
  FOREIGN KEY (area, level) REFERENCES levels(area, level)
);
CREATE TABLE concepts (
  id TEXT PRIMARY KEY,
  label TEXT NOT NULL,
  subject TEXT,
  census_collection TEXT
);
CREATE TABLE concept_cin_codes (
  concept TEXT NOT NULL REFERENCES concepts(id),
  code TEXT NOT NULL,
  position INTEGER NOT NULL,
  PRIMARY KEY (concept, code)
);
CREATE TABLE dimensions (
  id TEXT PRIMARY KEY,
  label TEXT NOT NULL,
  domain TEXT
);
CREATE TABLE indicator_sets (
  area TEXT NOT NULL REFERENCES areas(id),
  id TEXT NOT NULL,
  position INTEGER NOT NULL,
  title TEXT NOT NULL,
  description TEXT,
  published INTEGER NOT NULL CHECK (published IN (0, 1)),
  levels TEXT, {_SRC},
  PRIMARY KEY (area, id)
);
CREATE TABLE indicator_set_not_published (
  area TEXT NOT NULL,
  set_id TEXT NOT NULL,
  position INTEGER NOT NULL,
  text TEXT NOT NULL, {_SRC},
  PRIMARY KEY (area, set_id, position),
  FOREIGN KEY (area, set_id) REFERENCES indicator_sets(area, id)
);
CREATE TABLE indicators (
  pk INTEGER PRIMARY KEY,
  area TEXT NOT NULL,
  set_id TEXT NOT NULL,
  id TEXT NOT NULL,
  ref TEXT NOT NULL,
  position INTEGER NOT NULL,
  level INTEGER NOT NULL,
  domain TEXT NOT NULL,
  domain_label TEXT NOT NULL,
  subdomain TEXT,
  text TEXT NOT NULL, {_SRC},
  note TEXT,
  domain_uncertain INTEGER NOT NULL CHECK (domain_uncertain IN (0, 1)),
  see_set TEXT,
  condition_use TEXT,
  conditions TEXT,
  escalation TEXT,
  UNIQUE (area, set_id, id),
  FOREIGN KEY (area, set_id) REFERENCES indicator_sets(area, id),
  FOREIGN KEY (area, level) REFERENCES levels(area, level),
  FOREIGN KEY (area, see_set) REFERENCES indicator_sets(area, id)
);
CREATE VIRTUAL TABLE indicators_fts USING fts5(
  text, content="indicators", content_rowid="pk", tokenize="porter unicode61"
);
CREATE TABLE indicator_concepts (
  indicator INTEGER NOT NULL REFERENCES indicators(pk),
  concept TEXT NOT NULL REFERENCES concepts(id),
  PRIMARY KEY (indicator, concept)
);
CREATE TABLE indicator_dimensions (
  indicator INTEGER NOT NULL REFERENCES indicators(pk),
  dimension TEXT NOT NULL REFERENCES dimensions(id),
  PRIMARY KEY (indicator, dimension)
);
CREATE TABLE contacts (
  area TEXT NOT NULL REFERENCES areas(id),
  id TEXT NOT NULL,
  position INTEGER NOT NULL,
  name TEXT NOT NULL,
  role TEXT NOT NULL,
  kind TEXT,
  district TEXT,
  email TEXT,
  url TEXT,
  hours_text TEXT,
  hours_source_section TEXT, hours_source_table TEXT, hours_source_heading TEXT, hours_source_page TEXT,
  hours_complement_of TEXT,
  hours_bank_holidays TEXT,
  data_note TEXT, {_SRC},
  PRIMARY KEY (area, id),
  FOREIGN KEY (area, hours_complement_of) REFERENCES contacts(area, id)
);
CREATE TABLE contact_phones (
  area TEXT NOT NULL,
  contact TEXT NOT NULL,
  position INTEGER NOT NULL,
  number TEXT NOT NULL,
  label TEXT,
  PRIMARY KEY (area, contact, position),
  FOREIGN KEY (area, contact) REFERENCES contacts(area, id)
);
CREATE TABLE contact_options (
  area TEXT NOT NULL,
  contact TEXT NOT NULL,
  position INTEGER NOT NULL,
  option TEXT NOT NULL,
  text TEXT NOT NULL,
  PRIMARY KEY (area, contact, position),
  FOREIGN KEY (area, contact) REFERENCES contacts(area, id)
);
CREATE TABLE contact_hours_windows (
  area TEXT NOT NULL,
  contact TEXT NOT NULL,
  position INTEGER NOT NULL,
  days TEXT,
  start_time TEXT NOT NULL,
  end_time TEXT NOT NULL,
  PRIMARY KEY (area, contact, position),
  FOREIGN KEY (area, contact) REFERENCES contacts(area, id)
);
CREATE TABLE contact_notes (
  area TEXT NOT NULL,
  contact TEXT NOT NULL,
  position INTEGER NOT NULL,
  text TEXT NOT NULL, {_SRC},
  PRIMARY KEY (area, contact, position),
  FOREIGN KEY (area, contact) REFERENCES contacts(area, id)
);
CREATE TABLE level_pathways (
  area TEXT NOT NULL,
  level INTEGER NOT NULL,
  note TEXT,
  PRIMARY KEY (area, level),
  FOREIGN KEY (area, level) REFERENCES levels(area, level)
);
CREATE TABLE procedures (
  area TEXT NOT NULL REFERENCES areas(id),
  id TEXT NOT NULL,
  position INTEGER NOT NULL,
  kind TEXT NOT NULL,
  title TEXT NOT NULL,
  levels TEXT,
  PRIMARY KEY (area, id)
);
CREATE TABLE procedure_levels (
  area TEXT NOT NULL,
  procedure TEXT NOT NULL,
  level INTEGER NOT NULL,
  PRIMARY KEY (area, procedure, level),
  FOREIGN KEY (area, procedure) REFERENCES procedures(area, id),
  FOREIGN KEY (area, level) REFERENCES levels(area, level)
);
CREATE TABLE pathway_steps (
  pk INTEGER PRIMARY KEY,
  area TEXT NOT NULL,
  level INTEGER,
  procedure TEXT,
  part TEXT NOT NULL CHECK (part IN ('response', 'lead', 'step')),
  position INTEGER NOT NULL,
  text TEXT NOT NULL, {_SRC},
  {_ONE_OF},
  FOREIGN KEY (area, level) REFERENCES level_pathways(area, level),
  FOREIGN KEY (area, procedure) REFERENCES procedures(area, id)
);
CREATE TABLE pathway_timescales (
  pk INTEGER PRIMARY KEY,
  area TEXT NOT NULL,
  level INTEGER,
  procedure TEXT,
  position INTEGER NOT NULL,
  quantity REAL NOT NULL,
  quantity_max REAL,
  unit TEXT NOT NULL,
  applies_to TEXT NOT NULL,
  text TEXT NOT NULL, {_SRC},
  {_ONE_OF},
  FOREIGN KEY (area, level) REFERENCES level_pathways(area, level),
  FOREIGN KEY (area, procedure) REFERENCES procedures(area, id)
);
CREATE TABLE pathway_forms (
  pk INTEGER PRIMARY KEY,
  area TEXT NOT NULL,
  level INTEGER,
  procedure TEXT,
  position INTEGER NOT NULL,
  form_id TEXT,
  name TEXT NOT NULL,
  text TEXT,
  url TEXT, {_SRC},
  {_ONE_OF},
  FOREIGN KEY (area, level) REFERENCES level_pathways(area, level),
  FOREIGN KEY (area, procedure) REFERENCES procedures(area, id)
);
CREATE TABLE pathway_contacts (
  pk INTEGER PRIMARY KEY,
  area TEXT NOT NULL,
  level INTEGER,
  procedure TEXT,
  position INTEGER NOT NULL,
  contact TEXT NOT NULL,
  {_ONE_OF},
  FOREIGN KEY (area, level) REFERENCES level_pathways(area, level),
  FOREIGN KEY (area, procedure) REFERENCES procedures(area, id),
  FOREIGN KEY (area, contact) REFERENCES contacts(area, id)
);
CREATE TABLE emergency_routes (
  area TEXT NOT NULL REFERENCES areas(id),
  position INTEGER NOT NULL,
  role TEXT NOT NULL CHECK (role IN ('police', 'referral')),
  contact TEXT NOT NULL,
  PRIMARY KEY (area, position),
  FOREIGN KEY (area, contact) REFERENCES contacts(area, id)
);
CREATE TABLE emergency_statements (
  area TEXT NOT NULL REFERENCES areas(id),
  position INTEGER NOT NULL,
  text TEXT NOT NULL, {_SRC},
  PRIMARY KEY (area, position)
);
CREATE TABLE consent_rules (
  area TEXT NOT NULL REFERENCES areas(id),
  id TEXT NOT NULL,
  position INTEGER NOT NULL,
  decision TEXT NOT NULL,
  text TEXT NOT NULL, {_SRC},
  when_conditions TEXT NOT NULL,
  PRIMARY KEY (area, id)
);
CREATE TABLE consent_quotes (
  pk INTEGER PRIMARY KEY,
  area TEXT NOT NULL REFERENCES areas(id),
  rule TEXT,
  part TEXT NOT NULL CHECK (part IN ('inform', 'record', 'note')),
  position INTEGER NOT NULL,
  text TEXT NOT NULL, {_SRC},
  FOREIGN KEY (area, rule) REFERENCES consent_rules(area, id)
);
CREATE TABLE consent_exceptions (
  pk INTEGER PRIMARY KEY,
  area TEXT NOT NULL REFERENCES areas(id),
  rule TEXT,
  quote INTEGER REFERENCES consent_quotes(pk),
  lead TEXT,
  position INTEGER NOT NULL,
  text TEXT NOT NULL, {_SRC},
  FOREIGN KEY (area, rule) REFERENCES consent_rules(area, id)
);
CREATE TABLE errata (
  area TEXT NOT NULL REFERENCES areas(id),
  id TEXT NOT NULL,
  subject TEXT NOT NULL,
  used TEXT NOT NULL,
  reason TEXT,
  PRIMARY KEY (area, id)
);
CREATE TABLE errata_variants (
  area TEXT NOT NULL,
  erratum TEXT NOT NULL,
  position INTEGER NOT NULL,
  text TEXT NOT NULL, {_SRC},
  PRIMARY KEY (area, erratum, position),
  FOREIGN KEY (area, erratum) REFERENCES errata(area, id)
);
CREATE TABLE guidance (
  area TEXT NOT NULL REFERENCES areas(id),
  id TEXT NOT NULL,
  position INTEGER NOT NULL,
  kind TEXT NOT NULL,
  title TEXT NOT NULL,
  levels TEXT,
  show_with_assess INTEGER NOT NULL CHECK (show_with_assess IN (0, 1)),
  PRIMARY KEY (area, id)
);
CREATE TABLE guidance_items (
  area TEXT NOT NULL,
  guidance TEXT NOT NULL,
  position INTEGER NOT NULL,
  text TEXT NOT NULL, {_SRC},
  PRIMARY KEY (area, guidance, position),
  FOREIGN KEY (area, guidance) REFERENCES guidance(area, id)
);
CREATE TABLE glossary (
  area TEXT NOT NULL REFERENCES areas(id),
  position INTEGER NOT NULL,
  term TEXT NOT NULL,
  definition TEXT NOT NULL, {_SRC},
  PRIMARY KEY (area, position)
);
CREATE INDEX indicators_by_level ON indicators(area, level);
CREATE INDEX indicator_concepts_by_concept ON indicator_concepts(concept);
CREATE VIEW indicators_full AS
  SELECT i.pk, i.area, a.name AS area_name, i.set_id, s.title AS set_title, i.id, i.ref,
         i.level, l.name AS level_name, l.label AS level_label, i.domain, i.domain_label,
         i.subdomain, i.text, i.source_section, i.source_table, i.source_heading, i.source_page,
         i.note, i.domain_uncertain, i.see_set
  FROM indicators AS i
  JOIN areas AS a ON a.id = i.area
  JOIN indicator_sets AS s ON s.area = i.area AND s.id = i.set_id
  LEFT JOIN levels AS l ON l.area = i.area AND l.level = i.level;
CREATE VIEW indicator_levels_by_concept AS
  SELECT c.id AS concept, c.label AS concept_label, i.area, a.name AS area_name,
         MIN(i.level) AS min_level, MAX(i.level) AS max_level, COUNT(*) AS indicators
  FROM indicator_concepts AS ic
  JOIN concepts AS c ON c.id = ic.concept
  JOIN indicators AS i ON i.pk = ic.indicator
  JOIN areas AS a ON a.id = i.area
  GROUP BY c.id, i.area;
CREATE VIEW level4_routes AS
  SELECT e.area, a.name AS area_name, e.position, e.role, e.contact, c.name AS contact_name,
         (SELECT group_concat(number, '; ') FROM
            (SELECT p.number FROM contact_phones AS p
             WHERE p.area = e.area AND p.contact = e.contact ORDER BY p.position)) AS phones,
         c.hours_text
  FROM emergency_routes AS e
  JOIN areas AS a ON a.id = e.area
  JOIN contacts AS c ON c.area = e.area AND c.id = e.contact;
CREATE VIEW procedure_steps AS
  SELECT s.area, p.kind, p.id AS procedure, p.title, p.levels, s.position, s.text,
         s.source_section, s.source_table, s.source_heading, s.source_page
  FROM pathway_steps AS s
  JOIN procedures AS p ON p.area = s.area AND p.id = s.procedure;
"""


def generated_at() -> _dt.datetime:
    """Now (UTC), or the time of ``SOURCE_DATE_EPOCH`` when set (reproducible output)."""
    from thresholdkit.model.errors import UsageError

    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if not epoch:
        return _dt.datetime.now(_dt.UTC).replace(microsecond=0)
    try:
        return _dt.datetime.fromtimestamp(int(epoch), tz=_dt.UTC)
    except (ValueError, OverflowError, OSError):
        raise UsageError(
            f"SOURCE_DATE_EPOCH={epoch[:30]!r} is not a time thresholdkit can use: give seconds since "
            "1970-01-01 UTC, such as 1767225600, or unset it"
        ) from None


def _src(source: Mapping[str, Any] | None) -> tuple[Any, Any, Any, Any]:
    s = source or {}
    page = s.get("page")
    return s.get("section"), s.get("table"), s.get("heading"), None if page is None else str(page)


def _levels_text(levels: Sequence[int] | None) -> str | None:
    return None if not levels else ",".join(str(n) for n in levels)


def _json(value: Any) -> str | None:
    if value is None or value == [] or value == {}:
        return None
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def _codes(value: Any) -> list[str]:
    """A concept's census codes: a list, a single string (the older shape), or none."""
    if value is None:
        return []
    if isinstance(value, str):
        return [value] if value.strip() else []
    return [str(v) for v in value]


def _exceptions(value: Any) -> tuple[str | None, list[Mapping[str, Any]]]:
    """A rule's or quote's exceptions: ``{lead, items}``, or a plain list of quotes."""
    if not value:
        return None, []
    if isinstance(value, Mapping):
        return value.get("lead"), list(value.get("items") or [])
    return None, list(value)


def _vocabulary(db: sqlite3.Connection) -> tuple[set[str], set[str]]:
    from thresholdkit.data import vocabulary

    data = vocabulary.load()
    collection = (data.get("census") or {}).get("collection")
    for c in data["concepts"]:
        codes = _codes(c.get("cin_code"))
        db.execute(
            "INSERT INTO concepts VALUES (?, ?, ?, ?)",
            (c["id"], c["label"], c.get("subject"), collection if codes else None),
        )
        db.executemany(
            "INSERT OR IGNORE INTO concept_cin_codes VALUES (?, ?, ?)",
            [(c["id"], code, n) for n, code in enumerate(codes, 1)],
        )
    for d in data.get("dimensions") or []:
        db.execute("INSERT INTO dimensions VALUES (?, ?, ?)", (d["id"], d["label"], d.get("domain")))
    return {c["id"] for c in data["concepts"]}, {d["id"] for d in data.get("dimensions") or []}


def _quotes(db: sqlite3.Connection, sql: str, key: tuple[Any, ...], quotes: Iterable[Mapping[str, Any]]) -> None:
    """Insert verbatim quotes as ``key + (position, text, *source)`` rows."""
    db.executemany(sql, [(*key, n, q["text"], *_src(q.get("source"))) for n, q in enumerate(quotes, 1)])


def _area(db: sqlite3.Connection, area: Area, concepts: set[str], dimensions: set[str]) -> int:
    """Insert one area; the number of indicators inserted."""
    from thresholdkit.model.errors import NotPublishedError

    a = area.id
    auth = area.authority
    db.execute(
        "INSERT INTO areas VALUES (?, ?, ?, ?, ?, ?)",
        (a, area.name, auth["authority"].get("partnership"), area.record.dist, area.record.version,
         area.review_warning()),
    )  # fmt: skip
    doc: Mapping[str, Any] = area.document
    db.execute(
        "INSERT INTO documents VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (a, doc["title"], doc.get("subtitle"), doc.get("version"), doc.get("date"), doc.get("date_iso"),
         doc.get("review_due"), doc.get("review_due_iso"), doc.get("url"), doc.get("source_file")),
    )  # fmt: skip
    _quotes(db, "INSERT INTO document_changes VALUES (?, ?, ?, ?, ?, ?, ?)", (a,), doc.get("changes") or [])
    db.executemany(
        "INSERT INTO document_notes VALUES (?, ?, ?, ?)",
        [(a, n, note.get("about"), note["text"]) for n, note in enumerate(doc.get("notes") or [], 1)],
    )

    level_numbers = []
    for lv in area.levels():
        n = lv["level"]
        level_numbers.append(n)
        summary = lv.get("summary")
        db.execute(
            "INSERT INTO levels VALUES (?, ?, ?, ?, ?, ?)",
            (a, n, lv["name"], lv["label"], "\n".join(q["text"] for q in lv["definition"]),
             summary["text"] if summary else None),
        )  # fmt: skip
        sql = "INSERT INTO level_texts VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
        _quotes(db, sql, (a, n, "definition", None), lv["definition"])
        if summary:
            _quotes(db, sql, (a, n, "summary", None), [summary])
        rows = [(d["label"], q) for d in lv.get("details") or [] for q in d["items"]]
        db.executemany(
            sql, [(a, n, "detail", label, i, q["text"], *_src(q.get("source"))) for i, (label, q) in enumerate(rows, 1)]
        )

    count = 0
    for pos, s in enumerate(area.indicator_sets(), 1):
        db.execute(
            "INSERT INTO indicator_sets VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (a, s["id"], pos, s["title"], s.get("description"), int(bool(s["published"])),
             _levels_text(s.get("levels")), *_src(s.get("source"))),
        )  # fmt: skip
        _quotes(
            db, "INSERT INTO indicator_set_not_published VALUES (?, ?, ?, ?, ?, ?, ?, ?)", (a, s["id"]),
            s.get("not_published") or [],
        )  # fmt: skip
    for s in area.indicator_sets():
        try:
            items = area.indicators(s["id"])
        except NotPublishedError:
            continue
        for pos, ind in enumerate(items, 1):
            cur = db.execute(
                "INSERT INTO indicators (area, set_id, id, ref, position, level, domain, domain_label, subdomain,"
                " text, source_section, source_table, source_heading, source_page, note, domain_uncertain,"
                " see_set, condition_use, conditions, escalation)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (a, ind.set, ind.id, ind.ref, pos, ind.level, ind.domain, ind.domain_label, ind.subdomain,
                 ind.text, *_src(ind.source), ind.note, int(ind.domain_uncertain), ind.see_set,
                 ind.condition_use if ind.conditions else None, _json(list(ind.conditions)),
                 _json(ind.escalation)),
            )  # fmt: skip
            pk = cur.lastrowid
            for tag in dict.fromkeys(ind.concepts):
                if tag not in concepts:  # the checks allow only vocabulary tags; never lose one
                    db.execute("INSERT INTO concepts VALUES (?, ?, NULL, NULL)", (tag, tag))
                    concepts.add(tag)
                db.execute("INSERT INTO indicator_concepts VALUES (?, ?)", (pk, tag))
            for d in dict.fromkeys(ind.dimensions):
                if d not in dimensions:
                    db.execute("INSERT INTO dimensions VALUES (?, ?, NULL)", (d, d))
                    dimensions.add(d)
                db.execute("INSERT INTO indicator_dimensions VALUES (?, ?)", (pk, d))
            count += 1

    contacts = area.contacts()
    for pos, c in enumerate(contacts, 1):
        hours: Mapping[str, Any] = c.get("hours") or {}
        db.execute(
            "INSERT INTO contacts VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (a, c["id"], pos, c["name"], c["role"], c.get("kind"), c.get("district"),
             "; ".join(c.get("email") or []) or None, "; ".join(c.get("url") or []) or None,
             hours.get("text"), *(_src(hours.get("source")) if hours else (None,) * 4), None,
             hours.get("bank_holidays"), c.get("data_note"), *_src(c.get("source"))),
        )  # fmt: skip
    for c in contacts:  # after every contact, so that a complement may name a later one
        cid = c["id"]
        hours = c.get("hours") or {}
        if hours.get("complement_of"):
            db.execute(
                "UPDATE contacts SET hours_complement_of = ? WHERE area = ? AND id = ?",
                (hours["complement_of"], a, cid),
            )
        db.executemany(
            "INSERT INTO contact_phones VALUES (?, ?, ?, ?, ?)",
            [(a, cid, n, p["number"], p.get("label")) for n, p in enumerate(c.get("phone") or [], 1)],
        )
        db.executemany(
            "INSERT INTO contact_options VALUES (?, ?, ?, ?, ?)",
            [(a, cid, n, o["option"], o["text"]) for n, o in enumerate(c.get("options") or [], 1)],
        )
        db.executemany(
            "INSERT INTO contact_hours_windows VALUES (?, ?, ?, ?, ?, ?)",
            [
                (a, cid, n, None if w.get("days") is None else ",".join(w["days"]), w["start"], w["end"])
                for n, w in enumerate(hours.get("windows") or [], 1)
            ],
        )
        _quotes(db, "INSERT INTO contact_notes VALUES (?, ?, ?, ?, ?, ?, ?, ?)", (a, cid), c.get("notes") or [])

    pathway = area.pathway()
    for lp in pathway.get("levels", []):
        db.execute("INSERT INTO level_pathways VALUES (?, ?, ?)", (a, lp["level"], lp.get("note")))
        _pathway_parts(db, a, lp, level=lp["level"], procedure=None)
    for pos, p in enumerate(pathway.get("procedures", []), 1):
        db.execute(
            "INSERT INTO procedures VALUES (?, ?, ?, ?, ?, ?)",
            (a, p["id"], pos, p["kind"], p["title"], _levels_text(p.get("levels"))),
        )
        db.executemany(
            "INSERT INTO procedure_levels VALUES (?, ?, ?)",
            [(a, p["id"], n) for n in sorted(set(p.get("levels") or level_numbers))],
        )
        _pathway_parts(db, a, p, level=None, procedure=p["id"])
    emergency: Mapping[str, Any] = pathway["emergency"]
    route = [("police", emergency["police"])] + [("referral", r) for r in emergency.get("referral") or []]
    db.executemany(
        "INSERT INTO emergency_routes VALUES (?, ?, ?, ?)",
        [(a, n, role, cid) for n, (role, cid) in enumerate(route, 1)],
    )
    _quotes(db, "INSERT INTO emergency_statements VALUES (?, ?, ?, ?, ?, ?, ?)", (a,), emergency.get("statement") or [])

    consent: Mapping[str, Any] = area.consent_rules()
    for pos, r in enumerate(consent.get("rules") or [], 1):
        db.execute(
            "INSERT INTO consent_rules VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (a, r["id"], pos, r["decision"], r["text"], *_src(r.get("source")),
             json.dumps(r.get("when") or {}, ensure_ascii=False, sort_keys=True)),
        )  # fmt: skip
        _consent_exceptions(db, a, r["id"], None, r.get("exceptions"))
        for part in ("inform", "record"):
            _consent_quotes(db, a, r["id"], part, r.get(part) or [])
    _consent_quotes(db, a, None, "note", consent.get("notes") or [])

    for e in auth.get("errata") or []:
        db.execute("INSERT INTO errata VALUES (?, ?, ?, ?, ?)", (a, e["id"], e["subject"], e["used"], e.get("reason")))
        _quotes(db, "INSERT INTO errata_variants VALUES (?, ?, ?, ?, ?, ?, ?, ?)", (a, e["id"]), e["variants"])
    for pos, g in enumerate(area.guidance(), 1):
        db.execute(
            "INSERT INTO guidance VALUES (?, ?, ?, ?, ?, ?, ?)",
            (
                a,
                g["id"],
                pos,
                g["kind"],
                g["title"],
                _levels_text(g.get("levels")),
                int(bool(g.get("show_with_assess"))),
            ),
        )
        _quotes(db, "INSERT INTO guidance_items VALUES (?, ?, ?, ?, ?, ?, ?, ?)", (a, g["id"]), g["items"])
    db.executemany(
        "INSERT INTO glossary VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        [
            (a, n, t["term"], t["definition"], *_src(t.get("source")))
            for n, t in enumerate(auth.get("glossary") or [], 1)
        ],
    )
    return count


def _pathway_parts(
    db: sqlite3.Connection, a: str, part: Mapping[str, Any], *, level: int | None, procedure: str | None
) -> None:
    """A level pathway's or a procedure's steps, timescales, forms and contacts."""
    steps = [("response", q) for q in part.get("response") or []]
    steps += [("lead", q) for q in part.get("lead") or []]
    steps += [("step", q) for q in part.get("steps") or []]
    numbered: dict[str, int] = {}
    rows = []
    for kind, q in steps:
        numbered[kind] = numbered.get(kind, 0) + 1
        rows.append((a, level, procedure, kind, numbered[kind], q["text"], *_src(q.get("source"))))
    db.executemany(
        "INSERT INTO pathway_steps (area, level, procedure, part, position, text, source_section, source_table,"
        " source_heading, source_page) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        rows,
    )
    db.executemany(
        "INSERT INTO pathway_timescales (area, level, procedure, position, quantity, quantity_max, unit, applies_to,"
        " text, source_section, source_table, source_heading, source_page)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            (a, level, procedure, n, t["quantity"], t.get("quantity_max"), t["unit"], t["applies_to"], t["text"],
             *_src(t.get("source")))
            for n, t in enumerate(part.get("timescales") or [], 1)
        ],
    )  # fmt: skip
    db.executemany(
        "INSERT INTO pathway_forms (area, level, procedure, position, form_id, name, text, url, source_section,"
        " source_table, source_heading, source_page) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            (a, level, procedure, n, f.get("id"), f["name"], f.get("text"), f.get("url"), *_src(f.get("source")))
            for n, f in enumerate(part.get("forms") or [], 1)
        ],
    )
    db.executemany(
        "INSERT INTO pathway_contacts (area, level, procedure, position, contact) VALUES (?, ?, ?, ?, ?)",
        [(a, level, procedure, n, cid) for n, cid in enumerate(part.get("contacts") or [], 1)],
    )


def _consent_quotes(
    db: sqlite3.Connection, a: str, rule: str | None, part: str, quotes: Iterable[Mapping[str, Any]]
) -> None:
    for n, q in enumerate(quotes, 1):
        cur = db.execute(
            "INSERT INTO consent_quotes (area, rule, part, position, text, source_section, source_table,"
            " source_heading, source_page) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (a, rule, part, n, q["text"], *_src(q.get("source"))),
        )
        _consent_exceptions(db, a, rule, cur.lastrowid, q.get("exceptions"))


def _consent_exceptions(db: sqlite3.Connection, a: str, rule: str | None, quote: int | None, value: Any) -> None:
    lead, items = _exceptions(value)
    db.executemany(
        "INSERT INTO consent_exceptions (area, rule, quote, lead, position, text, source_section, source_table,"
        " source_heading, source_page) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [(a, rule, quote, lead, n, q["text"], *_src(q.get("source"))) for n, q in enumerate(items, 1)],
    )


def build(
    areas: Sequence[Area],
    *,
    generated: _dt.datetime | None = None,
    on_left_out: Callable[[str, str], None] | None = None,
) -> sqlite3.Connection:
    """The dataset of ``areas`` as an in-memory database (foreign keys on, checked).

    An area whose data the database refuses (a reference to a contact or set it does not have)
    is left out whole, and ``on_left_out(area id, reason)`` is told; the others are kept.
    """
    from thresholdkit import __version__
    from thresholdkit.data import vocabulary
    from thresholdkit.model.objects import DISCLAIMER

    when = generated or generated_at()
    db = sqlite3.connect(":memory:", isolation_level=None)
    db.execute("PRAGMA foreign_keys = ON")
    db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
    db.executescript(SCHEMA)
    db.execute("BEGIN")
    concepts, dimensions = _vocabulary(db)
    included, left_out, indicators = [], [], 0
    for area in sorted(areas, key=lambda ar: ar.id):
        db.execute("SAVEPOINT area")
        try:
            indicators += _area(db, area, concepts, dimensions)
        except (sqlite3.Error, KeyError, TypeError, ValueError) as exc:
            db.execute("ROLLBACK TO area")
            db.execute("RELEASE area")
            reason = f"area '{area.id}' was left out of the database: its data does not fit ({exc})"
            left_out.append(area.id)
            if on_left_out is not None:
                on_left_out(area.id, reason)
            continue
        db.execute("RELEASE area")
        included.append(area.id)
    db.execute("INSERT INTO indicators_fts(indicators_fts) VALUES ('rebuild')")
    census = vocabulary.load().get("census") or {}
    meta = {
        "title": "The threshold dataset: English safeguarding threshold documents (levels of need)",
        "thresholdkit_version": __version__,
        "schema_version": str(SCHEMA_VERSION),
        "generated": when.astimezone(_dt.UTC).isoformat().replace("+00:00", "Z"),
        "disclaimer": DISCLAIMER,
        "verbatim": VERBATIM,
        "areas": ",".join(included),
        "left_out": ",".join(left_out),
        "indicators": str(indicators),
        "census_collection": census.get("collection") or "",
        "census_guide": census.get("guide") or "",
        "census_reading": " ".join(str(census.get("reading") or "").split()),
        "foreign_keys": "Declared on every reference; run PRAGMA foreign_keys = ON in your own connection "
        "to have SQLite enforce them on changes.",
        "search": "indicators_fts is an FTS5 index of indicators.text (porter stemming): "
        "SELECT ... FROM indicators_fts JOIN indicators ON indicators.pk = indicators_fts.rowid "
        "WHERE indicators_fts MATCH 'word'.",
    }
    db.executemany("INSERT INTO metadata VALUES (?, ?)", sorted(meta.items()))
    db.execute("COMMIT")
    problems = db.execute("PRAGMA foreign_key_check").fetchall()
    if problems:  # cannot happen with foreign keys on; a guard, never a half-right file
        from thresholdkit.model.errors import DataError

        raise DataError(f"the database breaks its own foreign keys: {problems[:3]}")
    return db


def database_bytes(areas: Sequence[Area], **kwargs: Any) -> bytes:
    """The dataset as the bytes of a SQLite database file (see :func:`build`)."""
    db = build(areas, **kwargs)
    try:
        db.execute("VACUUM")
        return bytes(db.serialize())
    finally:
        db.close()


def target(path: str) -> SafeOutput:
    """The checked destination ``path`` (``-`` is standard output), before any work is done.

    A folder that does not exist, a folder given as the file, and an existing non-empty file
    that is not a SQLite database (someone's own file) are each a one-line UsageError.
    """
    from thresholdkit.data.atomic import SafeOutput
    from thresholdkit.model.errors import UsageError

    out = SafeOutput(path)
    if out.kind == "file" and os.path.exists(out.target) and os.path.getsize(out.target) > 0:
        with open(out.target, "rb") as fh:
            head = fh.read(len(SQLITE_MAGIC))
        if head != SQLITE_MAGIC:
            raise UsageError(
                f"'{path}' exists and is not a SQLite database; thresholdkit replaces only a database "
                "it can overwrite safely: give a new file name"
            )
    return out


def export(
    areas: Sequence[Area],
    path: str | SafeOutput,
    *,
    generated: _dt.datetime | None = None,
    on_left_out: Callable[[str, str], None] | None = None,
) -> dict[str, Any]:
    """Write the dataset of ``areas`` to ``path`` in one step; a summary of what it holds.

    ``path`` is checked first (see :func:`target`; give its result to check before loading
    areas). ``-`` is standard output. An existing database is replaced atomically, and a
    failure leaves it as it was, with no temporary file.
    """
    from thresholdkit.data.atomic import write_bytes

    out = target(path) if isinstance(path, str) else path
    path = out.path
    left: list[str] = []

    def note(area_id: str, reason: str) -> None:
        left.append(area_id)
        if on_left_out is not None:
            on_left_out(area_id, reason)

    db = build(areas, generated=generated, on_left_out=note)
    try:
        summary = {
            "areas": [r[0] for r in db.execute("SELECT id FROM areas ORDER BY id")],
            "indicators": db.execute("SELECT count(*) FROM indicators").fetchone()[0],
            "left_out": left,
        }
        db.execute("VACUUM")
        data = bytes(db.serialize())
    finally:
        db.close()
    write_bytes(path, data, out)
    return summary

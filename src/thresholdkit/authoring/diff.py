"""``thresholdkit diff``: what changed between two versions of an area's guidance.

Indicators are matched by id (ids never encode the level, so a moved indicator keeps its id);
an id that disappears while the same wording appears under a new id is reported as renamed.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from thresholdkit.areas.registry import Area
from thresholdkit.model.errors import UsageError


def current_data(area: Area) -> dict[str, Any]:
    """The area's data as the plugin serves it now, in the merged-data shape."""
    pw = area.pathway()
    return {
        **area.authority,
        "indicator_sets": area.indicator_sets(),
        "pathway": {"levels": pw.get("levels", []), "procedures": pw.get("procedures", [])},
        "contacts": area.contacts(),
        "consent": area.consent_rules(),
    }


def load_old(path: str) -> dict[str, Any]:
    """An older version: a plugin data folder, or one merged YAML or JSON file."""
    from thresholdkit.data import safeyaml
    from thresholdkit.data.files import NotRegular, TooLarge, read_regular
    from thresholdkit.data.loader import read_merged
    from thresholdkit.model.errors import DataError

    target = Path(path)
    try:
        if target.is_dir():
            data, _ = read_merged(target)
        else:
            data = safeyaml.parse(read_regular(target, safeyaml.MAX_BYTES).decode("utf-8"), name=path)
    except OSError as exc:
        raise UsageError(f"cannot read '{path}': {exc.strerror}") from None
    except (NotRegular, TooLarge) as exc:
        raise UsageError(f"cannot read '{path}': {exc}") from None
    except UnicodeDecodeError:
        raise UsageError(f"'{path}' is not UTF-8 text: give a data folder or a merged YAML or JSON file") from None
    except DataError as exc:
        raise UsageError(str(exc)) from None
    if not isinstance(data, dict) or not isinstance(data.get("indicator_sets"), list):
        raise UsageError(f"'{path}' is not authority data (no indicator_sets): give a data folder or a merged file")
    return data


def _indicators(data: dict[str, Any]) -> dict[tuple[str, str], dict[str, Any]]:
    out = {}
    for s in data.get("indicator_sets", []):
        for g in s.get("groups", []) or []:
            for ind in g.get("indicators", []):
                out[(s["id"], ind["id"])] = {
                    "text": ind.get("text"),
                    "level": g.get("level"),
                    "domain": g.get("domain"),
                    "heading": ind.get("subdomain") or g.get("subdomain") or g.get("domain_label"),
                }
    return out


def _timescales(data: dict[str, Any]) -> dict[str, dict[str, Any]]:
    out = {}
    pw = data.get("pathway", {})
    for lp in pw.get("levels", []):
        for t in lp.get("timescales", []):
            out[f"level {lp['level']}: {t['applies_to']}"] = t
    for proc in pw.get("procedures", []):
        for t in proc.get("timescales", []):
            out[f"{proc['id']}: {t['applies_to']}"] = t
    return out


def _contact_view(c: dict[str, Any]) -> dict[str, Any]:
    return {
        "name": c.get("name"),
        "role": c.get("role"),
        "phone": [p.get("number") for p in c.get("phone", [])],
        "email": c.get("email", []),
        "url": c.get("url", []),
        "hours": (c.get("hours") or {}).get("text"),
        "windows": (c.get("hours") or {}).get("windows"),
    }


def diff(old: dict[str, Any], new: dict[str, Any]) -> list[dict[str, Any]]:
    """Changes from ``old`` to ``new``: a list of {kind, item, detail}."""
    changes: list[dict[str, Any]] = []

    def add(kind: str, item: str, detail: str) -> None:
        changes.append({"kind": kind, "item": item, "detail": detail})

    od, nd = old.get("document", {}), new.get("document", {})
    for field in ("title", "version", "date", "review_due"):
        if od.get(field) != nd.get(field):
            add("document", field, f"{od.get(field)!r} -> {nd.get(field)!r}")
    olv = {lv["level"]: lv for lv in old.get("levels", [])}
    for lv in new.get("levels", []):
        before = olv.get(lv["level"], {})
        if before.get("name") != lv.get("name"):
            add("level renamed", f"level {lv['level']}", f"{before.get('name')!r} -> {lv.get('name')!r}")
        if [q["text"] for q in before.get("definition", [])] != [q["text"] for q in lv.get("definition", [])]:
            add(
                "level definition reworded",
                f"level {lv['level']}",
                " ".join(q["text"] for q in lv.get("definition", [])),
            )

    oi, ni = _indicators(old), _indicators(new)
    removed = {k: v for k, v in oi.items() if k not in ni}
    added = {k: v for k, v in ni.items() if k not in oi}
    by_text = {(k[0], v["text"]): k for k, v in removed.items()}
    for key, v in list(added.items()):
        twin = by_text.get((key[0], v["text"]))
        if twin is not None:
            was = removed.pop(twin)
            added.pop(key)
            detail = f"id {twin[1]} -> {key[1]}"
            if was["level"] != v["level"]:
                detail += f"; level {was['level']} -> {v['level']}"
            add("indicator renamed", f"{key[0]}:{key[1]}", detail)
    for (set_id, iid), v in sorted(added.items(), key=lambda kv: (kv[1]["level"], kv[0])):
        add("indicator added", f"{set_id}:{iid}", f"level {v['level']}, {v['heading']}: {v['text']}")
    for (set_id, iid), v in sorted(removed.items(), key=lambda kv: (kv[1]["level"], kv[0])):
        add("indicator removed", f"{set_id}:{iid}", f"was level {v['level']}: {v['text']}")
    for key in sorted(set(oi) & set(ni)):
        a, b = oi[key], ni[key]
        item = f"{key[0]}:{key[1]}"
        if a["level"] != b["level"]:
            add("indicator moved", item, f"level {a['level']} -> {b['level']}: {b['text']}")
        if a["text"] != b["text"]:
            add("indicator reworded", item, f"{a['text']!r} -> {b['text']!r}")
        if a["domain"] != b["domain"] or a["heading"] != b["heading"]:
            add("indicator moved domain", item, f"{a['heading']} -> {b['heading']}")

    oc = {c["id"]: _contact_view(c) for c in old.get("contacts", [])}
    nc = {c["id"]: _contact_view(c) for c in new.get("contacts", [])}
    for cid in sorted(set(nc) - set(oc)):
        add("contact added", cid, f"{nc[cid]['name']}: {', '.join(nc[cid]['phone'])}")
    for cid in sorted(set(oc) - set(nc)):
        add("contact removed", cid, f"{oc[cid]['name']}: {', '.join(oc[cid]['phone'])}")
    for cid in sorted(set(oc) & set(nc)):
        for field in ("name", "role", "phone", "email", "url", "hours", "windows"):
            if oc[cid][field] != nc[cid][field]:
                add("contact changed", cid, f"{field}: {oc[cid][field]!r} -> {nc[cid][field]!r}")

    ot, nt = _timescales(old), _timescales(new)
    for place in sorted(set(nt) - set(ot)):
        add("timescale added", place, nt[place]["text"])
    for place in sorted(set(ot) - set(nt)):
        add("timescale removed", place, ot[place]["text"])
    for place in sorted(set(ot) & set(nt)):
        a, b = ot[place], nt[place]
        if (a.get("quantity"), a.get("quantity_max"), a.get("unit")) != (
            b.get("quantity"),
            b.get("quantity_max"),
            b.get("unit"),
        ):
            add("timescale changed", place, f"{a['text']!r} -> {b['text']!r}")

    orules = {r["id"]: r for r in old.get("consent", {}).get("rules", [])}
    nrules = {r["id"]: r for r in new.get("consent", {}).get("rules", [])}
    for rid in sorted(set(nrules) - set(orules)):
        add("consent rule added", rid, nrules[rid]["text"])
    for rid in sorted(set(orules) - set(nrules)):
        add("consent rule removed", rid, orules[rid]["text"])
    for rid in sorted(set(orules) & set(nrules)):
        a, b = orules[rid], nrules[rid]
        if a.get("text") != b.get("text") or a.get("decision") != b.get("decision") or a.get("when") != b.get("when"):
            add("consent rule changed", rid, f"{a.get('decision')} -> {b.get('decision')}: {b.get('text')}")
    return changes

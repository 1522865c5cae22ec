"""The lookup commands: levels, indicators, pathway, contacts, consent."""

from __future__ import annotations

from typing import Any, cast

import click

from thresholdkit.cli.common import (
    area_argument,
    complete_concept,
    complete_role,
    format_option,
    get_area,
    level_option,
    show,
)
from thresholdkit.model.environment import stdout
from thresholdkit.render.output import Result
from thresholdkit.rules.consent import CONSENT_STATES, PURPOSES


@click.command()
@area_argument()
@format_option
def levels(area: str, fmt: str) -> None:
    """The four levels with local names and definitions."""
    from thresholdkit.render.views import levels_doc

    a = get_area(area)
    lvls = a.levels()
    rows = [
        {
            "level": lv["level"],
            "name": lv["name"],
            "label": lv["label"],
            "definition": " ".join(q["text"] for q in lv["definition"]),
        }
        for lv in lvls
    ]
    show(
        Result(
            data=lvls, rows=rows, columns=["level", "name", "label", "definition"], doc=lambda: levels_doc(a.name, lvls)
        ),
        fmt,
    )


@click.command()
@area_argument()
@level_option()
@click.option(
    "--domain", "-d", help="Domain: developmental, parenting, family_environment, or the document's own label."
)
@click.option(
    "--search",
    "-s",
    help="Words to look for, in your own words: inflections, abbreviations (CSE, MFH) and synonyms match; "
    "best matches first.",
)
@click.option(
    "--concept",
    shell_complete=complete_concept,
    help="Only indicators tagged with this concept (see 'thresholdkit concepts').",
)
@click.option(
    "--set", "set_id", default=None, help="Only this indicator set (default: every set the document publishes)."
)
@format_option
def indicators(
    area: str,
    level: int | None,
    domain: str | None,
    search: str | None,
    concept: str | None,
    set_id: str | None,
    fmt: str,
) -> None:
    """Indicators of need, each with level, domain, verbatim text and source.

    Every set the document publishes is listed (Telford: main, then exploitation); an
    indicator outside the main set is named set/id, which is how a case names it too.
    """
    from thresholdkit.model.objects import source_text
    from thresholdkit.rules.filters import filter_indicators

    a = get_area(area)
    items = filter_indicators(a.indicators(set_id), level=level, domain=domain, search=search, concept=concept)
    data = [i.to_dict() for i in items]
    titles = {s["id"]: s["title"] for s in a.indicator_sets()}
    rows = [
        {
            **d,
            "id": d["ref"],
            "source": source_text(d["source"]),
            "domain": d["domain_label"] + (f" / {d['subdomain']}" if d.get("subdomain") else ""),
            "text": d["text"] + _flags(d, a.id, titles),
        }
        for d in data
    ]
    if not items and (search or concept):
        from thresholdkit.rules.search import no_match_message

        message = no_match_message(a.id, search or f"concept {concept}")
        if fmt in ("table", "markdown"):
            stdout().write(message + "\n")
            return
        click.echo(f"Note: {message}", err=True)
    show(Result(data=data, rows=rows, columns=["id", "level", "domain", "text"]), fmt)


@click.command()
@area_argument()
@level_option()
@format_option
def pathway(area: str, level: int | None, fmt: str) -> None:
    """What to do at each level: response, steps, forms, timescales, contacts, procedures."""
    from thresholdkit.render.views import pathway_doc
    from thresholdkit.rules.documents import pathway_document

    a = get_area(area)
    data = pathway_document(a, level)
    rows = [{"level": lp["level"], "response": " ".join(q["text"] for q in lp["response"])} for lp in data["levels"]]
    show(
        Result(
            data=data,
            rows=rows,
            columns=["level", "response"],
            doc=lambda: pathway_doc(
                a.name,
                cast("dict[str, Any]", data),
                a.levels(),
                a.contacts(),
                level,
                document_date=a.document.get("date"),
            ),
        ),
        fmt,
    )


@click.command()
@area_argument()
@click.option(
    "--role",
    "-r",
    shell_complete=complete_role,
    help="Only contacts with this role (front_door, mash, out_of_hours, early_help, police, helpline ...).",
)
@click.option("--at", "at", metavar="'YYYY-MM-DD HH:MM'", help="Say which line to call at this moment.")
@click.option("--now", is_flag=True, help="Say which line to call now (UK time, whatever this machine's zone).")
@format_option
def contacts(area: str, role: str | None, at: str | None, now: bool, fmt: str) -> None:
    """Whom to call, with hours; with --at or --now, which line to call then (UK time).

    \b
    --at takes UK time ('2026-12-25 14:00'), or ISO 8601 with an offset ('2026-07-03T15:45Z').
    The advice (the lines in the order to try, and why) is part of every format's output.
    """
    from thresholdkit.render.output import Result, advice_block
    from thresholdkit.rules.contacts import contact_rows, select

    a = get_area(area)
    result = select(a.contacts(), role=role, at=at, now=now)
    rows = contact_rows(result["contacts"])
    adv = result["advice"]
    columns = ["id", "name", "role", *(["open", "call_order"] if adv is not None else []), "phone", "email", "hours"]
    if adv is not None and fmt == "csv":  # the table and Markdown give the reasons in the advice above it
        columns.append("open_reason")
    if adv is None:
        _mark_direct_lines(rows, result["contacts"], a.document.get("date"))
        show(Result(data=result["contacts"], rows=rows, columns=columns), fmt)
        return
    _mark_direct_lines(rows, result["contacts"], a.document.get("date"))
    order = {cid: n for n, cid in enumerate(adv["call"], 1)}
    for row in rows:
        row["call_order"] = order.get(row["id"])
    data = {"advice": adv, "contacts": result["contacts"]}
    if fmt in ("table", "markdown"):
        stdout().write(advice_block(adv, markdown=fmt == "markdown") + "\n")
    show(Result(data=data, rows=rows, columns=columns), fmt)


@click.command()
@area_argument()
@level_option(required=True)
@click.option(
    "--purpose",
    "-p",
    type=click.Choice([p.replace("_", "-") for p in PURPOSES]),
    help="What consent is for (default: every purpose).",
)
@click.option(
    "--consent",
    "-c",
    "state",
    type=click.Choice([c.replace("_", "-") for c in CONSENT_STATES]),
    help="Where consent stands now (default: any).",
)
@click.option(
    "--risk/--no-risk", default=None, help="Would seeking consent or informing the family put the child at risk?"
)
@format_option
def consent(area: str, level: int, purpose: str | None, state: str | None, risk: bool | None, fmt: str) -> None:
    """Consent guidance for a situation: the decision and what must be done, each with its wording."""
    from thresholdkit.model.objects import source_text
    from thresholdkit.render.views import consent_doc
    from thresholdkit.rules.documents import consent_document

    a = get_area(area)
    result = consent_document(a, level, purpose=purpose, consent=state, risk_if_sought=risk)
    rows = [
        {
            "id": r["id"],
            "decision": r["decision"],
            "text": r["text"],
            "source": source_text(r["source"]),
            # the list the text ends by introducing, with its lead-in, in the rule's own row
            "exceptions": " ".join([r["exceptions"]["lead"], *(f"- {i['text']}" for i in r["exceptions"]["items"])])
            if "exceptions" in r
            else "",
        }
        for r in result["rules"]
    ]
    show(
        Result(
            data=result,
            rows=rows,
            columns=["id", "decision", "text", "exceptions"],
            doc=lambda: consent_doc(a.name, cast("dict[str, Any]", result)),
        ),
        fmt,
    )


@click.command()
@area_argument()
@format_option
def about(area: str, fmt: str) -> None:
    """The source document: title, version, dates, review status, change log, errata and data notes."""
    from thresholdkit.render.views import about_doc
    from thresholdkit.rules.documents import about_document

    a = get_area(area)
    data = about_document(a)
    rows = [{"field": k, "value": v} for k, v in data["document"].items() if k not in ("changes", "notes")]
    show(
        Result(data=data, rows=rows, columns=["field", "value"], doc=lambda: about_doc(cast("dict[str, Any]", data))),
        fmt,
    )


@click.command()
@area_argument()
@click.option("--search", "-s", help="Only terms or definitions containing this.")
@format_option
def glossary(area: str, search: str | None, fmt: str) -> None:
    """The document's own glossary, verbatim (where it has one)."""
    from thresholdkit.model.objects import source_text

    a = get_area(area)
    terms = a.authority.get("glossary") or []
    if not terms:
        click.echo(f"{a.name}'s document has no glossary.", err=True)
    if search:
        needle = search.lower()
        terms = [t for t in terms if needle in t["term"].lower() or needle in t["definition"].lower()]
    rows = [{**t, "source": source_text(t["source"])} for t in terms]
    show(Result(data=terms, rows=rows, columns=["term", "definition"]), fmt)


@click.command("diff")
@area_argument()
@click.argument("old", metavar="OLD")
@format_option
def diff_cmd(area: str, old: str, fmt: str) -> None:
    """What changed from OLD (a data folder, or a merged YAML/JSON file of an earlier version) to the
    installed AREA: indicators added, removed, reworded and moved, contacts, timescales, consent."""
    from thresholdkit.authoring.diff import current_data, diff, load_old

    a = get_area(area)
    changes = diff(load_old(old), current_data(a))
    if not changes:
        click.echo(f"No differences between {old} and the installed {a.id} data.", err=True)
    show(Result(data=changes, rows=changes, columns=["kind", "item", "detail"]), fmt)


def _mark_direct_lines(rows: list[dict[str, Any]], contacts: Any, document_date: str | None) -> None:
    """A direct number of a named post says so in its row: as printed then, it may have changed."""
    from thresholdkit.rules.contacts import direct_line_note, is_direct_line_of_post

    for row, contact in zip(rows, contacts, strict=True):
        if is_direct_line_of_post(contact):
            row["name"] = f"{row['name']} [{direct_line_note(document_date)}]"


def _flags(indicator: dict[str, Any], area_id: str, titles: dict[str, str]) -> str:
    """What the table, CSV and Markdown must not hide: an uncertain domain, the data's note,
    and the set the text points to."""
    marks = []
    see = indicator.get("see_set")
    if see:
        marks.append(f"[see set '{see}', {titles.get(see, see)}: thresholdkit indicators {area_id} --set {see}]")
    if indicator.get("domain_uncertain"):
        marks.append("[domain uncertain]")
    if indicator.get("note"):
        marks.append(f"[note: {indicator['note']}]")
    return (" " + " ".join(marks)) if marks else ""

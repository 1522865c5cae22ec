"""``thresholdkit compare ...`` and ``thresholdkit concepts``."""

from __future__ import annotations

from typing import Any

import click

from thresholdkit.cli.common import areas_option, complete_concept, complete_role, format_option, registry, show
from thresholdkit.model.environment import stdout
from thresholdkit.render.output import Result


@click.group()
def compare() -> None:
    """Put the areas side by side on the same need, level or indicator."""


def _areas(areas: str | None) -> list[Any]:
    from thresholdkit.rules.compare import pick_areas

    return pick_areas(registry(), areas)


@compare.command("levels")
@areas_option
@format_option
def levels_cmd(areas: str | None, fmt: str) -> None:
    """The local level names and definitions side by side."""
    from thresholdkit.rules.compare import compare_levels

    chosen = _areas(areas)
    data = compare_levels(chosen)
    rows = [{"level": r["level"], **{a.id: r["areas"][a.id]["name"] for a in chosen}} for r in data]
    show(Result(data=data, rows=rows, columns=["level", *[a.id for a in chosen]]), fmt)


@compare.command("concept")
@click.argument("concept", shell_complete=complete_concept)
@areas_option
@format_option
def concept_cmd(concept: str, areas: str | None, fmt: str) -> None:
    """For each area, the indicators of CONCEPT at each level, with disagreements called out."""
    import sys

    from thresholdkit.rules.compare import compare_concept

    data = compare_concept(_areas(areas), concept)
    rows = []
    for entry in data["areas"]:
        if not entry["published"] or not entry["levels"]:
            rows.append({"area": entry["area"], "level": "", "id": "", "text": entry["note"]})
        for lv, items in entry["levels"].items():
            for i in items:
                name = entry["level_names"][lv]
                rows.append(
                    {"area": entry["area"], "level": f"{lv} {name}", "id": i.get("ref", i["id"]), "text": i["text"]}
                )
    for diff in data["differences"]:
        if "facts" in diff:
            parts = " but ".join(
                f"{i['area']} puts it at level {i['level']} ({i.get('ref', i['id'])})" for i in diff["indicators"]
            )
            example = ", ".join(f"{k}={v}" for k, v in diff["example"].items())
            sys.stderr.write(f"Areas differ on the same situation ({example}): {parts}\n")
        else:
            parts = ", ".join(f"{a} L{lv}" for a, lv in diff["levels"].items())
            sys.stderr.write(f"Highest level naming '{concept}' differs: {parts}\n")
    show(Result(data=data, rows=rows, columns=["area", "level", "id", "text"]), fmt)


@compare.command("indicator")
@click.argument("ref", metavar="AREA:ID")
@areas_option
@click.option("--top", type=click.IntRange(1, 10), default=3, show_default=True, help="Matches per area.")
@format_option
def indicator_cmd(ref: str, areas: str | None, top: int, fmt: str) -> None:
    """The nearest indicators of every other area to one indicator, with their levels."""
    from thresholdkit.rules.compare import nearest

    own = ref.split(":")[0].lower()
    if areas and own not in [a.strip().lower() for a in areas.split(",")]:
        areas = f"{areas},{own}"  # the indicator's own area is always part of the comparison
    data = nearest(_areas(areas), ref, per_area=top)
    me = data["indicator"]
    rows = [
        {"area": me["area"], "level": me["level"], "id": me["ref"], "shared": "(this indicator)", "text": me["text"]}
    ]
    for entry in data["areas"]:
        if not entry["matches"]:
            rows.append({"area": entry["area"], "level": "", "id": "", "shared": "", "text": entry["note"]})
        for m in entry["matches"]:
            rows.append(
                {
                    "area": entry["area"],
                    "level": f"{m['level']} {m['level_name']}",
                    "id": m["ref"],
                    "shared": m["shared_concepts"],
                    "text": m["text"],
                }
            )
    show(Result(data=data, rows=rows, columns=["area", "level", "id", "shared", "text"]), fmt)


@compare.command("pathway")
@click.option("--level", "-l", type=click.IntRange(1, 4), required=True, help="Level of need, 1 to 4.")
@areas_option
@format_option
def pathway_cmd(level: int, areas: str | None, fmt: str) -> None:
    """What each area says to do at one level."""
    from thresholdkit.rules.compare import compare_pathway

    data = compare_pathway(_areas(areas), level)
    show(Result(data=data, rows=data, columns=["area", "level_name", "forms", "timescales", "response"]), fmt)


@compare.command("contacts")
@click.option("--role", "-r", shell_complete=complete_role, help="Only contacts with this role.")
@click.option("--at", "at", metavar="'YYYY-MM-DD HH:MM'", help="Mark each contact open or closed at this moment.")
@click.option("--now", is_flag=True, help="Say which line of each area is open now (UK time).")
@areas_option
@format_option
def contacts_cmd(role: str | None, at: str | None, now: bool, areas: str | None, fmt: str) -> None:
    """Contacts of every area, optionally by role and open state at a moment."""
    from thresholdkit.rules.compare import compare_contacts_advice
    from thresholdkit.rules.contacts import contact_rows

    chosen = _areas(areas)
    data, advice = compare_contacts_advice(chosen, role, at, now)
    rows = [{"area": c["area"], **contact_rows([c])[0]} for c in data]
    timed = at is not None or now
    cols = ["area", "name", "role", *(["open"] if timed else []), "phone", "hours"]
    if timed and fmt == "csv":
        cols.append("open_reason")
    if advice and fmt in ("table", "markdown"):  # each area's 'Call now': the time used, the order, and why
        from thresholdkit.render.output import advice_block

        for a in chosen:
            head = f"## {a.name}" if fmt == "markdown" else f"{a.name}:"
            stdout().write(f"{head}\n{advice_block(advice[a.id], markdown=fmt == 'markdown')}\n")
    show(Result(data=data, rows=rows, columns=cols), fmt)


@compare.command("matrix")
@areas_option
@click.option(
    "--format",
    "-f",
    "fmt",
    type=click.Choice(["table", "html", "markdown", "csv", "json"]),
    default="table",
    show_default=True,
    help="Output format (html: one page to open in a browser).",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, writable=True, allow_dash=True),
    help="Write to this file, atomically ('-' for standard output, the default).",
)
def matrix_cmd(areas: str | None, fmt: str, output: str | None) -> None:
    """Concepts x areas: the levels at which each area names each concept."""
    from thresholdkit.render.output import render
    from thresholdkit.rules.compare import matrix

    chosen = _areas(areas)
    m = matrix(chosen)
    if fmt == "html":
        from thresholdkit import __version__
        from thresholdkit.render.handout import generated_on
        from thresholdkit.render.matrix_html import render as render_html

        text = render_html(m, generated_on(), __version__)  # the UK date, or SOURCE_DATE_EPOCH's
    else:
        rows = []
        for r in m["rows"]:
            row: dict[str, Any] = {"concept": r["concept"], "cin_code": ", ".join(r["cin_code"] or [])}
            for a in chosen:
                v = r["areas"][a.id]
                row[a.id] = v if isinstance(v, str) else (", ".join(map(str, v)) or "-")
            rows.append(row)
        text = render(Result(data=m, rows=rows, columns=["concept", "cin_code", *[a.id for a in chosen]]), fmt)
    if output:
        from thresholdkit.data.atomic import write_text

        write_text(output, text + ("" if text.endswith("\n") else "\n"))
        if output != "-":
            click.echo(f"Wrote {output}", err=True)
    else:
        click.echo(text)


@click.command()
@click.option("--search", "-s", help="Only concepts whose id or label contains this.")
@format_option
def concepts(search: str | None, fmt: str) -> None:
    """The shared vocabulary: concepts with their children in need census codes."""
    from thresholdkit.data import vocabulary

    items = [
        {"id": c["id"], "label": c["label"], "cin_code": c["cin_code"], "subject": c.get("subject")}
        for c in vocabulary.load()["concepts"]
    ]
    if search:
        needle = search.lower()
        items = [c for c in items if needle in c["id"] or needle in c["label"].lower()]
    rows = [{**c, "cin_code": ", ".join(c["cin_code"] or [])} for c in items]  # the codes, joined for a table
    show(Result(data=items, rows=rows, columns=["id", "cin_code", "label"]), fmt)

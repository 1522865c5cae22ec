"""``thresholdkit assess``."""

from __future__ import annotations

from typing import Any

import click

from thresholdkit.cli.common import area_argument, complete_indicator, format_option, get_area, show
from thresholdkit.model.errors import UsageError
from thresholdkit.render.output import Result


@click.command()
@area_argument()
@click.argument("case_file", required=False, type=click.Path(dir_okay=False, allow_dash=True))
@click.option(
    "--indicator",
    "-i",
    "indicator_ids",
    multiple=True,
    shell_complete=complete_indicator,
    help="Indicator id, or set/id outside the main set (repeatable).",
)
@click.option("--level", "-l", type=click.IntRange(1, 4), help="Your own professional judgement of the level.")
@click.option(
    "--set", "set_id", default=None, help="Only this indicator set (default: every set the document publishes)."
)
@click.option("--interactive", is_flag=True, help="Tick indicators domain by domain on this terminal.")
@click.option("--at", "at", metavar="'YYYY-MM-DD HH:MM'", help="Also say which line to call at this UK time.")
@click.option("--now", is_flag=True, help="Also say which line to call now (UK time).")
@format_option
def assess(
    area: str,
    case_file: str | None,
    indicator_ids: tuple[str, ...],
    level: int | None,
    set_id: str | None,
    interactive: bool,
    at: str | None,
    now: bool,
    fmt: str,
) -> None:
    """Assess a case: the level, what to do, whom to call, consent, and the emergency route at the top level.

    Give indicator ids with --indicator, a case file (YAML or JSON; '-' for stdin), or your own
    judgement of the level with --level. The level is the highest level among the matched
    indicators, never lower.
    """
    from thresholdkit.model.objects import source_text
    from thresholdkit.render.views import assessment_doc
    from thresholdkit.rules.assess import assess_case
    from thresholdkit.rules.caseinput import merge_case
    from thresholdkit.rules.cases import read_case_file

    ids = list(indicator_ids)
    if interactive:
        ids, level = _interactive(area, set_id, ids, level)
    file_case = None
    where = "the case file"
    if case_file is not None:
        file_case = read_case_file(case_file)
        where = case_file if case_file != "-" else "stdin"
    a = get_area(area)
    case = merge_case(file_case, ids, level, set_id, area=a.id, where=where)
    result = assess_case(a, case)
    if at is not None or now:
        from thresholdkit.rules.contacts import select

        result.call_now = select(a.contacts(), at=at, now=now)["advice"]
        if result.emergency is not None and result.call_now is not None:
            from thresholdkit.rules.assess import emergency_route

            # the route after 999 leads with the line(s) to call at that time, as 'Call now' orders them
            result.emergency = emergency_route(a, result.call_now)
    data = result.to_dict()
    route = f"if a child is in immediate danger call 999; {_then(result.emergency)}" if result.emergency else ""
    if fmt not in ("json", "yaml", "table", "markdown"):  # CSV: one row per indicator, the rest on stderr too
        if route:
            click.echo(f"EMERGENCY: {route}", err=True)
            if result.call_now is not None:
                click.echo(f"Why: {'; '.join(result.call_now['reasons'])}", err=True)
        click.echo(f"Note: {data['disclaimer']}", err=True)
    rows = [
        {
            "area": result.area,
            "level": result.level,
            "level_name": result.level_name,
            "indicator": i.id,
            "indicator_level": i.level,
            "domain": i.domain_label,
            "text": i.text,
            "source": source_text(i.source),
            "emergency": route,
        }
        for i in result.indicators
    ] or [{"area": result.area, "level": result.level, "level_name": result.level_name, "emergency": route}]
    show(
        Result(
            data=data,
            rows=rows,
            # a saved CSV keeps the emergency route (999 first) in every row of a top-level result
            columns=[
                "area",
                "level",
                "level_name",
                "indicator",
                "indicator_level",
                "domain",
                "text",
                "source",
                "emergency",
            ],
            doc=lambda: assessment_doc(data),
        ),
        fmt,
    )
    if result.call_now is not None and fmt in ("table", "markdown"):
        from thresholdkit.render.output import advice_block

        click.echo("\n" + advice_block(result.call_now, markdown=fmt == "markdown"), nl=False)


def _interactive(area: str, set_id: str | None, ids: list[str], level: int | None) -> tuple[list[str], int | None]:
    from thresholdkit.cli.interactive import case_yaml, walk
    from thresholdkit.model.environment import terminal_input

    if not terminal_input():
        raise UsageError("--interactive needs a terminal; without one, give --indicator ID or a case file")
    a = get_area(area)
    ticked = walk(
        a,
        ask=lambda text: click.prompt(text, default="", show_default=False, err=True),
        say=lambda text: click.echo(text, err=True),
        set_id=set_id,
    )
    ids = ids + [i for i in ticked if i not in ids]
    if not ids and level is None:
        level = click.prompt(
            "Nothing ticked: your own judgement of the level (1-4)", type=click.IntRange(1, 4), err=True
        )
    path = click.prompt(
        "Save this case to a file to rerun it later (path, or Enter to skip)", default="", show_default=False, err=True
    ).strip()
    if path:
        from thresholdkit.data.atomic import write_text

        write_text(path, case_yaml(a.id, ids, level))
        click.echo(f"Saved {path}; rerun with: thresholdkit assess {a.id} {path}", err=True)
    return ids, level


def _then(emergency: Any) -> str:
    """The emergency route after 999 on one line (for CSV output, on stderr): the referral
    line(s), or at a given time the line(s) to call then, as the route gives them."""
    lines = list(emergency.get("route", [])[1:])
    if not lines:
        return "then the area's referral line"
    if emergency.get("at"):  # a route for a moment: its heading ('Then, at ... call:'), numbered lines
        heading, *rest = lines
        return f"{heading[:1].lower()}{heading[1:]} " + "; ".join(rest)
    return "then " + "; ".join(lines)

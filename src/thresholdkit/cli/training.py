"""``thresholdkit handout`` and ``thresholdkit quiz``: material for trainers."""

from __future__ import annotations

import click

from thresholdkit.cli.common import F, area_argument, areas_option, complete_area, complete_concept, get_area, registry
from thresholdkit.model.environment import stdout, terminal_input
from thresholdkit.model.errors import UsageError


def printable_options(func: F) -> F:
    """--format (html, markdown, pdf), --pdf-engine and -o/--output, the same for handout and quiz."""
    func = click.option(
        "-o",
        "--output",
        help="Output file, written atomically ('-' or none: standard output; a PDF is never written to a terminal).",
    )(func)
    func = click.option(
        "--pdf-engine",
        type=click.Choice(["auto", "chromium", "weasyprint"]),
        default="auto",
        show_default=True,
        help="auto: Chromium where installed, else WeasyPrint.",
    )(func)
    return click.option(
        "--format",
        "-f",
        "fmt",
        type=click.Choice(["html", "markdown", "pdf"]),
        default="html",
        show_default=True,
        help="Output format: html to print from a browser, markdown, or pdf (A4, made offline).",
    )(func)


def _pdf_destination(fmt: str, output: str | None) -> None:
    """A PDF goes to a file, or to standard output when that is a pipe or a file; never to a
    terminal (binary output there is garbage)."""
    if fmt == "pdf" and (output is None or output == "-") and stdout().isatty():
        raise UsageError("a PDF is not written to a terminal: give -o FILE.pdf, or send it to a pipe with -o -")
    if fmt == "pdf" and output is None:
        raise UsageError("--format pdf needs -o FILE.pdf (or -o - to send it to a pipe)")


def _write(text: str, output: str | None) -> None:
    if output and output != "-":
        from thresholdkit.data.atomic import write_text

        write_text(output, text)
        click.echo(f"Wrote {output}", err=True)
    else:
        stdout().write(text)


@click.command()
@click.argument("areas", nargs=-1, required=True, metavar="AREA [AREA ...]", shell_complete=complete_area)
@click.option(
    "--level", "-l", "levels", type=click.IntRange(1, 4), multiple=True, help="Level(s) to include (default: all)."
)
@click.option("--domain", "-d", help="Only indicators of this domain.")
@click.option(
    "--set",
    "set_id",
    metavar="ID",
    help="Only this indicator set (default: every published set, each under its title).",
)
@click.option("--compare", is_flag=True, help="Several areas side by side on one --level or --concept.")
@click.option(
    "--concept",
    shell_complete=complete_concept,
    help="With --compare: one need (a concept id from 'thresholdkit concepts').",
)
@click.option(
    "--glance", is_flag=True, help="A one-page sheet: the four levels, their definitions, routes and the 999 box."
)
@printable_options
def handout(
    areas: tuple[str, ...],
    levels: tuple[int, ...],
    domain: str | None,
    set_id: str | None,
    compare: bool,
    concept: str | None,
    glance: bool,
    fmt: str,
    pdf_engine: str,
    output: str | None,
) -> None:
    """A printable A4 handout of an area's guidance, or several areas side by side (--compare)."""
    from thresholdkit.render import handout as h

    _pdf_destination(fmt, output)
    if glance:
        if compare or len(areas) != 1:
            raise UsageError("--glance takes one AREA (not --compare)")
        if levels or domain or set_id or concept:
            raise UsageError("--glance shows the four levels; it takes no --level, --domain, --set or --concept")
        if fmt == "markdown":
            raise UsageError("--glance is a printed page: use --format html or pdf")
        html = h.render_html(h.glance_model(get_area(areas[0])), "glance.html.j2")
    elif compare:
        if len(areas) < 2:
            raise UsageError("--compare needs two or more areas")
        if len(levels) > 1:
            raise UsageError("--compare takes one --level")
        if set_id or domain:
            raise UsageError("--compare shows every published set; it takes no --set or --domain")
        if fmt == "markdown":
            raise UsageError("--compare handouts are HTML or PDF (a side-by-side table)")
        from thresholdkit.rules.compare import pick_areas

        chosen = pick_areas(registry(), ",".join(areas), name="the AREA list")
        model = h.compare_model(chosen, levels[0] if levels else None, concept)
        html = h.render_html(model, "compare.html.j2")
    else:
        if len(areas) != 1:
            raise UsageError("give one AREA, or --compare with several")
        if concept:
            raise UsageError("--concept goes with --compare")
        model = h.area_model(get_area(areas[0]), list(levels) or None, domain, set_id)
        if fmt == "markdown":
            _write(h.render_markdown(model), output)
            return
        html = h.render_html(model)
    if fmt == "pdf":
        assert output is not None
        h.to_pdf(html, output, pdf_engine)
        if output != "-":
            click.echo(f"Wrote {output}", err=True)
    else:
        _write(html, output)


@click.command()
@area_argument()
@click.option(
    "--count", "-n", type=click.IntRange(1, 500), default=12, show_default=True, help="How many indicators to place."
)
@click.option("--seed", type=int, default=1, show_default=True, help="Same seed, same worksheet.")
@click.option("--set", "set_id", metavar="ID", help="Only this indicator set (default: every published set).")
@printable_options
@click.option("--interactive", is_flag=True, help="Ask one indicator at a time on this terminal.")
def quiz(
    area: str,
    count: int,
    seed: int,
    set_id: str | None,
    fmt: str,
    pdf_engine: str,
    interactive: bool,
    output: str | None,
) -> None:
    """A training worksheet: N indicators to place at a level, with the answer key on its own page."""
    from thresholdkit.render import quiz as q

    if not interactive:
        _pdf_destination(fmt, output)
    a = get_area(area)
    model = q.quiz_model(a, count, seed, set_id)

    def notes() -> None:
        # said once the worksheet is made (or the terminal is there), so that an error stays one line
        for note in model["notes"]:
            click.echo(f"Note: {note}", err=True)

    if interactive:
        if not terminal_input():
            raise UsageError("--interactive needs a terminal; without one, use --format html or markdown")
        notes()
        q.run_interactive(
            model,
            ask=lambda text: click.prompt(text, type=click.IntRange(1, 4)),
            say=click.echo,
        )
        return
    if fmt == "markdown":
        _write(q.render_markdown(model), output)
        notes()
        return
    from thresholdkit.render.handout import render_html, to_pdf

    html = render_html(model, "quiz.html.j2")
    if fmt == "pdf":
        assert output is not None
        to_pdf(html, output, pdf_engine)
        if output != "-":
            click.echo(f"Wrote {output}", err=True)
    else:
        _write(html, output)
    notes()


@click.command()
@click.option("-o", "--output", required=True, type=click.Path(file_okay=False), help="Folder to write the site into.")
@areas_option
def site(output: str, areas: str | None) -> None:
    """A static, offline website of the installed areas' guidance, with a checklist per area."""
    from thresholdkit.render.site import build
    from thresholdkit.rules.compare import pick_areas

    pages = build(pick_areas(registry(), areas), output)
    click.echo(f"Wrote {len(pages)} pages to {output}; open {output}/index.html in a browser", err=True)

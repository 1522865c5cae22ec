"""``thresholdkit handout`` and ``thresholdkit quiz``: material for trainers."""

from __future__ import annotations

import sys

import click

from thresholdkit.cli.common import get_area, registry
from thresholdkit.model.errors import UsageError


def _write(text: str, output: str | None) -> None:
    if output and output != "-":
        from thresholdkit.data.atomic import write_text

        write_text(output, text)
        click.echo(f"Wrote {output}", err=True)
    else:
        sys.stdout.write(text)


@click.command()
@click.argument("areas", nargs=-1, required=True, metavar="AREA [AREA ...]")
@click.option(
    "--level", "-l", "levels", type=click.IntRange(1, 4), multiple=True, help="Level(s) to include (default: all)."
)
@click.option("--domain", "-d", help="Only indicators of this domain.")
@click.option("--compare", is_flag=True, help="Several areas side by side on one --level or --concept.")
@click.option("--concept", "-c", help="With --compare: one need (a concept id from 'thresholdkit concepts').")
@click.option(
    "--format", "-f", "fmt", type=click.Choice(["html", "markdown", "pdf"]), default="html", show_default=True
)
@click.option("-o", "--output", help="Output file (default: stdout; required for pdf).")
def handout(
    areas: tuple[str, ...],
    levels: tuple[int, ...],
    domain: str | None,
    compare: bool,
    concept: str | None,
    fmt: str,
    output: str | None,
) -> None:
    """A printable A4 handout of an area's guidance, or several areas side by side (--compare)."""
    from thresholdkit.render import handout as h

    if fmt == "pdf" and not output:
        raise UsageError("--format pdf needs -o FILE.pdf")
    if compare:
        if len(areas) < 2:
            raise UsageError("--compare needs two or more areas")
        if len(levels) > 1:
            raise UsageError("--compare takes one --level")
        if fmt == "markdown":
            raise UsageError("--compare handouts are HTML or PDF (a side-by-side table)")
        from thresholdkit.rules.compare import pick_areas

        model = h.compare_model(pick_areas(registry(), ",".join(areas)), levels[0] if levels else None, concept)
        html = h.render_html(model, "compare.html.j2")
    else:
        if len(areas) != 1:
            raise UsageError("give one AREA, or --compare with several")
        if concept:
            raise UsageError("--concept goes with --compare")
        model = h.area_model(get_area(areas[0]), list(levels) or None, domain)
        if fmt == "markdown":
            _write(h.render_markdown(model), output)
            return
        html = h.render_html(model)
    if fmt == "pdf":
        assert output is not None
        h.to_pdf(html, output)
        click.echo(f"Wrote {output}", err=True)
    else:
        _write(html, output)


@click.command()
@click.argument("area")
@click.option("--count", "-n", type=click.IntRange(1, 500), default=12, show_default=True)
@click.option("--seed", "-s", type=int, default=1, show_default=True, help="Same seed, same worksheet.")
@click.option("--format", "-f", "fmt", type=click.Choice(["html", "markdown"]), default="html", show_default=True)
@click.option("--interactive", "-i", is_flag=True, help="Ask one indicator at a time on this terminal.")
@click.option("-o", "--output", help="Output file (default: stdout).")
def quiz(area: str, count: int, seed: int, fmt: str, interactive: bool, output: str | None) -> None:
    """A training worksheet: N indicators to place at a level, with the answer key on its own page."""
    from thresholdkit.render import quiz as q

    a = get_area(area)
    model = q.quiz_model(a, count, seed)
    if interactive:
        if not sys.stdin.isatty():
            raise UsageError("--interactive needs a terminal; without one, use --format html or markdown")
        q.run_interactive(
            model,
            ask=lambda text: click.prompt(text, type=click.IntRange(1, 4)),
            say=click.echo,
        )
        return
    if fmt == "markdown":
        _write(q.render_markdown(model), output)
    else:
        from thresholdkit.render.handout import render_html

        _write(render_html(model, "quiz.html.j2"), output)


@click.command()
@click.option("-o", "--output", required=True, type=click.Path(file_okay=False), help="Folder to write the site into.")
@click.option("--areas", "-a", help="Comma-separated area ids (default: all installed).")
def site(output: str, areas: str | None) -> None:
    """A static, offline website of the installed areas' guidance, with a checklist per area."""
    from thresholdkit.render.site import build
    from thresholdkit.rules.compare import pick_areas

    pages = build(pick_areas(registry(), areas), output)
    click.echo(f"Wrote {len(pages)} pages to {output}; open {output}/index.html in a browser", err=True)

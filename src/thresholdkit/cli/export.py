"""``thresholdkit export``: the threshold dataset, for use without Python."""

from __future__ import annotations

import sys

import click

from thresholdkit.cli.common import registry
from thresholdkit.model.errors import UsageError


@click.group()
def export() -> None:
    """The threshold dataset of every installed area, for analysts (no Python needed)."""


@export.command("sqlite")
@click.argument("file", metavar="FILE")
@click.option("--areas", "-a", help="Comma-separated area ids (default: every usable installed area).")
def sqlite(file: str, areas: str | None) -> None:
    """Write the threshold dataset to FILE: one SQLite database.

    It holds every usable installed area (or those of --areas), and opens as it is in sqlite3
    and datasette.

    Every quoted text is verbatim, with its source reference. An existing database at FILE is
    replaced in one step; any other existing file is refused. '-' writes the database to
    standard output, only when that is not a terminal (redirect it or pipe it).
    """
    if file == "-" and sys.stdout.isatty():
        raise UsageError(
            "a SQLite database is binary: give a file name (thresholdkit export sqlite thresholds.db), "
            "or redirect standard output"
        )
    from thresholdkit.render.export_sqlite import export as write_database
    from thresholdkit.render.export_sqlite import target

    out = target(file)  # a bad destination is said before any area is loaded
    reg = registry()
    ids = reg.area_ids()
    wanted: list[str] | None = None
    if areas:
        from thresholdkit.model.errors import did_you_mean

        wanted = list(dict.fromkeys(a.strip().lower() for a in areas.split(",") if a.strip()))
        for w in wanted:
            if w not in ids:
                raise UsageError(f"unknown area '{w}'{did_you_mean(w, ids)}; installed: {', '.join(ids)}")
    # a broken or draft area is left out and reported on stderr (Registry.on_left_out)
    chosen = reg.usable(wanted)
    if not chosen:
        raise UsageError("no usable areas to export; see 'thresholdkit plugins'")
    summary = write_database(chosen, out, on_left_out=lambda _id, message: click.echo(f"Warning: {message}", err=True))
    where = "standard output" if file == "-" else file
    click.echo(
        f"Wrote {where}: {len(summary['areas'])} areas ({', '.join(summary['areas'])}), "
        f"{summary['indicators']} indicators",
        err=True,
    )

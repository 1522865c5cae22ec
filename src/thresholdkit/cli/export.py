"""``thresholdkit export``: the threshold dataset, for use without Python."""

from __future__ import annotations

from typing import Any

import click

from thresholdkit.cli.common import areas_option, registry
from thresholdkit.model.environment import stdout
from thresholdkit.model.errors import UsageError


def _chosen(areas: str | None) -> list[Any]:
    """The usable areas of --areas (default: every usable installed area), as compare and site
    read them; a broken or draft area is left out and reported on stderr."""
    from thresholdkit.rules.compare import pick_areas

    return pick_areas(registry(), areas, "export")


def _warn(_area: str, message: str) -> None:
    click.echo(f"Warning: {message}", err=True)


def _folder(folder: str) -> None:
    """A one-line error for an empty folder name, before any area is loaded."""
    if not folder.strip() or folder == "-":
        raise UsageError("give a folder name to write to (standard output cannot hold a folder)")


@click.group()
def export() -> None:
    """The threshold dataset of every installed area, for analysts (no Python needed)."""


@export.command("sqlite")
@click.argument("file", metavar="FILE")
@areas_option
def sqlite(file: str, areas: str | None) -> None:
    """Write the threshold dataset to FILE: one SQLite database.

    It holds every usable installed area (or those of --areas), and opens as it is in sqlite3
    and datasette.

    Every quoted text is verbatim, with its source reference. An existing database at FILE is
    replaced in one step; any other existing file is refused. '-' writes the database to
    standard output, only when that is not a terminal (redirect it or pipe it).
    """
    if file == "-" and stdout().isatty():
        raise UsageError(
            "a SQLite database is binary: give a file name (thresholdkit export sqlite thresholds.db), "
            "or redirect standard output"
        )
    from thresholdkit.render.export_sqlite import export as write_database
    from thresholdkit.render.export_sqlite import target

    out = target(file)  # a bad destination is said before any area is loaded
    summary = write_database(_chosen(areas), out, on_left_out=_warn)
    where = "standard output" if file == "-" else file
    click.echo(
        f"Wrote {where}: {_areas_written(summary['areas'])}, "
        f"{summary['indicators']} indicators",
        err=True,
    )


@export.command("oruk")
@click.argument("folder", metavar="DIR")
@areas_option
def oruk(folder: str, areas: str | None) -> None:
    """Write every area's contacts to DIR as Open Referral UK / HSDS 3.0 JSON.

    DIR gets services.json (one HSDS service per contact, with its organization, phones and
    schedules nested) and organizations.json (each area's partnership). Names, numbers, emails,
    web addresses and hours are verbatim, each with its source reference; opening times are
    given only where the data holds them.

    DIR must be new, empty, or written by this command before; it is replaced in one step.
    """
    from thresholdkit.render.export_oruk import HSDS_VERSION
    from thresholdkit.render.export_oruk import export as write_oruk

    _folder(folder)
    summary = write_oruk(_chosen(areas), folder, on_left_out=_warn)
    click.echo(
        f"Wrote {folder}: {_areas_written(summary['areas'])}, "
        f"{summary['services']} services (HSDS {HSDS_VERSION})",
        err=True,
    )


@export.command("csv")
@click.argument("folder", metavar="DIR")
@areas_option
def csv(folder: str, areas: str | None) -> None:
    """Write the threshold dataset to DIR as CSV: one file per table.

    DIR/<table>.csv has the same columns, in the same order, as that table of 'export sqlite'
    (NULL is an empty cell), and cells are made safe to open in a spreadsheet.

    DIR must be new, empty, or written by this command before; it is replaced in one step.
    """
    from thresholdkit.render.export_csv import export as write_csv

    _folder(folder)
    summary = write_csv(_chosen(areas), folder, on_left_out=_warn)
    click.echo(
        f"Wrote {folder}: {_areas_written(summary['areas'])}, "
        f"{len(summary['tables'])} tables",
        err=True,
    )


def _areas_written(areas: list[str]) -> str:
    """'1 area (coventry)' or '5 areas (coventry, ...)'."""
    return f"{len(areas)} area{'' if len(areas) == 1 else 's'} ({', '.join(areas)})"

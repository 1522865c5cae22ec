"""``thresholdkit areas`` and ``thresholdkit plugins``."""

from __future__ import annotations

import click

from thresholdkit.cli.common import format_option, registry, show
from thresholdkit.output import Result


@click.command()
@format_option
def areas(fmt: str) -> None:
    """Installed authorities: document, date, plugin version and status."""
    rows = [s.to_dict() for s in registry().statuses()]
    show(
        Result(
            data=rows,
            rows=rows,
            columns=["id", "name", "document_date", "plugin_version", "status", "document"],
            headers=["area", "name", "date", "plugin", "status", "document"],
        ),
        fmt,
    )


@click.command()
@format_option
def plugins(fmt: str) -> None:
    """Plugin distributions, versions, hooks implemented and load errors."""
    reg = registry()
    reg.statuses()  # data problems surface as load errors here too
    rows = [r.to_dict() for r in sorted(reg.records, key=lambda r: r.name)]
    show(
        Result(
            data=rows,
            rows=rows,
            columns=["name", "distribution", "version", "status", "hooks", "error"],
        ),
        fmt,
    )

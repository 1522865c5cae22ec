"""``thresholdkit areas`` and ``thresholdkit plugins``."""

from __future__ import annotations

import click

from thresholdkit.cli.common import format_option, registry, show
from thresholdkit.render.output import Result


@click.command()
@format_option
def areas(fmt: str) -> None:
    """Installed authorities: document, date, plugin version and status."""
    data = [s.to_dict() for s in registry().statuses()]
    rows = [{**d, "status": d["status"] if d["status"] == "loaded" else f"{d['status']}: {d['reason']}"} for d in data]
    show(
        Result(
            data=data,
            rows=rows,
            columns=["id", "name", "document_date", "plugin_version", "document", "status"],
            headers=["area", "name", "date", "plugin", "document", "status"],
        ),
        fmt,
    )


@click.command()
@format_option
def plugins(fmt: str) -> None:
    """Plugin distributions, versions, hooks implemented and load errors."""
    reg = registry()
    reg.statuses()  # loads every permitted plugin, so its status and hooks are known
    rows = [r.to_dict() for r in sorted(reg.records, key=lambda r: (r.name, r.dist or ""))]
    show(
        Result(
            data=rows,
            rows=rows,
            columns=["name", "distribution", "version", "status", "hooks", "error"],
        ),
        fmt,
    )

"""``thresholdkit validate``."""

from __future__ import annotations

from pathlib import Path

import click

from thresholdkit.cli.common import format_option, show
from thresholdkit.render.output import Result


@click.command()
@click.argument("target", required=False)
@click.option(
    "--sources",
    type=click.Path(file_okay=False),
    help="Folder of the source texts, searched alone (default: $THRESHOLDKIT_SOURCES, the plugin's own "
    "source/ folder, then a shared/seeds folder nearby).",
)
@format_option
def validate(target: str | None, sources: str | None, fmt: str) -> int:
    """Check plugin data (an AREA, a data folder PATH, or every installed area) against the schema,
    for consistency, and for verbatim quotes when the source texts are at hand."""
    from thresholdkit.authoring.validate import validate_targets

    report = validate_targets(target, Path(sources) if sources else None)
    rows = [
        {
            "area": r["area"],
            "status": "ok" if not r["problems"] else "FAILED",
            "indicators": r["indicators"],
            "problems": r["problems"] or r.get("notes", []),
        }
        for r in report
    ]
    show(Result(data=report, rows=rows, columns=["area", "status", "indicators", "problems"]), fmt)
    failed = [r["area"] for r in report if r["problems"]]
    if failed:
        click.echo(f"Error: validation failed for {', '.join(failed)}", err=True)
        return 1
    return 0

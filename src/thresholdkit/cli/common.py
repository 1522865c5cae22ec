"""Options and helpers shared by the commands."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import click

from thresholdkit.render.output import FORMATS, Result, emit

F = TypeVar("F", bound=Callable[..., Any])


def format_option(func: F) -> F:
    return click.option(
        "--format",
        "-f",
        "fmt",
        type=click.Choice(FORMATS),
        default="table",
        show_default=True,
        help="Output format.",
    )(func)


def registry() -> Any:
    """The registry for this invocation, loaded once; plugin load failures are reported on stderr once."""
    from thresholdkit.areas.registry import Registry

    meta = click.get_current_context().find_root().meta
    reg = meta.get("thresholdkit.areas.registry")
    if reg is None:
        reg = meta["thresholdkit.areas.registry"] = Registry.load()
        for r in reg.records:
            if r.status == "failed":
                click.echo(f"Warning: plugin '{r.name}' was skipped: {r.error}", err=True)
    return reg


def get_area(area_id: str) -> Any:
    return registry().area(area_id.strip().lower())


def level_option(required: bool = False, multiple: bool = False) -> Callable[[F], F]:
    return click.option(
        "--level",
        "-l",
        type=click.IntRange(1, 4),
        required=required,
        multiple=multiple,
        help="Level of need, 1 to 4.",
    )


def show(result: Result, fmt: str) -> None:
    emit(result, fmt)

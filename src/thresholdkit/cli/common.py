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
    """The registry for this invocation, found once. Each area that a listing or cross-area
    command finds unusable is reported on stderr, one line each."""
    from thresholdkit.areas.registry import Registry

    meta = click.get_current_context().find_root().meta
    reg = meta.get("thresholdkit.registry")
    if reg is None:
        reg = meta["thresholdkit.registry"] = Registry.load()
        reg.on_left_out = lambda area_id, message: click.echo(f"Warning: {message}", err=True)
    return reg


def get_area(area_id: str) -> Any:
    """One area for a per-area command; a draft (when allowed) is flagged on stderr."""
    area = registry().area(area_id.strip().lower())
    notice = area.draft_notice()
    if notice:
        click.echo(f"Warning: {notice}", err=True)
    return area


# --- shell completion (click's protocol: _THRESHOLDKIT_COMPLETE=bash_source|zsh_source|fish_source) ---


def _items(values: Any, incomplete: str) -> list[Any]:
    from click.shell_completion import CompletionItem

    low = incomplete.lower()
    return [CompletionItem(v) for v in sorted(set(values)) if v.lower().startswith(low)]


def complete_area(ctx: click.Context, param: click.Parameter, incomplete: str) -> list[Any]:
    """Installed area ids (found from the plugins' entry points; no plugin is imported)."""
    from thresholdkit.areas.registry import Registry

    try:
        return _items(Registry.load().area_ids(), incomplete)
    except Exception:  # completion never breaks the shell
        return []


def _typed_area(ctx: click.Context) -> str | None:
    """The AREA typed before the word being completed. click parses the line leniently while
    completing and may leave ``ctx.params`` empty (an option still waiting for its value), so
    the line itself (``COMP_WORDS``, which click sets for bash, zsh and fish) is read too."""
    import os

    found = ctx.params.get("area")
    if found:
        return str(found)
    from click.shell_completion import split_arg_string

    words = split_arg_string(os.environ.get("COMP_WORDS", ""))
    if ctx.info_name in words:
        rest = words[words.index(ctx.info_name) + 1 :]
        takes_value = {o for p in ctx.command.params if isinstance(p, click.Option) and not p.is_flag for o in p.opts}
        skip = False
        for word in rest:
            if skip:
                skip = False
            elif word in takes_value:
                skip = True
            elif not word.startswith("-"):
                return str(word)
    return None


def complete_indicator(ctx: click.Context, param: click.Parameter, incomplete: str) -> list[Any]:
    """The indicator references of the area already typed (``id``, or ``set/id`` outside main);
    a bare id offers its qualified form too."""
    area_id = _typed_area(ctx)
    if not area_id:
        return []
    from thresholdkit.areas.registry import Registry

    try:  # no click context is current while completing: the registry is loaded here
        area = Registry.load().area(str(area_id).strip().lower())
        return _items((r for i in area.indicators() for r in {i.ref, i.id}), incomplete)
    except Exception:  # an unknown area, a document that publishes none: nothing to offer
        return []


def complete_concept(ctx: click.Context, param: click.Parameter, incomplete: str) -> list[Any]:
    """Concept ids from the shared vocabulary."""
    from thresholdkit.data import vocabulary

    try:
        return _items(vocabulary.concepts(), incomplete)
    except Exception:
        return []


def complete_role(ctx: click.Context, param: click.Parameter, incomplete: str) -> list[Any]:
    """Contact roles: of the area already typed, else of every installed area."""
    from thresholdkit.areas.registry import Registry

    try:
        reg, area_id = Registry.load(), _typed_area(ctx)
        areas = [reg.area(str(area_id).lower())] if area_id else reg.usable()
        return _items((c["role"] for a in areas for c in a.contacts() if c.get("role")), incomplete)
    except Exception:
        return []


def area_argument(**kwargs: Any) -> Callable[[F], F]:
    """The AREA argument, completed from the installed areas."""
    return click.argument("area", shell_complete=complete_area, **kwargs)


#: --areas/-a of the commands that cross areas (compare, export, site): one meaning everywhere.
areas_option = click.option(
    "--areas", "-a", help="Comma-separated area ids (default: every usable installed area)."
)


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

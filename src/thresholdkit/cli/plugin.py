"""``thresholdkit plugin new``."""

from __future__ import annotations

import click


@click.group()
def plugin() -> None:
    """Tools for authorities maintaining their own plugin package."""


@plugin.command("new")
@click.argument("name")
@click.option("--path", type=click.Path(file_okay=False), help="Folder to create (default: ./NAME).")
def new(name: str, path: str | None) -> None:
    """Scaffold a plugin package for area NAME: pyproject with the entry point, a commented YAML
    skeleton of every section, a README for its maintainers, and conformance tests."""
    from thresholdkit.authoring.scaffold import create

    target = create(name, path)
    area = target.name if path is None else name.lower()
    click.echo(f"Created {target}", err=True)
    click.echo("Next:", err=True)
    click.echo(f"  pip install -e {target}", err=True)
    click.echo(f"  thresholdkit areas                  # '{area}' shows up at once", err=True)
    click.echo(f"  thresholdkit validate {area}        # lists what is still to write (every TODO)", err=True)

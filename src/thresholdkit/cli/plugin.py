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
    skeleton of every section, a source/ folder for the document's plain text, a README for its
    maintainers, and conformance tests.

    NAME is the area id users will type: lowercase letters, digits and hyphens
    (e.g. north-somerset), and not an id an installed plugin already serves."""
    from thresholdkit.authoring.scaffold import create

    target = create(name, path)
    area = name.strip().lower()
    package = area.replace("-", "_")
    click.echo(f"Created {target}", err=True)
    click.echo("Next:", err=True)
    steps = [
        (f"pip install -e '{target}[test]'", ""),
        ("thresholdkit areas", f"'{area}' shows up at once, as a draft"),
        (f"thresholdkit validate {area}", "lists what is still to write (every TODO)"),
    ]
    width = max(len(command) for command, _ in steps) + 2
    for command, note in steps:
        click.echo(f"  {command.ljust(width)}# {note}" if note else f"  {command}", err=True)
    click.echo(f"Put the document's plain text in {target}/src/thresholdkit_{package}/source/{area}.txt", err=True)


@plugin.command("freeze")
@click.argument("folders", nargs=-1, required=True, type=click.Path(file_okay=False))
def freeze(folders: tuple[str, ...]) -> None:
    """Check each data FOLDER from its YAML and write its checked form (checked.json) beside it.

    A plugin that ships checked.json starts fast the first time it is used after an install or
    upgrade: thresholdkit reads it instead of parsing and checking the YAML, but only while it is
    exactly current (the same YAML bytes and the same thresholdkit); otherwise it is ignored and
    the YAML is checked as before. Run it before each release (the conformance tests fail on a
    stale one). Nothing is written for a folder whose data fails the checks."""
    import os

    from thresholdkit.data.loader import freeze as freeze_folder
    from thresholdkit.model.errors import UsageError

    for folder in folders:
        if not os.path.isdir(folder):
            raise UsageError(f"no such data folder '{folder}' (give the folder that holds the plugin's YAML files)")
    for folder in folders:
        path, checked = freeze_folder(folder)
        drafts = f" (a draft: {len(checked.drafts)} things still to write)" if checked.drafts else ""
        click.echo(f"wrote {path}{drafts}", err=True)

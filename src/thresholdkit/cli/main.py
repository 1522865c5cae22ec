"""The ``thresholdkit`` command group. Subcommands live in small modules, imported on use."""

from __future__ import annotations

import importlib
import os
import sys
from typing import Any

import click

from thresholdkit import __version__

#: command name -> "module:function" (imported only when that command runs)
COMMANDS = {
    "areas": "thresholdkit.cli.areas:areas",
    "plugins": "thresholdkit.cli.areas:plugins",
    "levels": "thresholdkit.cli.lookup:levels",
    "indicators": "thresholdkit.cli.lookup:indicators",
    "pathway": "thresholdkit.cli.lookup:pathway",
    "contacts": "thresholdkit.cli.lookup:contacts",
    "consent": "thresholdkit.cli.lookup:consent",
    "assess": "thresholdkit.cli.assess:assess",
    "validate": "thresholdkit.cli.validate:validate",
    "about": "thresholdkit.cli.lookup:about",
    "glossary": "thresholdkit.cli.lookup:glossary",
    "compare": "thresholdkit.cli.compare:compare",
    "batch": "thresholdkit.cli.batch:batch",
    "handout": "thresholdkit.cli.training:handout",
    "quiz": "thresholdkit.cli.training:quiz",
    "plugin": "thresholdkit.cli.plugin:plugin",
    "diff": "thresholdkit.cli.lookup:diff_cmd",
    "site": "thresholdkit.cli.training:site",
    "concepts": "thresholdkit.cli.compare:concepts",
}


class ThresholdkitGroup(click.Group):
    """Lazy subcommands, and every error as one line on stderr with a documented exit status."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        target = COMMANDS.get(cmd_name)
        if target is None:
            return None
        module_name, _, attr = target.partition(":")
        command: click.Command = getattr(importlib.import_module(module_name), attr)
        return command

    def resolve_command(
        self, ctx: click.Context, args: list[str]
    ) -> tuple[str | None, click.Command | None, list[str]]:
        name = args[0] if args else ""
        if name and not name.startswith("-") and name not in COMMANDS:
            from thresholdkit.model.errors import did_you_mean

            raise click.UsageError(f"no command '{name}'{did_you_mean(name, COMMANDS)}; see 'thresholdkit --help'")
        return super().resolve_command(ctx, args)

    def main(self, *args: Any, **kwargs: Any) -> Any:  # type: ignore[override]
        from thresholdkit.model.errors import EXIT_ERROR, EXIT_USAGE, ThresholdkitError

        kwargs["standalone_mode"] = False
        try:
            rv = super().main(*args, **kwargs)
        except click.exceptions.Exit as exc:
            sys.exit(exc.exit_code)
        except click.ClickException as exc:
            click.echo(f"Error: {' '.join(exc.format_message().split())}", err=True)
            sys.exit(exc.exit_code if exc.exit_code else EXIT_USAGE)
        except click.Abort:  # click's form of KeyboardInterrupt / end of input at a prompt
            click.echo("Error: interrupted", err=True)
            sys.exit(130)
        except ThresholdkitError as exc:
            click.echo(f"Error: {exc}", err=True)
            sys.exit(exc.exit_code)
        except KeyboardInterrupt:
            click.echo("Error: interrupted", err=True)
            sys.exit(130)
        except BrokenPipeError:
            sys.exit(EXIT_ERROR)
        except UnicodeEncodeError as exc:
            encoding = getattr(sys.stdout, "encoding", None) or exc.encoding
            click.echo(
                f"Error: the output encoding ({encoding}) cannot write the guidance's text; "
                "set PYTHONIOENCODING=utf-8 (or a UTF-8 locale) and run again",
                err=True,
            )
            sys.exit(EXIT_USAGE)
        except Exception as exc:
            if os.environ.get("THRESHOLDKIT_DEBUG"):
                raise
            text = " ".join(str(exc).split())
            click.echo(
                f"Error: internal error ({type(exc).__name__}: {text}); set THRESHOLDKIT_DEBUG=1 for details",
                err=True,
            )
            sys.exit(EXIT_ERROR)
        sys.exit(rv if isinstance(rv, int) else 0)


@click.group(cls=ThresholdkitGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="thresholdkit")
def cli() -> None:
    """English safeguarding partnerships' levels-of-need guidance, as one consistent tool.

    thresholdkit supports, and never replaces, professional judgement. If a child is in
    immediate danger, call 999.

    Exit status: 0 success, 1 error, 2 usage error, 3 the document publishes no indicators,
    4 batch finished but some records carry an error, 130 interrupted.
    """


def main() -> None:
    cli.main(prog_name="thresholdkit")

"""The ``thresholdkit`` command group. Subcommands live in small modules, imported on use."""

from __future__ import annotations

import importlib
import os
import sys
from typing import Any, NoReturn

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
    "export": "thresholdkit.cli.export:export",
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
        _add_examples(command, cmd_name)
        return command

    def format_epilog(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """The environment variables thresholdkit reads, after the commands."""
        from thresholdkit.model.environment import VARIABLES

        super().format_epilog(ctx, formatter)
        if ctx.parent is None:
            with formatter.section("Environment variables"):
                formatter.write_dl(list(VARIABLES.items()))
            formatter.write_paragraph()
            formatter.write_text(
                "Examples: thresholdkit assess coventry -i non-mobile-child-injury; "
                "thresholdkit contacts telford --now; thresholdkit batch cases.jsonl -o results.jsonl"
            )

    def resolve_command(
        self, ctx: click.Context, args: list[str]
    ) -> tuple[str | None, click.Command | None, list[str]]:
        name = args[0] if args else ""
        if name and not name.startswith("-") and name not in COMMANDS:
            from thresholdkit.model.errors import did_you_mean

            raise click.UsageError(f"no command '{name}'{did_you_mean(name, COMMANDS)}; see 'thresholdkit --help'")
        return super().resolve_command(ctx, args)

    def main(self, *args: Any, **kwargs: Any) -> Any:  # type: ignore[override]
        from thresholdkit.model.errors import EXIT_ERROR, EXIT_USAGE, ThresholdkitError, visible

        kwargs["standalone_mode"] = False
        _safe_streams()
        try:
            rv = super().main(*args, **kwargs)
            if sys.stdout is not None:  # a write that fails (a full disk, a closed pipe) fails here, as one line
                sys.stdout.flush()
        except click.exceptions.Exit as exc:
            sys.exit(exc.exit_code)
        except click.ClickException as exc:  # click's own form: usage, 'Try ... --help', the error
            if type(exc).__name__ == "NoArgsIsHelpError":  # its message is the help itself
                exc.show()
            else:  # the error stays on one line, whatever was typed
                line = visible(" ".join(exc.format_message().split()))
                ctx = getattr(exc, "ctx", None)
                (click.UsageError(line, ctx=ctx) if ctx is not None else click.ClickException(line)).show()
            sys.exit(exc.exit_code if exc.exit_code else EXIT_USAGE)
        except click.Abort:  # click's form of KeyboardInterrupt / end of input at a prompt
            click.echo("Error: interrupted", err=True)
            sys.exit(130)
        except ThresholdkitError as exc:  # input echoed in the message is shown, never acted on
            click.echo(f"Error: {visible(str(exc))}", err=True)
            sys.exit(exc.exit_code)
        except KeyboardInterrupt:
            click.echo("Error: interrupted", err=True)
            sys.exit(130)
        except BrokenPipeError:
            _drop_stdout()
            sys.exit(EXIT_ERROR)
        except OSError as exc:
            if not _output_error(exc):
                _internal_error(exc)
            _drop_stdout()
            click.echo(f"Error: could not write the output ({exc.strerror or type(exc).__name__})", err=True)
            sys.exit(EXIT_ERROR)
        except UnicodeEncodeError as exc:
            encoding = getattr(sys.stdout, "encoding", None) or exc.encoding
            click.echo(
                f"Error: the output encoding ({encoding}) cannot write the guidance's text; "
                "set PYTHONIOENCODING=utf-8 (or a UTF-8 locale) and run again",
                err=True,
            )
            sys.exit(EXIT_USAGE)
        except ValueError as exc:
            if "embedded null" not in str(exc):
                _internal_error(exc)
            # a file name (or a variable) holding NUL: the operating system cannot take it
            click.echo("Error: a file name cannot hold a NUL character (\\0); give the name without it", err=True)
            sys.exit(EXIT_USAGE)
        except Exception as exc:
            _internal_error(exc)
        sys.exit(rv if isinstance(rv, int) else 0)


def _internal_error(exc: Exception) -> NoReturn:
    """An error thresholdkit did not foresee: one line and exit 1 (re-raised with THRESHOLDKIT_DEBUG)."""
    from thresholdkit.model.environment import FALSE
    from thresholdkit.model.errors import EXIT_ERROR, visible

    if os.environ.get("THRESHOLDKIT_DEBUG", "").strip().lower() not in FALSE:
        raise exc
    text = visible(" ".join(str(exc).split()))
    click.echo(
        f"Error: internal error ({type(exc).__name__}: {text}); set THRESHOLDKIT_DEBUG=1 for details",
        err=True,
    )
    sys.exit(EXIT_ERROR)


def _safe_streams() -> None:
    """Output is safe under any encoding: where stdout or stderr cannot encode every character
    (``PYTHONIOENCODING=ascii``, a Latin-1 terminal), a character it cannot write is written as a
    backslash escape (``\u201c``) instead of failing half way. JSON stays valid and exact (the
    escape is JSON's own); the README says to use UTF-8 for the text as printed."""
    import codecs

    for stream in (sys.stdout, sys.stderr):
        encoding = getattr(stream, "encoding", None) or "utf-8"
        try:
            utf = codecs.lookup(encoding).name.startswith("utf")
        except LookupError:
            utf = False
        if not utf and hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="backslashreplace")


def _add_examples(command: click.Command, path: str) -> None:
    """Give the command (and a group's subcommands) its examples from :mod:`thresholdkit.cli.examples`."""
    from thresholdkit.cli.examples import epilog

    if command.epilog is None:
        command.epilog = epilog(path)
    if isinstance(command, click.Group):
        for name, sub in command.commands.items():
            _add_examples(sub, f"{path} {name}")


@click.group(cls=ThresholdkitGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="thresholdkit")
def cli() -> None:
    """English safeguarding partnerships' levels-of-need guidance, as one consistent tool.

    thresholdkit supports, and never replaces, professional judgement. If a child is in
    immediate danger, call 999.

    Exit status: 0 success, 1 error, 2 usage error, 3 the document publishes no indicators,
    4 batch finished but some records carry an error, 130 interrupted.
    """


def _output_error(exc: OSError) -> bool:
    """Whether ``exc`` is a failure to write standard output (no space, a quota, a lost device, none open)."""
    import errno

    # EBADF: standard output closed before the run (see thresholdkit.model.environment.stdout)
    return exc.errno in (errno.ENOSPC, errno.EDQUOT, errno.EIO, errno.EPIPE, errno.EFBIG, errno.EBADF)


def _drop_stdout() -> None:
    """Point stdout at the null device, so that Python's own flush at exit has nothing left to fail on."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError, AttributeError):
        pass


def main() -> None:
    """The ``thresholdkit`` console script and ``python -m thresholdkit``."""
    try:
        cli.main(prog_name="thresholdkit")
    except SystemExit as exc:
        if isinstance(exc.code, int):
            _leave(exc.code)
        raise


def _leave(code: int) -> None:
    """End the process at once when nothing is left to do at exit.

    Python's orderly shutdown (freeing every module and object) takes longer here than a lookup
    itself: about 13 ms after ``import click`` alone. When the output is flushed, no exit handler
    is registered (a worker pool, a temporary folder, a plugin's own ``atexit``) and no other
    thread runs, that shutdown can do nothing a user would see, so it is skipped. Otherwise
    (or on a Python without ``atexit._ncallbacks``) the usual exit runs, with standard output
    closed to it: the output is complete, and a plugin's exit handler that prints must not add to
    it (it made 'areas -f json' invalid JSON)."""
    import atexit

    try:
        for stream in (sys.stdout, sys.stderr):
            if stream is not None:
                stream.flush()
    except (OSError, ValueError):
        return
    pending = getattr(atexit, "_ncallbacks", None)
    threading = sys.modules.get("threading")
    if pending is None or pending() or (threading is not None and threading.active_count() > 1):
        if sys.stdout is not None:
            _drop_stdout()
        return
    os._exit(code)

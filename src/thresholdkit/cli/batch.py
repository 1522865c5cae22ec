"""``thresholdkit batch``."""

from __future__ import annotations

import click

from thresholdkit.model.errors import EXIT_INTERRUPTED, EXIT_PARTIAL, UsageError


@click.command()
@click.argument("input_path", metavar="INPUT")
@click.option(
    "-o", "--output", default="-", show_default=True, help="Output file ('-' for stdout); written atomically."
)
@click.option(
    "--from",
    "fmt_in",
    type=click.Choice(["jsonl", "csv"]),
    help="Input format (default: from the file name, else jsonl).",
)
@click.option(
    "--to",
    "fmt_out",
    type=click.Choice(["jsonl", "csv"]),
    help="Output format (default: from the file name, else jsonl).",
)
@click.option(
    "--jobs",
    "-j",
    type=click.IntRange(1, 64),
    default=1,
    show_default=True,
    help="Worker processes; input order is kept.",
)
def batch(input_path: str, output: str, fmt_in: str | None, fmt_out: str | None, jobs: int) -> int:
    """Assess many case records: exactly one result per input record, in input order.

    Each record gives an id, an area, and indicator ids (a list in JSONL, ';'-separated in CSV),
    a practitioner's level, or facts (age, attendance_percent, school_phase, gestation_weeks,
    homeless, sexually_active, pregnant). Areas may be mixed. A summary goes to stderr. Exit status 0
    when every record was assessed, 4 when some records carry an error.
    """
    import signal
    import sys

    from thresholdkit.batch import run as batchrun
    from thresholdkit.model.environment import stdin

    fmt_in = fmt_in or ("csv" if input_path.lower().endswith(".csv") else "jsonl")
    fmt_out = fmt_out or ("csv" if output.lower().endswith(".csv") else "jsonl")
    try:
        source = stdin().buffer if input_path == "-" else open(input_path, "rb")  # noqa: SIM115
    except OSError as exc:
        raise UsageError(f"cannot read '{input_path}': {exc.strerror}") from None
    _refuse_device(source, input_path)
    from thresholdkit.data.atomic import SafeOutput

    out = SafeOutput(output)  # a bad output path is refused before anything is read
    if out.kind == "file" and _same_file(source, out.target):  # standard input too: '< cases.jsonl'
        if input_path != "-":
            source.close()
        raise UsageError(
            f"-o '{output}' is the input file: the results would replace the cases; give another output file"
        )
    sink = out.open()

    def on_term(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, on_term)
    try:
        import os

        workdir = os.path.dirname(out.target) if out.kind == "file" else None  # --jobs part files
        summary = batchrun.run(source, sink, fmt_in, fmt_out, jobs=jobs, progress=sys.stderr.isatty(), workdir=workdir)
        if summary.interrupted:
            out.discard()
        else:
            out.commit()
    except OSError as exc:  # writing the output: a full disk, a read-only file system, a closed pipe
        out.discard()
        if isinstance(exc, BrokenPipeError) or not _writing(exc, out.target if out.kind == "file" else None):
            raise
        raise UsageError(f"cannot write '{output}': {exc.strerror or exc}; the output was not written") from None
    except BaseException:
        out.discard()
        raise
    finally:
        signal.signal(signal.SIGTERM, previous)
        if input_path != "-":
            source.close()
    for line in summary.lines():
        click.echo(line, err=True)
    if summary.interrupted:
        click.echo(
            f"Error: interrupted after {summary.records} records; "
            + ("no output file was written" if out.kind == "file" else "the output above is incomplete"),
            err=True,
        )
        return EXIT_INTERRUPTED
    return EXIT_PARTIAL if summary.errors else 0


def _refuse_device(source: object, input_path: str) -> None:
    """A device other than a terminal or /dev/null (/dev/zero, /dev/urandom) is endless input:
    a file, a pipe or standard input is read; a device is refused before anything is read."""
    import os
    import stat

    try:
        fd = source.fileno()  # type: ignore[attr-defined]
        st = os.fstat(fd)
        empty = os.stat(os.devnull).st_rdev  # /dev/null: no records, at once
    except (OSError, AttributeError, ValueError):
        return
    if (stat.S_ISCHR(st.st_mode) or stat.S_ISBLK(st.st_mode)) and not os.isatty(fd) and st.st_rdev != empty:
        if input_path != "-":
            source.close()  # type: ignore[attr-defined]
        where = "standard input" if input_path == "-" else f"'{input_path}'"
        raise UsageError(f"cannot read {where}: it is a device, not a file of records; give a file or a pipe")


def _same_file(source: object, target: str) -> bool:
    """Whether the open input ``source`` is the file at ``target`` (a link to it included)."""
    import os

    try:
        mine, theirs = os.fstat(source.fileno()), os.stat(target)  # type: ignore[attr-defined]
    except (OSError, AttributeError, ValueError):
        return False
    return (mine.st_dev, mine.st_ino) == (theirs.st_dev, theirs.st_ino)


def _writing(exc: OSError, target: str | None) -> bool:
    """Whether ``exc`` is a failure to write the output (``target``, None for standard output):
    a write to an open file (no file named), a full or read-only disk, or the output's folder or a
    file in it (the part files of --jobs). Anything else (a data file gone from a broken install)
    is not blamed on the output."""
    import errno
    import os

    if exc.filename is None or exc.errno in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EROFS):
        return True
    if target is None:
        return False
    folder = os.path.dirname(target)
    named = os.path.abspath(str(exc.filename))
    return named == folder or os.path.dirname(named) == folder

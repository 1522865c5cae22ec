"""Running a batch: streaming input to output in order, optionally over N processes.

Memory stays flat: records are read, assessed and written in chunks, with at most a few chunks
per worker in flight. Output files are written atomically (a temporary file in the same folder,
fsync, replace); an interrupted run leaves the old file or none.
"""

from __future__ import annotations

import os
import sys
from collections import Counter, deque
from collections.abc import Iterable, Iterator
from typing import IO, Any

from thresholdkit.batch import engine as batch

CHUNK = 2000  # records per chunk for CSV input
BLOCK = 1 << 20  # bytes per chunk for JSON Lines input
_ENGINE: batch.Engine | None = None


def _engine() -> batch.Engine:
    global _ENGINE
    if _ENGINE is None:
        _ENGINE = batch.Engine()
    return _ENGINE


def process_chunk(start: int, payload: Any, kind: str, fmt_out: str) -> tuple[bytes, dict[str, int]]:
    """Assess one chunk of records numbered from ``start``.

    ``kind`` is "jsonl" (payload: a block of whole lines) or "items" (payload: parsed records or
    error results).
    Returns the encoded output and counts by 'area|level' (or 'error').
    """
    assess = _engine().assess
    record = batch.CaseRecord
    if kind == "jsonl-range":  # (path, offset, length): the worker reads its own block
        path, offset, length = payload
        with open(path, "rb") as fh:
            fh.seek(offset)
            payload = fh.read(length)
            if not payload.endswith((b"\n", b"\r")):
                payload += b"\n"
        kind = "jsonl"
    items = batch.decode_chunk(start, payload) if kind == "jsonl" else payload
    results = [assess(item, n) if type(item) is record else item for n, item in enumerate(items, start)]
    tally = Counter([(r.area, r.level) for r in results])
    counts: dict[str, int] = {}
    for (area, level), count in tally.items():
        key = f"{area}|{level}" if level is not None else "error"
        counts[key] = counts.get(key, 0) + count
    if fmt_out == "jsonl":
        return batch.encode_results(results), counts
    return "".join(batch.encode_csv_row(r) for r in results).encode("utf-8"), counts


def _line_blocks(source: IO[bytes], size: int | None = None) -> Iterator[tuple[int, int, bytes]]:
    """(number of the first record, byte offset, block) for blocks of whole lines of about ``size``
    bytes. Reading blocks rather than lines keeps the reading process light, so that --jobs can
    scale.

    A line ends with LF, CRLF or a lone CR (a lone CR cannot occur inside valid JSON, whose
    strings escape control characters), so every block ends at a line end and the record
    numbers count lines the same way in every block, whatever the block size or --jobs.
    """
    size = size or BLOCK
    start, offset, rest, first = 1, 0, b"", True
    read = getattr(source, "read1", source.read)  # read1: what is there now (pipes, stdin) up to size
    while True:
        block = read(size)
        if first:
            first = False
            if block.startswith(b"\xef\xbb\xbf"):
                block, offset = block[3:], 3
        if not block:
            if rest:
                yield start, offset, rest + b"\n"
            return
        block = rest + block
        # the last line end we can be sure of: a CR as the block's last byte may be half a CRLF
        cut = max(block.rfind(b"\n"), block.rfind(b"\r", 0, len(block) - 1)) + 1
        if cut == 0:
            rest = block
            continue
        yield start, offset, block[:cut]
        start += count_lines(block, cut)
        offset += cut
        rest = block[cut:]


def count_lines(block: bytes, end: int) -> int:
    """Line ends (LF, CRLF or a lone CR) in ``block[:end]``."""
    lf = block.count(b"\n", 0, end)
    if block.find(b"\r", 0, end) < 0:  # the usual case: no CR at all
        return lf
    return lf + block.count(b"\r", 0, end) - block.count(b"\r\n", 0, end)


def _jsonl_chunks(source: IO[bytes]) -> Iterator[tuple[int, Any, str]]:
    for start, _, blob in _line_blocks(source):
        yield start, blob, "jsonl"


def _jsonl_ranges(source: IO[bytes]) -> Iterator[tuple[int, Any, str]]:
    """Like _jsonl_chunks for a regular file, but hands workers (path, offset, length) to read
    themselves, so the blocks do not travel through the pool's pipes."""
    for start, offset, blob in _line_blocks(source):
        yield start, (source.name, offset, len(blob)), "jsonl-range"


def _item_chunks(items: Iterable[tuple[int, Any]], size: int) -> Iterator[tuple[int, Any, str]]:
    chunk: list[Any] = []
    start = 1
    for n, item in items:
        if not chunk:
            start = n
        chunk.append(item)
        if len(chunk) >= size:
            yield start, chunk, "items"
            chunk = []
    if chunk:
        yield start, chunk, "items"


class Summary:
    def __init__(self) -> None:
        self.counts: Counter[str] = Counter()
        self.records = 0
        self.interrupted = False

    def add(self, counts: dict[str, int]) -> None:
        self.counts.update(counts)
        self.records += sum(counts.values())

    @property
    def errors(self) -> int:
        return self.counts.get("error", 0)

    def lines(self) -> list[str]:
        head = f"batch: {self.records} records, {self.records - self.errors} assessed, {self.errors} with errors"
        if self.interrupted:
            head += " (interrupted: the output file was not written)"
        out = [head]
        by_area: dict[str, list[str]] = {}
        for key, count in sorted(self.counts.items()):
            if key == "error":
                continue
            area, _, level = key.partition("|")
            by_area.setdefault(area, []).append(f"L{level} {count}")
        out += [f"  {area}: {', '.join(parts)}" for area, parts in by_area.items()]
        return out


def run(
    source: IO[bytes], sink: IO[bytes], fmt_in: str, fmt_out: str, jobs: int = 1, progress: bool = False
) -> Summary:
    """Stream ``source`` to ``sink``. On an interrupt, stops and returns with ``interrupted`` set."""
    global _ENGINE
    _ENGINE = None  # each run sees the plugins and the allow-list as they are now
    summary = Summary()
    chunks = _jsonl_chunks(source) if fmt_in == "jsonl" else _item_chunks(batch.read_csv(source), CHUNK)
    if fmt_out == "csv":
        sink.write(batch.csv_header().encode("utf-8"))
    next_report = 50_000

    def emit(data: bytes, counts: dict[str, int]) -> None:
        nonlocal next_report
        sink.write(data)
        summary.add(counts)
        if progress and summary.records >= next_report:
            sys.stderr.write(f"\rthresholdkit batch: {summary.records:,} records")
            sys.stderr.flush()
            next_report += 50_000

    try:
        if jobs <= 1:
            for start, payload, kind in chunks:
                emit(*process_chunk(start, payload, kind, fmt_out))
        else:
            import stat

            seekable = fmt_in == "jsonl" and stat.S_ISREG(os.fstat(source.fileno()).st_mode)
            _run_parallel(_jsonl_ranges(source) if seekable else chunks, fmt_out, jobs, emit)
    except KeyboardInterrupt:
        summary.interrupted = True  # the caller discards the output and reports what was done
    finally:
        if progress and summary.records >= 50_000:
            sys.stderr.write("\n")
    return summary


def _worker_init() -> None:
    """Workers leave interruption to the parent: default SIGTERM (the pool's shutdown), no SIGINT.

    A worker whose parent has gone (killed, or its output pipe closed) ends quietly: on Linux the
    kernel sends it SIGTERM when the parent dies, and a write to a closed pipe ends it (default
    SIGPIPE) instead of printing a BrokenPipeError traceback.
    """
    import signal

    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGPIPE, signal.SIG_DFL)
    if sys.platform.startswith("linux"):
        try:
            import ctypes

            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
            if os.getppid() == 1:  # the parent died before prctl: go now
                os._exit(0)
        except (OSError, AttributeError):
            pass


def _run_parallel(chunks: Iterator[tuple[int, Any, str]], fmt_out: str, jobs: int, emit: Any) -> None:
    import multiprocessing as mp

    ctx = mp.get_context("fork") if "fork" in mp.get_all_start_methods() else mp.get_context()
    _engine()  # built once here; forked workers inherit it instead of each loading every area
    in_flight: deque[Any] = deque()
    with ctx.Pool(jobs, initializer=_worker_init) as pool:
        for start, payload, kind in chunks:
            in_flight.append(pool.apply_async(process_chunk, (start, payload, kind, fmt_out)))
            while len(in_flight) >= jobs * 3:
                emit(*in_flight.popleft().get())
        while in_flight:
            emit(*in_flight.popleft().get())

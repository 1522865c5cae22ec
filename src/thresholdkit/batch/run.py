"""Running a batch: streaming input to output in order, optionally over N processes.

Memory stays flat: records are read, assessed and written in chunks, with at most a few chunks
per worker in flight. Output files are written atomically (a temporary file in the same folder,
fsync, replace); an interrupted run leaves the old file or none.

With ``--jobs N`` and a regular input file, each worker takes whole byte ranges of the input
(cut at line starts, with the framing of :func:`_line_blocks`), numbers its records from the
count of the ranges before it, and writes its results to an unnamed part file of its own; the
parent joins the parts in order into the output (``copy_file_range``/``sendfile`` where they
work). Results never travel through the pool's pipes, and a part file never has a name, so no
exit (an error, an interrupt, a kill) leaves one behind. For CSV, a range is cut only where the
quotes before it are even, and each worker checks that its rows end exactly at its range's end
and number what the count said; if not (a quoted cell spanning lines at a cut, a stray quote),
the records from that range on are read again by one process, in order. Standard input, pipes
and platforms without ``fork`` stream chunks through the pool as before.
"""

from __future__ import annotations

import gc
import io
import itertools
import operator
import os
import re
import sys
from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator
from typing import IO, Any

from thresholdkit.batch import engine as batch
from thresholdkit.model.errors import UsageError

CHUNK = 2000  # records per chunk for CSV input
BLOCK = 1 << 20  # bytes per chunk for JSON Lines input
#: Byte ranges per worker with --jobs and a file input: more ranges than workers even out the load.
RANGES_PER_JOB = 4
#: The smallest byte range given a worker of its own (THRESHOLDKIT_BATCH_MIN_RANGE overrides it;
#: tests make it tiny so that range boundaries land everywhere).
MIN_RANGE = 1 << 20
#: The longest line read as one record; a longer one ends the run with an error (memory stays bounded).
MAX_LINE = 64 << 20
#: The garbage collector's thresholds during a run: a batch allocates millions of short-lived
#: objects and no cycles, and the default thresholds spend a quarter of the time collecting.
GC_THRESHOLD = (100_000, 50, 1000)
_ENGINE: batch.Engine | None = None
_TALLY_KEY = operator.attrgetter("area", "level")


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
    engine = _engine()
    if kind == "jsonl-range":  # (path, offset, length): the worker reads its own block
        path, offset, length = payload
        with open(path, "rb") as fh:
            fh.seek(offset)
            payload = fh.read(length)
            if not payload.endswith((b"\n", b"\r")):
                payload += b"\n"
        kind = "jsonl"
    items = batch.decode_chunk(start, payload) if kind == "jsonl" else payload
    results = engine.assess_chunk(items, start)
    tally = Counter(map(_TALLY_KEY, results))
    counts: dict[str, int] = {}
    for (area, level), count in tally.items():
        key = f"{area}|{level}" if level is not None else "error"
        counts[key] = counts.get(key, 0) + count
    if fmt_out == "jsonl":
        return batch.encode_results(results), counts
    return batch.encode_csv_rows(results).encode("utf-8"), counts


def _line_blocks(
    source: IO[bytes], size: int | None = None, start: int = 1, bom: bool = True
) -> Iterator[tuple[int, int, bytes]]:
    """(number of the first record, byte offset, block) for blocks of whole lines of about ``size``
    bytes. Reading blocks rather than lines keeps the reading process light, so that --jobs can
    scale.

    A line ends with LF, CRLF or a lone CR (a lone CR cannot occur inside valid JSON, whose
    strings escape control characters), so every block ends at a line end and the record
    numbers count lines the same way in every block, whatever the block size or --jobs.
    """
    size = size or BLOCK
    offset, rest, first = 0, b"", bom
    # A line longer than a read (a pipe gives what it has) grows in a bytearray, searched only in
    # its new bytes, until its end arrives: joining and searching it whole at every read made a
    # long line from standard input quadratic (80 MB: 51 s).
    long: bytearray | None = None
    read = getattr(source, "read1", source.read)  # read1: what is there now (pipes, stdin) up to size
    while True:
        block = read(size)
        if first:
            first = False
            if block.startswith(b"\xef\xbb\xbf"):
                block, offset = block[3:], 3
        if not block:
            tail = bytes(long) if long is not None else rest
            if tail:
                yield start, offset, tail + b"\n"
            return
        if long is not None:
            searched = len(long) - 1  # before it, no line end (its last byte may be a CR)
            long += block
            if len(long) > MAX_LINE:  # endless input with no line end (a pipe from /dev/zero): stop, in one line
                raise UsageError(
                    f"record {start}: a line longer than {MAX_LINE // 1048576} MiB; "
                    "give one JSON record per line"
                )
            cut = max(long.rfind(b"\n", searched), long.rfind(b"\r", searched, len(long) - 1)) + 1
            if cut == 0:
                continue
            block, long = bytes(long), None
        else:
            block = rest + block
            # the last line end we can be sure of: a CR as the block's last byte may be half a CRLF
            cut = max(block.rfind(b"\n"), block.rfind(b"\r", 0, len(block) - 1)) + 1
            if cut == 0:
                long = bytearray(block)
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
    source: IO[bytes],
    sink: IO[bytes],
    fmt_in: str,
    fmt_out: str,
    jobs: int = 1,
    progress: bool = False,
    workdir: str | None = None,
) -> Summary:
    """Stream ``source`` to ``sink``. On an interrupt, stops and returns with ``interrupted`` set.

    ``workdir`` is the folder for the part files of a ``--jobs`` run (the output's own folder;
    by default the system's temporary folder).
    """
    global _ENGINE
    _ENGINE = None  # each run sees the plugins and the allow-list as they are now
    summary = Summary()
    if fmt_out == "csv":
        sink.write(batch.csv_header().encode("utf-8"))
    next_report = 50_000

    def add(counts: dict[str, int]) -> None:
        nonlocal next_report
        summary.add(counts)
        if progress and summary.records >= next_report:
            sys.stderr.write(f"\rthresholdkit batch: {summary.records:,} records")
            sys.stderr.flush()
            next_report = (summary.records // 50_000 + 1) * 50_000

    def emit(data: bytes, counts: dict[str, int]) -> None:
        sink.write(data)
        add(counts)

    thresholds = gc.get_threshold()
    gc.set_threshold(*GC_THRESHOLD)  # for this run only: the library API is used in-process too
    try:
        if jobs <= 1:
            for start, payload, kind in _chunks(source, fmt_in):
                emit(*process_chunk(start, payload, kind, fmt_out))
        elif _can_split(source):
            _run_ranges(source, sink, fmt_in, fmt_out, jobs, add, workdir)
        else:
            _run_parallel(_chunks(source, fmt_in), fmt_out, jobs, emit)
    except KeyboardInterrupt:
        summary.interrupted = True  # the caller discards the output and reports what was done
    finally:
        gc.set_threshold(*thresholds)
        if progress and summary.records >= 50_000:
            sys.stderr.write("\n")
    return summary


def _chunks(source: IO[bytes], fmt_in: str) -> Iterator[tuple[int, Any, str]]:
    return _jsonl_chunks(source) if fmt_in == "jsonl" else _item_chunks(batch.read_csv(source), CHUNK)


def _can_split(source: IO[bytes]) -> bool:
    """Whether workers can take byte ranges of ``source``: a regular file, and fork (workers
    inherit the part files' descriptors)."""
    import multiprocessing as mp
    import stat

    try:
        return stat.S_ISREG(os.fstat(source.fileno()).st_mode) and "fork" in mp.get_all_start_methods()
    except (AttributeError, OSError, ValueError, io.UnsupportedOperation):
        return False


# --- byte ranges ---------------------------------------------------------------------------


class _Range(io.RawIOBase):
    """Bytes ``[offset, end)`` of the file open as ``fd``, read with pread (no shared position)."""

    def __init__(self, fd: int, offset: int, end: int) -> None:
        super().__init__()
        self.fd, self.pos, self.end = fd, offset, end

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        want = min(len(buffer), self.end - self.pos)
        if want <= 0:
            return 0
        data = os.pread(self.fd, want, self.pos)
        buffer[: len(data)] = data
        self.pos += len(data)
        return len(data)


def _reader(fd: int, offset: int, end: int) -> io.BufferedReader:
    return io.BufferedReader(_Range(fd, offset, end), BLOCK)


def _min_range() -> int:
    try:
        return max(1, int(os.environ.get("THRESHOLDKIT_BATCH_MIN_RANGE", "")))
    except ValueError:
        return MIN_RANGE


def _next_start(fd: int, pos: int, size: int, parity: int | None) -> tuple[int, int]:
    """The first line start at or after ``pos`` (after LF, CRLF or a lone CR) and, for CSV
    (``parity``: the count of quotes before ``pos``, mod 2), one with an even count of quotes
    before it. Returns (the line start or ``size``, the parity there)."""
    at = pos - 1  # the byte that may end a line
    while at < size:
        window = os.pread(fd, 1 << 16, at)
        if not window:
            break
        for i in range(len(window)):
            byte = window[i]
            if byte == 34 and parity is not None and at + i >= pos:  # '"'
                parity ^= 1
            end = byte == 10 or (byte == 13 and (at + i + 1 >= size or _byte(fd, window, i + 1, at) != 10))
            if end and (parity is None or parity == 0):
                return at + i + 1, 0
        at += len(window)
    return size, parity or 0


def _byte(fd: int, window: bytes, i: int, at: int) -> int:
    return window[i] if i < len(window) else os.pread(fd, 1, at + i)[0]


def _cuts(fd: int, begin: int, size: int, jobs: int, csv_input: bool) -> list[int]:
    """Offsets that cut ``[begin, size)`` into ranges of whole lines (whole rows for CSV)."""
    count = max(1, min(jobs * RANGES_PER_JOB, (size - begin) // _min_range()))
    cuts = [begin]
    parity, counted = 0, begin  # quotes in [begin, counted), mod 2 (CSV)
    for k in range(1, count):
        nominal = begin + (size - begin) * k // count
        if nominal <= cuts[-1]:
            continue
        if csv_input:
            while counted < nominal:
                block = os.pread(fd, min(BLOCK, nominal - counted), counted)
                parity ^= block.count(b'"') & 1
                counted += len(block)
        cut, parity_at = _next_start(fd, nominal, size, parity if csv_input else None)
        if csv_input:
            parity, counted = parity_at, cut
        if cut >= size:
            break
        cuts.append(cut)
    cuts.append(size)
    return cuts


_QUOTED = re.compile(rb'"[^"]*"')


def _count_range(fd: int, offset: int, end: int, csv_input: bool, last: bool) -> int:
    """How many records ``[offset, end)`` holds: its lines (JSONL), or, for CSV, its line ends
    outside quotes (the worker checks this count against its rows)."""
    n, inside, after_cr, pos, tail = 0, False, False, offset, b""
    while pos < end:
        block = os.pread(fd, min(BLOCK, end - pos), pos)
        if not block:
            break
        pos += len(block)
        tail = block[-1:]
        if csv_input:
            if inside:
                q = block.find(b'"')
                if q < 0:
                    after_cr = False
                    continue
                block, inside = b"_" + block[q + 1 :], False  # '_': what the quoted text was
            if block.count(b'"') & 1:  # a quote opens a cell this block does not close
                q = block.rfind(b'"')
                block, inside = block[:q] + b"_", True
            if b'"' in block:
                block = _QUOTED.sub(b"_", block)
        n += count_lines(block, len(block))
        if after_cr and block.startswith(b"\n"):
            n -= 1  # a CRLF cut by the block: one line end, counted twice
        after_cr = block.endswith(b"\r")
    if last and tail and tail not in (b"\n", b"\r"):
        n += 1  # the last line, with no line end
    return n


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


def _jsonl_range(fd: int, offset: int, end: int, start: int, out: int, fmt_out: str) -> tuple[int, dict[str, int]]:
    total: Counter[str] = Counter()
    n = start
    for first, _, blob in _line_blocks(_reader(fd, offset, end), start=start, bom=False):
        data, counts = process_chunk(first, blob, "jsonl", fmt_out)
        _write_all(out, data)
        total.update(counts)
        n = first + sum(counts.values())
    return n - start, dict(total)


def _csv_range(
    fd: int, offset: int, end: int, start: int, out: int, fmt_out: str, header: list[str], last: bool
) -> tuple[int, bool, dict[str, int]]:
    """Assess the CSV rows of ``[offset, end)``; (rows, whether they ended exactly at ``end``, counts)."""
    done = [False]

    def lines() -> Iterator[str]:
        yield from batch.csv_text_lines(_reader(fd, offset, end))
        done[0] = True

    total: Counter[str] = Counter()
    clean = True
    rows = 0
    chunk: list[Any] = []
    first = start
    for _, item in batch.csv_records(batch.csv_reader(lines()), header, start - 1):
        if done[0] and not last:
            clean = False  # this row ran past the range's end: it goes on in the next range
        chunk.append(item)
        rows += 1
        if len(chunk) >= CHUNK:
            data, counts = process_chunk(first, chunk, "items", fmt_out)
            _write_all(out, data)
            total.update(counts)
            first, chunk = first + len(chunk), []
    if chunk:
        data, counts = process_chunk(first, chunk, "items", fmt_out)
        _write_all(out, data)
        total.update(counts)
    return rows, clean, dict(total)


def _process_range(
    fd: int,
    offset: int,
    end: int,
    start: int,
    expected: int,
    out: int,
    fmt_in: str,
    fmt_out: str,
    header: list[str] | None,
    last: bool,
) -> tuple[bool, dict[str, int]]:
    """One worker's range: its records, numbered from ``start``, assessed into the part file
    ``out``. Returns (whether the range held exactly the ``expected`` records, ending at its end;
    the counts)."""
    if header is None:
        rows, counts = _jsonl_range(fd, offset, end, start, out, fmt_out)
        if rows != expected:  # cannot happen: the same framing counted them
            raise RuntimeError(f"batch: range {offset}-{end} held {rows} records, not {expected}")
        return True, counts
    rows, clean, counts = _csv_range(fd, offset, end, start, out, fmt_out, header, last)
    return clean and rows == expected, counts


def _csv_head(fd: int, size: int) -> tuple[list[str] | None, int]:
    """The CSV header (checked) and the offset of the first row after it."""
    used = [0]

    def lines() -> Iterator[str]:
        for line in batch.csv_text_lines(_reader(fd, 0, size)):
            used[0] += len(line.encode("utf-8", "surrogateescape"))
            yield line

    header = batch.read_csv_header(batch.csv_reader(lines()))
    return header, used[0]


def _run_ranges(
    source: IO[bytes],
    sink: IO[bytes],
    fmt_in: str,
    fmt_out: str,
    jobs: int,
    add: Callable[[dict[str, int]], None],
    workdir: str | None,
) -> None:
    """--jobs over byte ranges of a regular file, each worker writing a part file (see the module)."""
    import multiprocessing as mp
    import tempfile

    fd = source.fileno()
    size = os.fstat(fd).st_size
    header: list[str] | None = None
    if fmt_in == "jsonl":
        begin = 3 if os.pread(fd, 3, 0) == b"\xef\xbb\xbf" else 0
    else:
        header, begin = _csv_head(fd, size)
        if header is None:
            return
    cuts = _cuts(fd, begin, size, jobs, header is not None)
    ranges = [(a, b) for a, b in itertools.pairwise(cuts) if b > a]
    if not ranges:
        return
    sink.flush()  # nothing buffered may be copied into the workers
    parts: list[IO[bytes]] = []
    try:
        for _ in ranges:
            parts.append(tempfile.TemporaryFile(dir=workdir))  # noqa: SIM115 - unnamed: nothing to clean up, ever
        _engine()  # built once here; forked workers inherit it instead of each loading every area
        redo: int | None = None
        with mp.get_context("fork").Pool(min(jobs, len(ranges)), initializer=_worker_init) as pool:
            counted = pool.starmap(
                _count_range, [(fd, a, b, header is not None, b == size) for a, b in ranges], chunksize=1
            )
            starts = [1]
            for n in counted:
                starts.append(starts[-1] + n)
            tasks = [
                pool.apply_async(
                    _process_range,
                    (fd, a, b, starts[i], counted[i], parts[i].fileno(), fmt_in, fmt_out, header, b == size),
                )
                for i, (a, b) in enumerate(ranges)
            ]
            for i, task in enumerate(tasks):
                exact, counts = task.get()
                if redo is not None:
                    continue  # let every worker finish: terminating one mid-reply can hang the pool
                if not exact:
                    redo = i
                    continue
                add(counts)
                _join([parts[i]], sink)  # while the workers go on with later ranges
                parts[i].close()  # its disk space is free now
            pool.close()
            pool.join()
        if redo is not None:  # CSV rows that cross a cut: from this range on, one process, in order
            _read_on(fd, ranges[redo][0], size, starts[redo], header or [], parts[redo], fmt_out, add)
            _join([parts[redo]], sink)
    finally:
        for part in parts:
            part.close()


def _read_on(
    fd: int,
    offset: int,
    size: int,
    start: int,
    header: list[str],
    part: IO[bytes],
    fmt_out: str,
    add: Callable[[dict[str, int]], None],
) -> None:
    """The CSV records from ``offset`` to the end, numbered from ``start``, read in order by
    this process into ``part`` (replacing what a worker wrote there)."""
    part.truncate(0)
    part.seek(0)
    records = batch.csv_records(batch.csv_reader(batch.csv_text_lines(_reader(fd, offset, size))), header, start - 1)
    for first, payload, kind in _item_chunks(records, CHUNK):
        data, counts = process_chunk(first, payload, kind, fmt_out)
        part.write(data)
        add(counts)
    part.flush()


def _join(parts: list[IO[bytes]], sink: IO[bytes]) -> None:
    """Copy the part files, in order, to ``sink`` (in the kernel where it can)."""
    import shutil

    sink.flush()
    try:
        out: int | None = sink.fileno()
    except (AttributeError, OSError, ValueError, io.UnsupportedOperation):
        out = None
    for part in parts:
        part.flush()
        src = part.fileno()
        size = os.fstat(src).st_size
        done = _copy_in_kernel(src, out, size) if out is not None else 0
        if done < size:
            part.seek(done)
            shutil.copyfileobj(part, sink, BLOCK)
            sink.flush()


def _copy_in_kernel(src: int, out: int, size: int) -> int:
    """Bytes of ``src`` copied to ``out`` with copy_file_range, else sendfile (0 if neither works)."""
    done = 0
    for how in ("copy_file_range", "sendfile"):
        call = getattr(os, how, None)
        if call is None:
            continue
        try:
            while done < size:
                n = call(src, out, size - done, done) if how == "copy_file_range" else call(out, src, done, size - done)
                if n <= 0:
                    break
                done += n
        except OSError:
            pass  # not between these two files (a pipe, another file system, O_APPEND): the next way
        if done >= size:
            break
    return done


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

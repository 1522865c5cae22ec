"""CSV batch speed without timing anything: each fast path gives exactly what the straightforward
per-row rule gives.

- writing: :func:`encode_csv_rows` (one check over a whole chunk, then the rows joined as they
  are) against :func:`encode_csv_row` row by row (every cell through ``csv_cell``), on random
  results and on plain chunks with one hostile cell anywhere (formula-like ids, commas, quotes,
  CR/LF, error messages quoting user input);
- reading: :func:`csv_records` (rows straight to records by :func:`csv_fast_record`) against the
  per-row reader it replaced (every row through :func:`csv_exact_record`), on random headers and
  hostile rows, with reader errors in between.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from thresholdkit.batch import engine as batch
from thresholdkit.data.cells import CSV_DANGER

# --- writing ----------------------------------------------------------------------------------

#: Characters that decide how a cell is written: the formula ones, the ones that force quoting,
#: separators of the joined cells, and a few ordinary and non-ASCII ones.
_HOSTILE_CHARS = [*CSV_DANGER, ",", '"', "\n", ";", "|", " ", "'", "a", "Z", "0", "é", "\x00", "\u2028"]
_HOSTILE = st.text(alphabet=st.sampled_from(_HOSTILE_CHARS), max_size=5)
_PLAIN = st.from_regex(re.compile(r"[a-z0-9][a-z0-9 -]{0,8}"), fullmatch=True)
_FORMULA_LIKE = st.sampled_from(
    ["=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx", '=HYPERLINK("http://x/","y")', "-", "'=1"]
)


def _result(text: st.SearchStrategy[str]) -> st.SearchStrategy[batch.BatchResult]:
    return st.builds(
        batch.BatchResult,
        id=st.one_of(st.none(), st.integers(-(10**6), 10**6), text),
        area=st.one_of(st.none(), text),
        level=st.one_of(st.none(), st.integers(-2, 6)),
        level_name=st.one_of(st.none(), text),
        indicators=st.lists(text, max_size=3),
        emergency=st.booleans(),
        warnings=st.lists(text, max_size=2),
        error=st.one_of(st.none(), text),
        record=st.integers(1, 10**9),
    )


def _one_by_one(results: list[batch.BatchResult]) -> str:
    """The reference: each row as encode_csv_row writes it."""
    return "".join(batch.encode_csv_row(r) for r in results)


@given(st.lists(_result(st.one_of(_HOSTILE, _PLAIN)), max_size=40))
@settings(max_examples=400, deadline=None)
def test_encode_csv_rows_is_encode_csv_row_row_by_row(results: list[batch.BatchResult]) -> None:
    assert batch.encode_csv_rows(results) == _one_by_one(results)
    assert batch.encode_csv_rows(iter(results)) == _one_by_one(results)  # any iterable


_HEAD_FIELDS = ["id", "area", "level_name", "indicators"]


@given(
    st.lists(_result(_PLAIN), min_size=1, max_size=60),
    st.data(),
    st.sampled_from([*_HEAD_FIELDS, "warnings", "error"]),
    st.one_of(_FORMULA_LIKE, _HOSTILE, st.sampled_from(["a,b", 'say "hi"', "two\nlines", "cr\rhere"])),
)
@settings(max_examples=400, deadline=None)
def test_one_hostile_cell_in_a_plain_chunk_is_written_as_row_by_row(
    results: list[batch.BatchResult], data: st.DataObject, field: str, hostile: str
) -> None:
    """The whole-chunk check must catch a single cell anywhere: first row, last row, any column."""
    r = results[data.draw(st.integers(0, len(results) - 1))]
    if field in ("indicators", "warnings"):
        value: Any = [*getattr(r, field), hostile] if data.draw(st.booleans()) else [hostile, *getattr(r, field)]
    else:
        value = hostile
    setattr(r, field, value)
    assert batch.encode_csv_rows(results) == _one_by_one(results)


def test_formula_ids_and_quoting_messages_are_guarded_in_a_chunk() -> None:
    """Concrete cases: a formula-like id or area among plain rows, a negative integer id (from
    JSON Lines), and error messages that quote the user's text."""
    plain = [
        batch.BatchResult(f"case-{n}", "coventry", 2, "Early Help", ["x-y"], False, [], None, n) for n in range(50)
    ]
    engine = batch.Engine()
    hostile = [
        batch.BatchResult("=1+1", "coventry", 2, "Early Help", ["x-y"], False, [], None, 51),
        batch.BatchResult(-5, "coventry", 2, "Early Help", [], False, [], None, 52),
        engine.assess(batch.CaseRecord(id="@x", area="=cmd|' /C calc'!A0", indicators=["a"]), 53),
        engine.assess(batch.CaseRecord(id="ok", area="coventry", indicators=['=HYPERLINK("x")', "b,c"]), 54),
        batch.BatchResult("a,b", "coventry", None, None, [], False, [], 'malformed record: "x"\n-1', 55),
    ]
    for bad in hostile:
        for at in (0, 25, 50):
            results = [*plain[:at], bad, *plain[at:]]
            got = batch.encode_csv_rows(results)
            assert got == _one_by_one(results)
            assert len(list(csv.reader(got.splitlines(keepends=True)))) == len(results)  # one row each
    assert "'=1+1," in batch.encode_csv_rows([hostile[0]])
    assert batch.encode_csv_rows([hostile[1]]).startswith("'-5,")


# --- reading ----------------------------------------------------------------------------------

_SURROGATE = re.compile("[\udc80-\udcff]")


def _reference_records(reader: Any, header: list[str], n: int = 0) -> Iterator[tuple[int, Any]]:
    """The reader before the fast path: the same row checks, then every row read by
    csv_exact_record (which converts each cell in column order and lets msgspec check it all)."""
    id_at = header.index("id") if "id" in header else -1
    width = len(header)
    columns = batch.csv_columns(header)
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            n += 1
            yield n, batch.BatchResult(None, None, None, None, [], False, [], f"malformed CSV record: {exc}", n)
            continue
        n += 1
        joined = "".join(row)
        if not joined.strip():
            yield n, batch.BatchResult(None, None, None, None, [], False, [], "empty line", n)
        elif not joined.isascii() and _SURROGATE.search(joined) is not None:
            yield n, batch.BatchResult(None, None, None, None, [], False, [], "not UTF-8 text", n)
        elif len(row) != width:
            rec_id = row[id_at] if 0 <= id_at < len(row) else None
            yield (
                n,
                batch.BatchResult(
                    rec_id,
                    None,
                    None,
                    None,
                    [],
                    False,
                    [],
                    f"malformed record: {len(row)} cells for {width} columns",
                    n,
                ),
            )
        else:
            yield n, batch.csv_exact_record(n, row, columns, id_at)


def _same(item: Any) -> tuple[str, str]:
    """An item compared by type and every field (repr: a NaN fact equals itself)."""
    return type(item).__name__, repr(item)


#: Cells for each column: valid and invalid values, blanks, spaces, formula-like and non-UTF-8 text.
_CELLS: dict[str, list[str]] = {
    "id": ["", " ", "case-1", "=1+1", "-1", "@x", "\tx", "a,b", 'a"b', "é", "\udcff", "x" * 50],
    "area": ["", "coventry", " telford ", "nowhere", "=evil", "Coventry", "a b"],
    "set": ["", "main", "nosuch", " - "],
    "indicators": ["", " ", ";", ";;", "a;b", " a ; b ", "a;;b", "a b;c", "x\u00a0y", "=1;-2", "a;a", "\u3000"],
    "level": ["", "0", "1", "4", "5", "-1", "+2", " 3 ", "1.0", "abc", "1_0", "\u0663", "9" * 30, "-0"],
    "age": ["", "0", "25", "26", "-1", " 7 ", "1.5", "x", "9" * 30, "+3"],
    "attendance_percent": ["", "50", "100", "101", "-0.5", "nan", "inf", "1e400", "85.5", "x", "1_0.5"],
    "school_phase": ["", "primary", "secondary", "Primary", "=primary", " "],
    "gestation_weeks": ["", "20", "45", "0", "-3", "x"],
    "homeless": ["", "true", "FALSE", "yes", "n", "1", "maybe", " y "],
    "sexually_active": ["", "true", "false", "2"],
    "pregnant": ["", "true", "no", "x"],
}


@st.composite
def _table(draw: st.DrawFn) -> tuple[list[str], list[Any]]:
    """A header (some columns, any order, always area) and rows for it: mostly the right width,
    some blank, short or long, a reader error here and there."""
    names = draw(st.lists(st.sampled_from(list(batch.CSV_INPUT)), unique=True, max_size=len(batch.CSV_INPUT)))
    header = draw(st.permutations([*names, *(["area"] if "area" not in names else [])]))
    row = st.tuples(*(st.sampled_from(_CELLS[name]) for name in header)).map(list)
    other = st.one_of(
        st.lists(st.sampled_from(["", " ", "x", "coventry"]), max_size=len(header) + 2),
        st.just(csv.Error("field larger than field limit (1048576)")),
    )
    rows = draw(st.lists(st.one_of(row, row, row, other), max_size=30))
    return header, rows


class _Reader:
    """Rows as a csv reader gives them: an exception in the list is raised, and reading goes on."""

    def __init__(self, rows: list[Any]) -> None:
        self.rows = iter(rows)

    def __iter__(self) -> _Reader:
        return self

    def __next__(self) -> list[str]:
        row = next(self.rows)
        if isinstance(row, Exception):
            raise row
        return row  # type: ignore[no-any-return]


@given(_table(), st.integers(0, 5))
@settings(max_examples=500, deadline=None)
def test_csv_records_reads_as_the_per_row_reader(table: tuple[list[str], list[Any]], start: int) -> None:
    header, rows = table
    got = [(n, _same(item)) for n, item in batch.csv_records(_Reader(rows), header, start)]
    want = [(n, _same(item)) for n, item in _reference_records(_Reader(rows), header, start)]
    assert got == want


@given(_table())
@settings(max_examples=300, deadline=None)
def test_the_fast_record_declines_only_rows_that_are_errors(table: tuple[list[str], list[Any]]) -> None:
    """csv_fast_record gives the exact reader's record, and declines a row only when the exact
    reader makes it an error (so no valid row pays for both)."""
    header, rows = table
    fast = batch.csv_fast_record(header)
    columns = batch.csv_columns(header)
    id_at = header.index("id") if "id" in header else -1
    for n, row in enumerate(rows, 1):
        if isinstance(row, Exception) or len(row) != len(header):
            continue
        exact = batch.csv_exact_record(n, row, columns, id_at)
        rec = fast(row)
        if rec is None:
            assert isinstance(exact, batch.BatchResult) and exact.error, (row, exact)
        else:
            assert _same(rec) == _same(exact)


def test_real_csv_text_reads_the_same(tmp_path: Any) -> None:
    """Through the real csv reader: quoted newlines, a stray quote, CRLF, an over-long cell."""
    text = (
        'id,area,indicators,level,age\r\n"a\nb",coventry,,2,\r\n=1+1,telford,x;y,,3\r\n'
        'c"d,coventry,,1,\r\n"' + "z" * (batch.MAX_CSV_FIELD + 1) + '",coventry,,1,\r\n,,,,\r\n-2,nowhere,,9,x\r\n'
    )

    def reader() -> Any:
        rows = batch.csv_reader(iter(text.splitlines(keepends=True)))
        header = batch.read_csv_header(rows)
        assert header is not None
        return rows, header

    rows, header = reader()
    got = [(n, _same(item)) for n, item in batch.csv_records(rows, header)]
    rows, header = reader()
    assert got == [(n, _same(item)) for n, item in _reference_records(rows, header)]
    assert len(got) == 6

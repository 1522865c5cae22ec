"""Hardening: fuzzed inputs, plugin faults, no network, no case content outside the output.

Every fuzz test counts its inputs (printed at the end of the run as "fuzz: N inputs tried");
an input that produced a traceback or an internal error fails the test.
"""

from __future__ import annotations

import io
import json
import os
import re
import socket
import string
import subprocess
import sys
import typing
from pathlib import Path

import pytest
from click.testing import CliRunner
from fuzzstats import TRACEBACKS, TRIED
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from thresholdkit.cli.main import cli

FUZZ = settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])

_json_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**30), max_value=10**30),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=40),
)
_json = st.recursive(
    _json_scalars,
    lambda kids: st.one_of(st.lists(kids, max_size=5), st.dictionaries(st.text(max_size=12), kids, max_size=5)),
    max_leaves=20,
)
_keys = st.sampled_from(["id", "area", "set", "indicators", "level", "facts", "name", "age", "school_phase"])
_case_like = st.dictionaries(_keys, _json, max_size=5)
_bytes_noise = st.binary(max_size=300).map(
    lambda b: b.replace(b"\x00", b"\x00")  # NUL bytes kept as they come
)
_text_decor = st.sampled_from([b"", b"\xef\xbb\xbf"]), st.sampled_from([b"\n", b"\r\n"])


def _check(kind: str, result, allowed=(0, 2, 3)) -> None:
    TRIED[kind] += 1
    bad = result.exception is not None and not isinstance(result.exception, SystemExit)
    bad = bad or "internal error" in result.stderr or "Traceback" in (result.stderr + result.stdout)
    if bad or result.exit_code not in allowed:
        TRACEBACKS[kind] += 1
        raise AssertionError(f"{kind}: exit {result.exit_code}: {result.stderr[-300:]} {result.exception!r}")
    if result.exit_code:
        lines = [line for line in result.stderr.splitlines() if line.strip()]
        if result.exit_code == 2 and lines and lines[0].startswith("Usage: ") and "\nCommands:\n" in result.stderr:
            return  # a bare command group shows its help, as click itself does (8.2 and later: on stderr, exit 2)
        assert len(lines) >= 1 and lines[-1].startswith("Error: "), result.stderr


def _case_bytes(draw_value) -> bytes:
    return draw_value


@FUZZ
@given(
    st.one_of(
        _case_like.map(lambda d: json.dumps(d, default=str).encode()),
        _json.map(lambda d: json.dumps(d, default=str).encode()),
        _bytes_noise,
        st.tuples(*_text_decor, _case_like).map(lambda t: t[0] + json.dumps(t[2], default=str).encode() + t[1]),
    )
)
def test_fuzz_case_files(tmp_path_factory, data):
    path = tmp_path_factory.mktemp("case") / "case.yaml"
    path.write_bytes(data)
    result = CliRunner().invoke(cli, ["assess", "coventry", str(path), "-f", "json"])
    _check("case files", result)


@FUZZ
@given(
    st.lists(
        st.one_of(
            _case_like.map(lambda d: json.dumps({**d, "area": d.get("area", "coventry")}, default=str).encode()),
            st.binary(max_size=120).filter(lambda b: b"\n" not in b and b"\r" not in b),
            st.just(b""),
            st.just(b"{}"),
            st.just(b"\x00\x00"),
            st.just(b'{"area": "coventry", "level": 99999999999999999999}'),
        ),
        min_size=1,
        max_size=30,
    )
)
def test_fuzz_batch_records(lines):
    from thresholdkit.batch import run as batchrun

    TRIED["batch records"] += len(lines)
    source = io.BytesIO(b"\n".join(lines) + b"\n")
    sink = io.BytesIO()
    summary = batchrun.run(source, sink, "jsonl", "jsonl")
    out = sink.getvalue().splitlines()
    assert len(out) == len(lines) == summary.records  # one result per input record, nothing lost
    assert [json.loads(o)["record"] for o in out] == list(range(1, len(lines) + 1))


@FUZZ
@given(
    st.lists(
        st.lists(st.sampled_from(["coventry", "nowhere", "private-fostering", "4", "2", "x"]), max_size=3).map(
            ";".join
        ),
        min_size=1,
        max_size=8,
    )
)
def test_fuzz_batch_csv(cells):
    from thresholdkit.batch import run as batchrun

    rows = ["id,area,indicators,level"] + [f"{k},coventry,{c},{c[:1]}" for k, c in enumerate(cells)]
    TRIED["batch csv rows"] += len(cells)
    sink = io.BytesIO()
    summary = batchrun.run(io.BytesIO(("\n".join(rows) + "\n").encode()), sink, "csv", "csv")
    assert summary.records == len(cells) and len(sink.getvalue().splitlines()) == len(cells) + 1


@FUZZ
@given(
    st.one_of(
        st.text(max_size=400),
        _json.map(lambda d: json.dumps(d)),
        st.recursive(
            st.text(string.ascii_letters, max_size=5),
            lambda k: st.dictionaries(st.text(string.ascii_letters, min_size=1, max_size=6), k, max_size=4),
            max_leaves=30,
        ).map(lambda d: json.dumps({"authority": d})),
    )
)
def test_fuzz_plugin_yaml(text):
    """Any YAML a plugin ships is either data or a clean DataError, never a crash."""
    from thresholdkit.data import safeyaml
    from thresholdkit.data.checks import check_data
    from thresholdkit.model.errors import DataError

    TRIED["plugin YAML"] += 1
    try:
        data = safeyaml.parse(text, name="fuzz.yaml")
    except DataError:
        return
    problems = check_data(data) if isinstance(data, dict) else ["not a mapping"]
    assert isinstance(problems, list)


_WORDS = [
    "areas",
    "plugins",
    "levels",
    "indicators",
    "assess",
    "pathway",
    "contacts",
    "consent",
    "validate",
    "about",
    "glossary",
    "concepts",
    "compare",
    "concept",
    "indicator",
    "matrix",
    "diff",
    "quiz",
    "coventry",
    "telford",
    "gloucestershire",
    "nowhere",
    "--level",
    "-l",
    "0",
    "4",
    "9",
    "--format",
    "json",
    "csv",
    "yaml",
    "--at",
    "2026-02-30 25:61",
    "2026-11-24 10:00",
    "--role",
    "mash",
    "--set",
    "exploitation",
    "-i",
    "private-fostering",
    "--search",
    "\x00",
    "--domain",
    "family",
    "--purpose",
    "referral",
    "--consent",
    "refused",
    "--count",
    "-1",
    "--seed",
    "x",
    "coventry:private-fostering",
    "sexual-activity",
    "\u202e",
    "",
]


@FUZZ
@given(st.lists(st.one_of(st.sampled_from(_WORDS), st.text(max_size=8)), min_size=1, max_size=7))
def test_fuzz_cli_arguments(argv):
    if argv[0] in ("batch", "handout", "plugin") or any(a.startswith("-o") for a in argv):
        return  # commands that write files are fuzzed through their inputs above
    result = CliRunner().invoke(cli, argv)
    _check("CLI argument lists", result, allowed=(0, 1, 2, 3))


@pytest.mark.parametrize(
    "argv",
    [
        ["assess", "coventry", "a\x00b"],
        ["validate", "./x\x00"],
        ["diff", "coventry", "x\x00"],
        ["batch", "in\x00.jsonl"],
        ["handout", "coventry", "-o", "x\x00.html"],
        ["site", "-o", "s\x00"],
    ],
)
def test_a_nul_character_in_a_file_name_is_a_usage_error(argv):
    """A command line cannot hold a NUL, but the same commands run in-process (the fuzz test
    found it) and the library's readers can be given one: it ended in 'internal error
    (ValueError: embedded null byte)'."""
    result = CliRunner().invoke(cli, argv)
    assert result.exit_code == 2, result.output
    assert "internal error" not in result.stderr and result.stderr.count("\n") == 1, result.stderr
    assert result.stderr.startswith("Error: "), result.stderr


# --- faults ---------------------------------------------------------------------------------


_COMPUTED_COVENTRY = """
from thresholdkit.areas.hookspecs import hookimpl
import os, yaml
HERE = os.path.join(os.path.dirname(__import__("thresholdkit_coventry").__file__), "data")
class P:
    @hookimpl
    def thresholdkit_data_folder(self, area):
        return HERE
    @hookimpl
    def thresholdkit_authority(self, area):
        with open(os.path.join(HERE, "authority.yaml"), encoding="utf-8") as fh:
            data = yaml.safe_load(fh)
        data["authority"]["id"] = area
        return data
"""


def test_plugin_raising_in_a_hook_at_call_time(run, fake_plugins):
    fake_plugins(
        "flaky",
        _COMPUTED_COVENTRY
        + """
    @hookimpl
    def thresholdkit_contacts(self, area):
        raise RuntimeError("directory service down")
plugin = P()
""",
    )
    r = run("contacts", "flaky")
    assert r.code == 1 and "directory service down" in r.err and "Traceback" not in r.err
    assert run("contacts", "coventry").code == 0


def test_malformed_hook_result_never_reaches_output(run, fake_plugins):
    fake_plugins(
        "sloppy",
        _COMPUTED_COVENTRY
        + """
    @hookimpl
    def thresholdkit_contacts(self, area):
        return [{"id": "x", "name": "X", "role": "front_door", "phone": [{"number": 1905822666}],
                 "source": {"section": "s"}}]
plugin = P()
""",
    )
    r = run("contacts", "sloppy", "-f", "json")
    assert r.code == 1 and r.out == "" and "unavailable" in r.err and "not of type 'string'" in r.err
    assert "1905822666" not in r.out


# --- security and privacy --------------------------------------------------------------------


class _NoNetwork(socket.socket):
    attempts: typing.ClassVar[list[object]] = []

    def connect(self, address):  # type: ignore[override]
        _NoNetwork.attempts.append(address)
        raise OSError("network access attempted")

    def connect_ex(self, address):  # type: ignore[override]
        _NoNetwork.attempts.append(address)
        raise OSError("network access attempted")


def test_no_command_touches_the_network(run, monkeypatch, tmp_path):
    monkeypatch.setattr(socket, "socket", _NoNetwork)
    monkeypatch.setattr(
        socket,
        "create_connection",
        lambda *a, **k: _NoNetwork.attempts.append(a) or (_ for _ in ()).throw(OSError("network")),
    )
    monkeypatch.setattr(
        socket, "getaddrinfo", lambda *a, **k: _NoNetwork.attempts.append(a) or (_ for _ in ()).throw(OSError("dns"))
    )
    cases = tmp_path / "cases.jsonl"
    cases.write_text('{"id": 1, "area": "coventry", "level": 2}\n')
    commands = [
        ["areas"],
        ["plugins"],
        ["levels", "coventry"],
        ["indicators", "telford", "-f", "json"],
        ["assess", "coventry", "-i", "private-fostering"],
        ["pathway", "herefordshire"],
        ["contacts", "worcestershire", "--now"],
        ["consent", "telford", "-l", "4"],
        ["validate"],
        ["about", "gloucestershire"],
        ["glossary", "telford"],
        ["concepts"],
        ["compare", "levels"],
        ["compare", "concept", "neglect"],
        ["compare", "indicator", "coventry:private-fostering"],
        ["compare", "matrix", "-f", "html"],
        ["compare", "pathway", "-l", "3"],
        ["compare", "contacts"],
        ["batch", str(cases), "-o", str(tmp_path / "out.jsonl")],
        ["handout", "coventry"],
        ["handout", "coventry", "-f", "markdown"],
        ["quiz", "telford"],
        ["handout", "coventry", "telford", "--compare", "-l", "2"],
        ["plugin", "new", "nowhere-else", "--path", str(tmp_path / "scaffold")],
    ]
    for argv in commands:
        assert run(*argv).code == 0, argv
    assert _NoNetwork.attempts == []


def test_case_content_is_written_nowhere_but_the_output(tmp_path):
    marker = "CASE-MARKER-7f3a9c"
    home = tmp_path / "home"
    home.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith("THRESHOLDKIT_")}
    env.update({"HOME": str(home), "XDG_CACHE_HOME": str(home / ".cache"), "TMPDIR": str(tmp_path / "tmp")})
    (tmp_path / "tmp").mkdir()
    work = tmp_path / "work"
    work.mkdir()
    (work / "case.yaml").write_text(f"id: {marker}\nindicators: [private-fostering]\n")
    (work / "cases.jsonl").write_text(json.dumps({"id": marker, "area": "coventry", "level": 2}) + "\n")
    py = [sys.executable, "-m", "thresholdkit"]
    for argv in (
        ["assess", "coventry", "case.yaml", "-f", "json"],
        ["batch", "cases.jsonl", "-o", "out.jsonl", "--jobs", "2"],
    ):
        done = subprocess.run([*py, *argv], cwd=work, env=env, capture_output=True, text=True, timeout=120)
        assert done.returncode == 0 and "Traceback" not in done.stderr, done.stderr
    assert marker in (work / "out.jsonl").read_text()
    found = [
        p
        for p in tmp_path.rglob("*")
        if p.is_file() and p.name not in ("case.yaml", "cases.jsonl", "out.jsonl") and marker.encode() in p.read_bytes()
    ]
    assert found == []
    assert list((home / ".cache" / "thresholdkit").glob("checked-*.bin"))  # the cache exists, holding plugin data only


def test_yaml_is_only_loaded_safely():
    root = Path(__file__).resolve().parent.parent
    offenders = []
    for path in (root / "src").rglob("*.py"):
        text = path.read_text()
        for line in text.splitlines():
            if re.search(r"\byaml\.load\(", line):
                offenders.append(f"{path}: {line.strip()}")
            if "yaml.unsafe_load" in line or "yaml.full_load" in line:
                offenders.append(f"{path}: {line.strip()}")
    assert offenders == []
    import yaml

    from thresholdkit.data import safeyaml

    loader = safeyaml.plain_loader()
    assert issubclass(loader, getattr(yaml, "CSafeLoader", yaml.SafeLoader)) or issubclass(loader, yaml.SafeLoader)
    assert "python/object" not in str(loader.yaml_constructors)


@FUZZ
@given(st.integers(0, 2**32 - 1))
def test_fuzz_nasty_batch_files(seed):
    """Blank and glued lines, mixed line ends, BOMs, keys twice, CR/LF inside values, huge fields and
    deep nesting: one result per line, numbered by line, each id on its own line."""
    import random

    import fuzzgen

    data, ids = fuzzgen.batch_file(random.Random(seed), random.Random(seed).randint(1, 40))
    TRIED["nasty batch records"] += fuzzgen.check_batch(data, ids)


@FUZZ
@given(st.integers(0, 2**32 - 1))
def test_fuzz_nasty_case_files(tmp_path_factory, seed):
    """Keys twice, YAML tags, dates, CR/LF in values, huge numbers and fields, deep nesting, glued
    and blank lines: a result or one line of usage error, never a traceback."""
    import random

    import fuzzgen

    TRIED["nasty case files"] += 1
    fuzzgen.check_case_file(fuzzgen.case_file(random.Random(seed)), str(tmp_path_factory.mktemp("nasty")))

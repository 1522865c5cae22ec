"""Output files: never half-written, never replacing what they should not, no named leftovers."""

from __future__ import annotations

import os
import signal
import stat
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from conftest import assert_one_line_error

CASE = b'{"area": "coventry", "level": 4}\n'


@pytest.fixture
def cases(tmp_path: Path) -> Path:
    path = tmp_path / "in.jsonl"
    path.write_bytes(CASE * 3)
    return path


def test_existing_file_keeps_its_mode(run, cases, tmp_path):
    out = tmp_path / "out.jsonl"
    out.write_text("old\n")
    out.chmod(0o640)
    assert run("batch", str(cases), "-o", str(out)).code == 0
    assert stat.S_IMODE(out.stat().st_mode) == 0o640
    assert out.read_bytes().count(b"\n") == 3


def test_new_file_gets_the_umask(run, cases, tmp_path):
    old = os.umask(0o027)
    try:
        assert run("batch", str(cases), "-o", str(tmp_path / "new.jsonl")).code == 0
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "new.jsonl").stat().st_mode) == 0o640


def test_a_fifo_is_written_in_place_never_replaced(run, cases, tmp_path):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    got: list[bytes] = []
    reader = threading.Thread(target=lambda: got.append(fifo.read_bytes()))
    reader.start()
    r = run("batch", str(cases), "-o", str(fifo))
    reader.join(timeout=10)
    assert r.code == 0
    assert stat.S_ISFIFO(fifo.lstat().st_mode)
    assert got and got[0].count(b"\n") == 3


def test_a_symlink_is_followed_and_kept(run, cases, tmp_path):
    real = tmp_path / "real.jsonl"
    real.write_text("old\n")
    link = tmp_path / "link.jsonl"
    link.symlink_to(real)
    assert run("batch", str(cases), "-o", str(link)).code == 0
    assert link.is_symlink() and real.read_bytes().count(b"\n") == 3


@pytest.mark.parametrize(
    "args",
    [
        ("batch", "{cases}", "-o", "{dir}"),
        ("compare", "matrix", "-f", "html", "-o", "{dir}"),
        ("handout", "coventry", "--level", "4", "-o", "{dir}"),
        ("handout", "coventry", "--level", "4", "-f", "pdf", "-o", "{dir}"),
        ("quiz", "telford", "-o", "{dir}"),
    ],
)
def test_a_folder_as_output_is_refused_and_left_alone(run, cases, tmp_path, args):
    target = tmp_path / "existing"
    target.mkdir()
    (target / "keep.txt").write_text("keep")
    r = run(*(a.format(cases=cases, dir=target) for a in args))
    assert_one_line_error(r)
    assert "is a folder" in r.err or "is a directory" in r.err
    assert sorted(p.name for p in target.iterdir()) == ["keep.txt"]


def test_a_missing_output_folder_is_one_line(run, cases, tmp_path):
    r = run("batch", str(cases), "-o", str(tmp_path / "nowhere" / "out.jsonl"))
    assert_one_line_error(r)
    assert "does not exist" in r.err


@pytest.mark.skipif(not hasattr(os, "O_TMPFILE"), reason="unnamed temporary files are a Linux feature")
def test_a_killed_batch_leaves_no_named_file_of_partial_results(tmp_path):
    big = tmp_path / "big.jsonl"
    big.write_bytes(b'{"id": "child-0042", "area": "coventry", "indicators": ["private-fostering"]}\n' * 1_000_000)
    out = tmp_path / "out" / "results.jsonl"
    out.parent.mkdir()
    proc = subprocess.Popen(
        [sys.executable, "-m", "thresholdkit", "batch", str(big), "-o", str(out)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 20
        seen: list[str] = []
        while time.monotonic() < deadline and proc.poll() is None:
            seen += os.listdir(out.parent)
            time.sleep(0.05)
            if time.monotonic() > deadline - 19:  # about a second in: mid-run
                break
        assert proc.poll() is None, "the batch ended before it could be killed: give it more records"
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=10)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert seen == [] and os.listdir(out.parent) == []


def _site_files(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_site_is_replaced_whole_or_not_at_all(run, tmp_path, monkeypatch):
    monkeypatch.setenv("THRESHOLDKIT_PLUGINS", "coventry,worcestershire")
    out = tmp_path / "site"
    assert run("site", "-o", str(out)).code == 0
    before = _site_files(out)
    assert ".thresholdkit-site" in before and any(k.endswith("index.html") for k in before)

    import errno

    real_write = Path.write_text
    calls = {"n": 0}

    def full_disk(self, *args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 3:
            raise OSError(errno.ENOSPC, "No space left on device")
        return real_write(self, *args, **kwargs)

    monkeypatch.setattr(Path, "write_text", full_disk)
    r = run("site", "-o", str(out))
    monkeypatch.setattr(Path, "write_text", real_write)
    assert_one_line_error(r)
    assert "No space left on device" in r.err
    assert _site_files(out) == before  # the old site, untouched
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]  # no half-built folder left


def test_site_never_writes_through_a_symlink(run, tmp_path, monkeypatch):
    monkeypatch.setenv("THRESHOLDKIT_PLUGINS", "coventry")
    out = tmp_path / "site"
    assert run("site", "-o", str(out)).code == 0
    outside = tmp_path / "outside.txt"
    outside.write_text("precious")
    page = out / "coventry" / "index.html"
    page.unlink()
    page.symlink_to(outside)
    assert run("site", "-o", str(out)).code == 0
    assert outside.read_text() == "precious"
    assert not page.is_symlink() and "<html" in page.read_text()


def test_site_refuses_a_folder_it_did_not_write(run, tmp_path, monkeypatch):
    monkeypatch.setenv("THRESHOLDKIT_PLUGINS", "coventry")
    mine = tmp_path / "documents"
    mine.mkdir()
    (mine / "notes.txt").write_text("mine")
    r = run("site", "-o", str(mine))
    assert_one_line_error(r)
    assert "not written by thresholdkit" in r.err
    assert _site_files(mine) == {"notes.txt": b"mine"}
    assert run("site", "-o", str(tmp_path / "empty")).code == 0  # a new folder is fine


@pytest.mark.parametrize("command", [["site", "-o"], ["export", "csv"]])
def test_a_file_added_to_a_written_folder_is_never_deleted(run, tmp_path, monkeypatch, command):
    """Writing a folder again replaced it whole, deleting a file the user had put in it (only the
    marker file said so). A file thresholdkit did not write stops the rewrite, and stays."""
    monkeypatch.setenv("THRESHOLDKIT_PLUGINS", "coventry")
    out = tmp_path / "out"
    assert run(*command, str(out)).code == 0
    (out / "my-notes.txt").write_text("mine")
    before = _site_files(out)
    r = run(*command, str(out))
    assert_one_line_error(r)
    assert "my-notes.txt" in r.err and "did not write" in r.err
    assert _site_files(out) == before
    (out / "my-notes.txt").unlink()
    assert run(*command, str(out)).code == 0  # its own files alone: written again


def test_site_script_data_cannot_be_broken_out_of():
    import json as _json

    from thresholdkit.render.site import script_json

    nasty = {"name": "Level <!--<script>alert(1)</script> & </script><script>x()</script>"}
    text = script_json(nasty)
    assert "<" not in text and ">" not in text and "&" not in text
    assert _json.loads(text) == nasty


def test_workers_of_a_killed_batch_end_quietly(tmp_path):
    big = tmp_path / "orphans.jsonl"
    big.write_bytes(b'{"id": "c", "area": "coventry", "indicators": ["private-fostering"]}\n' * 1_500_000)
    proc = subprocess.Popen(
        [sys.executable, "-m", "thresholdkit", "batch", str(big), "--jobs", "2"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.read(1 << 16)  # the workers are busy
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=10)
    proc.stdout.close()  # the pipe the workers' results went to is gone
    err = proc.stderr.read().decode(errors="replace")  # EOF only once every worker has ended
    assert "Traceback" not in err and "BrokenPipe" not in err, err[-500:]
    left = [p for p in os.listdir("/proc") if p.isdigit() and str(big).encode() in _cmdline(p)]
    assert left == []


def _cmdline(pid: str) -> bytes:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return b""

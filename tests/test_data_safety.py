"""YAML safety and the validator's messages."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from thresholdkit.data import safeyaml
from thresholdkit.model.errors import DataError

#: A real area's data folder from this repository (copied, never changed in place).
FIXTURE_DATA = Path(__file__).parent.parent / "plugins" / "coventry" / "src" / "thresholdkit_coventry" / "data"


def test_aliases_are_refused():
    bomb = "a: &a [x, x]\nb: &b [*a, *a]\nc: [*b, *b]\n"
    with pytest.raises(DataError, match="aliases"):
        safeyaml.parse(bomb, name="bomb.yaml")


@pytest.mark.parametrize(
    "text",
    [
        "area: coventry\n<<: {indicators: [non-mobile-child-injury]}\nindicators: [poor-supervision]\n",
        "level: 3\n<<: {level: 4}\n",
        "authority:\n  id: coventry\n  <<: {id: telford, name: Evil}\n",
        "a:\n  - <<: [{x: 1}, {y: 2}]\n",
    ],
)
def test_merge_keys_are_refused(text: str) -> None:
    """A merge key (<<) let a key be given twice with one value silently dropped: a case file's
    level-4 indicator vanished and the case read as level 2. It is refused like an alias."""
    with pytest.raises(DataError, match=r"merge keys \(<<\) are not allowed.*line"):
        safeyaml.parse(text, name="case.yaml")


def test_a_quoted_double_angle_key_is_an_ordinary_key() -> None:
    """Only a plain << is YAML's merge key; a quoted one is a string like any other."""
    assert safeyaml.parse('"<<": 1\n', name="x.yaml") == {"<<": 1}


def test_deep_nesting_is_refused():
    with pytest.raises(DataError, match="nested deeper"):
        safeyaml.parse("[" * 100 + "]" * 100, name="deep.yaml")


def test_oversized_file_is_refused():
    with pytest.raises(DataError, match="larger than"):
        safeyaml.parse("x: " + "y" * (safeyaml.MAX_BYTES + 1), name="big.yaml")


def test_python_tags_are_refused():
    with pytest.raises(DataError):
        safeyaml.parse("!!python/object/apply:os.system ['true']", name="evil.yaml")


def test_validator_names_yaml_traps():
    from thresholdkit.data.schemas import check_schema

    data = {
        "contacts": [
            {
                "id": "x",
                "name": "X",
                "role": "police",
                "phone": [{"number": 999}],
                "hours": {
                    "text": "t",
                    "source": {"section": "s"},
                    "windows": [{"days": ["mon"], "start": 540, "end": "17:00"}],
                },
                "source": {"section": "s"},
            }
        ]
    }
    messages = "\n".join(check_schema(data))
    assert "contacts[0].phone[0].number" in messages
    assert "quote it" in messages
    assert "contacts[0].hours.windows[0].start" in messages


def test_schema_is_valid_draft_2020_12():
    from jsonschema import Draft202012Validator

    from thresholdkit.data.schemas import load_schema

    for name in ("authority", "case", "assessment"):
        Draft202012Validator.check_schema(load_schema(name))


def _bounded(code: str, *args: str, stdin: Any = None) -> subprocess.CompletedProcess[str]:
    """Run ``code`` in a child Python with 30 s and (where it can be set) 1 GiB of address space:
    the old code read these inputs without end, and a regression must fail, not take the machine."""

    def limit() -> None:
        try:
            import resource

            resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))
        except (ImportError, ValueError, OSError):
            pass

    try:
        done = subprocess.run(
            [sys.executable, "-c", code, *args],
            stdin=stdin,
            capture_output=True,
            timeout=30,
            check=False,
            preexec_fn=limit if os.name == "posix" else None,
        )
    except subprocess.TimeoutExpired:
        pytest.fail("still reading after 30 s")
    return subprocess.CompletedProcess(done.args, done.returncode, done.stdout.decode(), done.stderr.decode())


CLI = "import sys; from thresholdkit.cli.main import main; sys.argv = ['thresholdkit', *sys.argv[1:]]; main()"


@pytest.mark.skipif(not os.path.exists("/dev/zero"), reason="no /dev/zero on this system")
def test_a_device_as_a_case_file_is_refused() -> None:
    """'assess AREA /dev/zero' read without end (1.5 GB in 4 s): only a regular file is read."""
    done = _bounded(CLI, "assess", "coventry", "/dev/zero")
    assert done.returncode == 2, done.stderr
    assert done.stderr.startswith("Error: cannot read case file '/dev/zero': not a regular file"), done.stderr


@pytest.mark.skipif(not os.path.exists("/dev/zero"), reason="no /dev/zero on this system")
def test_standard_input_is_read_no_further_than_the_limit() -> None:
    """'cat /dev/zero | thresholdkit assess AREA -': standard input without end is read no further
    than the size limit."""
    with open("/dev/zero", "rb") as zero:
        done = _bounded(CLI, "assess", "coventry", "-", stdin=zero)
    assert done.returncode == 2, done.stderr
    assert "larger than" in done.stderr and done.stderr.count("\n") == 1


def test_a_case_file_over_the_limit_is_refused(run, tmp_path) -> None:
    big = tmp_path / "big.yaml"
    big.write_text("#" * (safeyaml.MAX_BYTES + 10))
    r = run("assess", "coventry", str(big))
    assert r.code == 2 and "larger than" in r.err


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes on this system")
@pytest.mark.parametrize("kind", ["fifo", "device"])
def test_a_plugin_data_file_that_is_not_a_regular_file_is_refused(tmp_path, kind: str) -> None:
    """A data folder holding a named pipe (which hung 'areas') or a link to a device (which read
    /dev/zero without end) is a data error naming the file, read no further."""
    import shutil

    folder = tmp_path / "data"
    shutil.copytree(FIXTURE_DATA, folder)
    odd = folder / "zz.yaml"
    if kind == "fifo":
        os.mkfifo(odd)
    else:
        if not os.path.exists("/dev/zero"):
            pytest.skip("no /dev/zero")
        odd.symlink_to("/dev/zero")
    code = (
        "import sys\n"
        "from thresholdkit.data.loader import load_checked, raw_files\n"
        "from thresholdkit.model.errors import DataError\n"
        "for read in (raw_files, load_checked):\n"
        "    try:\n"
        "        read(sys.argv[1])\n"
        "    except DataError as exc:\n"
        "        print(exc)\n"
    )
    done = _bounded(code, str(folder))
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert len(lines) == 2 and all("zz.yaml: not a regular file" in line for line in lines), done.stdout


@pytest.mark.parametrize(
    ("old", "new", "said"),
    [
        ("    - childrens-social-care\n    - edt\n", "    - marf\n", "has no telephone number"),
        ("  police: west-midlands-police\n", "  police: marf\n", "has no 999 number"),
    ],
)
def test_an_emergency_route_without_a_number_to_call_is_refused(run, tmp_path, old, new, said):
    """Red team (attacker, F3): validate and the conformance kit passed a plugin whose level-4
    route named only a form and a policy: 999, then two entries with no number to call."""
    if not (FIXTURE_DATA / "pathway.yaml").is_file():
        pytest.skip("the coventry plugin's data is not in this checkout")
    data = tmp_path / "data"
    shutil.copytree(FIXTURE_DATA, data, ignore=shutil.ignore_patterns("checked.json"))
    pathway = (data / "pathway.yaml").read_text(encoding="utf-8")
    assert old in pathway
    (data / "pathway.yaml").write_text(pathway.replace(old, new), encoding="utf-8")
    r = run("validate", str(data), "-f", "json")
    assert r.code == 1 and said in " ".join(r.out.split())


def test_two_levels_under_one_name_are_refused(run, tmp_path):
    """Red team (attacker, F10): validate passed an area whose level 1 was renamed "Statutory
    Intervention", the name of its level 4."""
    data = tmp_path / "data"
    shutil.copytree(FIXTURE_DATA, data, ignore=shutil.ignore_patterns("checked.json"))
    authority = (data / "authority.yaml").read_text(encoding="utf-8")
    assert 'name: "Universal"' in authority
    (data / "authority.yaml").write_text(
        authority.replace('name: "Universal"', 'name: "Statutory Intervention"', 1), encoding="utf-8"
    )
    r = run("validate", str(data), "-f", "json")
    assert r.code == 1 and "each level needs its own name" in " ".join(r.out.split())

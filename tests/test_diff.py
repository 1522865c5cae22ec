"""thresholdkit diff: guidance versions. Modelled on Herefordshire's Version 2 change note, which
moved "stress positions" to level 4. The older version here is synthetic: the installed data with
that one move undone (and a contact and a timescale changed), to prove the diff finds each."""

from __future__ import annotations

import copy
import json

from conftest import assert_one_line_error

from thresholdkit.areas.registry import Registry
from thresholdkit.authoring.diff import current_data, diff

AREA = Registry.load().area("herefordshire")
STRESS = "stress-positions-chastisement"


def make_old_version() -> dict:
    old = copy.deepcopy(current_data(AREA))
    groups = old["indicator_sets"][0]["groups"]
    source = next(g for g in groups if any(i["id"] == STRESS for i in g["indicators"]))
    moved = next(i for i in source["indicators"] if i["id"] == STRESS)
    source["indicators"].remove(moved)
    target = next(g for g in groups if g["level"] == 3 and g["domain"] == "parenting")
    target["indicators"].append(moved)
    old["contacts"][0]["phone"] = [{"number": "01432 000000"}]
    proc = next(p for p in old["pathway"]["procedures"] if p.get("timescales"))
    proc["timescales"][0]["quantity"] = proc["timescales"][0]["quantity"] + 1
    return old


def test_diff_shows_stress_positions_moved_to_level_4(run, tmp_path):
    old = tmp_path / "herefordshire-v1.json"
    old.write_text(json.dumps(make_old_version()))
    r = run("diff", "herefordshire", str(old), "-f", "json")
    assert r.code == 0, r.err
    changes = json.loads(r.out)
    moved = [c for c in changes if c["kind"] == "indicator moved"]
    assert [c["item"] for c in moved] == [f"main:{STRESS}"]
    assert moved[0]["detail"].startswith("level 3 -> 4")
    kinds = {c["kind"] for c in changes}
    assert {"contact changed", "timescale changed"} <= kinds
    assert "indicator moved" in run("diff", "herefordshire", str(old)).out


def test_diff_of_identical_data_is_empty(run, tmp_path):
    same = tmp_path / "same.json"
    same.write_text(json.dumps(current_data(AREA)))
    r = run("diff", "herefordshire", str(same), "-f", "json")
    assert r.code == 0 and json.loads(r.out) == [] and "No differences" in r.err


def test_added_removed_reworded_and_renamed():
    new = current_data(AREA)
    old = copy.deepcopy(new)
    group = old["indicator_sets"][0]["groups"][0]
    first, second = group["indicators"][0], group["indicators"][1]
    first["text"] = first["text"] + " (earlier wording)"
    second["id"] = "old-id-for-the-same-words"
    group["indicators"].append({"id": "dropped-in-v2", "text": "An indicator the new version dropped."})
    kinds = {(c["kind"], c["item"]) for c in diff(old, new)}
    assert ("indicator reworded", f"main:{new['indicator_sets'][0]['groups'][0]['indicators'][0]['id']}") in kinds
    assert ("indicator removed", "main:dropped-in-v2") in kinds
    assert any(k == "indicator renamed" for k, _ in kinds)


def test_bad_old_version(run, tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("just: a mapping\n")
    assert_one_line_error(run("diff", "herefordshire", str(bad)))
    assert_one_line_error(run("diff", "herefordshire", str(tmp_path / "missing.yaml")))

"""Worcestershire (May 2019) prints the direct numbers of named posts (district team leaders and
coordinators) beside people's names: they are marked ``kind: direct_line_of_post``, listed after
the service lines with thresholdkit's dated note, and never part of the emergency route."""

from __future__ import annotations

import copy
import json

from thresholdkit.authoring.conformance import area
from thresholdkit.data.schemas import check_schema

DIRECT = "direct_line_of_post"
DISTRICTS = ["redditch", "wychavon", "wyre-forest", "bromsgrove", "worcester", "malvern"]
POSTS = [f"tfs-team-leader-{d}" for d in DISTRICTS] + [
    f"eifs-coordinator-{d}" for d in [*DISTRICTS[:4], "worcester-city", "malvern"]
]


def test_the_direct_lines_of_named_posts_are_marked_and_service_lines_are_not():
    contacts = area("worcestershire").contacts()
    marked = sorted(c["id"] for c in contacts if c.get("kind") == DIRECT)
    assert marked == sorted(POSTS)
    for cid in ("family-front-door", "family-front-door-out-of-hours", "police-999"):
        assert area("worcestershire").contact(cid).get("kind", "service_line") == "service_line"


def test_kind_is_in_the_schema_and_checked():
    data = copy.deepcopy(area("worcestershire").data)
    post = next(c for c in data["contacts"] if c["id"] == POSTS[0])
    for kind in ("service_line", DIRECT):
        post["kind"] = kind
        assert not check_schema(data), kind
    post["kind"] = "mobile"
    assert check_schema(data)


def test_direct_lines_come_after_service_lines_with_a_dated_note(run):
    out = run("assess", "worcestershire", "-l", "3").out
    block = out[out.index("\nContacts\n") :].split("\n\n")[0]
    entries: list[str] = []
    for line in block.splitlines()[2:]:
        if line.startswith("    ") and entries:
            entries[-1] += " " + line.strip()
        else:
            entries.append(line)
    direct = [i for i, e in enumerate(entries) if "Team Leader" in e or "District Team Coordinator" in e]
    assert direct, entries
    assert direct == list(range(len(entries) - len(direct), len(entries))), "a direct line comes before a service line"
    for i in direct:
        assert (
            "thresholdkit's note: direct number of a post, as printed in the document (May 2019 (Updated))"
            in (entries[i])
        )
    assert all("thresholdkit's note" not in e for i, e in enumerate(entries) if i not in direct)


def test_json_carries_the_kind_and_no_direct_line_is_in_the_emergency_route(run):
    level_3 = json.loads(run("assess", "worcestershire", "-l", "3", "-f", "json").out)
    assert {c["id"] for c in level_3["contacts"] if c.get("kind") == DIRECT} == {
        c for c in POSTS if c.startswith("tfs-")
    }
    em = json.loads(run("assess", "worcestershire", "-l", "4", "-f", "json").out)["emergency"]
    assert all(c.get("kind") != DIRECT for c in [em["police"], *em["referral"]])

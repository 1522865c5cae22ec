"""Generate realistic synthetic batch input across all installed areas (fixed seed).

    python benchmarks/gen_cases.py N OUT.jsonl [--seed 7]

Each record names 1-4 indicators of one area (weighted towards levels 2 and 3, as referrals
are), about one in ten gives structured facts, one in twenty a practitioner's level, and one
in a hundred is deliberately wrong (unknown indicator), as real files are.
"""

from __future__ import annotations

import argparse
import json
import random

from thresholdkit.areas.registry import Registry
from thresholdkit.rules.compare import all_indicators


def generate(n: int, path: str, seed: int = 7) -> None:
    reg = Registry.load()
    rng = random.Random(seed)
    pools: dict[str, dict[int, list[str]]] = {}
    for area_id in reg.area_ids():
        items = all_indicators(reg.area(area_id))
        if items:
            pools[area_id] = {lv: [i.id for i in items if i.level == lv and i.set == "main"] for lv in (1, 2, 3, 4)}
    areas = sorted(pools)
    with open(path, "w", encoding="utf-8") as fh:
        for k in range(n):
            area = rng.choice([*areas, "gloucestershire"]) if "gloucestershire" in reg.area_ids() else rng.choice(areas)
            rec: dict[str, object] = {"id": f"case-{k:07d}", "area": area}
            roll = rng.random()
            if area not in pools or roll < 0.05:
                rec["level"] = rng.randint(1, 4)
            elif roll < 0.15:
                rec["facts"] = {
                    "age": rng.randint(0, 17),
                    "school_phase": rng.choice(["primary", "secondary"]),
                    "attendance_percent": round(rng.uniform(80, 100), 1),
                }
                rec["level"] = rng.randint(1, 2)
            else:
                levels = rng.choices([1, 2, 3, 4], weights=[1, 4, 3, 2], k=rng.randint(1, 4))
                rec["indicators"] = [rng.choice(pools[area][lv]) for lv in levels]
                if roll > 0.99:
                    rec["indicators"].append("no-such-indicator")
            fh.write(json.dumps(rec) + "\n")


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("n", type=int)
    parser.add_argument("out")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    generate(args.n, args.out, args.seed)

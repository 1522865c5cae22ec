"""The logic behind ``thresholdkit validate``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from thresholdkit.model.errors import ThresholdkitError, UsageError


def validate_folder(folder: Path, sources: Path | None, name: str | None = None) -> dict[str, Any]:
    from thresholdkit.data.checks import check_data, iter_indicators
    from thresholdkit.data.loader import read_merged

    notes: list[str] = []
    try:
        data, origin = read_merged(folder)
    except ThresholdkitError as exc:
        return {
            "area": name or str(folder),
            "path": str(folder),
            "indicators": 0,
            "problems": [str(exc)],
            "notes": notes,
        }
    source_file = (data.get("document") or {}).get("source_file") if isinstance(data.get("document"), dict) else None
    if sources is None or not source_file or not (sources / str(source_file)).is_file():
        notes.append(f"source text {source_file or ''} not found: quotes were not checked verbatim (use --sources)")
    problems = check_data(data, origin, sources, require_tags=True)
    count = sum(1 for _ in iter_indicators(data)) if isinstance(data.get("indicator_sets"), list) else 0
    if name and not problems and data["authority"]["id"] != name:
        problems.append(
            f"the data's authority id '{data['authority']['id']}' differs from the entry point name '{name}'"
        )
    area = name or (data.get("authority") or {}).get("id") or str(folder)
    return {"area": area, "path": str(folder), "indicators": count, "problems": problems, "notes": notes}


def validate_targets(target: str | None, sources: Path | None) -> list[dict[str, Any]]:
    from thresholdkit.data.checks import find_sources

    sources = sources if sources is not None else find_sources()
    if target and (Path(target).is_dir() or "/" in target):
        folder = Path(target)
        if not folder.is_dir():
            raise UsageError(f"no such data folder '{target}'")
        return [validate_folder(folder, sources)]
    from thresholdkit.areas.registry import Registry

    reg = Registry.load()
    ids = reg.area_ids()
    if target:
        from thresholdkit.model.errors import did_you_mean

        names = sorted({r.name for r in reg.records})
        if target not in names:
            raise UsageError(f"unknown area '{target}'{did_you_mean(target, names)}; installed: {', '.join(names)}")
        ids = [target]
    report = []
    for area_id in ids:
        try:
            data_dir = reg.data_folder(area_id)
            if data_dir is None:
                area = reg.load_area(area_id)  # a Python plugin: its results are checked as they load
                report.append(
                    {
                        "area": area_id,
                        "path": None,
                        "indicators": 0,
                        "problems": list(area.drafts),
                        "notes": ["a Python plugin without a data folder: its results passed the checks"],
                    }
                )
                continue
        except ThresholdkitError as exc:
            report.append({"area": area_id, "path": None, "indicators": 0, "problems": [str(exc)], "notes": []})
            continue
        report.append(validate_folder(Path(data_dir), sources, area_id))
    return report


def main(argv: list[str] | None = None) -> int:
    """``python -m thresholdkit.authoring.validate DATA_DIR [SOURCE_DIR] [--tags]``: checks a data folder
    without installing it (``--tags`` also requires concept tags and no scaffold TODOs)."""
    import argparse

    from thresholdkit.data.checks import check_data, find_sources, iter_indicators
    from thresholdkit.data.loader import read_merged
    from thresholdkit.data.schemas import check_schema

    parser = argparse.ArgumentParser(prog="python -m thresholdkit.authoring.validate")
    parser.add_argument("folder", type=Path)
    parser.add_argument("source_dir", type=Path, nargs="?")
    parser.add_argument("--tags", action="store_true")
    args = parser.parse_args(argv)
    try:
        data, origin = read_merged(args.folder)
    except ThresholdkitError as exc:
        print(exc)
        return 1
    problems = check_data(data, origin, args.source_dir or find_sources(), require_tags=args.tags)
    for p in problems:
        print(p)
    n = sum(1 for _ in iter_indicators(data)) if not check_schema(data) else 0
    print(f"{len(problems)} problem(s); {n} indicators")
    return 1 if problems else 0


if __name__ == "__main__":
    raise SystemExit(main())

"""The logic behind ``thresholdkit validate``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from thresholdkit.model.errors import ThresholdkitError, UsageError


def validate_folder(folder: Path, sources: Path | None, name: str | None = None) -> dict[str, Any]:
    """Check one data folder; ``sources`` is the folder of source texts given explicitly (None: look
    for it, see :mod:`thresholdkit.authoring.sources`).

    The report's ``verbatim`` says whether quotes were checked (``checked``), against which file
    (``source``), and if not, why (``reason``, also in ``notes``).
    """
    from thresholdkit.authoring.sources import not_found_reason, source_folder
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
            "verbatim": {"checked": False, "source": None, "reason": "the data could not be read"},
        }
    document = data.get("document")
    source_file = document.get("source_file") if isinstance(document, dict) else None
    source_file = str(source_file) if source_file else None
    found = source_folder(folder, sources, source_file) if source_file else None
    verbatim: dict[str, Any] = {"checked": False, "source": None, "reason": None}
    if found is None:
        verbatim["reason"] = not_found_reason(source_file, folder, sources)
        notes.append(verbatim["reason"])
    problems = check_data(data, origin, found, require_tags=True)
    if found is not None and not check_schema_problems(problems, data):
        verbatim.update(checked=True, source=str(found / str(source_file)))
    elif found is not None:
        verbatim["reason"] = "the data fails the schema, so quotes were not checked verbatim"
        notes.append(verbatim["reason"])
    count = sum(1 for _ in iter_indicators(data)) if isinstance(data.get("indicator_sets"), list) else 0
    if name and not problems and data["authority"]["id"] != name:
        problems.append(
            f"the data's authority id '{data['authority']['id']}' differs from the entry point name '{name}'"
        )
    area = name or (data.get("authority") or {}).get("id") or str(folder)
    shipped_status = _shipped(folder, problems, notes)
    return {
        "area": area,
        "path": str(folder),
        "indicators": count,
        "problems": problems,
        "notes": notes,
        "shipped": shipped_status,
        "verbatim": verbatim,
    }


def _shipped(folder: Path, problems: list[str], notes: list[str]) -> str:
    """The status of the folder's shipped checked form; a damaged one is a problem, a stale one a note."""
    from thresholdkit.data import shipped
    from thresholdkit.data.loader import raw_files

    state = shipped.status(str(folder), raw_files(folder))
    path = folder / shipped.NAME
    if state == "damaged":
        problems.append(
            f"{path}: damaged (its payload does not match its header); run 'thresholdkit plugin freeze {folder}'"
        )
    elif state == "stale":
        notes.append(
            f"{path} is out of date (the data or thresholdkit changed since it was written), so it is not used; "
            f"run 'thresholdkit plugin freeze {folder}' before a release"
        )
    return state


def check_schema_problems(problems: list[str], data: dict[str, Any]) -> bool:
    """Whether the data failed the schema (``check_data`` then stops before the verbatim check)."""
    from thresholdkit.data.schemas import check_schema

    return bool(problems) and bool(check_schema(data))


def validate_targets(target: str | None, sources: Path | None) -> list[dict[str, Any]]:
    """Validate a data folder PATH, one installed area, or every installed area (``target`` None).

    ``sources``: the folder of source texts given explicitly; None looks for each area's text
    (``$THRESHOLDKIT_SOURCES``, the plugin's own ``source/`` folder, a ``shared/seeds`` folder).
    """
    if target and (Path(target).exists() or "/" in target):
        folder = Path(target)
        if folder.exists() and not folder.is_dir():
            raise UsageError(
                f"'{target}' is a file, not a data folder; give the folder that holds the plugin's YAML files, "
                "or an installed area's id"
            )
        if not folder.is_dir():
            raise UsageError(f"no such data folder '{target}'")
        return [validate_folder(folder, sources)]
    from thresholdkit.areas.registry import Registry

    reg = Registry.load()
    # every area a plugin claims, those that conflict or fail included (not those disabled)
    ids = sorted(set(reg.area_ids()) | {r.name for r in reg.records if r.status != "disabled"})
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
                report.append(_validate_python_plugin(reg, area_id, sources))
                continue
        except ThresholdkitError as exc:
            report.append(
                {
                    "area": area_id,
                    "path": None,
                    "indicators": 0,
                    "problems": [str(exc)],
                    "notes": [],
                    "verbatim": {"checked": False, "source": None, "reason": "the plugin is unavailable"},
                }
            )
            continue
        entry = validate_folder(Path(data_dir), sources, area_id)
        if not entry["problems"]:
            try:  # the folder is sound: the plugin's hooks may still fail, or replace sections
                reg.load_area(area_id)
            except ThresholdkitError as exc:
                entry["problems"].append(str(exc))
        report.append(entry)
    _note_same_names(reg, report)
    return report


def _note_same_names(reg: Any, report: list[dict[str, Any]]) -> None:
    """A note on each reported area whose name another installed area gives itself too."""
    from thresholdkit.areas.registry import same_names

    areas = []
    for area_id in reg.area_ids():
        try:
            areas.append(reg.load_area(area_id))
        except ThresholdkitError:
            continue
    for ids, message in same_names(areas):
        for entry in report:
            if entry["area"] in ids:
                entry["notes"].append(message)


def _validate_python_plugin(reg: Any, area_id: str, sources: Path | None) -> dict[str, Any]:
    """A plugin without a data folder: its results are checked as they load; then its quotes."""
    from thresholdkit.authoring.sources import not_found_reason, source_folder
    from thresholdkit.data.checks import check_verbatim, iter_indicators

    area = reg.load_area(area_id)
    problems = list(area.drafts)
    notes = ["a Python plugin without a data folder: its results passed the schema and consistency checks"]
    source_file = area.document.get("source_file")
    found = source_folder(None, sources, source_file) if source_file else None
    verbatim: dict[str, Any] = {"checked": False, "source": None, "reason": None}
    if found is None:
        verbatim["reason"] = not_found_reason(source_file, None, sources)
        notes.append(verbatim["reason"])
    else:
        problems += check_verbatim(area.data, found)
        verbatim.update(checked=True, source=str(found / source_file))
    return {
        "area": area_id,
        "path": None,
        "indicators": sum(1 for _ in iter_indicators(area.data)),
        "problems": problems,
        "notes": notes,
        "verbatim": verbatim,
    }


def main(argv: list[str] | None = None) -> int:
    """``python -m thresholdkit.authoring.validate DATA_DIR [SOURCE_DIR] [--tags]``: checks a data folder
    without installing it (``--tags`` also requires concept tags and no scaffold TODOs)."""
    import argparse

    from thresholdkit.authoring.sources import source_folder
    from thresholdkit.data.checks import check_data, iter_indicators
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
    document = data.get("document")
    source_file = document.get("source_file") if isinstance(document, dict) else None
    found = source_folder(args.folder, args.source_dir, str(source_file)) if source_file else None
    problems = check_data(data, origin, found, require_tags=args.tags)
    for p in problems:
        print(p)
    n = sum(1 for _ in iter_indicators(data)) if not check_schema(data) else 0
    print(f"{len(problems)} problem(s); {n} indicators")
    return 1 if problems else 0


if __name__ == "__main__":
    raise SystemExit(main())

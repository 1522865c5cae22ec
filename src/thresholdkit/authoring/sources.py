"""Where the kit finds an area's source text (the plain-text conversion of its published document).

``thresholdkit validate`` and the conformance kit check every quoted text against it. They look,
in this order:

1. the folder given explicitly (``--sources`` / the ``sources`` argument): when given, only there;
2. ``$THRESHOLDKIT_SOURCES``;
3. the plugin's own ``source/`` folder, beside its data folder
   (``src/thresholdkit_<package>/source/<area>.txt`` in a scaffolded package);
4. a ``shared/seeds`` folder found upward from the working directory, the data folder or
   thresholdkit itself.

Steps 2-4 fall through: the first folder that holds the file named by ``document.source_file``
wins.
"""

from __future__ import annotations

import os
from pathlib import Path

ENV_SOURCES = "THRESHOLDKIT_SOURCES"


def plugin_source_folder(area_data_folder: str | os.PathLike[str]) -> Path:
    """A plugin's own folder of source texts: ``source/`` beside its data folder."""
    return Path(os.path.join(os.path.dirname(os.path.abspath(os.fspath(area_data_folder))), "source"))


def _seeds(area_data_folder: str | os.PathLike[str] | None) -> Path | None:
    bases = [Path.cwd()]
    if area_data_folder is not None:
        bases.append(Path(os.path.abspath(os.fspath(area_data_folder))))
    bases.append(Path(__file__).resolve())
    for base in bases:
        for parent in [base, *base.parents]:
            for cand in (parent / "shared" / "seeds", parent.parent / "shared" / "seeds"):
                if cand.is_dir():
                    return cand
    return None


def candidates(
    area_data_folder: str | os.PathLike[str] | None, explicit: str | os.PathLike[str] | None = None
) -> list[tuple[str, Path]]:
    """(how it was found, folder) for every place to look, in order (folders that may not exist)."""
    if explicit is not None:
        return [("the folder given (--sources)", Path(explicit))]
    found: list[tuple[str, Path]] = []
    env = os.environ.get(ENV_SOURCES)
    if env:
        found.append((f"${ENV_SOURCES}", Path(env)))
    if area_data_folder is not None:
        found.append(("the source/ folder beside the data", plugin_source_folder(area_data_folder)))
    seeds = _seeds(area_data_folder)
    if seeds is not None:
        found.append(("a shared/seeds folder", seeds))
    return found


def source_folder(
    area_data_folder: str | os.PathLike[str] | None,
    explicit: str | os.PathLike[str] | None = None,
    source_file: str | None = None,
) -> Path | None:
    """The folder of source texts to check an area against.

    With ``source_file``: the first folder (see the module's order) that holds that file, or
    None. Without: the first folder that exists, or None.
    """
    for _how, folder in candidates(area_data_folder, explicit):
        if source_file is not None and (folder / source_file).is_file():
            return folder
        if source_file is None and folder.is_dir():
            return folder
    return None


def not_found_reason(
    source_file: str | None,
    area_data_folder: str | os.PathLike[str] | None,
    explicit: str | os.PathLike[str] | None = None,
) -> str:
    """Why the source text was not found: the file looked for, and every place looked in."""
    if not source_file:
        return "the data names no document.source_file, so quotes were not checked verbatim"
    places = [f"{how} {folder}" for how, folder in candidates(area_data_folder, explicit)]
    if explicit is None and not os.environ.get(ENV_SOURCES):
        places.append(f"${ENV_SOURCES} is not set")
    if explicit is None and _seeds(area_data_folder) is None:
        places.append("no shared/seeds folder found")
    where = "; ".join(places) if places else "nowhere"
    hint = ""
    if explicit is None and area_data_folder is not None:
        own = plugin_source_folder(area_data_folder) / source_file
        hint = f"; put the plain-text conversion of the document at {own}"
    return f"source text {source_file} not found, so quotes were not checked verbatim (looked in: {where}){hint}"

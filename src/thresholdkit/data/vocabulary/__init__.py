"""The shared vocabulary: concepts (children in need census factors and more) and the
Assessment Framework's twenty dimensions. Data in ``concepts.yaml`` beside this file."""

from __future__ import annotations

import os
from functools import cache
from typing import Any

HERE = os.path.dirname(os.path.abspath(__file__))


@cache
def load() -> dict[str, Any]:
    """The vocabulary, checked against schemas/concepts.schema.json.

    The checked vocabulary is remembered in the data cache (:mod:`thresholdkit.data.cache`)
    under a hash of the file's bytes and of the checking code, like plugin data: a changed file
    is checked again, and a bad cache entry is never trusted.
    """
    from thresholdkit.data import cache

    path = os.path.join(HERE, "concepts.yaml")
    with open(path, "rb") as fh:
        raw = fh.read()
    key = cache.digest([b"vocabulary", *cache.code_chunks(), raw])
    hit = cache.get(key)
    if isinstance(hit, dict) and isinstance(hit.get("concepts"), list) and isinstance(hit.get("dimensions"), list):
        return hit
    data = _check(raw, path)
    cache.put(key, data)
    return data


def _check(raw: bytes, path: str) -> dict[str, Any]:
    from thresholdkit.data import safeyaml
    from thresholdkit.data.schemas import check_schema
    from thresholdkit.model.errors import DataError

    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise DataError(f"{path}: not UTF-8 text") from None
    data = safeyaml.parse(text, name=path)
    problems = check_schema(data, None, name="concepts")
    if problems:
        raise DataError(f"{path}: {problems[0]}")
    ids = [c["id"] for c in data["concepts"]]
    if len(ids) != len(set(ids)):
        raise DataError(f"{path}: duplicate concept ids")
    result: dict[str, Any] = data
    return result


def concepts() -> dict[str, dict[str, Any]]:
    return {c["id"]: c for c in load()["concepts"]}


def suggest(word: str) -> str:
    """A ' (did you mean ...?)' suffix for an unknown concept: close spellings, or initials
    ("fgm" -> female-genital-mutilation, "cse" -> child-sexual-exploitation)."""
    from thresholdkit.model.errors import did_you_mean

    ids = concepts()
    close = did_you_mean(word, ids)
    if close:
        return close
    key = word.strip().lower().replace("-", "")
    by_initials = [c for c in ids if "".join(part[0] for part in c.split("-")).startswith(key) and len(key) >= 2]
    return (" (did you mean " + " or ".join(repr(c) for c in by_initials[:3]) + "?)") if by_initials else ""


def dimensions() -> dict[str, dict[str, Any]]:
    return {d["id"]: d for d in load()["dimensions"]}

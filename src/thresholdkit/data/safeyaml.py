"""Strict, safe YAML loading: plain data only, with limits.

thresholdkit's files (plugin data and case files) are plain data, so the loader refuses what
plain data never needs, with a one-line message naming the file and the line:

- anchors and aliases (no alias bombs);
- merge keys (``<<: {...}``): a key given both ways would keep one value and drop the other
  without a word (a case file's level-4 indicator vanished that way);
- explicit tags (``!!int abc``, ``!!python/object``): write plain values;
- a key given twice in one mapping: the second would silently replace the first;
- nesting deeper than 40 levels and files over 2 MiB.

Dates and times stay strings (``2024-02-30`` is an id, not a date to reject or convert), and
JSON, being YAML, gets the same checks.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from thresholdkit.model.errors import DataError

MAX_BYTES = 2 * 1024 * 1024
MAX_DEPTH = 40


@cache
def plain_loader() -> Any:
    import yaml

    base: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

    class PlainLoader(base):  # type: ignore[misc, valid-type]
        """The safe loader, with dates and times left as strings."""

    PlainLoader.yaml_implicit_resolvers = {
        first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
        for first, resolvers in base.yaml_implicit_resolvers.items()
    }
    return PlainLoader


def _where(event: Any) -> str:
    mark = getattr(event, "start_mark", None)
    return f" (line {mark.line + 1})" if mark is not None else ""


def _check_events(text: str, name: str, loader: Any) -> None:
    """Walk the event stream before building anything: aliases, tags, duplicate keys, depth."""
    import yaml

    # one frame per open collection: a set of keys seen for a mapping (None for a sequence),
    # and whether the mapping expects a key next
    frames: list[tuple[set[str] | None, list[bool]]] = []

    def after_node() -> None:
        if frames and frames[-1][0] is not None:
            frames[-1][1][0] = not frames[-1][1][0]

    for event in yaml.parse(text, Loader=loader):
        if isinstance(event, yaml.AliasEvent):
            raise DataError(f"{name}: YAML aliases (*name) are not allowed in thresholdkit files{_where(event)}")
        if isinstance(event, (yaml.ScalarEvent, yaml.MappingStartEvent, yaml.SequenceStartEvent)):
            tag = event.tag
            if tag is not None and tag != "!" and not (isinstance(event, yaml.ScalarEvent) and event.implicit[0]):
                raise DataError(
                    f"{name}: YAML tags such as {tag.replace('tag:yaml.org,2002:', '!!')} are not allowed; "
                    f"write plain values{_where(event)}"
                )
        if isinstance(event, yaml.ScalarEvent):
            if frames and frames[-1][0] is not None and frames[-1][1][0]:
                keys = frames[-1][0]
                if event.value == "<<" and not event.style:  # a plain << (style None or "") is the merge key
                    raise DataError(
                        f"{name}: YAML merge keys (<<) are not allowed in thresholdkit files{_where(event)}; "
                        "write each key once, in full"
                    )
                if event.value in keys:
                    raise DataError(
                        f"{name}: the key '{event.value[:60]}' is given twice in one mapping{_where(event)}; "
                        "give each key once"
                    )
                keys.add(event.value)
            after_node()
        elif isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
            if len(frames) >= MAX_DEPTH:
                raise DataError(f"{name}: YAML nested deeper than {MAX_DEPTH} levels")
            frames.append((set() if isinstance(event, yaml.MappingStartEvent) else None, [True]))
        elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
            frames.pop()
            after_node()


def parse(text: str, *, name: str) -> Any:
    """Parse YAML (or JSON) text strictly; raise DataError with a one-line message naming ``name``."""
    import yaml

    if len(text) > MAX_BYTES:
        raise DataError(f"{name}: file is larger than {MAX_BYTES // 1024} KiB; refusing to parse it")
    loader = plain_loader()
    try:
        _check_events(text, name, loader)
        return _construct(text, loader)
    except yaml.YAMLError as exc:
        raise DataError(f"{name}: not valid YAML: {_one_line(exc)}") from None
    except (ValueError, OverflowError, RecursionError) as exc:
        if "integer string conversion" in str(exc):
            raise DataError(f"{name}: a number has more than 4300 digits; give a real value") from None
        raise DataError(f"{name}: a value cannot be read: {' '.join(str(exc).split())[:120]}") from None


def _construct(text: str, loader_cls: Any) -> Any:
    """Build the data with the plain loader (a subclass of PyYAML's safe loader), as
    ``yaml.load`` would, without naming an unsafe entry point anywhere."""
    loader = loader_cls(text)
    try:
        return loader.get_single_data()
    finally:
        loader.dispose()


def _one_line(exc: Exception) -> str:
    mark = getattr(exc, "problem_mark", None)
    problem = getattr(exc, "problem", None) or str(exc)
    where = f" (line {mark.line + 1}, column {mark.column + 1})" if mark is not None else ""
    return " ".join(str(problem).split()) + where

"""Regenerate the committed sample handouts and worksheets: `python examples/regenerate.py`.

They are dated EXAMPLE_DATE (through SOURCE_DATE_EPOCH) so that they only change when the data,
the templates or thresholdkit change; tests/test_handout.py fails when they are stale.
"""

from __future__ import annotations

import datetime as dt
import os
import sys
from pathlib import Path

EXAMPLE_DATE = "2026-11-22"
HERE = Path(__file__).resolve().parent
BUNDLED = ("coventry", "gloucestershire", "herefordshire", "telford", "worcestershire")


def render_all() -> dict[Path, str]:
    """Every sample: path -> expected content."""
    os.environ["SOURCE_DATE_EPOCH"] = str(
        int(dt.datetime.fromisoformat(EXAMPLE_DATE).replace(tzinfo=dt.UTC).timestamp())
    )
    from thresholdkit.areas.registry import Registry
    from thresholdkit.render import handout, quiz

    reg = Registry.load()
    out: dict[Path, str] = {}
    for area_id in BUNDLED:  # the samples are of the bundled areas, whatever else is installed
        model = handout.area_model(reg.area(area_id))
        out[HERE / "handouts" / f"{area_id}.html"] = handout.render_html(model)
        out[HERE / "handouts" / f"{area_id}.md"] = handout.render_markdown(model)
    out[HERE / "handouts" / "quiz-telford.html"] = handout.render_html(
        quiz.quiz_model(reg.area("telford"), 12, 1), "quiz.html.j2"
    )
    return out


def main() -> None:
    for path, text in render_all().items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        print(f"wrote {path.relative_to(HERE.parent)}", file=sys.stderr)


if __name__ == "__main__":
    main()

"""An example (or a few) for every command's ``--help``, in one place.

``tests/test_cli_conventions.py`` checks that every command has one and runs each quick one, so
an example in the help cannot go stale.
"""

from __future__ import annotations

#: command path (as typed after ``thresholdkit``) -> example command lines.
EXAMPLES: dict[str, tuple[str, ...]] = {
    "about": ("thresholdkit about herefordshire",),
    "areas": ("thresholdkit areas", "thresholdkit areas -f json"),
    "assess": (
        "thresholdkit assess coventry -i non-mobile-child-injury --now",
        "thresholdkit assess telford -i persistently-running-away-mfh -i thoughts-of-running-away",
        "thresholdkit assess gloucestershire --level 3",
        "thresholdkit assess coventry case.yaml -f json",
    ),
    "batch": ("thresholdkit batch cases.jsonl -o results.jsonl --jobs 2", "thresholdkit batch cases.csv --to csv"),
    "compare concept": ("thresholdkit compare concept sexual-activity",),
    "compare contacts": ("thresholdkit compare contacts --role front_door --at '2026-12-25 14:00'",),
    "compare indicator": ("thresholdkit compare indicator coventry:private-fostering",),
    "compare levels": ("thresholdkit compare levels -a coventry,telford",),
    "compare matrix": ("thresholdkit compare matrix -f html -o matrix.html",),
    "compare pathway": ("thresholdkit compare pathway --level 4",),
    "concepts": ("thresholdkit concepts --search abuse",),
    "consent": ("thresholdkit consent telford --purpose referral --level 4",),
    "contacts": (
        "thresholdkit contacts coventry --at '2026-07-03 16:45'",
        "thresholdkit contacts worcestershire --now",
        "THRESHOLDKIT_TRACE=1 thresholdkit contacts coventry",
    ),
    "diff": ("thresholdkit diff herefordshire old-data/",),
    "export csv": ("thresholdkit export csv thresholds-csv/",),
    "export oruk": ("thresholdkit export oruk oruk/", "thresholdkit export oruk oruk/ --areas telford"),
    "export sqlite": ("thresholdkit export sqlite thresholds.db",),
    "glossary": ("thresholdkit glossary telford --search harm",),
    "handout": (
        "thresholdkit handout telford --level 3 -f pdf -o telford-level3.pdf",
        "thresholdkit handout coventry telford --compare --level 4 -f html -o compare.html",
    ),
    "indicators": ("thresholdkit indicators telford --search 'running away'", "thresholdkit indicators coventry -l 4"),
    "levels": ("thresholdkit levels worcestershire",),
    "pathway": ("thresholdkit pathway worcestershire --level 4",),
    "plugin new": ("thresholdkit plugin new north-somerset",),
    "plugin freeze": ("thresholdkit plugin freeze src/thresholdkit_north_somerset/data",),
    "plugins": ("thresholdkit plugins", "thresholdkit plugins -f json"),
    "quiz": ("thresholdkit quiz telford -n 10 --seed 2 -f html -o quiz.html",),
    "site": ("thresholdkit site -o site/",),
    "validate": ("thresholdkit validate", "thresholdkit validate ./my-plugin/src/thresholdkit_my_area/data"),
}


def epilog(path: str) -> str | None:
    """The ``Examples`` section for the command at ``path`` (click keeps ``\\b`` blocks as typed)."""
    lines = EXAMPLES.get(path)
    if not lines:
        return None
    return "Examples:\n\n\b\n" + "\n".join(f"  {line}" for line in lines)

"""thresholdkit's pytest plugin (registered through the ``pytest11`` entry point).

Gives plugin packages the ``thresholdkit_conformance`` fixture: call it with your area id.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

import pytest


@pytest.fixture
def thresholdkit_conformance() -> Callable[..., dict[str, Any]]:
    """Run thresholdkit's conformance kit on an installed area: ``thresholdkit_conformance("coventry")``.

    Fails the test, listing every problem, when the area does not conform. When every other
    check passes but the quotes could not be checked verbatim (the source text was not found),
    it skips the test with the reason: a test never passes on checks that did not run. Pass
    ``sources=FOLDER`` to name the folder of source texts; by default the kit looks in
    ``$THRESHOLDKIT_SOURCES``, the plugin's own ``source/`` folder, then a ``shared/seeds`` folder.
    Returns the summary (``counts`` per indicator set, ``verbatim``).
    """
    from thresholdkit.authoring.conformance import run_conformance

    def check(area_id: str, sources: str | os.PathLike[str] | None = None) -> dict[str, Any]:
        summary = run_conformance(area_id, sources)
        if not summary["verbatim"]["checked"]:
            pytest.skip(f"{area_id}: every other conformance check passed, but {summary['verbatim']['reason']}")
        return summary

    return check

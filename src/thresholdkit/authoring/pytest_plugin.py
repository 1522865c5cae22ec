"""thresholdkit's pytest plugin (registered through the ``pytest11`` entry point).

Gives plugin packages the ``thresholdkit_conformance`` fixture: call it with your area id.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest


@pytest.fixture
def thresholdkit_conformance() -> Callable[..., dict[str, Any]]:
    """Run thresholdkit's conformance kit on an installed area: ``thresholdkit_conformance("coventry")``."""
    from thresholdkit.authoring.conformance import run_conformance

    return run_conformance

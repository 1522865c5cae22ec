"""The examples in docs/api.md run, and say what they print."""

from __future__ import annotations

import doctest

from conftest import ROOT


def test_api_examples():
    failures, tried = doctest.testfile(
        str(ROOT / "docs" / "api.md"), module_relative=False, optionflags=doctest.ELLIPSIS
    )
    assert tried > 15
    assert failures == 0


def test_module_docstring_example():
    import thresholdkit.api

    failures, tried = doctest.testmod(thresholdkit.api)
    assert tried >= 3 and failures == 0

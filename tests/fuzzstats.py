"""Counts of fuzz inputs tried, reported at the end of the test run (see conftest.py)."""

from collections import Counter

TRIED: Counter[str] = Counter()
TRACEBACKS: Counter[str] = Counter()

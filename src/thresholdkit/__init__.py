"""thresholdkit: safeguarding partnerships' levels-of-need guidance as data and tools.

Importing this package has no side effects and imports nothing heavy.
"""

__version__ = "0.1.0"

__all__ = ["__version__"]

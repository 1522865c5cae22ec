"""The level rule, in one place: the level of a case is the highest level among its matched
indicators; a practitioner's own level may raise it, never lower it.

Used by ``assess`` (:mod:`thresholdkit.rules.assess`) and by ``batch``
(:mod:`thresholdkit.batch.engine`), so the two cannot drift apart.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from thresholdkit.model.objects import TOP_LEVEL

if TYPE_CHECKING:
    from thresholdkit.model.objects import Basis

__all__ = ["TOP_LEVEL", "final_level"]


def final_level(top: int, practitioner_level: int | None = None) -> tuple[int, Basis]:
    """The case's level and what settled it.

    ``top`` is the highest level among the matched indicators (``max(levels, default=0)``: 0
    when none matched; each caller finds it as it looks the indicators up). Returns
    ``(level, basis)``: ``basis`` is ``"indicators"`` when the highest indicator settles the
    level (ties included), ``"practitioner_level"`` when the practitioner's level is higher or
    no indicator matched.

    >>> final_level(max([2, 4, 1]), 3)
    (4, 'indicators')
    >>> final_level(2, 3)
    (3, 'practitioner_level')
    >>> final_level(0, 2)
    (2, 'practitioner_level')

    ValueError when there is nothing to go on (no indicator and no level): callers say why first;
    and for a level that is not a whole number in range (``True``, 4.5, 9).
    Kept to a few comparisons: batch calls it once per record.
    """
    if type(top) is not int or not 0 <= top <= TOP_LEVEL:
        raise ValueError(f"top must be a whole number 0 to {TOP_LEVEL} (got {top!r})")
    if practitioner_level is not None and (
        type(practitioner_level) is not int or not 1 <= practitioner_level <= TOP_LEVEL
    ):
        raise ValueError(
            f"practitioner_level must be None or a whole number 1 to {TOP_LEVEL} (got {practitioner_level!r})"
        )
    if practitioner_level is not None and practitioner_level > top:
        return practitioner_level, "practitioner_level"
    if top <= 0:
        raise ValueError("nothing to assess: no matched indicator and no practitioner's level")
    return top, "indicators"

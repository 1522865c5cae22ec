"""YAML safety and the validator's messages."""

from __future__ import annotations

import pytest

from thresholdkit.data import safeyaml
from thresholdkit.model.errors import DataError


def test_aliases_are_refused():
    bomb = "a: &a [x, x]\nb: &b [*a, *a]\nc: [*b, *b]\n"
    with pytest.raises(DataError, match="aliases"):
        safeyaml.parse(bomb, name="bomb.yaml")


@pytest.mark.parametrize(
    "text",
    [
        "area: coventry\n<<: {indicators: [non-mobile-child-injury]}\nindicators: [poor-supervision]\n",
        "level: 3\n<<: {level: 4}\n",
        "authority:\n  id: coventry\n  <<: {id: telford, name: Evil}\n",
        "a:\n  - <<: [{x: 1}, {y: 2}]\n",
    ],
)
def test_merge_keys_are_refused(text: str) -> None:
    """A merge key (<<) let a key be given twice with one value silently dropped: a case file's
    level-4 indicator vanished and the case read as level 2. It is refused like an alias."""
    with pytest.raises(DataError, match=r"merge keys \(<<\) are not allowed.*line"):
        safeyaml.parse(text, name="case.yaml")


def test_a_quoted_double_angle_key_is_an_ordinary_key() -> None:
    """Only a plain << is YAML's merge key; a quoted one is a string like any other."""
    assert safeyaml.parse('"<<": 1\n', name="x.yaml") == {"<<": 1}


def test_deep_nesting_is_refused():
    with pytest.raises(DataError, match="nested deeper"):
        safeyaml.parse("[" * 100 + "]" * 100, name="deep.yaml")


def test_oversized_file_is_refused():
    with pytest.raises(DataError, match="larger than"):
        safeyaml.parse("x: " + "y" * (safeyaml.MAX_BYTES + 1), name="big.yaml")


def test_python_tags_are_refused():
    with pytest.raises(DataError):
        safeyaml.parse("!!python/object/apply:os.system ['true']", name="evil.yaml")


def test_validator_names_yaml_traps():
    from thresholdkit.data.schemas import check_schema

    data = {
        "contacts": [
            {
                "id": "x",
                "name": "X",
                "role": "police",
                "phone": [{"number": 999}],
                "hours": {
                    "text": "t",
                    "source": {"section": "s"},
                    "windows": [{"days": ["mon"], "start": 540, "end": "17:00"}],
                },
                "source": {"section": "s"},
            }
        ]
    }
    messages = "\n".join(check_schema(data))
    assert "contacts[0].phone[0].number" in messages
    assert "quote it" in messages
    assert "contacts[0].hours.windows[0].start" in messages


def test_schema_is_valid_draft_2020_12():
    from jsonschema import Draft202012Validator

    from thresholdkit.data.schemas import load_schema

    for name in ("authority", "case", "assessment"):
        Draft202012Validator.check_schema(load_schema(name))

"""The ruleset hash is of what a ruleset means: layout, comments and the order of what
has no order leave it as it is; any change in meaning changes it.

Mutations are made on the text, token by token (every number, string, name, date and
keyword choice of every shipped ruleset is a candidate), so each kind of field is
covered without listing the fields.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

import disclosure_rules as dr
from disclosure_rules import testing
from disclosure_rules.catalog import shipped_paths, shipped_text
from disclosure_rules.errors import DisclosureRulesError
from disclosure_rules.language.formatter import format_ruleset, format_text
from disclosure_rules.language.overlay import resolve
from disclosure_rules.language.parser import parse
from disclosure_rules.language.parser.frontend import lark_parser
from disclosure_rules.model.canonical import ruleset_hash

SHIPPED = sorted(shipped_paths())
relaxed = settings(
    max_examples=40,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

# keyword choices: each swapped for another of its kind changes what the ruleset means
CHOICES = [
    ("average", "rescale"),
    ("rescale", "average"),
    ("redistribute", "average"),
    ("group_average", "average"),
    ("own_rate", "average"),
    ("required", "optional"),
    ("optional", "required"),
    ("awarded", "full"),
    ("full", "awarded"),
    ("all_or_nothing", "awarded"),
    ("workdays", "days"),
    ("days", "workdays"),
    ("hours", "days"),
    ("zero", "na"),
    ("na", "zero"),
    ("scale", "cap"),
    ("cap", "scale"),
    ("and", "or"),
    ("or", "and"),
]


@functools.cache
def _text(rid: str) -> str:
    found = shipped_text(rid)
    assert found is not None
    return found[1].decode("utf-8")


@functools.cache
def _hash(text: str) -> str:
    """The hash of the ruleset the text states (an overlay: its base with its changes)."""
    return ruleset_hash(resolve(parse(text)).ruleset)


@functools.cache
def _lexed(text: str) -> tuple[tuple[str, int, int, str], ...]:
    return tuple(
        (t.type, t.start_pos or 0, t.end_pos or 0, str(t)) for t in lark_parser().lex(text)
    )


def _tokens(text: str, *types: str) -> list[tuple[int, int, str]]:
    """(start, end, value) of each token of the given types."""
    return [(start, end, value) for kind, start, end, value in _lexed(text) if kind in types]


def _replace(text: str, start: int, end: int, new: str) -> str:
    return text[:start] + new + text[end:]


@pytest.mark.parametrize("rid", SHIPPED)
def test_fmt_output_keeps_the_hash(rid: str) -> None:
    text = _text(rid)
    squeezed = re.sub(r"\n\s*", "\n", text)  # the indentation gone, fmt puts it back
    assert _hash(format_text(squeezed)) == _hash(text)
    assert dr.load(rid).graph.ruleset_hash == _hash(text)


@relaxed
@given(rid=st.sampled_from(SHIPPED), data=st.data())
def test_comments_and_blank_lines_keep_the_hash(rid: str, data: st.DataObject) -> None:
    lines = _text(rid).split("\n")
    where = data.draw(st.lists(st.integers(0, len(lines) - 1), min_size=1, max_size=8))
    words = st.text(st.characters(blacklist_categories=("Cc", "Cs", "Zl", "Zp")), max_size=20)
    for i in sorted(set(where), reverse=True):
        lines[i] += "  # " + data.draw(words)
        lines.insert(i, "   # " + data.draw(words) + "\n")
    assert _hash("\n".join(lines)) == _hash(_text(rid))


@relaxed
@given(testing.rulesets())
def test_a_generated_ruleset_and_its_formatted_text_have_one_hash(ruleset) -> None:
    assert _hash(format_ruleset(ruleset)) == ruleset_hash(ruleset)


def _mutated_hash(text: str, start: int, end: int, new: str) -> str:
    try:
        return _hash(_replace(text, start, end, new))
    except DisclosureRulesError:
        assume(False)  # not a ruleset any more: nothing to hash
        raise


@relaxed
@given(rid=st.sampled_from(SHIPPED), data=st.data())
def test_changing_any_number_changes_the_hash(rid: str, data: st.DataObject) -> None:
    text = _text(rid)
    numbers = _tokens(text, "NUMBER", "SIGNED_NUMBER", "PERCENT", "SIGNED_PERCENT", "INT")
    start, end, value = data.draw(st.sampled_from(numbers))
    percent = "%" if value.endswith("%") else ""
    new = str(Decimal(value.rstrip("%")) + 1) + percent
    assert _mutated_hash(text, start, end, new) != _hash(text)


@relaxed
@given(rid=st.sampled_from(SHIPPED), data=st.data())
def test_changing_any_text_changes_the_hash(rid: str, data: st.DataObject) -> None:
    """Titles, cites, owners, remarks, descriptions, readings' meanings, sources."""
    text = _text(rid)
    start, end, value = data.draw(st.sampled_from(_tokens(text, "STRING")))
    extra = data.draw(st.sampled_from(["。", "x", " ", "的"]))
    assert _mutated_hash(text, start, end, value[:-1] + extra + '"') != _hash(text)


@relaxed
@given(rid=st.sampled_from(SHIPPED), data=st.data())
def test_changing_any_name_changes_the_hash(rid: str, data: st.DataObject) -> None:
    """Ids of nodes, parameters, facts, readings, tags, grades and declared rule names."""
    text = _text(rid)
    start, end, value = data.draw(st.sampled_from(_tokens(text, "RULESET_ID", "NAME")))
    assert _mutated_hash(text, start, end, value + "_x") != _hash(text)


DATED = [rid for rid in SHIPPED if re.search(r"\d{4}-\d{2}-\d{2}", _text(rid))]


@relaxed
@given(rid=st.sampled_from(DATED), data=st.data())
def test_changing_any_date_changes_the_hash(rid: str, data: st.DataObject) -> None:
    text = _text(rid)
    dates = [
        (m.start(), m.end(), m.group())
        for m in re.finditer(r"\d{4}-\d{2}-\d{2}", text)
        if "#" not in text[text.rfind("\n", 0, m.start()) : m.start()]  # not in a comment
    ]
    start, end, value = data.draw(st.sampled_from(dates))
    day = dt.date.fromisoformat(value) + dt.timedelta(days=1)
    assert _mutated_hash(text, start, end, day.isoformat()) != _hash(text)


@pytest.mark.parametrize("rid", SHIPPED)
def test_changing_any_keyword_choice_changes_the_hash(rid: str) -> None:
    """Policies, evidence modes, base rules, time units, absent modes, conditions."""
    text = _text(rid)
    tried = 0
    candidates = _tokens(text, *(w.upper() for w, _ in CHOICES))
    for start, end, value in candidates:
        new = dict(CHOICES)[value]
        try:
            mutated = _hash(_replace(text, start, end, new))
        except DisclosureRulesError:
            continue
        tried += 1
        assert mutated != _hash(text), (value, new, text.count("\n", 0, start) + 1)
    assert tried or len(candidates) < 3  # a swap can leave no ruleset (zero when → na when)


@pytest.mark.parametrize("rid", SHIPPED)
def test_removing_an_assumed_mark_changes_the_hash(rid: str) -> None:
    text = _text(rid)
    marks = [m for m in re.finditer(r"= (-?[\d.]+%?) assumed ", text)]
    for mark in marks:
        plain = _replace(text, mark.start(), mark.end(), f"= {mark.group(1)} ")
        assert _hash(plain) != _hash(text)
    assumed = [m for m in re.finditer(r' assumed ("[^"]*")', text) if "param" not in m.string]
    for mark in assumed[:5]:
        cited = _replace(text, mark.start(), mark.end(), f" cite {mark.group(1)}")
        assert _hash(cited) != _hash(text)


TREE = """ruleset tree {
  title "t"

  section a "A" 6 {
    item a1 "A1" 2 {
      deduct 1 per x as x
      deduct 2 per y as y
    }
    item a2 "A2" 4
  }

  section b "B" 4 {
    item b1 "B1" 4
  }
}
"""


def test_the_order_of_children_is_presentation() -> None:
    a = TREE[TREE.index("  section a") : TREE.index("  section b")]
    b = TREE[TREE.index("  section b") : TREE.rindex("}")]
    swapped = TREE.replace(a + b, b + "\n" + a)
    assert _hash(swapped) == _hash(TREE)
    items = TREE.replace(
        '    item a1 "A1" 2 {\n      deduct 1 per x as x\n      deduct 2 per y as y\n    }\n'
        '    item a2 "A2" 4\n',
        '    item a2 "A2" 4\n    item a1 "A1" 2 {\n      deduct 1 per x as x\n'
        "      deduct 2 per y as y\n    }\n",
    )
    assert items != TREE and _hash(items) == _hash(TREE)


def test_the_order_of_an_item_s_rules_is_meaning() -> None:
    swapped = TREE.replace(
        "      deduct 1 per x as x\n      deduct 2 per y as y\n",
        "      deduct 2 per y as y\n      deduct 1 per x as x\n",
    )
    assert swapped != TREE and _hash(swapped) != _hash(TREE)


def test_moving_a_node_to_another_parent_changes_the_hash() -> None:
    moved = TREE.replace('    item a2 "A2" 4\n', "").replace(
        '    item b1 "B1" 4\n', '    item b1 "B1" 4\n    item a2 "A2" 4\n'
    )
    assert _hash(moved) != _hash(TREE)


def test_removing_a_rule_changes_the_hash() -> None:
    assert _hash(TREE.replace("      deduct 2 per y as y\n", "")) != _hash(TREE)


def test_the_same_number_written_two_ways_is_one_meaning() -> None:
    assert _hash(TREE.replace("deduct 1 per x", "deduct 1.0 per x")) == _hash(TREE)


def test_readings_hash_is_built_on_the_ruleset_hash() -> None:
    ruleset = dr.load("yifeng-2020-townships", readings={"floor_scope": "whole_100"})
    meta = ruleset.graph.metadata()
    assert meta["hash"] == _hash(_text("yifeng-2020-townships"))
    default = dr.load("yifeng-2020-townships").graph.metadata()
    assert meta["hash"] == default["hash"]
    assert meta["readings_hash"] != default["readings_hash"]

"""Where the parser says each syntax node stands: from the start of its first token to
the end of its last, keywords and brackets included (as Lark's propagate_positions)."""

from __future__ import annotations

from disclosure_rules.errors import Span
from disclosure_rules.language import syntax
from disclosure_rules.language.parser import parse

TEXT = """ruleset t {
  item a "A" 5 {
    deduct 1 when (x or y) and z
  }
}
"""


def _rule() -> syntax.DeductWhen:
    rule = parse(TEXT).children[0].rules[0]
    assert isinstance(rule, syntax.DeductWhen)
    return rule


def test_a_node_spans_from_its_keyword_to_its_closing_brace() -> None:
    assert Span("<string>", 2, 3, 4, 4) == parse(TEXT).children[0].span


def test_a_rule_spans_its_line_from_its_keyword() -> None:
    assert Span("<string>", 3, 5, 3, 33) == _rule().span


def test_a_condition_counts_the_brackets_of_its_parts() -> None:
    condition = _rule().condition
    assert isinstance(condition, syntax.AllOf)
    assert Span("<string>", 3, 19, 3, 33) == condition.span


def test_a_condition_in_brackets_spans_inside_them() -> None:
    condition = _rule().condition
    assert isinstance(condition, syntax.AllOf)
    assert Span("<string>", 3, 20, 3, 26) == condition.parts[0].span

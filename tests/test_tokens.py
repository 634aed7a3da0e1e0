"""The parser's own lexer (language.parser.tokens) gives the tokens Lark's contextual
lexer gives, state by state; where it finds none, the text is Lark's to report."""

from __future__ import annotations

import contextlib
from pathlib import Path

import lark
import pytest

from disclosure_rules.errors import RulesetSyntaxError, Span
from disclosure_rules.language.parser import parse
from disclosure_rules.language.parser.frontend import lark_parser
from disclosure_rules.language.parser.tokens import Unlexed, tokens

ROOT = Path(__file__).resolve().parents[1]
RULESETS = sorted((ROOT / "rulesets").glob("*.dr")) + sorted((ROOT / "tests").rglob("*.dr"))

_Seen = list[tuple[str, str, int | None, int | None, int | None, int | None, int | None]]


def _seen(found: list[lark.Token]) -> _Seen:
    return [
        (t.type, str(t), t.start_pos, t.line, t.column, t.end_line, t.end_column) for t in found
    ]


def _lark_tokens(text: str) -> _Seen:
    found: list[lark.Token] = []
    with contextlib.suppress(lark.exceptions.UnexpectedInput):
        found.extend(lark_parser().parse_interactive(text).iter_parse())
    return _seen(found)


def _own_tokens(text: str) -> _Seen:
    interactive = lark_parser().parse_interactive(text)
    found: list[lark.Token] = []
    try:
        for token in tokens(lark_parser(), text, interactive.parser_state.state_stack):
            found.append(token)
            interactive.feed_token(token)
    except (lark.exceptions.UnexpectedInput, Unlexed):
        pass
    return _seen(found)


@pytest.mark.parametrize("path", RULESETS, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_token_of_a_ruleset_is_the_one_lark_lexes(path: Path) -> None:
    text = path.read_text(encoding="utf-8", errors="replace")
    assert _lark_tokens(text) == _own_tokens(text)


def test_a_name_and_a_keyword_are_told_apart_by_where_they_stand() -> None:
    text = 'ruleset item { item item "Item" 5 { owner "x" } }  # item\n\n'
    kinds = [kind for kind, value, *_ in _own_tokens(text) if value == "item"]
    assert kinds == ["RULESET_ID", "ITEM", "NAME"]
    assert _lark_tokens(text) == _own_tokens(text)


def test_text_no_terminal_takes_is_unlexed() -> None:
    text = 'ruleset t {\n  title "T" @\n}\n'
    interactive = lark_parser().parse_interactive(text)
    with pytest.raises(Unlexed):
        for token in tokens(lark_parser(), text, interactive.parser_state.state_stack):
            interactive.feed_token(token)


def test_unlexed_text_is_reported_as_lark_reads_it() -> None:
    with pytest.raises(RulesetSyntaxError) as raised:
        parse('ruleset t {\n  title "T" @\n}\n')
    (found,) = raised.value.diagnostics
    assert (found.code, found.message) == ("DR001", "unexpected character '@'")
    assert Span("<string>", 2, 13) == found.span

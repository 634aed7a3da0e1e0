"""The Pygments lexer: every keyword of the grammar, the literals, and the docs' snippets."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

pygments = pytest.importorskip("pygments")

from pygments.lexers import get_lexer_by_name, get_lexer_for_filename  # noqa: E402
from pygments.token import (  # noqa: E402
    Comment,
    Error,
    Keyword,
    Literal,
    Name,
    Number,
    Punctuation,
    String,
    Whitespace,
    _TokenType,
)

from disclosure_rules.language.lexer import RulesetLexer  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
GRAMMAR = ROOT / "grammar" / "disclosure_rules.lark"


def grammar_keywords() -> list[str]:
    """Every quoted word of the grammar (its comments left out): the language's keywords."""
    grammar = re.sub(r"//[^\n]*", "", GRAMMAR.read_text(encoding="utf-8"))
    return sorted(set(re.findall(r'"([A-Za-z_]+)"', grammar)))


def tokens(text: str) -> list[tuple[_TokenType, str]]:
    """The non-blank tokens of ``text``."""
    return [(kind, value) for kind, value in RulesetLexer().get_tokens(text) if value.strip()]


def test_the_grammar_has_keywords_to_check() -> None:
    # A guard on the derivation itself: if the grammar changed its quoting, the
    # keyword test below would pass on an empty list.
    assert {"ruleset", "deduct", "not_applicable", "assumed", "none", "workdays"} <= set(
        grammar_keywords()
    )


@pytest.mark.parametrize("keyword", grammar_keywords())
def test_every_keyword_of_the_grammar_is_highlighted_as_a_keyword(keyword: str) -> None:
    [(kind, value)] = tokens(keyword)
    assert (value, kind in Keyword) == (keyword, True)


def test_a_keyword_inside_a_longer_name_is_a_name() -> None:
    assert tokens("deducted max_points") == [(Name, "deducted"), (Name, "max_points")]


def test_declared_names_are_told_apart() -> None:
    found = tokens("ruleset yifeng-2020-townships { param 每件 = 1 section 用权公开 item 决策 }")
    assert (Name.Namespace, "yifeng-2020-townships") in found
    assert (Name.Variable, "每件") in found
    assert (Name.Class, "用权公开") in found
    assert (Name.Class, "决策") in found


def test_strings_with_escapes() -> None:
    assert tokens(r'"附注\"1\":\n扣分"') == [
        (String.Double, '"'),
        (String.Double, "附注"),
        (String.Escape, r"\""),
        (String.Double, "1"),
        (String.Escape, r"\""),
        (String.Double, ":"),
        (String.Escape, r"\n"),
        (String.Double, "扣分"),
        (String.Double, '"'),
    ]


def test_a_string_left_open_at_the_end_of_a_line_is_an_error() -> None:
    assert (Error, "\n") in list(RulesetLexer().get_tokens('"未完\nitem'))


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("2", Number.Integer),
        ("-2", Number.Integer),
        ("0.5", Number.Float),
        ("70%", Number),
        ("-12.5%", Number),
        ("2021-01-12", Literal.Date),
    ],
)
def test_numbers_percentages_and_dates(text: str, kind: _TokenType) -> None:
    assert tokens(text) == [(kind, text)]


def test_comments_run_to_the_end_of_the_line() -> None:
    assert tokens("# 附注:扣完即止\nfloor 0") == [
        (Comment.Single, "# 附注:扣完即止"),
        (Keyword, "floor"),
        (Number.Integer, "0"),
    ]


def test_assumed_is_highlighted_like_cite_where_a_cite_would_stand() -> None:
    found = tokens('convert annual "年度考核" 4 assumed "未说明折算" cite "分值仍为4分"')
    assert (Keyword, "assumed") in found
    assert found.index((Keyword, "assumed")) < found.index((Keyword, "cite"))


def test_unicode_identifiers_and_fact_references() -> None:
    assert tokens("zero when 栏目.未更新数 > 3")[2:5] == [
        (Name, "栏目"),
        (Punctuation, "."),
        (Name, "未更新数"),
    ]


def test_the_ideographic_space_is_whitespace_and_full_width_punctuation_an_error() -> None:
    found = list(RulesetLexer().get_tokens("item\u3000a “甲” 2"))
    assert (Whitespace, "\u3000") in found
    assert (Error, "“") in found


def test_pygments_finds_the_lexer_by_alias_and_file_name() -> None:
    # Through the ``pygments.lexers`` entry point of the installed package.
    assert isinstance(get_lexer_by_name("dr"), RulesetLexer)
    assert isinstance(get_lexer_by_name("disclosure-rules"), RulesetLexer)
    assert isinstance(get_lexer_for_filename("scheme.dr"), RulesetLexer)


def _snippets() -> list[tuple[str, str]]:
    found = []
    for page in sorted((ROOT / "docs").rglob("*.md")):
        text = page.read_text(encoding="utf-8")
        for number, block in enumerate(re.findall(r"^```dr\n(.*?)^```", text, re.S | re.M)):
            found.append((f"{page.relative_to(ROOT)}#{number + 1}", block))
    for ruleset in sorted((ROOT / "rulesets").glob("*.dr")):
        found.append((str(ruleset.relative_to(ROOT)), ruleset.read_text(encoding="utf-8")))
    return found


def test_the_docs_have_ruleset_snippets() -> None:
    assert sum(1 for name, _ in _snippets() if name.startswith("docs")) >= 10


@pytest.mark.parametrize(("name", "text"), _snippets(), ids=[n for n, _ in _snippets()])
def test_every_ruleset_in_the_docs_and_the_catalog_lexes_without_errors(
    name: str, text: str
) -> None:
    # Sphinx -W fails on a snippet the lexer marks as an error.
    assert [value for kind, value in RulesetLexer().get_tokens(text) if kind in Error] == []


def test_ruleset_snippets_in_the_docs_are_fenced_as_dr() -> None:
    fences = []
    for page in sorted((ROOT / "docs").rglob("*.md")):
        text = page.read_text(encoding="utf-8")
        for fence, block in re.findall(r"^```(\S*)\n(.*?)^```", text, re.S | re.M):
            if re.match(r"\s*ruleset \S+ \{", block) and fence != "dr":
                fences.append(f"{page.name}: ```{fence}")
    assert fences == []

"""Syntax highlighting: a Pygments lexer for the ruleset language (``.dr`` files).

Beside the pipeline, for people reading rulesets: the Sphinx docs highlight every
```` ```dr ```` snippet with it, and any tool built on Pygments finds it through the
``pygments.lexers`` entry point (``pygmentize -l dr``). It needs the ``editor`` extra
(Pygments); nothing in the pipeline imports it.

The lexer is a plain list of regular expressions, not the Lark grammar: it must
highlight text that does not parse yet. The keywords below are the grammar's, every
one of them (``tests/test_lexer.py`` reads them from the grammar and checks); text the
language cannot contain (full-width punctuation, a stray ``;``) is marked as an error.
"""

from __future__ import annotations

from pygments.lexer import RegexLexer, default, words
from pygments.token import (
    Comment,
    Error,
    Keyword,
    Literal,
    Name,
    Number,
    Operator,
    Punctuation,
    String,
    Whitespace,
)

__all__ = ["RulesetLexer"]

# Words that open a declaration: the things a ruleset is made of.
_DECLARATIONS = (
    "ruleset",
    "param",
    "policy",
    "tags",
    "groups",
    "component",
    "section",
    "item",
    "bonus",
    "survey",
    "answer",
    "outcome",
    "grades",
    "veto",
    "convert",
    "calendar",
    "reading",
    "alternative",
)
# Words that name a choice: a mode, a policy, a unit of time.
_CONSTANTS = (
    "required",
    "optional",
    "none",
    "average",
    "group_average",
    "own_rate",
    "rescale",
    "redistribute",
    "awarded",
    "all_or_nothing",
    "full",
    "scale",
    "sum",
    "na",
    "error",
    "days",
    "hours",
    "below",
)
# Every other keyword: headers, statements, rules, conditions.
_KEYWORDS = (
    "set",
    "drop",
    "change",
    "points",
    "rules",
    "add",
    "to",
    "title",
    "issuer",
    "issued",
    "year",
    "source",
    "files",
    "rounding",
    "total",
    "evidence",
    "reject",
    "requires",
    "submitted",
    "statement",
    "no",
    "means",
    "not_applicable",
    "over",
    "floor",
    "cap",
    "weight",
    "score",
    "owner",
    "remark",
    "applies_to",
    "resolve",
    "absent",
    "cite",
    "assumed",  # where a cite stands, or on a parameter: the source does not state it
    "range",  # an assumed parameter's plausible values
    "rate",
    "deduct",
    "per",
    "missing",
    "of",
    "max",
    "when",
    "zero",
    "late",
    "within",
    "by",
    "all",
    "and",
    "or",
    "not",
    "quota",
    "else",
    "then",
    "grade",
    "workdays",
    "holidays",
    "default",
)

_NAME = r"[^\W\d]\w*"
_END_OF_WORD = r"(?!\w)"


class RulesetLexer(RegexLexer):
    """Highlights the disclosure_rules ruleset language."""

    name = "Disclosure rules"
    aliases = ("dr", "disclosure-rules")
    filenames = ("*.dr",)
    mimetypes = ("text/x-disclosure-rules",)
    url = "https://pypi.org/project/disclosure-rules/"
    version_added = ""

    tokens = {  # noqa: RUF012 (Pygments reads the class attribute as it is)
        "root": [
            (r"\s+", Whitespace),  # \s takes the ideographic space U+3000 too, as the grammar
            (r"#[^\n]*", Comment.Single),
            (r'"', String.Double, "string"),
            (r"[0-9]{4}-[0-9]{2}-[0-9]{2}" + _END_OF_WORD, Literal.Date),
            (r"-?[0-9]+(\.[0-9]+)?%", Number),
            (r"-?[0-9]+\.[0-9]+" + _END_OF_WORD, Number.Float),
            (r"-?[0-9]+" + _END_OF_WORD, Number.Integer),
            # The name after a declaring keyword is what the declaration defines.
            (r"ruleset" + _END_OF_WORD, Keyword.Declaration, "ruleset_id"),
            (r"extends" + _END_OF_WORD, Keyword, "ruleset_id"),  # an overlay's base
            (
                words(("component", "section", "item", "bonus"), suffix=_END_OF_WORD),
                Keyword.Declaration,
                "node_id",
            ),
            (
                words(("param", "reading", "alternative"), suffix=_END_OF_WORD),
                Keyword.Declaration,
                "param_name",
            ),
            (words(_DECLARATIONS, suffix=_END_OF_WORD), Keyword.Declaration),
            (words(_CONSTANTS, suffix=_END_OF_WORD), Keyword.Constant),
            (words(_KEYWORDS, suffix=_END_OF_WORD), Keyword),
            (_NAME, Name),
            (r">=|<=|==|!=|>|<|\.\.|=|\+", Operator),  # "+" joins the tags of a group
            (r"[{}(),.:]", Punctuation),
            (r".", Error),
        ],
        "ruleset_id": [
            (r"\s+", Whitespace),
            (_NAME + r"(-\w+)*", Name.Namespace, "#pop"),
            default("#pop"),
        ],
        "node_id": [(r"\s+", Whitespace), (_NAME, Name.Class, "#pop"), default("#pop")],
        "param_name": [(r"\s+", Whitespace), (_NAME, Name.Variable, "#pop"), default("#pop")],
        "string": [
            (r'\\["\\nt]', String.Escape),
            (r'[^"\\\n]+', String.Double),
            (r'"', String.Double, "#pop"),
            (r"\\.?", Error),
            (r"\n", Error, "#pop"),  # a string never spans lines
        ],
    }

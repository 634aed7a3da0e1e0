"""Sphinx configuration. Built in CI with -W: a warning fails the build."""

from __future__ import annotations

from pygments.lexer import RegexLexer, words
from pygments.token import Comment, Keyword, Name, Number, Operator, Punctuation, String, Text

import disclosure_rules

project = "disclosure_rules"
author = "disclosure_rules contributors"
release = disclosure_rules.__version__
extensions = [
    "myst_parser",
    "sphinx.ext.autodoc",
    "sphinx.ext.napoleon",
]
source_suffix = {".md": "markdown", ".rst": "restructuredtext"}
exclude_patterns = ["_build"]
html_theme = "furo"
html_title = "disclosure_rules"
myst_heading_anchors = 3
autodoc_member_order = "bysource"
autodoc_typehints = "description"
language = "en"


class RulesetLexer(RegexLexer):
    """Highlights the ruleset language (``.dr`` files)."""

    name = "disclosure-rules"
    aliases = ["dr", "disclosure-rules"]  # noqa: RUF012
    filenames = ["*.dr"]  # noqa: RUF012
    tokens = {  # noqa: RUF012
        "root": [
            (r"\s+", Text),
            (r"#.*$", Comment.Single),
            (r'"(\\.|[^"\\\n])*"', String),
            (r"[0-9]{4}-[0-9]{2}-[0-9]{2}", Number),
            (r"-?[0-9]+(\.[0-9]+)?%?", Number),
            (
                words(
                    (
                        "ruleset",
                        "title",
                        "issuer",
                        "issued",
                        "year",
                        "source",
                        "rounding",
                        "total",
                        "param",
                        "assumed",
                        "policy",
                        "evidence",
                        "required",
                        "optional",
                        "reject",
                        "not_applicable",
                        "over",
                        "floor",
                        "cap",
                        "none",
                        "tags",
                        "component",
                        "weight",
                        "score",
                        "survey",
                        "answer",
                        "outcome",
                        "section",
                        "item",
                        "bonus",
                        "owner",
                        "remark",
                        "cite",
                        "applies_to",
                        "resolve",
                        "scale",
                        "sum",
                        "awarded",
                        "all_or_nothing",
                        "full",
                        "rate",
                        "deduct",
                        "per",
                        "missing",
                        "of",
                        "max",
                        "when",
                        "zero",
                        "and",
                        "or",
                        "not",
                        "grades",
                        "quota",
                        "else",
                        "veto",
                        "then",
                        "grade",
                        "convert",
                        "within",
                        "by",
                        "late",
                        "all",
                        "workdays",
                        "days",
                        "hours",
                        "calendar",
                        "holidays",
                        "average",
                        "group_average",
                        "own_rate",
                        "rescale",
                        "redistribute",
                    ),
                    suffix=r"(?![\w-])",
                ),
                Keyword,
            ),
            (r">=|<=|==|!=|>|<|\.\.", Operator),
            (r"[{}(),.=:]", Punctuation),
            (r"[^\W\d][\w-]*", Name),
        ]
    }


def setup(app):  # type: ignore[no-untyped-def]
    app.add_lexer("dr", RulesetLexer)

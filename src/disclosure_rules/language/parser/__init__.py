"""Parsing: ruleset text → the syntax tree (:mod:`~disclosure_rules.language.syntax`).

The only package that imports :mod:`lark`; nothing downstream sees a Lark tree or
a Lark exception. Its modules, in the order text goes through them:

- :mod:`.prescan` refuses what would make Lark slow (size, encoding, nesting) and
  scans comments for the formatter;
- :mod:`.frontend` holds the grammar and Lark's LALR parser, and ``parse``;
- :mod:`.tokens` lexes as Lark's contextual lexer does, faster, for a text that parses;
- :mod:`.reductions` has the parser call the builder at each reduction;
- :mod:`.recovery` finds every syntax error of a text that does not parse, and
  :mod:`.messages` words each one (what was expected, "did you mean …?");
- :mod:`.build_rules` and :mod:`.build_tree` build the syntax nodes, rule by rule.
"""

from __future__ import annotations

from .frontend import grammar_text, parse, parse_file
from .prescan import MAX_BYTES, MAX_DEPTH, MAX_DIGITS, Comment, comments
from .recovery import MAX_ERRORS

__all__ = [
    "MAX_BYTES",
    "MAX_DEPTH",
    "MAX_DIGITS",
    "MAX_ERRORS",
    "Comment",
    "comments",
    "grammar_text",
    "parse",
    "parse_file",
]

"""The parser's front end: the grammar, Lark's LALR parser, and ``parse``.

Parsing is the first step of the pipeline, text → syntax tree: the pre-scan
(:mod:`.prescan`) refuses what would make Lark slow, and Lark parses, calling the
builder (:mod:`.build_tree`) at each reduction (:mod:`.reductions`), so that the
:mod:`~disclosure_rules.language.syntax` nodes come straight from the tokens. A
text with syntax errors is parsed a second time by :mod:`.recovery`, which finds
every error, not only the first.
"""

from __future__ import annotations

import os
from functools import cache
from importlib import resources
from pathlib import Path

import lark

from ...cache import cache_file, digest
from ...errors import Diagnostic, RulesetSyntaxError
from ...i18n import _
from .. import syntax
from .build_tree import Builder
from .messages import syntax_diagnostic
from .prescan import decode, prescan
from .recovery import recover
from .reductions import parse_with
from .tokens import Unlexed

__all__ = ["grammar_text", "lark_parser", "parse", "parse_file"]


def grammar_text() -> str:
    """The grammar, from the installed package or, in a source checkout, ``grammar/``."""
    packaged = resources.files("disclosure_rules") / "grammar" / "disclosure_rules.lark"
    if packaged.is_file():
        return packaged.read_text(encoding="utf-8")
    checkout = Path(__file__).resolve().parents[4] / "grammar" / "disclosure_rules.lark"
    return checkout.read_text(encoding="utf-8")


def _cache_path(grammar: str) -> str | bool:
    """Lark's cache of the parser tables, named by the grammar's text and Lark's version:
    a grammar changed by a single character builds (and caches) its tables anew."""
    key = digest([grammar.encode(), lark.__version__.encode()])
    path = cache_file(f"grammar-{key}.lark-cache")
    return str(path) if path is not None else False


@cache
def lark_parser() -> lark.Lark:
    """The LALR parser for the grammar (built once, cached on disk between runs)."""
    grammar = grammar_text()
    return lark.Lark(
        grammar,
        parser="lalr",
        propagate_positions=True,
        maybe_placeholders=False,
        cache=_cache_path(grammar),
    )


def parse_file(path: str | os.PathLike[str]) -> syntax.Ruleset:
    """Read and parse a ``.dr`` file."""
    name = os.fspath(path)
    try:
        data = Path(name).read_bytes()
    except OSError as exc:
        msg = _("cannot read ruleset file: {reason}").format(reason=exc.strerror or exc)
        raise RulesetSyntaxError(Diagnostic("DR000", msg, file=name)) from exc
    return parse(data, name)


def parse(source: str | bytes, file: str = "<string>", *, base: bool = False) -> syntax.Ruleset:
    """Parse ruleset text (or UTF-8 bytes) into a syntax tree, or raise RulesetSyntaxError
    with every syntax error of the text. ``base``: the text is the base of an overlay,
    and every line of the tree names its file (a :class:`~disclosure_rules.errors.FileLine`)."""
    text = decode(source, file)
    prescan(text, file)
    parser = lark_parser()
    try:
        return _built(parser, text, file, base=base)
    except (lark.exceptions.UnexpectedInput, Unlexed):
        pass  # a syntax error: parsed again with Lark's lexer, whose errors are reported
    try:
        return _built(parser, text, file, base=base, lark_lexer=True)
    except lark.exceptions.UnexpectedInput as exc:
        found = recover(parser, text, file) or [syntax_diagnostic(exc, text, file, parser)]
        raise RulesetSyntaxError(found) from None


def _built(
    parser: lark.Lark, text: str, file: str, *, base: bool, lark_lexer: bool = False
) -> syntax.Ruleset:
    """The syntax tree of ``text``, or RulesetSyntaxError with the problems of its
    literals (see :func:`.reductions.parse_with` for the syntax errors)."""
    builder = Builder(file, text, base=base)
    result = parse_with(parser, builder, text, lark_lexer=lark_lexer)
    if builder.problems:
        raise RulesetSyntaxError(builder.problems)
    assert isinstance(result, syntax.Ruleset)
    return result

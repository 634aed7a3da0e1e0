"""What is kept between runs to start faster is never out of date: the parser tables
follow the grammar file, and ``list`` reads a catalog cached under the rulesets' and
the package's digest, without loading the compiler."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import disclosure_rules as dr
from disclosure_rules import api
from disclosure_rules.language.parser.frontend import _cache_path, grammar_text, lark_parser

GRAMMAR = Path(__file__).resolve().parents[1] / "grammar" / "disclosure_rules.lark"


def test_the_parser_is_built_from_the_grammar_file_as_it_now_reads():
    assert grammar_text() == GRAMMAR.read_text(encoding="utf-8")
    assert lark_parser().source_grammar == GRAMMAR.read_text(encoding="utf-8")


def test_any_change_to_the_grammar_names_a_new_parser_cache():
    text = grammar_text()
    assert _cache_path(text) != _cache_path(text + "\n")
    assert _cache_path(text) == _cache_path(grammar_text())


def _run(code: str, cache: Path) -> str:
    env = {**os.environ, "XDG_CACHE_HOME": str(cache)}
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env
    )
    return out.stdout


LIST = (
    "import sys, contextlib, io\n"
    "from disclosure_rules.cli import main\n"
    "with contextlib.redirect_stdout(io.StringIO()) as out:\n"
    "    main(['list', '--format', 'json'])\n"
    "print('disclosure_rules.api' in sys.modules)\n"
    "print(out.getvalue())"
)


def test_list_reads_the_cached_catalog_without_the_compiler(tmp_path: Path) -> None:
    first = _run(LIST, tmp_path)
    second = _run(LIST, tmp_path)
    assert first.splitlines()[0] == "True"  # compiled once, and cached
    assert second.splitlines()[0] == "False"  # then read
    assert second.split("\n", 1)[1] == first.split("\n", 1)[1]
    assert len(list((tmp_path / "disclosure_rules").glob("catalog-*.json"))) == 1


def test_a_damaged_catalog_cache_is_made_anew(tmp_path: Path) -> None:
    good = _run(LIST, tmp_path)
    (cached,) = (tmp_path / "disclosure_rules").glob("catalog-*.json")
    cached.write_text("[{", encoding="utf-8")
    again = _run(LIST, tmp_path)
    assert again.splitlines()[0] == "True"
    assert again.split("\n", 1)[1] == good.split("\n", 1)[1]
    assert json.loads(cached.read_text(encoding="utf-8"))  # rewritten whole


def test_the_cached_catalog_is_what_compiling_gives():
    assert dr.catalog() == api.catalog_entries()

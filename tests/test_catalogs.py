"""The message catalogs are complete and current: every message in the source has its
Chinese, with the same placeholders, and the shipped compiled catalogs say the same as
the ``.po`` files they are compiled from (docs/languages.md: how to update them)."""

from __future__ import annotations

import argparse
import gettext
import string
from pathlib import Path

import pytest

import disclosure_rules

babel_extract = pytest.importorskip("babel.messages.extract")
babel_pofile = pytest.importorskip("babel.messages.pofile")

SOURCE = Path(disclosure_rules.__file__).parent
LOCALE = SOURCE / "locale"
KEYWORDS = {**babel_extract.DEFAULT_KEYWORDS, "n_": (1, 2)}  # as in babel.cfg


def _extracted(folder: Path, pattern: str = "**.py") -> set[str | tuple[str, ...]]:
    found = babel_extract.extract_from_dir(
        str(folder), method_map=[(pattern, "python")], keywords=KEYWORDS
    )
    return {message for _file, _line, message, _comments, _context in found}


def _catalog(name: str):  # type: ignore[no-untyped-def]
    with open(name, "rb") as f:
        return babel_pofile.read_po(f)


def _messages(path: Path) -> dict[str | tuple[str, ...], str | tuple[str, ...]]:
    return {m.id: m.string for m in _catalog(str(path)) if m.id}


def _fields(text: str) -> list[str] | None:
    """The names of a template's placeholders, or None for text that is never formatted."""
    try:
        return sorted(name for _, name, _, _ in string.Formatter().parse(text) if name)
    except ValueError:
        return None


ZH = LOCALE / "zh" / "LC_MESSAGES" / "disclosure_rules.po"


def test_every_message_of_the_source_is_in_the_template_and_the_chinese_catalog():
    source = _extracted(SOURCE)
    assert source == set(_messages(LOCALE / "disclosure_rules.pot"))
    assert source == set(_messages(ZH))


def test_every_message_has_a_chinese_translation():
    catalog = _catalog(str(ZH))
    assert not catalog.fuzzy
    missing = [
        m.id
        for m in catalog
        if m.id and (m.fuzzy or not all(m.string if isinstance(m.string, tuple) else [m.string]))
    ]
    assert missing == []


def test_translations_keep_the_placeholders_of_their_message():
    different = []
    for msgid, msgstr in _messages(ZH).items():
        english = msgid if isinstance(msgid, tuple) else (msgid,)
        chinese = msgstr if isinstance(msgstr, tuple) else (msgstr,)
        wanted = _fields(english[-1])
        if any(_fields(c) != wanted for c in chinese):
            different.append(msgid)
    assert different == []


@pytest.mark.parametrize("domain", ["disclosure_rules", "argparse"])
def test_the_compiled_catalog_is_compiled_from_the_po(domain):
    po = {k: v for k, v in _messages(LOCALE / "zh" / "LC_MESSAGES" / f"{domain}.po").items()}
    with open(LOCALE / "zh" / "LC_MESSAGES" / f"{domain}.mo", "rb") as f:
        compiled = gettext.GNUTranslations(f)
    for msgid, msgstr in po.items():
        if isinstance(msgid, tuple):
            assert compiled.ngettext(msgid[0], msgid[1], 1) == msgstr[0]
        else:
            assert compiled.gettext(msgid) == msgstr, msgid
    assert len(compiled._catalog) - 1 == len(po)  # type: ignore[attr-defined]  (its header)


def test_argparse_speaks_chinese_for_every_word_of_this_python_version():
    """argparse's own strings (usage, errors) as this Python writes them: a new Python
    that adds or rewords one fails here until the argparse catalog has it."""
    with open(argparse.__file__, "rb") as f:
        used = {m for _line, m, _comments, _context in babel_extract.extract("python", f, KEYWORDS)}
    catalog = _messages(LOCALE / "zh" / "LC_MESSAGES" / "argparse.po")
    assert sorted(map(str, used - set(catalog))) == []
    assert [k for k, v in catalog.items() if not v or v == ("",)] == []

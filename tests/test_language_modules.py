"""The package's shape: Lark stays inside the parser, modules stay readable."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import disclosure_rules

PACKAGE = Path(disclosure_rules.__file__).parent
LANGUAGE = sorted((PACKAGE / "language").rglob("*.py"))


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return names


def test_lark_is_imported_by_the_parser_package_alone():
    importers = {
        path.relative_to(PACKAGE).as_posix()
        for path in PACKAGE.rglob("*.py")
        if "lark" in imported_modules(path)
    }
    assert importers
    assert all(name.startswith("language/parser/") for name in importers), importers


@pytest.mark.parametrize(
    "path", LANGUAGE, ids=[p.relative_to(PACKAGE).as_posix() for p in LANGUAGE]
)
def test_language_modules_classes_and_functions_stay_readable(path):
    text = path.read_text(encoding="utf-8")
    assert len(text.splitlines()) <= 600
    for node in ast.walk(ast.parse(text)):
        if isinstance(node, ast.ClassDef):
            assert node.end_lineno - node.lineno < 450, node.name
        elif isinstance(node, ast.FunctionDef):
            assert node.end_lineno - node.lineno < 60, node.name


PACKAGE_MODULES = sorted(PACKAGE.rglob("*.py"))


@pytest.mark.parametrize(
    "path", PACKAGE_MODULES, ids=[p.relative_to(PACKAGE).as_posix() for p in PACKAGE_MODULES]
)
def test_every_module_of_the_package_stays_under_600_lines(path):
    assert len(path.read_text(encoding="utf-8").splitlines()) <= 600

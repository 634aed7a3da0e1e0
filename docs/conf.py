"""Sphinx configuration. Built in CI with -W: a warning fails the build."""

from __future__ import annotations

import disclosure_rules
from disclosure_rules.language.lexer import RulesetLexer

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


def setup(app):  # type: ignore[no-untyped-def]
    # Every ruleset snippet in the docs is fenced ```dr: highlighted by the packaged lexer.
    app.add_lexer("dr", RulesetLexer)

"""Code in the docs runs, so it cannot rot."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import disclosure_rules as dr

DOCS = Path(__file__).parents[1] / "docs"
BLOCKS = [
    (page.name, i, block)
    for page in sorted(DOCS.rglob("*.md"))
    for i, block in enumerate(
        re.findall(r"```dr\n(.*?)```", page.read_text(encoding="utf-8"), re.S)
    )
]


@pytest.mark.parametrize(("page", "index", "block"), BLOCKS, ids=[f"{p}-{i}" for p, i, _ in BLOCKS])
def test_ruleset_examples_in_the_docs_compile(page, index, block):
    ruleset = dr.compile(block, file=f"{page}#{index}")
    assert ruleset.max > 0

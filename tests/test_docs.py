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


def test_the_property_testing_example_runs():
    import importlib.util

    path = DOCS.parent / "examples" / "property_test_example.py"
    spec = importlib.util.spec_from_file_location("property_test_example", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.test_my_ruleset_behaves()
    # the author's test itself: decorator and function, five lines or fewer
    source = path.read_text(encoding="utf-8")
    test = source[source.index("@given") :].strip().splitlines()
    assert len(test) <= 5

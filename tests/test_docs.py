"""Code in the docs runs, so it cannot rot.

Every fenced block of the docs is one of: ``dr`` (a ruleset: it compiles and is in the
``fmt`` layout), ``python`` (executed, the blocks of one page in order and sharing one
namespace), ``sh`` (each command run with the installed ``disclosure-rules``, exit 0),
or a block that is not code to run (``text``, ``json``, ``yaml``, ``console``, …). A
``python`` or ``sh`` block that cannot run (an installation, a fragment of the
library's own source) says so in the Markdown: ``<!-- not run: why -->`` on the line
before it. ``<!-- file: NAME -->`` before a ``dr`` block writes it to ``NAME`` in the
folder the page's commands run in, so a later command can use it.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import attrs
import pytest

import disclosure_rules as dr
from disclosure_rules.language.formatter import format_text

ROOT = Path(__file__).parents[1]
DOCS = ROOT / "docs"
PAGES = sorted(DOCS.rglob("*.md"))
RUNNABLE = {"python", "sh"}
_FENCE = re.compile(r"(?:<!-- (not run|file): *(.*?) *-->\n)?```(\w+)\n(.*?)```", re.S)


@attrs.frozen
class Block:
    page: str
    index: int
    language: str
    code: str
    marker: str | None  # "not run" or "file"
    argument: str  # the reason a block is not run, or the file a ruleset is written to


def blocks(page: Path) -> list[Block]:
    name = str(page.relative_to(ROOT))
    found = _FENCE.findall(page.read_text(encoding="utf-8"))
    return [
        Block(name, i, lang, code, mark or None, arg)
        for i, (mark, arg, lang, code) in enumerate(found)
    ]


ALL = [block for page in [*PAGES, ROOT / "README.md"] for block in blocks(page)]
RULESETS = [b for b in ALL if b.language == "dr"]
DOC_PAGES = [
    p for p in PAGES if any(b.language in RUNNABLE and b.marker is None for b in blocks(p))
]


def _id(block: Block) -> str:
    return f"{block.page}-{block.index}"


@pytest.mark.parametrize("block", RULESETS, ids=_id)
def test_ruleset_examples_in_the_docs_compile(block):
    ruleset = dr.compile(block.code, file=f"{block.page}#{block.index}")
    assert ruleset.max > 0


@pytest.mark.parametrize("block", RULESETS, ids=_id)
def test_ruleset_examples_in_the_docs_are_in_the_fmt_layout(block):
    assert format_text(block.code) == block.code


def test_every_block_not_run_says_why():
    skipped = [b for b in ALL if b.marker == "not run"]
    assert skipped, "the installation commands at least are marked"
    assert all(b.argument for b in skipped)
    assert all(b.language in RUNNABLE for b in skipped), "only code that could run is marked"


@pytest.fixture
def workspace(tmp_path):
    """A folder holding the repository's examples/ and rulesets/, the cwd of the examples."""
    for folder in ("examples", "rulesets"):
        shutil.copytree(ROOT / folder, tmp_path / folder)
    old = Path.cwd()
    os.chdir(tmp_path)
    yield tmp_path
    os.chdir(old)


@pytest.mark.parametrize("page", DOC_PAGES, ids=lambda p: str(p.relative_to(ROOT)))
def test_the_python_and_shell_examples_of_a_page_run(page, workspace):
    namespace: dict[str, object] = {"__name__": f"docs:{page.name}"}
    bin_dir = Path(sys.executable).parent
    env = {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}"}
    for block in blocks(page):
        if block.marker == "file":
            (workspace / block.argument).write_text(block.code, encoding="utf-8")
        if block.marker is not None or block.language not in RUNNABLE:
            continue
        where = f"{block.page}, block {block.index}"
        if block.language == "python":
            exec(compile(block.code, where, "exec"), namespace)
            continue
        run = subprocess.run(
            ["bash", "-euo", "pipefail", "-c", block.code],
            cwd=workspace,
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        assert run.returncode == 0, f"{where}:\n{block.code}\n{run.stdout}\n{run.stderr}"


def test_the_property_testing_example_runs():
    import importlib.util

    path = ROOT / "examples" / "property_test_example.py"
    spec = importlib.util.spec_from_file_location("property_test_example", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.test_my_ruleset_behaves()
    # the author's test itself: decorators and function, five lines or fewer
    source = path.read_text(encoding="utf-8")
    test = source[source.index("@testing.PROFILE") :].strip().splitlines()
    assert len(test) <= 5

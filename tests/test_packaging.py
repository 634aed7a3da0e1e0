"""The grammar and the rulesets ship inside the wheel; the installed package finds them."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

import disclosure_rules as dr

ROOT = Path(__file__).parents[1]


@pytest.mark.skipif(not (ROOT / "pyproject.toml").exists(), reason="needs the source tree")
def test_the_wheel_carries_grammar_rulesets_and_their_sources(tmp_path):
    subprocess.run(
        [
            sys.executable,
            "-m",
            "build",
            "--wheel",
            "--no-isolation",
            "--outdir",
            str(tmp_path),
            str(ROOT),
        ],
        check=True,
        capture_output=True,
    )
    wheel = next(tmp_path.glob("*.whl"))
    names = set(zipfile.ZipFile(wheel).namelist())
    assert "disclosure_rules/grammar/disclosure_rules.lark" in names
    shipped = {p.name for p in (ROOT / "rulesets").glob("*.dr")}
    assert shipped and {f"disclosure_rules/rulesets/{n}" for n in shipped} <= names
    sources = {p.name for p in (ROOT / "rulesets" / "sources").iterdir()}
    assert {f"disclosure_rules/rulesets/sources/{n}" for n in sources} <= names
    assert any(n.endswith("entry_points.txt") for n in names)
    templates = {p.name for p in (ROOT / "src/disclosure_rules/report/templates").iterdir()}
    assert {f"disclosure_rules/report/templates/{n}" for n in templates} <= names
    catalogs = {"disclosure_rules", "argparse"}
    assert {f"disclosure_rules/locale/zh/LC_MESSAGES/{c}.mo" for c in catalogs} <= names
    # unpacked and imported from elsewhere, the package verifies cites against its own copies
    zipfile.ZipFile(wheel).extractall(tmp_path / "site")
    code = (
        "import disclosure_rules as d; print(d.__file__)\n"
        "print([(e.id, x.code, x.span.line) for e in d.catalog() for x in d.check(e.id)])\n"
        "from disclosure_rules.i18n import _, localized, using_language\n"
        "with using_language('zh'): print(localized(_('unterminated string')))"
    )
    env = {**os.environ, "PYTHONPATH": str(tmp_path / "site")}
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=env,
        check=True,
    )
    where, found, chinese = result.stdout.splitlines()
    assert where.startswith(str(tmp_path / "site"))
    here = [(e.id, x.code, x.span.line) for e in dr.catalog() for x in dr.check(e.id)]
    assert found == str(here) and "DR207" not in found
    assert chinese == "字符串未结束"  # the compiled catalog ships and is found


def test_shipped_rulesets_load_from_any_directory(tmp_path):
    code = "import disclosure_rules as d; print(d.load('yifeng-2020-townships').max)"
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=tmp_path, check=True
    )
    assert result.stdout.strip() == "100"


@pytest.mark.skipif(os.environ.get("CI") is None, reason="CI checks it tests the installed package")
def test_ci_tests_the_installed_package_not_the_source_tree():
    assert "site-packages" in dr.__file__

"""The package and the command line import what they use when they use it: the public
names on first use, the report (Jinja2, matplotlib) only when a report is made."""

from __future__ import annotations

import json
import subprocess
import sys

import disclosure_rules as dr

HEAVY = ("jinja2", "matplotlib", "disclosure_rules.report", "disclosure_rules.evaluation.engine")


def _loaded_after(code: str, heavy: tuple[str, ...] = HEAVY) -> list[str]:
    """The modules of ``heavy`` a fresh interpreter has loaded after running ``code``."""
    script = f"import sys\n{code}\nimport json\nprint(json.dumps(sorted(sys.modules)))"
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    modules = json.loads(out.stdout.splitlines()[-1])
    return [m for m in heavy if any(n == m or n.startswith(f"{m}.") for n in modules)]


def test_importing_the_package_loads_no_engine_and_no_report():
    assert _loaded_after("import disclosure_rules") == []


def test_the_command_lines_version_loads_no_engine_and_no_report():
    code = (
        "from disclosure_rules.cli import main\n"
        "try:\n    main(['--version'])\nexcept SystemExit:\n    pass"
    )
    assert _loaded_after(code) == []


def test_the_command_lines_version_loads_no_command_and_nothing_they_need():
    code = (
        "from disclosure_rules.cli import main\n"
        "try:\n    main(['--version'])\nexcept SystemExit:\n    pass"
    )
    unused = ("disclosure_rules.cli.commands", "datetime", "difflib", "tempfile")
    assert _loaded_after(code, unused) == []


def test_the_report_is_loaded_when_it_is_used():
    assert "disclosure_rules.report" in _loaded_after(
        "import disclosure_rules\ndr = disclosure_rules.report"
    )


def test_every_public_name_resolves_and_is_listed():
    for name in dr.__all__:
        assert getattr(dr, name) is not None, name
    assert set(dr.__all__) <= set(dir(dr))
    assert callable(dr.report.html) and callable(dr.catalog)


def test_the_public_names_are_those_imported_on_first_use():
    lazy = {name for names in dr._PUBLIC.values() for name in names}
    assert set(dr.__all__) == lazy | {"__version__", "catalog"}

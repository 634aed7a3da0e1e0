"""Every output of the shipped examples is byte-identical to its golden file.

The golden files were written before the engine's refactoring (tests/golden/
regenerate.py); any difference is a change in behaviour and must be named in the
commit and the changelog when the files are regenerated.
"""

from __future__ import annotations

import difflib
import gzip
import importlib.util
from pathlib import Path

import pytest

GOLDEN = Path(__file__).resolve().parent / "golden"
_spec = importlib.util.spec_from_file_location("regenerate", GOLDEN / "regenerate.py")
assert _spec is not None and _spec.loader is not None
regenerate = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(regenerate)


@pytest.mark.parametrize("name", sorted(regenerate.commands()))
def test_output_is_byte_identical_to_its_golden_file(name: str) -> None:
    expected = gzip.decompress((GOLDEN / f"{name}.gz").read_bytes()).decode("utf-8")
    actual = regenerate.run(regenerate.commands()[name])
    if actual != expected:
        diff = "".join(
            list(
                difflib.unified_diff(
                    expected.splitlines(keepends=True),
                    actual.splitlines(keepends=True),
                    "golden",
                    "now",
                    n=2,
                )
            )[:60]
        )
        pytest.fail(f"{name} differs from its golden file:\n{diff}")

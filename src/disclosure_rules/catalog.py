"""Finding shipped rulesets: the ``rulesets/`` folder installed with the package.

In an installed wheel the rulesets live in ``disclosure_rules/rulesets``; in a
source checkout they are read from the repository's ``rulesets/`` folder.
"""

from __future__ import annotations

from importlib import resources
from importlib.abc import Traversable
from pathlib import Path

__all__ = ["RULESET_SUFFIX", "shipped_paths", "shipped_text"]

RULESET_SUFFIX = ".dr"


def _folder() -> Traversable:
    packaged = resources.files("disclosure_rules") / "rulesets"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parents[2] / "rulesets"


def shipped_paths() -> dict[str, Traversable]:
    """Shipped ruleset ids (file stems) → their files, sorted by id."""
    folder = _folder()
    if not folder.is_dir():
        return {}
    found = {
        entry.name[: -len(RULESET_SUFFIX)]: entry
        for entry in folder.iterdir()
        if entry.name.endswith(RULESET_SUFFIX) and entry.is_file()
    }
    return dict(sorted(found.items()))


def shipped_text(ruleset_id: str) -> tuple[str, bytes] | None:
    """(display path, bytes) of a shipped ruleset, or None if there is no such id."""
    entry = shipped_paths().get(ruleset_id)
    if entry is None:
        return None
    return f"rulesets/{entry.name}", entry.read_bytes()

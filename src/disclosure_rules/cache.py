"""Files the package keeps between runs to start faster: the parser tables, the catalog.

They live in ``$XDG_CACHE_HOME/disclosure_rules`` (``~/.cache/disclosure_rules``).
Each file's name carries a digest of everything it was made from, so a changed
grammar, ruleset or package is never served from an old file: it simply gets a new
name. Nothing depends on the folder being writable; without it, the work is done
at every start.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable
from pathlib import Path

__all__ = ["cache_file", "digest"]


def digest(parts: Iterable[bytes]) -> str:
    """A short hex digest of ``parts``, for a cache file's name."""
    h = hashlib.sha256()
    for part in parts:
        h.update(len(part).to_bytes(8, "little"))
        h.update(part)
    return h.hexdigest()[:16]


def cache_file(name: str) -> Path | None:
    """The path of cache file ``name``, its folder made; None when it cannot be."""
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    folder = Path(base) / "disclosure_rules"
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        return None
    return folder / name

"""Finding shipped rulesets: the ``rulesets/`` folder installed with the package.

In an installed wheel the rulesets live in ``disclosure_rules/rulesets``; in a
source checkout they are read from the repository's ``rulesets/`` folder. The
source documents they quote ship beside them, in ``rulesets/sources/``, and are
found the way every ruleset finds the files its ``source … files`` header
names: relative to the ruleset file (see :func:`source_file`).
"""

from __future__ import annotations

from importlib import resources
from importlib.abc import Traversable
from pathlib import Path

__all__ = ["RULESET_SUFFIX", "names_a_file_inside", "shipped_paths", "shipped_text", "source_file"]

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


def source_file(ruleset_file: str, name: str) -> Traversable | None:
    """The file a ruleset names as its source, or None if there is no such file.

    ``name`` is relative to the folder of ``ruleset_file``: a ruleset file on disk, or a
    shipped ruleset's display path (``rulesets/ID.dr``, as :func:`shipped_text` gives
    it), whose folder is the installed one. Names that leave that folder (absolute, or
    with ``..``) are refused, so a ruleset cannot point the checker at files elsewhere.
    """
    if not names_a_file_inside(name):
        return None
    on_disk = Path(ruleset_file)
    if on_disk.is_file():
        base = on_disk.resolve().parent
        found = (base / name).resolve()  # a link may not lead out of the folder either
        return found if found.is_relative_to(base) and found.is_file() else None
    ruleset_id = ruleset_file.removeprefix("rulesets/").removesuffix(RULESET_SUFFIX)
    if ruleset_file != f"rulesets/{ruleset_id}{RULESET_SUFFIX}":
        return None  # a ruleset given as text has no folder
    if ruleset_id not in shipped_paths():
        return None
    folder = _folder()
    for part in name.split("/"):
        folder = folder / part
    return folder if folder.is_file() else None


def names_a_file_inside(name: str) -> bool:
    """Whether ``name`` is a relative path (``/``-separated) that stays inside its folder."""
    parts = name.split("/")
    return (
        not name.startswith("/")
        and "\\" not in name
        and ":" not in name
        and all(p not in ("", ".", "..") for p in parts)
    )

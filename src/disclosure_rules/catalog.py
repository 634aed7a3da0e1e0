"""Finding shipped rulesets: the ``rulesets/`` folder installed with the package.

In an installed wheel the rulesets live in ``disclosure_rules/rulesets``; in a
source checkout they are read from the repository's ``rulesets/`` folder. The
source documents they quote ship beside them, in ``rulesets/sources/``, and are
found the way every ruleset finds the files its ``source … files`` header
names: relative to the ruleset file (see :func:`source_file`).

The catalog (:func:`shipped_catalog`, what ``disclosure-rules list`` shows) needs
every shipped ruleset compiled; it is kept in a cache file (:mod:`.cache`) named by
the rulesets' bytes and the package's code, so ``list`` starts without loading the
compiler, and any change to a ruleset or to the package makes it anew.
"""

from __future__ import annotations

import json
import os
from decimal import Decimal
from importlib import resources
from importlib.abc import Traversable
from pathlib import Path

import attrs

from .cache import cache_file, digest
from .version import __version__

__all__ = [
    "RULESET_SUFFIX",
    "CatalogEntry",
    "names_a_file_inside",
    "shipped_catalog",
    "shipped_paths",
    "shipped_text",
    "source_file",
]

RULESET_SUFFIX = ".dr"


@attrs.frozen
class CatalogEntry:
    """A shipped ruleset, as ``disclosure-rules list`` shows it."""

    id: str
    title: str
    issuer: str | None
    year: int | None
    indicators: int
    max: Decimal
    assumed: int  # parameters marked assumed
    path: str
    assumed_structure: int = 0  # nodes, rules, direct scores and conversions marked assumed


def shipped_catalog() -> list[CatalogEntry]:
    """The shipped rulesets with their headline figures, from the cache when it is current
    (else compiled, by :func:`disclosure_rules.api.catalog_entries`, and cached)."""
    paths = shipped_paths()
    key = digest(
        [__version__.encode(), *_code_stamp()]
        + [part for name, entry in paths.items() for part in (name.encode(), entry.read_bytes())]
    )
    path = cache_file(f"catalog-{key}.json")
    if path is not None:
        try:
            return [_entry(item) for item in json.loads(path.read_bytes())]
        except (OSError, ValueError, TypeError, KeyError):
            pass  # absent or unreadable: made anew below
    from .api import catalog_entries  # the compiler, only when the cache cannot answer

    entries = catalog_entries()
    if path is not None:
        _write_atomically(path, json.dumps([_item(e) for e in entries]).encode())
    return entries


def _code_stamp() -> list[bytes]:
    """Each module of the package by name, size and time of change: what compiles the
    rulesets, so a changed checkout never reads a catalog an older one made."""
    package = Path(__file__).resolve().parent
    stamp = []
    for folder, _, files in sorted(os.walk(package)):
        for name in sorted(files):
            if name.endswith((".py", ".lark")):
                info = os.stat(os.path.join(folder, name))
                stamp.append(f"{folder}/{name}:{info.st_size}:{info.st_mtime_ns}".encode())
    return stamp


def _item(entry: CatalogEntry) -> dict[str, object]:
    item = attrs.asdict(entry)
    item["max"] = str(entry.max)
    return item


def _entry(item: dict[str, object]) -> CatalogEntry:
    fields = dict(item)
    fields["max"] = Decimal(str(fields["max"]))
    return CatalogEntry(**fields)  # type: ignore[arg-type]


def _write_atomically(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` whole or not at all (two runs may write it at once)."""
    temporary = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    try:
        temporary.write_bytes(data)
        os.replace(temporary, path)
    except OSError:
        temporary.unlink(missing_ok=True)


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

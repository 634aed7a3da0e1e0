"""Results as JSON, produced unit by unit.

A cohort's results file can be hundreds of megabytes; building it as one document
and then one string held the whole of it in memory twice. Here the header is
serialised first, then each unit's entry as it is produced (and dropped), then the
warnings: memory stays bounded by the run's scores and ledger, not by the output.

The bytes are exactly those of ``json.dumps(document, ensure_ascii=False,
indent=2)`` plus a final newline: orjson writes the same layout (two-space indent,
``": "`` between key and value, UTF-8 text unescaped, floats in their shortest form)
about fifty times faster, and each unit's block is indented to its place in the
document here.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from typing import Any

import orjson

__all__ = ["document_chunks"]

_INDENT = orjson.OPT_INDENT_2


def _dumps(value: Any, depth: int, *, indent: bool = True) -> bytes:
    """``value`` as indented JSON, its inner lines indented for ``depth`` levels of nesting.

    A newline inside a JSON string is written ``\\n``, so every raw newline is a line
    break of the layout and can take the extra indent.
    """
    try:
        data = orjson.dumps(value, option=_INDENT if indent else None)
    except orjson.JSONEncodeError:
        # what orjson refuses (a lone surrogate in a text) the json module's encoding
        # refuses too, with a UnicodeEncodeError that names the character
        data = json.dumps(value, ensure_ascii=False, indent=2 if indent else None).encode()
    return data.replace(b"\n", b"\n" + b"  " * depth) if depth else data


def document_chunks(
    header: dict[str, Any],
    units: Iterable[Any],
    unit_dict: Callable[[Any], dict[str, Any]],
    trailer: Callable[[], dict[str, Any]],
    *,
    unit_lines: bool = False,
) -> Iterator[bytes]:
    """The document ``{**header, "units": [...], **trailer()}`` as chunks of UTF-8 JSON.

    ``unit_dict`` turns each of ``units`` into its JSON form when its turn comes;
    ``trailer`` is called after the last unit (it may tell what the units met).
    ``unit_lines``: each unit on one line, without indentation (the compact layout).
    """
    head = _dumps(header, 0)
    if head == b"{}":  # pragma: no cover - a results header is never empty
        raise ValueError("a results document has a header")
    yield head[:-2]  # without the closing "\n}"
    first = True
    for unit in units:
        data = _dumps(unit_dict(unit), 2, indent=not unit_lines)
        yield (b',\n  "units": [\n    ' if first else b",\n    ") + data
        first = False
    yield b',\n  "units": []' if first else b"\n  ]"
    for key, value in trailer().items():
        yield b",\n  " + orjson.dumps(key) + b": " + _dumps(value, 1)
    yield b"\n}\n"

"""JSON Schemas (draft 2020-12) of the documents the library reads and writes: facts,
``describe --format json``, results (the full audit layout, schema 2), compact results
(the compact audit layout, schema 4), ``diff``, ``compare`` and ``sensitivity --format
json``. Shipped as package data; see docs/schemas.md.

The ground floor: plain files and a loader, no other module of the package.
"""

from __future__ import annotations

import json
from importlib import resources
from typing import Any

__all__ = ["DESCRIBE_SCHEMA_VERSION", "SCHEMAS", "schema"]

DESCRIBE_SCHEMA_VERSION = "1"
"""Version of the ``describe --format json`` document, carried in its ``schema`` field."""

SCHEMAS = ("facts", "describe", "results", "compact", "diff", "compare", "sensitivity")
"""The shipped schemas, by name: ``schema(name)`` loads ``NAME.schema.json``."""


def schema(name: str) -> dict[str, Any]:
    """The JSON Schema ``name`` (one of :data:`SCHEMAS`) as a dict."""
    if name not in SCHEMAS:
        msg = f"no schema {name!r}: expected one of {', '.join(SCHEMAS)}"
        raise ValueError(msg)
    text = resources.files(__package__).joinpath(f"{name}.schema.json").read_text("utf-8")
    loaded: dict[str, Any] = json.loads(text)
    return loaded

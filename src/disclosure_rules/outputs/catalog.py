"""``list``: the catalog of shipped rulesets as aligned columns (imports no compiler)."""

from __future__ import annotations

from collections.abc import Sequence

from ..catalog import CatalogEntry
from ..decimals import text as exact
from .text import table

__all__ = ["catalog_table"]


def catalog_table(entries: Sequence[CatalogEntry]) -> str:
    """The shipped rulesets: id, year, indicators, max, assumed parameters and structure,
    issuer, title."""
    rows = [
        [
            "id",
            "year",
            "indicators",
            "max",
            "assumed params",
            "assumed structure",
            "issuer",
            "title",
        ]
    ]
    rows += [
        [
            e.id,
            str(e.year or ""),
            str(e.indicators),
            exact(e.max),
            str(e.assumed),
            str(e.assumed_structure),
            e.issuer or "",
            e.title,
        ]
        for e in entries
    ]
    return table(rows)

"""The results formats ``score --format`` writes, registered by name.

Each format is a function of the public :class:`~disclosure_rules.Results` to text or
bytes; a binary one (a workbook) is written to a file (``-o``), never to a terminal.
The JSON form is the results' own (:meth:`~disclosure_rules.Results.to_json`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import attrs

if TYPE_CHECKING:  # the writers import their modules when used: the registry is cheap
    from ..evaluation.engine import Results

__all__ = ["RESULTS_FORMATS", "ResultsFormat", "register"]


@attrs.frozen
class ResultsFormat:
    """A way to write results: its name, whether it is bytes, and the writer."""

    name: str
    write: Callable[[Results], str | bytes]
    binary: bool = False
    description: str = ""


RESULTS_FORMATS: dict[str, ResultsFormat] = {}
"""The registered formats by name, in the order they were registered."""


def register(fmt: ResultsFormat) -> ResultsFormat:
    """Add a format (a name registered twice is a programming error)."""
    if fmt.name in RESULTS_FORMATS:
        raise ValueError(f"results format {fmt.name!r} is registered twice")
    RESULTS_FORMATS[fmt.name] = fmt
    return fmt


def _csv(results: Results) -> str:
    from .csv import results_csv

    return results_csv(results)


def _table(results: Results) -> str:
    from .table import results_table

    return results_table(results)


def _xlsx(results: Results) -> bytes:
    from .xlsx_results import results_xlsx  # openpyxl only when a workbook is asked for

    return results_xlsx(results)


register(ResultsFormat("csv", _csv, description="one row per unit, a column per node"))
register(ResultsFormat("table", _table, description="the ranking, aligned for reading"))
register(
    ResultsFormat(
        "xlsx",
        _xlsx,
        binary=True,
        description="a workbook: ranking, lost points, assumptions, a sheet per unit",
    )
)

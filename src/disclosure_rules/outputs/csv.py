"""``score --format csv``: one row per unit, a column per node, safe to open in a spreadsheet.

A text cell that begins with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is
read as a formula by Excel, WPS and LibreOffice (“CSV injection”); following OWASP's
recommendation such a cell is written with a leading ``'``, which spreadsheets show
as text. Only text taken from the input is treated so (unit ids, grade names, veto
ids, the header's node ids): the numbers the tool writes itself — ranks, totals,
scores, a negative score such as ``-2`` — are numbers, written as they are.
"""

from __future__ import annotations

import csv
import io

from ..decimals import round_half_up
from ..decimals import text as exact
from ..evaluation.engine import Results

__all__ = ["FORMULA_PREFIXES", "neutralised", "results_csv"]

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
"""First characters that make a spreadsheet read a cell as a formula."""


def neutralised(cell: str) -> str:
    """A text cell a spreadsheet shows as text: ``'`` before a formula's first character."""
    return "'" + cell if cell.startswith(FORMULA_PREFIXES) else cell


def results_csv(results: Results) -> str:
    """Unit, group (with groups), rank, total, max, grade, vetoes, conversions, then every
    node's score."""
    g = results.graph
    places = g.rounding
    buf = io.StringIO()
    plain = csv.writer(buf, lineterminator="\n")
    # the csv module quotes a cell holding its line terminator ("\n") but not a lone
    # "\r", which readers take for a line break: a row with one is quoted throughout
    quoted = csv.writer(buf, lineterminator="\n", quoting=csv.QUOTE_ALL)

    def writerow(row: list[str | int]) -> None:
        (quoted if any("\r" in str(c) for c in row) else plain).writerow(row)

    nodes = [n for n in g.nodes if n.index != 0]
    grouped = bool(g.groups)  # a group column only for a ruleset that ranks within groups
    header = ["unit"] + (["group"] if grouped else []) + ["rank", "total", "max", "grade", "vetoes"]
    header += [c.id for c in g.conversions] + [n.id for n in nodes]
    writerow([neutralised(h) for h in header])
    for u in results.units:
        writerow(
            [
                neutralised(u.id),
                *([neutralised(u.group or "")] if grouped else []),
                u.rank,
                str(u.rounded_total),
                exact(g.root.points),
                neutralised(u.grade or ""),
                neutralised(";".join(u.vetoes)),
                *[str(round_half_up(u.conversions[c.id], places)) for c in g.conversions],
                *[str(round_half_up(u.score(n.id), places)) for n in nodes],
            ]
        )
    return buf.getvalue()

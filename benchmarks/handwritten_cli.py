"""The hand-written scorer as a command: a facts file in, totals and ranks out as CSV.

    python benchmarks/handwritten_cli.py TABLE.json FACTS.json OUT.csv

What an office would run without the library: read the indicator table and the facts
(numbers exact), score (benchmarks/handwritten.py), write one row per unit. It imports
nothing of disclosure_rules; benchmarks/end_to_end.py writes TABLE.json once from the
compiled ruleset, as the office would have typed it in.
"""

from __future__ import annotations

import csv
import json
import sys
from decimal import Decimal

from handwritten import score


def main(argv: list[str]) -> int:
    table_path, facts_path, out_path = argv
    with open(table_path, encoding="utf-8") as fh:
        table = json.load(fh, parse_float=Decimal, parse_int=Decimal)
    with open(facts_path, encoding="utf-8") as fh:
        doc = json.load(fh, parse_float=Decimal, parse_int=Decimal)
    with open(out_path, "w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(["unit", "total", "rank"])
        writer.writerows(score(doc, table))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

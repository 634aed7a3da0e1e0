"""Facts: loading and validating a cohort's facts against a compiled ruleset.

JSON (the format in docs/facts.md) and a long CSV form load into one model,
:class:`Cohort`: :mod:`.read` reads a file into a JSON-shaped document (numbers
straight to ``Decimal``), :mod:`.validate` checks it against the ruleset and
builds the model of :mod:`.model`. Every problem names the file, the unit and
the fact, and all of them are reported together.
"""

from __future__ import annotations

from .dates import parse_when
from .model import Cohort, Evidence, FactValue, NodeFacts, Unit, facts_hash
from .read import read_facts_document
from .validate import NA_WORDS, load_facts

__all__ = [
    "NA_WORDS",
    "Cohort",
    "Evidence",
    "FactValue",
    "NodeFacts",
    "Unit",
    "facts_hash",
    "load_facts",
    "parse_when",
    "read_facts_document",
]

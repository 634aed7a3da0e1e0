"""Self-assessment forms (自评表): written from a ruleset for each unit, filled in Excel
by the unit, the assessor and the reviewer, and read back into facts.

Beside ``facts`` and above ``model``: :mod:`.write` lays a form out from the evaluation
graph, :mod:`.read` turns filled forms into a facts document, and :mod:`.layout` is
what both agree on. openpyxl (the ``excel`` extra) is imported only when a form is
made or read.
"""

from __future__ import annotations

from .layout import FORM_VERSION, LAYERS
from .write import form_xlsx

__all__ = ["FORM_VERSION", "LAYERS", "form_xlsx"]

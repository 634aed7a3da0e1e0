"""disclosure_rules: checked, executable rulesets for government information-disclosure
(政务公开) assessments, with exact cohort scoring and an audit trail.

Pipeline: ``language`` (parse, check, format) → ``model`` (compile to an evaluation
graph) → ``evaluation`` (score a cohort, the audit); ``facts`` loads cohorts,
``catalog`` finds shipped rulesets, ``decimals`` keeps every number exact, ``api`` and
``cli`` are the public faces, and ``report`` turns results into the assessment report.
"""

from __future__ import annotations

from . import report  # Jinja2 and matplotlib load only when a report is made
from .api import CatalogEntry, Ruleset, catalog, check, check_text, compile, load
from .errors import (
    CalendarError,
    CheckError,
    Diagnostic,
    DisclosureRulesError,
    EvaluationError,
    FactsError,
    ParameterError,
    RulesetNotFoundError,
    RulesetSyntaxError,
)
from .evaluation.audit import AUDIT_SCHEMA_VERSION, reconcile
from .evaluation.engine import Results, UnitResult
from .facts import Cohort
from .version import __version__

__all__ = [
    "AUDIT_SCHEMA_VERSION",
    "CalendarError",
    "CatalogEntry",
    "CheckError",
    "Cohort",
    "Diagnostic",
    "DisclosureRulesError",
    "EvaluationError",
    "FactsError",
    "ParameterError",
    "Results",
    "Ruleset",
    "RulesetNotFoundError",
    "RulesetSyntaxError",
    "UnitResult",
    "__version__",
    "catalog",
    "check",
    "check_text",
    "compile",
    "load",
    "reconcile",
    "report",
]

"""disclosure_rules: checked, executable rulesets for government information-disclosure
(政务公开) assessments, with exact cohort scoring and an audit trail.

Pipeline: ``language`` (parse, check, format) → ``model`` (compile to an evaluation
graph) → ``evaluation`` (score a cohort, the audit); ``facts`` loads cohorts,
``catalog`` finds shipped rulesets, ``decimals`` keeps every number exact, ``api`` and
``cli`` are the public faces, and ``report`` turns results into the assessment report.
"""

from __future__ import annotations

import importlib
import sys
import types
from typing import TYPE_CHECKING, Any

from .version import __version__

if TYPE_CHECKING:
    from . import report
    from .alternatives.compare import Comparison
    from .alternatives.sensitivity import Sensitivity
    from .api import (
        CatalogEntry,
        Ruleset,
        catalog,
        check,
        check_text,
        compare,
        compile,
        load,
        sensitivity,
    )
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

# The public names are imported on first use (PEP 562): the command line's start-up
# (`disclosure-rules --version`) does not pay for the parser, the engine and the
# calendar it does not use.
_MODULES = {
    **dict.fromkeys(
        (
            "CatalogEntry",
            "Ruleset",
            "check",
            "check_text",
            "compare",
            "compile",
            "load",
            "sensitivity",
        ),
        "api",
    ),
    "Comparison": "alternatives.compare",
    "Sensitivity": "alternatives.sensitivity",
    **dict.fromkeys(
        (
            "CalendarError",
            "CheckError",
            "Diagnostic",
            "DisclosureRulesError",
            "EvaluationError",
            "FactsError",
            "ParameterError",
            "RulesetNotFoundError",
            "RulesetSyntaxError",
        ),
        "errors",
    ),
    "AUDIT_SCHEMA_VERSION": "evaluation.audit",
    "reconcile": "evaluation.audit",
    "Results": "evaluation.engine",
    "UnitResult": "evaluation.engine",
    "Cohort": "facts",
    "report": "",  # the subpackage itself: Jinja2 and matplotlib load only for a report
}


def __getattr__(name: str) -> Any:
    module = _MODULES.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    if module:
        value = getattr(importlib.import_module(f".{module}", __name__), name)
    else:
        value = importlib.import_module(f".{name}", __name__)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})


class _Package(types.ModuleType):
    """The package's module type: ``catalog`` is the function of :mod:`.api`, although
    importing the submodule of that name binds the name to the submodule (as the eager
    ``from .api import catalog`` used to rebind it afterwards)."""

    @property
    def catalog(self) -> Any:
        from .api import catalog

        return catalog

    @catalog.setter
    def catalog(self, value: Any) -> None:
        """The import system binding the submodule: ``disclosure_rules.catalog`` stays
        reachable as a module through ``sys.modules`` and ``from .catalog import …``."""


sys.modules[__name__].__class__ = _Package


__all__ = [
    "AUDIT_SCHEMA_VERSION",
    "CalendarError",
    "CatalogEntry",
    "CheckError",
    "Cohort",
    "Comparison",
    "Diagnostic",
    "DisclosureRulesError",
    "EvaluationError",
    "FactsError",
    "ParameterError",
    "Results",
    "Ruleset",
    "RulesetNotFoundError",
    "RulesetSyntaxError",
    "Sensitivity",
    "UnitResult",
    "__version__",
    "catalog",
    "check",
    "check_text",
    "compare",
    "compile",
    "load",
    "reconcile",
    "report",
    "sensitivity",
]

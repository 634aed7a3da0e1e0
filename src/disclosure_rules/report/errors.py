"""The report's one error: a :class:`~disclosure_rules.errors.DisclosureRulesError`
carrying a DR9xx diagnostic (docs/diagnostics.md)."""

from __future__ import annotations

from ..errors import DisclosureRulesError

__all__ = ["ReportError"]


class ReportError(DisclosureRulesError, RuntimeError):
    """A report cannot be made: the extra, a font, the browser or the advice file is
    missing or unusable."""

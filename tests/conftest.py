"""Shared helpers: compile small rulesets from text and score tiny cohorts."""

from __future__ import annotations

import os
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import settings

import disclosure_rules as dr

# Messages in English whatever the developer's locale (a zh_CN machine would otherwise
# print Chinese; the language is read on first use): tests of another language ask for
# it. Subprocesses inherit this.
os.environ["DISCLOSURE_RULES_LANG"] = "en"

# default: a few dozen examples per property (fast local runs); CI: Hypothesis's own `ci`
# profile, active when CI is set (derandomised, no deadline, no database); thorough:
# HYPOTHESIS_PROFILE=thorough for 10,000 examples per property.
settings.register_profile("default", max_examples=40, deadline=None)
settings.register_profile("thorough", max_examples=10_000, deadline=None)
if os.environ.get("HYPOTHESIS_PROFILE"):
    settings.load_profile(os.environ["HYPOTHESIS_PROFILE"])
elif not os.environ.get("CI"):
    settings.load_profile("default")


def D(text: str | int) -> Decimal:
    return Decimal(str(text))


def score(text: str, units: list[dict[str, Any]], **kwargs: Any) -> dr.Results:
    """Compile ``text`` and score ``units``; every result must reconcile."""
    ruleset = dr.compile(text, file="test.dr", params=kwargs.pop("params", None))
    results = ruleset.evaluate({"units": units}, **kwargs)
    if results.detail:
        assert results.reconcile() == []
    return results


@pytest.fixture
def shipped_ids() -> list[str]:
    return [e.id for e in dr.catalog()]

"""A Hypothesis settings profile for property tests of rulesets.

Beside the pipeline: the strategies draw whole cohorts, and scoring one compiles
nothing but still evaluates every node of every unit, so a single example can take
longer than Hypothesis's default 200 ms deadline on an ordinary (or busy) machine.
That is not a bug in the ruleset, and a test that fails with ``DeadlineExceeded``
teaches an author nothing; this profile turns the deadline off.

Importing :mod:`disclosure_rules.testing` registers the profile under the name
``"disclosure-rules"`` without loading it (loading would change every other test of
the session): decorate one test with :data:`PROFILE`, or load it for a whole test
run with ``settings.load_profile("disclosure-rules")`` (for example in a
``conftest.py``) or ``pytest --hypothesis-profile=disclosure-rules``.
"""

from __future__ import annotations

from hypothesis import HealthCheck, settings

__all__ = ["PROFILE", "PROFILE_NAME"]

PROFILE_NAME = "disclosure-rules"

PROFILE = settings(
    deadline=None,  # a cohort's evaluation time depends on the machine, not on the ruleset
    max_examples=100,  # Hypothesis's own default: a thorough search stays opt-in
    # drawing a cohort for a large ruleset is legitimately slow and large
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
"""No deadline, 100 examples, no too-slow health check: usable as a decorator."""

settings.register_profile(PROFILE_NAME, PROFILE)

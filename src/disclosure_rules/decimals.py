"""Exact numbers, one way everywhere: the constants, the arithmetic context, the one
division, the one rounding, and the one Decimal-to-text function.

Every number the library prints or writes passes through :func:`text` (exact, plain
digits, never an exponent: ``60``, not ``6E+1``) or, for presentation, through
:func:`round_half_up` first. Every quotient comes from :func:`divide`.
"""

from __future__ import annotations

from decimal import ROUND_HALF_EVEN, ROUND_HALF_UP, Context, Decimal

__all__ = [
    "ARITHMETIC",
    "DIVISION_PLACES",
    "ONE",
    "ZERO",
    "divide",
    "percent",
    "round_half_up",
    "text",
]

ZERO = Decimal(0)
ONE = Decimal(1)

DIVISION_PLACES = 20
"""Places a quotient is rounded to, once, where a division cannot be exact."""

ARITHMETIC = Context(prec=80, rounding=ROUND_HALF_EVEN)
"""The context of every sum, product and quotient in scoring and reconciling: 80 digits,
so additions and multiplications of scores are exact."""

_QUANTUM = Decimal(1).scaleb(-DIVISION_PLACES)


def divide(a: Decimal, b: Decimal) -> Decimal:
    """a / b rounded once to DIVISION_PLACES places (exact when it terminates sooner).

    Divide last: ``divide(score * weight, maximum)``, not ``score * divide(weight,
    maximum)``, so that a perfect score stays exactly perfect.
    """
    return ARITHMETIC.divide(a, b).quantize(_QUANTUM, context=ARITHMETIC).normalize(ARITHMETIC)


def round_half_up(value: Decimal, places: int) -> Decimal:
    """Round as Chinese offices round (四舍五入): half away from zero."""
    return value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def text(value: Decimal) -> str:
    """Exact decimal text: plain digits, no exponent, no trailing zeros, no ``-0``."""
    out = format(value.normalize(), "f")
    return "0" if out == "-0" else out


def percent(value: Decimal) -> str:
    """A fraction as a percentage, exactly: ``0.7`` → ``70%``."""
    return f"{text(value * 100)}%"

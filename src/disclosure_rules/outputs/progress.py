"""Progress of a long run on standard error: units read, scored and written.

Drawn by tqdm (rate and time left included), and only where someone watches: when
standard error is a terminal, not with ``--quiet``, and only for a stage that lasts
more than a second (tqdm's ``delay``), so short runs and pipelines print nothing.
tqdm is imported only when a bar may be drawn.
"""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Callable, Iterator
from typing import Any

__all__ = ["Progress"]

_DELAY = 1.0  # seconds a stage runs before its bar appears


class Progress:
    """One run's progress bars, or none (``enabled`` False, or no terminal)."""

    def __init__(self, enabled: bool = True) -> None:
        stream = sys.stderr
        self.enabled = enabled and bool(getattr(stream, "isatty", lambda: False)())

    @contextlib.contextmanager
    def stage(self, what: str, total: int | None) -> Iterator[Callable[[int], None]]:
        """A bar for one stage (``read``, ``scored``, ``written``): yields a function
        that advances it by a number of units."""
        if not self.enabled:
            yield _nothing
            return
        from tqdm import tqdm

        bar: Any = tqdm(total=total, desc=f"units {what}", unit=" units", delay=_DELAY, leave=False)
        try:
            yield bar.update
        finally:
            bar.close()


def _nothing(count: int) -> None:
    """No bar to advance."""

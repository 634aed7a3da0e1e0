"""Pausing Python's cyclic garbage collector while a large structure is built.

Loading a cohort's facts makes hundreds of thousands of small containers (the parsed
document, then named tuples per unit and item), all of them kept. Each burst of
allocations triggers a collection that walks every container made so far without
finding garbage: about a third of facts loading went to full collections. Reference
counting still frees everything as usual while the collector is paused; only cycles
wait until it resumes.
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator

__all__ = ["paused"]


@contextlib.contextmanager
def paused() -> Iterator[None]:
    """No cyclic collection inside the block; the collector's state is restored after."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()

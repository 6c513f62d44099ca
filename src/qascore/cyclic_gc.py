"""Pausing Python's cycle collector around work that builds millions of objects.

Reading a large JSON file or scoring a million answers allocates several objects per
question. Every few hundred allocations the cycle collector would rescan all live
containers, including the million-item lists being built, which made reading a 1M-question
file three times slower. None of this work creates reference cycles, and reference counting
still frees everything as usual.

>>> import gc
>>> with cyclic_gc_paused():
...     gc.isenabled()
False
>>> gc.isenabled()
True
"""

from __future__ import annotations

import contextlib
import gc

__all__ = ["cyclic_gc_paused"]


@contextlib.contextmanager
def cyclic_gc_paused():
    """Pause the cycle collector inside the ``with`` block; restore its previous state after."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()

"""Give the memory of a layer's arrays back to the layer once nobody holds them.

A training step makes the same arrays every time: each layer's output, each gradient. Made
afresh, they cost more than their arithmetic. glibc's ``malloc`` gives an array above its mmap
threshold a mapping of its own, unmapped again by ``free``, and hands the free memory at the
top of its heap back to the operating system once it exceeds the trim threshold (both start at
128 KB and rise, up to 32 and 64 MB, as larger blocks are freed: see ``mallopt(3)``). At the
end of a step the whole step's arrays are freed, so the next step faults every page in again:
for a 20-layer, 256-wide MLP with a batch of 128, about 5,000 (float32) to 16,000 (float64)
page faults, half the step's time.

A :class:`Spares` keeps the last few arrays a layer made in each *role* (``"z"``, ``"dx"``...)
and hands one out again only when its reference count shows that no one else holds it: not the
caller, not a cache, not a view (a view holds its base). An array the caller kept, such as an
output, a gradient or a forward cache, is never written over. (NumPy's temporary elision starts
from the same test, an operand whose only reference is the expression's, and adds checks of
its own.) Where reference counts cannot tell (no ``sys.getrefcount``, as on PyPy, or a
free-threaded build without its GIL), every request gets a new array.

Smaller arrays are made afresh (``vanishing.layers.REUSE_FROM_BYTES``): ``malloc`` keeps
their memory, but glibc only up to its trim threshold, 128 KB at first. A step of a small
network frees more than that at its end (about 800 KB for 20 layers of width 48 and a batch
of 32), so the next step faulted it all in again: 200 page faults, a third of that step's
time. :func:`raise_malloc_thresholds` has glibc keep it, once, at import.

>>> import numpy as np
>>> spares = Spares()
>>> a = spares.empty("z", (2, 3), np.float64)
>>> spares.empty("z", (2, 3), np.float64) is a  # `a` is still held: a new array
False
>>> a_id = id(a)
>>> del a
>>> id(spares.empty("z", (2, 3), np.float64)) == a_id  # no one holds it: handed out again
True
"""

from __future__ import annotations

import os
import sys
import threading
from typing import Any

import numpy as np
from numpy.typing import DTypeLike

__all__ = ["MALLOC_KEEPS_BYTES", "Spares", "raise_malloc_thresholds"]


def _refcount(kept: list[np.ndarray], i: int) -> int:
    """The reference count of ``kept[i]`` as seen from here (the list's and this call's)."""
    return sys.getrefcount(kept[i])


def _counts_references() -> bool:
    """Whether reference counts can tell that no one holds an array: CPython with its GIL."""
    gil_enabled = getattr(sys, "_is_gil_enabled", lambda: True)()
    return sys.implementation.name == "cpython" and hasattr(sys, "getrefcount") and gil_enabled


_REUSES = _counts_references()


class Spares:
    """The last `per_role` arrays made in each role, handed out again once unreferenced.

    Parameters
    ----------
    per_role : int, default 2
        How many arrays each role keeps. Two cover a training loop that still holds the
        previous step's cache and gradients while it computes the next ones.

    A request for another shape or dtype lets go of the role's unheld spares, so memory is
    kept for one size of batch at a time. ``copy.deepcopy`` and ``pickle`` give a layer new,
    empty spares; a shallow ``copy.copy`` shares them (safe: a held array is never handed out).
    """

    __slots__ = ("_kept", "_lock", "_probe", "per_role")

    def __init__(self, per_role: int = 2) -> None:
        self.per_role = per_role
        self._kept: dict[str, list[np.ndarray]] = {}
        self._lock = threading.Lock()
        self._probe = [np.empty(0)]  # an array only this list holds: what "unheld" counts as

    def __repr__(self) -> str:
        return f"Spares({sum(len(v) for v in self._kept.values())} arrays)"

    def __deepcopy__(self, memo: dict[int, Any]) -> Spares:
        return Spares(self.per_role)

    def __reduce__(self) -> tuple[type[Spares], tuple[int]]:
        return Spares, (self.per_role,)

    def empty(self, role: str, shape: tuple[int, ...], dtype: DTypeLike) -> np.ndarray:
        """An uninitialised array of `shape` and `dtype`: a kept one if nobody holds it."""
        dtype = np.dtype(dtype)
        if self.per_role == 0 or not _REUSES:
            return np.empty(shape, dtype)
        with self._lock:  # two threads must not be handed the same array
            unheld = _refcount(self._probe, 0)  # measured now, the way the spares are
            kept = self._kept.setdefault(role, [])
            for i in range(len(kept)):
                if _refcount(kept, i) == unheld:
                    if kept[i].shape == shape and kept[i].dtype == dtype:
                        return kept[i]
                    del kept[i]  # unheld, of another size: let it go
                    break
            array = np.empty(shape, dtype)
            kept.append(array)
            if len(kept) > self.per_role:
                del kept[0]  # the oldest, still held by someone: theirs now
            return array


#: Freed memory glibc keeps for the next allocations once :func:`raise_malloc_thresholds` has
#: run: twice this at the top of its heap (16 MiB), and arrays up to this size come from the
#: heap rather than from mappings of their own.
MALLOC_KEEPS_BYTES = 8 << 20


def _is_glibc() -> bool:
    try:
        return os.confstr("CS_GNU_LIBC_VERSION") is not None
    except (AttributeError, ValueError, OSError):  # no confstr (Windows), or not glibc
        return False


def raise_malloc_thresholds(nbytes: int = MALLOC_KEEPS_BYTES) -> bool:
    """Have glibc keep the memory of a step's small arrays for the next step; True if done.

    glibc's mmap threshold (128 KB at first) decides which blocks get a mapping of their
    own, and its trim threshold (twice that) how much free memory its heap keeps. Both are
    *dynamic*: freeing a mapped block larger than the mmap threshold (and at most 32 MiB)
    raises it to that block's size and the trim threshold to twice that (``mallopt(3)``,
    M_MMAP_THRESHOLD). Any program that frees an 8 MiB array does this; here one block of
    `nbytes` is allocated and freed, untouched, so that it happens before the first training
    step rather than after some later large array. Values are not affected, only where memory
    comes from. Not on other C libraries, and without effect where the thresholds were set
    by hand (``MALLOC_TRIM_THRESHOLD_`` and the like turn the adjustment off).
    """
    if not _is_glibc():
        return False
    block = np.empty(nbytes, dtype=np.uint8)  # malloc maps it afresh: nothing is touched
    del block  # ... and its free raises both thresholds
    return True


raise_malloc_thresholds()

"""Sizes within reason: refuse a run that cannot fit in memory before allocating it.

A size such as ``--runs 1000000000000`` would otherwise end in a ``MemoryError`` (an internal error,
exit 1) after minutes, or in the operating system killing the process. The functions that allocate
call :func:`require_memory` with an estimate of the arrays they will hold at once; a larger
estimate than the memory available raises :class:`~indicators.errors.SizeLimitError` (exit 2)
stating the estimate, the memory available and what to do instead.

The estimate counts the large arrays a run really allocates (it is a lower bound: interpreter and
library overheads come on top), so a run refused here could not have succeeded. The memory
available is the kernel's estimate of what a new allocation can use without swapping
(``MemAvailable`` in ``/proc/meminfo`` on Linux), else the free physical memory from
``os.sysconf``, else the fixed budget :data:`FALLBACK_BUDGET`.
"""

from __future__ import annotations

import os
from pathlib import Path

from indicators.errors import SizeLimitError

__all__ = ["FALLBACK_BUDGET", "available_memory", "format_bytes", "require_memory"]

#: Budget (bytes) when the platform reports no memory figure (4 GiB).
FALLBACK_BUDGET = 4 * 2**30


def available_memory() -> int:
    """Bytes a new allocation can use now (see the module docstring for the sources, in order)."""
    try:
        for line in Path("/proc/meminfo").read_text(encoding="ascii").splitlines():
            if line.startswith("MemAvailable:"):
                return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    try:
        return int(os.sysconf("SC_AVPHYS_PAGES")) * int(os.sysconf("SC_PAGE_SIZE"))
    except (AttributeError, OSError, ValueError):
        return FALLBACK_BUDGET


def format_bytes(size: float) -> str:
    """``1.5 GiB``-style size (binary units).

    >>> format_bytes(36 * 2**40), format_bytes(512)
    ('36.0 TiB', '512 B')
    """
    for unit in ("B", "KiB", "MiB", "GiB", "TiB", "PiB"):
        if size < 1024 or unit == "PiB":
            return f"{size:.0f} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1024
    raise AssertionError("unreachable")


def require_memory(estimate: float, *, what: str, advice: str) -> None:
    """Raise :class:`SizeLimitError` when ``estimate`` bytes exceed :func:`available_memory`.

    ``what`` names the request (e.g. ``"10,000,000,000 runs of 125 cities"``); ``advice`` says what
    to do instead.
    """
    available = available_memory()
    if estimate > available:
        raise SizeLimitError(f"{what} would need about {format_bytes(estimate)} of memory, but "
                             f"{format_bytes(available)} is available; {advice}")

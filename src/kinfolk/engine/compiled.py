"""The one door to numba: compiled kernels, cached on disk, typed for mypy.

Kernels are plain Python functions over numpy arrays and scalars.  ``jit``
compiles them with ``numba.njit(cache=True)``: the machine code is written
beside the module (or under ``NUMBA_CACHE_DIR``), so a process pays the
compilation only the first time a kernel runs on a machine; :func:`warm_up`
runs every kernel once on a tiny programme so that ``kinfolk demo`` and
``kinfolk match`` can pay it before a user waits.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar, cast

F = TypeVar("F", bound=Callable[..., Any])


def jit(function: F) -> F:
    """Compile ``function`` with numba (nopython, cached on disk)."""
    import numba

    return cast(F, numba.njit(cache=True, nogil=True)(function))


def jit_parallel(function: F) -> F:
    """Compile ``function`` with numba, its ``prange`` loops spread over the cores."""
    import numba

    return cast(F, numba.njit(cache=True, nogil=True, parallel=True)(function))


def warm_up() -> float:
    """Compile (or load from the disk cache) every kernel; return the seconds it took."""
    import datetime as dt
    import time

    from kinfolk.engine.assign import match
    from kinfolk.engine.synth import generate

    started = time.perf_counter()
    today = dt.date(2026, 1, 1)
    programme = generate(40, 40, seed=0, today=today)
    for mode in ("optimal", "stable", "greedy"):
        # A short list (k = 2) makes the check against all pairs run, so it compiles too.
        match(programme.volunteers, programme.households, mode=mode, today=today, k=2)
    return time.perf_counter() - started

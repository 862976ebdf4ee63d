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
    """Compile (or load from the disk cache) every kernel; return the seconds it took.

    Runs what ``kinfolk match`` can run, on a tiny programme: each mode (stable with
    either side proposing), the OR-Tools cross-check, locks (manual ones, whose
    explanation re-solves around them) and exclusions, and the explanations.  A short
    list (k = 2) makes the checks against all pairs run, so they compile too.
    """
    import datetime as dt
    import time

    from kinfolk.engine.assign import Lock, match
    from kinfolk.engine.explain import explain_columns
    from kinfolk.engine.synth import generate

    started = time.perf_counter()
    today = dt.date(2026, 1, 1)
    programme = generate(40, 40, seed=0, today=today)
    v, h = programme.volunteers, programme.households
    free = match(v, h, mode="optimal", today=today, k=2)
    pairs = zip(free.volunteer, free.household, strict=True)
    paired = [(str(v.id[a]), str(h.id[b])) for a, b in pairs]
    locks = [Lock(a, b, manual=at % 2 == 0) for at, (a, b) in enumerate(paired[:4])]
    exclusions = paired[4:6]
    runs: list[dict[str, object]] = [
        {"mode": "optimal"},
        {"mode": "optimal", "solver": "ortools"},
        {"mode": "stable"},
        {"mode": "stable", "proposing": "households"},
        {"mode": "greedy"},
    ]
    for options in runs:
        for constraints in ({}, {"locks": locks, "exclusions": exclusions}):
            result = match(v, h, today=today, k=2, **options, **constraints)  # type: ignore[arg-type]
            explain_columns(result)
    return time.perf_counter() - started

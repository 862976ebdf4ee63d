"""What the database benchmarks share: Django set-up, timed stages, the table, a rollback."""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager

Stages = list[tuple[str, float, str]]


class Rollback(Exception):
    """Raised inside the benchmark's transaction so that it leaves the database as it was."""


def django_setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kinfolk.web.settings")
    os.environ.setdefault("SECRET_KEY", "bench-only-secret-key")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


@contextmanager
def stage(stages: Stages, name: str, note: str = "") -> Iterator[None]:
    start = time.perf_counter()
    yield
    stages.append((name, time.perf_counter() - start, note))
    print(f"  {name}: {stages[-1][1]:.2f} s", file=sys.stderr, flush=True)


def table(stages: Stages) -> str:
    lines = [f"{'stage':<44} {'seconds':>9}  note", "-" * 76]
    lines += [f"{name:<44} {seconds:>9.2f}  {note}" for name, seconds, note in stages]
    return "\n".join(lines)

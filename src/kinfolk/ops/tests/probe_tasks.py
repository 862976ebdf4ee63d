"""A task for the multi-worker test: it writes which process ran it, then takes a moment."""

from __future__ import annotations

import os
import time

from django_tasks import task


@task()
def probe_record(*, n: int, path: str) -> None:
    """Append ``n`` and this process's id to ``path`` (one write, so lines never interleave)."""
    with open(path, "a") as out:
        out.write(f"{n} {os.getpid()}\n")
    time.sleep(0.1)

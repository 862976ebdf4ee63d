"""Writes that must land even when PostgreSQL restarts under a running tick.

When the database restarts, the process's connection is cut and every
later query on it fails, so a job that fails that way could not even
record its failure.  These writes drop the broken connection and try again
on a new one until the database answers, for a bounded time.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import TypeVar

from django.db import InterfaceError, OperationalError, connection

logger = logging.getLogger(__name__)

T = TypeVar("T")

#: How long a write waits for a restarting database: a restart takes seconds.
WAIT_SECONDS = 30.0
_PAUSE = 0.5

#: The errors of a lost connection (and of a database not yet accepting new ones).
LOST = (OperationalError, InterfaceError)


def when_database_answers(write: Callable[[], T], *, seconds: float = WAIT_SECONDS) -> T:
    """Run ``write``; after a lost connection, retry it on a new one for up to ``seconds``.

    ``write`` must be safe to run twice (an update whose condition no longer
    matches once it has landed).  Inside a transaction nothing is retried:
    the transaction is lost with its connection, and its owner must know.
    """
    deadline = time.monotonic() + seconds
    while True:
        try:
            return write()
        except LOST:
            if connection.in_atomic_block or time.monotonic() >= deadline:
                raise
            logger.warning("the database connection was lost; trying again", exc_info=True)
            # Django reuses a connection until told otherwise; a cut one must be let go.
            connection.close()
            time.sleep(_PAUSE)

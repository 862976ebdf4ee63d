"""A write after a lost connection waits for the database, but never inside a transaction.

``test_postgres_restart`` proves it against a real restart; these pin the
rules: retried until the database answers, given up after the wait, and
not retried where a transaction was lost with its connection.
"""

import pytest
from django.db import OperationalError

from kinfolk.ticks import reconnect
from kinfolk.ticks.reconnect import when_database_answers


class Flaky:
    """A write whose first ``failures`` calls find the connection gone."""

    def __init__(self, failures: int) -> None:
        self.failures = failures
        self.calls = 0

    def __call__(self) -> str:
        self.calls += 1
        if self.calls <= self.failures:
            raise OperationalError("terminating connection due to administrator command")
        return "written"


@pytest.fixture(autouse=True)
def no_pause(monkeypatch):
    monkeypatch.setattr(reconnect, "_PAUSE", 0.0)


def test_a_write_that_lost_its_connection_lands_once_the_database_answers():
    write = Flaky(failures=3)
    assert when_database_answers(write) == "written"
    assert write.calls == 4


def test_a_database_away_longer_than_the_wait_is_reported():
    write = Flaky(failures=10**9)
    with pytest.raises(OperationalError):
        when_database_answers(write, seconds=0.05)
    assert write.calls > 1


def test_inside_a_transaction_a_lost_connection_is_not_retried(db):
    # The test runs in a transaction: it died with the connection, so its owner must hear.
    write = Flaky(failures=1)
    with pytest.raises(OperationalError):
        when_database_answers(write)
    assert write.calls == 1

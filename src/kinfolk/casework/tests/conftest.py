"""A Leeds pair in an active pairing with a visit window behind them, for casework tests."""

from __future__ import annotations

import datetime as dt

import pytest

from kinfolk.testing import make_pairing, make_visit


@pytest.fixture
def pairing(volunteer, household):
    today = volunteer.programme.today()
    return make_pairing(volunteer, household, started_on=today - dt.timedelta(days=30))


@pytest.fixture
def past_visit(pairing):
    today = pairing.programme.today()
    return make_visit(pairing, window_start=today - dt.timedelta(days=20))


@pytest.fixture
def coordinator_client(client, coordinator):
    client.force_login(coordinator)
    return client

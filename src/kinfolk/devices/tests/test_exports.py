"""A person's signed-in devices are part of "My data", without anything that signs in."""

from __future__ import annotations

import pytest
from django.test import Client

from kinfolk.devices import sessions
from kinfolk.devices.exports import devices_rows
from kinfolk.devices.models import SignedInSession

FIREFOX = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:128.0) Gecko/20100101 Firefox/128.0"


class _Subject:
    def __init__(self, user):
        self.user = user


def _client_for(user, agent: str) -> Client:
    client = Client()
    client.force_login(user)
    session = client.session
    session[sessions.AGENT] = agent
    session.save()
    return client


def test_the_rows_name_each_device_and_never_the_session(volunteer_user, household_user):
    mine = _client_for(volunteer_user, FIREFOX)
    _client_for(household_user, FIREFOX)
    (row,) = devices_rows(_Subject(volunteer_user))
    assert row["device"] == "Firefox on Windows"
    assert row["browser_header"] == FIREFOX
    assert row["signed_in_at"] and row["last_seen_at"] and row["ends_at_latest"]
    key = mine.session.session_key
    data = SignedInSession.objects.get(session_key=key).session_data
    assert key not in str(row) and data not in str(row)


def test_the_section_is_in_my_data_where_the_site_has_it(db):
    exports = pytest.importorskip("kinfolk.privacy.exports")
    (section,) = [s for s in exports.EXPORTERS if s.name == "devices"]
    assert section.models == ("devices.SignedInSession",)

"""Fuzzing the casework's text: notes, check-ins, concerns and their outcomes.

Whatever arrives, the service stores it (stripped) or refuses it with a
message, never crashes, and a refusal stores nothing.
"""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kinfolk.casework.models import CaseNote, Concern
from kinfolk.casework.services import CaseworkError
from kinfolk.casework.services.concerns import concern_close, concern_raise
from kinfolk.casework.services.notes import note_write
from kinfolk.testing import make_pairing, make_visit

texts = st.one_of(
    st.text(max_size=600),
    st.sampled_from(["", " ", "\x00", "a\x00b", "x" * 501, "\u202eevil", "ok"]),
)
FUZZ = settings(
    max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@FUZZ
@given(words=texts)
def test_a_note_is_stored_or_refused_with_a_message(programme, coordinator, household, words):
    before = CaseNote.objects.count()
    try:
        note = note_write(
            programme=programme, subject=household, by=coordinator, channel="phone", words=words
        )
    except CaseworkError as error:
        assert error.message
        assert CaseNote.objects.count() == before
    else:
        note.refresh_from_db()
        assert note.words == words.strip() and note.words


@pytest.fixture
def visit(volunteer, household):
    today = volunteer.programme.today()
    pairing = make_pairing(volunteer, household, started_on=today - dt.timedelta(days=30))
    return make_visit(pairing, window_start=today - dt.timedelta(days=10))


@FUZZ
@given(words=texts, outcome=texts)
def test_a_concern_and_its_outcome_are_stored_or_refused(
    coordinator, volunteer, visit, words, outcome
):
    before = Concern.objects.count()
    try:
        concern = concern_raise(volunteer=volunteer, visit=visit, by=None, words=words)
    except CaseworkError as error:
        assert error.message and Concern.objects.count() == before
        return
    try:
        concern_close(concern=concern, by=coordinator, outcome=outcome)
    except CaseworkError as error:
        assert error.message
        concern.refresh_from_db()
        assert concern.state == "new" and concern.outcome == ""

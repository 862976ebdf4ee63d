"""Fuzzing every door that takes text: parsers, forms, the CSV import, the sign-up.

Whatever arrives, the answer is a clear refusal naming the field (or a
valid value), never a crash, and a refusal stores nothing.
"""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kinfolk.engine import dictionary as dd
from kinfolk.engine.population import Population, RowError
from kinfolk.pairings.importing import PairingImportError, pairings_import
from kinfolk.pairings.models import Pairing
from kinfolk.people.forms import ProfileForm
from kinfolk.people.models import Volunteer

# Text that looks a little like the dictionary's, and text that does not.
pieces = st.sampled_from(
    ["en", "fluent", ":", ";", "mon-am", "..", "2026-12-20", "xx", "zh-Hans", " ", "-", "ü", "\x00"]
)
dictionary_like = st.lists(pieces, max_size=12).map("".join)
texts = st.one_of(st.text(max_size=60), dictionary_like)
FUZZ = settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)

PARSERS = [
    dd.parse_speaks,
    dd.parse_languages,
    dd.parse_availability,
    lambda t: dd.parse_conditions(t, field="offers"),
    dd.parse_blackout,
    lambda t: dd.parse_coordinate(t, field="lat"),
    dd.parse_km,
    lambda t: dd.parse_choice(t, field="visit_places", choices=dd.VISIT_PLACES),
]


@pytest.mark.parametrize("parse", PARSERS)
@FUZZ
@given(text=texts)
def test_a_parser_returns_a_value_or_names_the_field(parse, text):
    try:
        parse(text)
    except dd.FieldError as error:
        assert error.field and error.message


@FUZZ
@given(
    record=st.fixed_dictionaries(
        {c: texts for c in ("id", "lat", "lon", "speaks", "availability", "max_travel_km")}
    )
)
def test_an_engine_record_is_read_or_refused_with_its_row_and_field(record):
    full = {
        "first_name": "A",
        "town": "T",
        "visit_places": "home",
        "learning": "",
        "offers": "",
        "accepts": "",
        "waiting_since": "",
        "blackout": "",
        "travel_mode": "car",
        **record,
    }
    try:
        Population.from_records([full], kind="volunteers")
    except RowError as error:
        assert error.row == 2 and error.field


@FUZZ
@given(
    data=st.fixed_dictionaries(
        {
            f: texts
            for f in (
                "first_name",
                "town",
                "lat",
                "lon",
                "max_travel_km",
                "speaks",
                "learning",
                "blackout",
            )
        }
    )
)
def test_the_profile_form_answers_any_input_without_crashing(programme, volunteer, data):
    before = Volunteer.objects.values().get(pk=volunteer.pk)
    form = ProfileForm(
        {**data, "visit_places": "home", "travel_mode": "car", "availability": ["mon-am"]},
        programme=programme,
    )
    if not form.is_valid():
        assert form.errors
    assert Volunteer.objects.values().get(pk=volunteer.pk) == before  # a form stores nothing


@FUZZ
@given(body=st.lists(st.tuples(texts, texts, texts, texts), max_size=5))
def test_the_pairing_import_takes_all_rows_or_none(programme, volunteer, household, body):
    text = "volunteer_id,household_id,since,agreed_on\n" + "\n".join(",".join(r) for r in body)
    before = Pairing.objects.count()
    try:
        pairings_import(programme=programme, text=text, by=None, today=dt.date(2026, 11, 29))
    except PairingImportError as error:
        assert error.problems
        assert Pairing.objects.count() == before


@FUZZ
@given(first_name=texts, email=texts, role=texts)
def test_the_public_sign_up_answers_any_post_without_a_server_error(
    client, programme, first_name, email, role
):
    url = f"/join/{programme.signup_token}/"
    response = client.post(
        url, {"first_name": first_name, "email": email, "role": role, "consent": "on"}
    )
    assert response.status_code in (200, 302, 429)  # 429: the sign-up's rate limit
    assert not Volunteer.objects.exists()  # nothing is stored before the e-mail is verified

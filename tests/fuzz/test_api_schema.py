"""Schemathesis against the API's served OpenAPI document, with a bounded number of examples.

Every operation is called with generated parameters and bodies (a write
token, so writes are tried too) and every answer must be one the schema
declares, with the declared shape: never a server error, never an
undocumented status.  The examples per operation are bounded
(``KINFOLK_FUZZ_EXAMPLES``, 25 by default) so the suite stays quick.
"""

from __future__ import annotations

import os

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import positive_data_acceptance

from kinfolk.api.services import api_token_create
from kinfolk.testing import make_pairing, make_visit

EXAMPLES = int(os.environ.get("KINFOLK_FUZZ_EXAMPLES", "25"))


# Read from the running application, as a client would read it (pytest-django has set
# Django up before this module is collected; the schema needs no database).
schema = schemathesis.openapi.from_wsgi("/api/openapi.json", get_wsgi_application())


@pytest.fixture(autouse=True)
def _keep_the_test_transaction():
    """Requests through WSGI must not close the connection that holds the test's transaction.

    Django's test client disconnects these handlers for each request; schemathesis calls
    the WSGI application directly, so the test does it.
    """
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def fuzz_token(db, programme, coordinator, volunteer, household, applicant, other_volunteer):
    make_visit(make_pairing(volunteer, household))
    token = api_token_create(
        programme=programme, created_by=coordinator, name="fuzz", scope="write"
    )
    return token.token


@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_every_answer_is_one_the_schema_declares(case, fuzz_token):
    # A cursor is opaque: only those the API handed out are valid, which no schema can
    # say, so a made-up one that fits the pattern is rightly refused (400).
    made_up_cursor = bool((case.query or {}).get("cursor"))
    excluded = [positive_data_acceptance] if made_up_cursor else []
    case.call_and_validate(
        headers={"Authorization": f"Bearer {fuzz_token}"}, excluded_checks=excluded
    )

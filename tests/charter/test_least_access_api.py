"""Charter rule 5, tried against every operation of the REST API.

The walk reads the API's own OpenAPI document, so an operation added later is
covered without anyone remembering to add it here.  Each operation is called
with ids of the Leeds programme's rows by everyone who must not reach them:
nobody (no token), a revoked token, a token whose maker no longer coordinates
Leeds, a signed-in coordinator without a token, and Bristol's token.  Lists
called with Bristol's token hold nothing of Leeds.  A read token never
writes.  None of these requests changes any stored row or writes the access
log.
"""

from __future__ import annotations

import json
import re

import pytest

from kinfolk.api.endpoints import api
from kinfolk.api.models import ApiToken
from kinfolk.api.services import api_token_create, api_token_revoke
from kinfolk.pairings.models import Pairing
from kinfolk.people.models import Household, Volunteer, VolunteerCheck
from kinfolk.privacy.models import ContactAccessLog
from kinfolk.testing import make_coordinator, make_pairing, make_user, make_visit
from kinfolk.visits.models import Visit

WRITE_BODY = {"references": "2026-01-05", "training": "2026-01-06"}


def _operations():
    schema = api.get_openapi_schema(path_prefix="/api")
    for path, methods in schema["paths"].items():
        for method in methods:
            yield method.upper(), path


OPERATIONS = sorted(_operations())


@pytest.fixture
def leeds(programme, coordinator, volunteer, household, applicant):
    pairing = make_pairing(volunteer, household)
    return {
        "volunteer_id": applicant.pk,
        "household_id": household.pk,
        "pairing_id": pairing.pk,
        "visit_id": make_visit(pairing).pk,
    }


def _token(programme, by, scope="write"):
    return api_token_create(programme=programme, created_by=by, name="walk", scope=scope).token


def _url(path, ids):
    names = re.findall(r"{(\w+)}", path)
    unknown = [n for n in names if n not in ids]
    assert not unknown, f"the API walk does not know how to fill {unknown} of {path}"
    return re.sub(r"{(\w+)}", lambda m: str(ids[m.group(1)]), path)


def _call(client, method, url, token=None):
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    if method == "GET":
        return client.get(url, headers=headers)
    body = json.dumps(WRITE_BODY)
    return client.generic(method, url, body, content_type="application/json", headers=headers)


def _snapshot():
    return (
        sorted(Volunteer.objects.values_list("id", "state", "first_name", "updated_at")),
        sorted(Household.objects.values_list("id", "state", "first_name", "updated_at")),
        sorted(Pairing.objects.values_list("id", "state", "updated_at")),
        sorted(Visit.objects.values_list("id", "state", "updated_at")),
        sorted(VolunteerCheck.objects.values_list("id", flat=True)),
        sorted(ContactAccessLog.objects.values_list("id", "reads")),
    )


def test_the_walk_reaches_every_kind_of_operation():
    paths = {path for _method, path in OPERATIONS}
    assert {
        "/api/volunteers",
        "/api/volunteers/{volunteer_id}/contact",
        "/api/volunteers/{volunteer_id}/approve",
        "/api/households/{household_id}/contact",
        "/api/pairings/{pairing_id}",
        "/api/visits/{visit_id}",
        "/api/outcomes",
    } <= paths


@pytest.mark.parametrize(("method", "path"), OPERATIONS, ids=[f"{m} {p}" for m, p in OPERATIONS])
def test_nobody_else_reaches_the_operation(
    client, programme, coordinator, other_programme, other_coordinator, leeds, method, path
):
    revoked = api_token_create(programme=programme, created_by=coordinator, name="r", scope="write")
    api_token_revoke(token=revoked, revoked_by=coordinator)
    departed = make_user("dora@example.org", first_name="Dora")
    make_coordinator(programme, departed)
    orphan = _token(programme, departed)
    departed.coordinator_roles.all().delete()
    bristol = _token(other_programme, other_coordinator)
    url = _url(path, leeds)
    before = _snapshot()
    for who, token in (("no token", None), ("revoked", revoked.token), ("departed", orphan)):
        assert _call(client, method, url, token).status_code == 401, f"{who} {method} {url}"
    client.force_login(coordinator)  # a session is not a token
    assert _call(client, method, url).status_code == 401, f"session {method} {url}"
    client.logout()
    answer = _call(client, method, url, bristol)
    if "{" in path:
        assert answer.status_code == 404, f"Bristol's token {method} {url}"
    else:
        assert answer.status_code == 200, f"Bristol's token {method} {url}"
        assert answer.json()["items"] == [], f"Bristol's token sees Leeds rows at {url}"
    assert _snapshot() == before


@pytest.mark.parametrize(
    ("method", "path"),
    [op for op in OPERATIONS if op[0] != "GET"],
    ids=[f"{m} {p}" for m, p in OPERATIONS if m != "GET"],
)
def test_a_read_token_never_writes(client, programme, coordinator, leeds, method, path):
    token = _token(programme, coordinator, scope="read")
    before = _snapshot()
    assert _call(client, method, _url(path, leeds), token).status_code == 403
    assert _snapshot() == before


def test_every_list_a_token_reads_is_its_programmes(client, programme, coordinator, leeds):
    token = _token(programme, coordinator, scope="read")
    for method, path in OPERATIONS:
        if (
            method == "GET"
            and "{" not in path
            and path.startswith("/api/")
            and "openapi" not in path
        ):
            assert _call(client, method, path, token).status_code == 200, path
    assert ApiToken.objects.filter(last_used_at__isnull=False).exists()

"""The REST API: programme tokens, pages by cursor, changes since, and every access rule."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from kinfolk.api.models import ApiToken
from kinfolk.api.services import api_token_create, api_token_revoke
from kinfolk.people.models import Volunteer, VolunteerCheck
from kinfolk.privacy.models import ContactAccessLog
from kinfolk.programmes.models import Coordinator
from kinfolk.testing import make_household, make_pairing, make_visit

pytestmark = pytest.mark.django_db


def _token(programme, by, scope="read"):
    return api_token_create(programme=programme, created_by=by, name="CRM sync", scope=scope).token


def _get(client, url, token, **params):
    return client.get(url, params, headers={"Authorization": f"Bearer {token}"})


def _post(client, url, token, body):
    return client.post(
        url, body, content_type="application/json", headers={"Authorization": f"Bearer {token}"}
    )


def test_the_token_is_stored_only_as_its_hash(programme, coordinator):
    issued = api_token_create(programme=programme, created_by=coordinator, name="x", scope="read")
    stored = ApiToken.objects.get()
    assert issued.token.startswith("kf_")
    assert issued.token not in stored.token_hash
    assert stored.hint == issued.token[:8]
    assert len(stored.token_hash) == 64


def test_a_token_lists_its_programme_only(
    client, programme, coordinator, volunteer, other_volunteer
):
    response = _get(client, "/api/volunteers", _token(programme, coordinator))
    assert response.status_code == 200
    assert [v["external_id"] for v in response.json()["items"]] == [volunteer.external_id]


def test_pages_follow_the_cursor_to_the_end_without_repeats(client, programme, coordinator):
    people = [make_household(programme) for _ in range(7)]
    token, seen, cursor = _token(programme, coordinator), [], None
    for _ in range(10):
        params = {"limit": 3, **({"cursor": cursor} if cursor else {})}
        body = _get(client, "/api/households", token, **params).json()
        seen += [h["id"] for h in body["items"]]
        cursor = body["next_cursor"]
        if cursor is None:
            break
    assert sorted(seen) == sorted(h.pk for h in people)
    assert len(seen) == len(set(seen))


def test_updated_since_returns_only_what_changed(client, programme, coordinator):
    old, changed = make_household(programme), make_household(programme)
    since = timezone.now()
    changed.first_name = "Changed"
    changed.save(update_fields=["first_name"])
    body = _get(client, "/api/households", _token(programme, coordinator), updated_since=since)
    assert [h["id"] for h in body.json()["items"]] == [changed.pk]
    assert old.pk not in [h["id"] for h in body.json()["items"]]


@pytest.mark.parametrize(
    ("cursor", "status"),
    [
        ("nonsense", 400),  # not base64 of anything
        ("e30", 400),  # {}
        ("WyJ4IiwxXQ", 400),  # ["x",1]
        ("W251bGwsLTFd", 400),  # [null,-1]
        ("%%%", 422),  # not even the cursor's alphabet
        ("a" * 201, 422),
    ],
)
def test_a_bad_cursor_is_refused(client, programme, coordinator, cursor, status):
    response = _get(client, "/api/households", _token(programme, coordinator), cursor=cursor)
    assert response.status_code == status


@pytest.mark.parametrize(
    "since", ["yesterday", "2026-13-01T00:00:00Z", "2026-01-01T00:00:00", "0.5", "1700000000"]
)
def test_a_bad_or_zoneless_updated_since_is_a_422(client, programme, coordinator, since):
    response = _get(client, "/api/households", _token(programme, coordinator), updated_since=since)
    assert response.status_code == 422


def test_a_misspelt_parameter_is_a_422_not_every_row(client, programme, coordinator, household):
    response = _get(
        client, "/api/households", _token(programme, coordinator), updated_snce="2099-01-01T00:00Z"
    )
    assert response.status_code == 422
    assert "updated_snce" in response.json()["detail"]


@pytest.mark.parametrize(
    ("since", "status"),
    [("1389-11-01T03:10:15+17:35", 200), ("0001-01-01T00:10:00+05:00", 422)],
)
def test_an_updated_since_with_any_offset_is_read_in_utc(
    client, programme, coordinator, since, status
):
    # Found by schemathesis: PostgreSQL refused the offset +17:35 with a server error.
    response = _get(client, "/api/households", _token(programme, coordinator), updated_since=since)
    assert response.status_code == status


def test_no_token_or_a_wrong_one_is_a_401(client, programme, coordinator, volunteer):
    assert client.get("/api/volunteers").status_code == 401
    assert _get(client, "/api/volunteers", "kf_not-a-token").status_code == 401
    client.force_login(coordinator)  # a signed-in session is not a token
    assert client.get("/api/volunteers").status_code == 401


def test_a_revoked_token_is_a_401_at_once(client, programme, coordinator, volunteer):
    token = _token(programme, coordinator)
    assert _get(client, "/api/volunteers", token).status_code == 200
    api_token_revoke(token=ApiToken.objects.get(), revoked_by=coordinator)
    assert _get(client, "/api/volunteers", token).status_code == 401


def test_a_token_stops_when_its_maker_stops_coordinating(client, programme, coordinator, volunteer):
    token = _token(programme, coordinator)
    Coordinator.objects.filter(user=coordinator).delete()
    assert _get(client, "/api/volunteers", token).status_code == 401


def test_another_programmes_ids_are_404(
    client, programme, coordinator, other_coordinator, volunteer, household
):
    pairing = make_pairing(volunteer, household)
    visit = make_visit(pairing)
    token = _token(programme.__class__.objects.exclude(pk=programme.pk).get(), other_coordinator)
    for url in (
        f"/api/volunteers/{volunteer.pk}",
        f"/api/volunteers/{volunteer.pk}/contact",
        f"/api/households/{household.pk}",
        f"/api/households/{household.pk}/contact",
        f"/api/pairings/{pairing.pk}",
        f"/api/visits/{visit.pk}",
    ):
        assert _get(client, url, token).status_code == 404, url
    assert not ContactAccessLog.objects.exists()


def test_contact_details_are_read_one_person_at_a_time_and_logged(
    client, programme, coordinator, household
):
    token = _token(programme, coordinator)
    body = _get(client, f"/api/households/{household.pk}/contact", token).json()
    assert body["email"] == "hana@example.org" and body["address"]
    log = ContactAccessLog.objects.get()
    assert (log.viewer_id, log.person_kind, log.person_id) == (
        coordinator.pk,
        "household",
        household.pk,
    )
    assert "API token CRM sync" in log.reasons
    listed = _get(client, "/api/households", token).content.decode()
    assert body["address"] not in listed and body["phone"] not in listed


def test_a_read_token_cannot_write(client, programme, coordinator, applicant):
    token = _token(programme, coordinator, scope="read")
    response = _post(
        client,
        f"/api/volunteers/{applicant.pk}/approve",
        token,
        {"references": "2026-01-05", "training": "2026-01-06"},
    )
    assert response.status_code == 403
    applicant.refresh_from_db()
    assert applicant.state == Volunteer.State.APPLIED
    assert not VolunteerCheck.objects.exists()


def test_a_write_token_approves_with_the_checks(client, programme, coordinator, applicant):
    token = _token(programme, coordinator, scope="write")
    body = {"references": "2026-01-05", "training": "2026-01-06"}
    response = _post(client, f"/api/volunteers/{applicant.pk}/approve", token, body)
    assert response.status_code == 200, response.content
    assert response.json()["state"] == "approved"
    assert VolunteerCheck.objects.filter(volunteer=applicant).count() == 2


def test_an_approval_missing_a_check_is_refused_and_stores_nothing(
    client, programme, coordinator, applicant
):
    token = _token(programme, coordinator, scope="write")
    future = (timezone.localdate() + dt.timedelta(days=3)).isoformat()
    for body in ({"references": "2026-01-05"}, {"references": future, "training": future}):
        response = _post(client, f"/api/volunteers/{applicant.pk}/approve", token, body)
        assert response.status_code == 409
    applicant.refresh_from_db()
    assert applicant.state == Volunteer.State.APPLIED
    assert not VolunteerCheck.objects.exists()


def test_a_write_token_of_another_programme_cannot_approve(
    client, other_programme, other_coordinator, applicant
):
    token = _token(other_programme, other_coordinator, scope="write")
    body = {"references": "2026-01-05", "training": "2026-01-06"}
    assert _post(client, f"/api/volunteers/{applicant.pk}/approve", token, body).status_code == 404
    applicant.refresh_from_db()
    assert applicant.state == Volunteer.State.APPLIED


def test_pairings_visits_and_outcomes_are_listed(
    client, programme, coordinator, volunteer, household
):
    pairing = make_pairing(volunteer, household)
    make_visit(pairing)
    make_visit(
        pairing, state="happened", volunteer_outcome="happened", first_outcome_at=timezone.now()
    )
    token = _token(programme, coordinator)
    pairings = _get(client, "/api/pairings", token).json()["items"]
    assert pairings[0]["volunteer_external_id"] == volunteer.external_id
    assert len(_get(client, "/api/visits", token).json()["items"]) == 2
    outcomes = _get(client, "/api/outcomes", token).json()["items"]
    assert [o["volunteer_outcome"] for o in outcomes] == ["happened"]


def test_a_huge_id_is_a_422_not_a_crash(client, programme, coordinator):
    response = _get(client, f"/api/volunteers/{2**70}", _token(programme, coordinator))
    assert response.status_code == 422


def test_the_schema_and_docs_are_served(client):
    schema = client.get("/api/openapi.json")
    assert schema.status_code == 200
    assert "/api/households" in schema.json()["paths"]
    docs = client.get("/api/docs")
    assert docs.status_code == 200
    assert b"cdn" not in docs.content.lower()


def test_the_token_use_is_recorded(client, programme, coordinator):
    token = _token(programme, coordinator)
    _get(client, "/api/households", token)
    assert ApiToken.objects.get().last_used_at is not None


def test_a_token_past_its_rate_limit_gets_a_429_with_a_message(
    client, settings, programme, coordinator
):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "api": {"address": (3, 60)}}
    token, other = _token(programme, coordinator), _token(programme, coordinator)
    for _ in range(3):
        assert _get(client, "/api/households", token).status_code == 200
    refused = _get(client, "/api/households", token)
    assert refused.status_code == 429
    assert refused["Content-Type"].startswith("application/json")
    assert 0 < int(refused["Retry-After"]) <= 60
    detail = refused.json()["detail"]
    assert "Too many requests with this token: at most 3 every 60 seconds" in detail
    # The limit is the token's own: another token of the same client is still served.
    assert _get(client, "/api/households", other).status_code == 200


def test_requests_without_a_valid_token_do_not_count_against_a_token(
    client, settings, programme, coordinator
):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "api": {"address": (1, 60)}}
    token = _token(programme, coordinator)
    for _ in range(3):
        assert _get(client, "/api/households", "kf_wrong").status_code == 401
    assert _get(client, "/api/households", token).status_code == 200


def test_the_api_refuses_to_approve_a_volunteer_who_never_consented(
    client, programme, coordinator, applicant
):
    from kinfolk.people.models import Consent

    Consent.objects.filter(volunteer=applicant).delete()  # as an imported, uninvited applicant
    token = _token(programme, coordinator, scope="write")
    body = {"references": "2026-01-05", "training": "2026-01-06"}
    response = _post(client, f"/api/volunteers/{applicant.pk}/approve", token, body)
    assert response.status_code == 409
    assert "has not agreed to take part yet" in str(response.json()["detail"])
    applicant.refresh_from_db()
    assert applicant.state == Volunteer.State.APPLIED
    assert not VolunteerCheck.objects.exists()

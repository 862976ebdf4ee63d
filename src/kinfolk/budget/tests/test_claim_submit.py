"""A claim is for a visit that happened, once, by someone who was there; bad ones store nothing."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from kinfolk.budget.claims import claim_settings_set, claim_submit, distance_suggest
from kinfolk.budget.models import ExpenseClaim
from kinfolk.budget.receipts import MAX_BYTES
from kinfolk.budget.tests.claim_helpers import (
    PDF,
    SUGGESTED_M,
    claim_input,
    jpeg_with_gps,
    met,
    submitted,
)
from kinfolk.testing import make_pairing, make_visit


def _stored_files() -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def _refused(person, visit, field, **fields):
    with pytest.raises(ValidationError) as caught:
        submitted(person, visit, **fields)
    assert field in caught.value.message_dict, caught.value.message_dict
    assert ExpenseClaim.objects.count() == 0
    assert _stored_files() == []
    return " ".join(caught.value.message_dict[field])


def test_the_distance_is_the_homes_straight_line_times_the_detour_there_and_back(
    volunteer, household
):
    visit = met(volunteer, household)
    assert distance_suggest(visit=visit, side="volunteer") == SUGGESTED_M
    # The household hosted: it did not travel.
    assert distance_suggest(visit=visit, side="household") == 0


def test_a_volunteer_claims_for_a_visit_that_happened(volunteer, household, programme):
    programme.currency = "EUR"
    programme.save(update_fields=["currency"])
    visit = met(volunteer, household)
    claim = submitted(volunteer, visit, other_minor=450, other_what="flowers")
    claim.refresh_from_db()
    assert (claim.side, claim.volunteer, claim.state) == ("volunteer", volunteer, "submitted")
    assert (claim.distance_suggested_m, claim.distance_m) == (SUGGESTED_M, SUGGESTED_M)
    assert (claim.currency, claim.travel_minor, claim.other_minor) == ("EUR", 1250, 450)
    assert claim.total_minor == 1700
    assert claim.submitted_by == volunteer.user


def test_a_corrected_distance_needs_a_reason(volunteer, household):
    visit = met(volunteer, household)
    words = _refused(volunteer, visit, "distance_km", distance_m=9000)
    assert "2.9 km" in words
    claim = submitted(volunteer, visit, distance_m=9000, distance_reason="road closed, detour")
    assert claim.distance_corrected and claim.distance_reason == "road closed, detour"


def test_someone_elses_visit_is_refused(volunteer, household, other_household, programme):
    from kinfolk.testing import make_user, make_volunteer

    vic = make_volunteer(programme, user=make_user(), first_name="Vic")
    theirs = met(vic, other_household)
    words = _refused(volunteer, theirs, "visit")
    assert "not yours" in words


@pytest.mark.parametrize("state", ["planned", "agreed", "missed", "cancelled"])
def test_a_visit_that_did_not_happen_is_refused(volunteer, household, state):
    visit = met(volunteer, household, state=state)
    assert "only for a visit that happened" in _refused(volunteer, visit, "visit")


def test_an_unconfirmed_visit_may_be_claimed_for(volunteer, household):
    visit = met(volunteer, household, state="unconfirmed")
    assert submitted(volunteer, visit).state == "submitted"


def test_a_second_claim_for_the_same_visit_is_refused_and_changes_nothing(volunteer, household):
    visit = met(volunteer, household)
    first = submitted(volunteer, visit, receipt=PDF)
    before = list(ExpenseClaim.objects.values())
    files = _stored_files()
    with pytest.raises(ValidationError) as caught:
        submitted(volunteer, visit, travel_minor=99999, receipt=jpeg_with_gps())
    assert "already claimed" in " ".join(caught.value.message_dict["visit"])
    assert list(ExpenseClaim.objects.values()) == before
    assert _stored_files() == files and first.receipt


def test_after_a_refusal_the_visit_may_be_claimed_for_again(volunteer, household):
    visit = met(volunteer, household)
    first = submitted(volunteer, visit)
    ExpenseClaim.objects.filter(pk=first.pk).update(state="rejected")
    assert submitted(volunteer, visit).pk != first.pk


def test_a_receipt_that_is_not_an_image_or_pdf_is_refused(volunteer, household):
    visit = met(volunteer, household)
    words = _refused(volunteer, visit, "receipt", receipt=b"MZ\x90\x00 an executable")
    assert "photo" in words and "PDF" in words


def test_a_receipt_too_large_is_refused(volunteer, household):
    visit = met(volunteer, household)
    assert "too large" in _refused(volunteer, visit, "receipt", receipt=PDF + b"0" * MAX_BYTES)


def test_a_stored_photo_has_no_gps_position(volunteer, household):
    from PIL import Image

    claim = submitted(volunteer, met(volunteer, household), receipt=jpeg_with_gps())
    (path,) = _stored_files()
    assert claim.receipt_type == "image/jpeg" and path.name.endswith(".jpg")
    with Image.open(path) as stored:
        assert stored.getexif().get_ifd(0x8825) == {}
    assert b"KinfolkCam" not in path.read_bytes()


def test_nothing_to_claim_is_refused(volunteer, household):
    visit = met(volunteer, household)
    _refused(volunteer, visit, "travel_cost", travel_minor=0)


def test_other_costs_say_what_they_were_for(volunteer, household):
    visit = met(volunteer, household)
    _refused(volunteer, visit, "other_what", other_minor=300)


def test_a_household_claims_only_when_the_programme_allows_it(volunteer, household, programme):
    visit = met(volunteer, household)
    assert "other means" in _refused(household, visit, "visit", distance_m=0)
    claim_settings_set(programme=programme, households_may_claim=True)
    claim = submitted(
        household, visit, distance_m=0, travel_minor=0, other_minor=800, other_what="tea and cake"
    )
    assert (claim.side, claim.household, claim.volunteer) == ("household", household, None)


def test_the_database_refuses_a_second_live_claim_even_past_the_check(volunteer, household):
    from django.db import IntegrityError, transaction

    visit = met(volunteer, household)
    first = submitted(volunteer, visit)
    with pytest.raises(IntegrityError), transaction.atomic():
        ExpenseClaim.objects.create(
            programme=first.programme,
            visit=visit,
            side="volunteer",
            volunteer=volunteer,
            travel_mode="car",
            currency="GBP",
            travel_minor=1,
        )


# --- through the page ----------------------------------------------------------------------


def _url(person, visit):
    return reverse("budget:claim_new", args=[person.side, person.pk, visit.pk])


def test_the_form_suggests_the_distance_and_sends_the_claim(client, volunteer, household):
    visit = met(volunteer, household)
    client.force_login(volunteer.user)
    page = client.get(_url(volunteer, visit))
    assert page.status_code == 200
    assert 'value="2.9"' in page.content.decode()
    receipt = SimpleUploadedFile("holiday.png", jpeg_with_gps(), content_type="application/pdf")
    response = client.post(
        _url(volunteer, visit),
        {"travel_mode": "car", "distance_km": "2.9", "travel_cost": "3.40", "receipt": receipt},
    )
    assert response.status_code == 302, response.content.decode()[-3000:]
    claim = ExpenseClaim.objects.get()
    assert response["Location"] == reverse(
        "budget:my_claim", args=["volunteer", volunteer.pk, claim.pk]
    )
    # Typed by content, whatever the name and the browser said.
    assert (claim.travel_minor, claim.receipt_type) == (340, "image/jpeg")
    assert claim.distance_m == 2900 and claim.distance_reason == ""


def test_the_form_names_the_bad_field_and_stores_nothing(client, volunteer, household):
    visit = met(volunteer, household)
    client.force_login(volunteer.user)
    for data, words in [
        ({"travel_cost": "-5"}, "cannot be negative"),
        ({"travel_cost": "3.456"}, "2 digits after the decimal point"),
        ({"travel_cost": "abc"}, "Write an amount"),
        ({"travel_cost": "3", "receipt": SimpleUploadedFile("r.pdf", b"not a pdf")}, "photo"),
    ]:
        response = client.post(
            _url(volunteer, visit), {"travel_mode": "car", "distance_km": "2.9", **data}
        )
        assert response.status_code == 200
        assert words in response.content.decode()
    assert ExpenseClaim.objects.count() == 0 and _stored_files() == []


def test_someone_elses_visit_is_a_404_on_the_page(client, volunteer, household, programme):
    from kinfolk.testing import make_household, make_user, make_volunteer

    vic = make_volunteer(programme, user=make_user(), first_name="Vic")
    theirs = make_visit(make_pairing(vic, make_household(programme)), state="happened")
    client.force_login(volunteer.user)
    url = reverse("budget:claim_new", args=["volunteer", volunteer.pk, theirs.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, {"travel_mode": "car", "distance_km": "1"}).status_code == 404
    assert ExpenseClaim.objects.count() == 0


def test_a_visit_that_did_not_happen_is_refused_on_the_page(client, volunteer, household):
    visit = met(volunteer, household, state="agreed")
    client.force_login(volunteer.user)
    response = client.post(
        _url(volunteer, visit), {"travel_mode": "car", "distance_km": "2.9", "travel_cost": "2"}
    )
    assert response.status_code == 200
    assert "only for a visit that happened" in response.content.decode()
    assert ExpenseClaim.objects.count() == 0


def test_claim_input_defaults_are_a_valid_claim():
    assert claim_input().travel_minor == 1250
    assert claim_submit  # the service the page calls


def test_the_home_page_and_a_happened_visit_lead_to_the_claims(client, volunteer, household):
    visit = met(volunteer, household)
    client.force_login(volunteer.user)
    home = client.get(reverse("people:volunteer_home", args=[volunteer.pk])).content.decode()
    claims_url = reverse("budget:my_claims", args=["volunteer", volunteer.pk])
    assert claims_url in home and "costs for 1 visit that happened" in home
    detail = client.get(reverse("visits:visit_detail", args=["volunteer", volunteer.pk, visit.pk]))
    assert claims_url in detail.content.decode()


def test_a_household_sees_no_claims_card_unless_the_programme_allows_it(
    client, volunteer, household, programme
):
    met(volunteer, household)
    client.force_login(household.members.get().user)
    url = reverse("people:household_home", args=[household.pk])
    claims_url = reverse("budget:my_claims", args=["household", household.pk])
    assert claims_url not in client.get(url).content.decode()
    claim_settings_set(programme=programme, households_may_claim=True)
    assert claims_url in client.get(url).content.decode()


def test_the_form_says_at_once_why_a_visit_cannot_be_claimed_for(client, volunteer, household):
    visit = met(volunteer, household, state="agreed")
    client.force_login(volunteer.user)
    html = client.get(_url(volunteer, visit)).content.decode()
    assert 'id="claim-refusal"' in html and "only for a visit that happened" in html
    assert "Send the claim" not in html
    visit.state = "happened"
    visit.save(update_fields=["state"])
    submitted(volunteer, visit)
    html = client.get(_url(volunteer, visit)).content.decode()
    assert "already claimed" in html and "Send the claim" not in html

"""A volunteer sees only their own claims, a coordinator only their programme's (charter rule 5)."""

from __future__ import annotations

from django.urls import reverse

from kinfolk.budget.tests.claim_helpers import PDF, jpeg_with_gps, met, submitted
from kinfolk.programmes.models import Coordinator, Organisation
from kinfolk.staff.models import CoordinatorOrganisation
from kinfolk.testing import make_household, make_user, make_volunteer


def _two_claims(programme, volunteer, household):
    vic = make_volunteer(programme, user=make_user("vic@example.org"), first_name="Vic")
    mine = submitted(volunteer, met(volunteer, household), receipt=jpeg_with_gps())
    theirs = submitted(vic, met(vic, make_household(programme)), receipt=PDF)
    return vic, mine, theirs


def test_a_volunteer_lists_only_their_own_claims(client, programme, volunteer, household):
    _vic, mine, theirs = _two_claims(programme, volunteer, household)
    client.force_login(volunteer.user)
    page = client.get(reverse("budget:my_claims", args=["volunteer", volunteer.pk]))
    html = page.content.decode()
    assert f"/claims/{mine.pk}/" in html and f"/claims/{theirs.pk}/" not in html


def test_a_volunteer_cannot_open_someone_elses_claim_or_receipt(
    client, programme, volunteer, household
):
    vic, mine, theirs = _two_claims(programme, volunteer, household)
    client.force_login(volunteer.user)
    for name in ("budget:my_claim", "budget:my_claim_receipt"):
        assert (
            client.get(reverse(name, args=["volunteer", volunteer.pk, theirs.pk])).status_code
            == 404
        )
        assert client.get(reverse(name, args=["volunteer", vic.pk, theirs.pk])).status_code == 404
        assert (
            client.get(reverse(name, args=["volunteer", volunteer.pk, mine.pk])).status_code == 200
        )


def test_the_receipt_is_served_to_the_claimant_and_the_programmes_coordinator(
    client, programme, volunteer, household, coordinator
):
    _vic, mine, theirs = _two_claims(programme, volunteer, household)
    client.force_login(volunteer.user)
    own = client.get(reverse("budget:my_claim_receipt", args=["volunteer", volunteer.pk, mine.pk]))
    assert own["Content-Type"] == "image/jpeg"
    assert b"KinfolkCam" not in b"".join(own.streaming_content)
    client.force_login(coordinator)
    pdf = client.get(reverse("budget:claim_receipt", args=[programme.pk, theirs.pk]))
    assert pdf["Content-Type"] == "application/pdf"
    assert "attachment" in pdf["Content-Disposition"]
    assert pdf["X-Content-Type-Options"] == "nosniff"


def test_the_household_partner_does_not_see_the_volunteers_claim(
    client, programme, volunteer, household
):
    _vic, mine, _theirs = _two_claims(programme, volunteer, household)
    client.force_login(household.members.get().user)
    url = reverse("budget:my_claim", args=["household", household.pk, mine.pk])
    assert client.get(url).status_code == 404
    page = client.get(reverse("budget:my_claims", args=["household", household.pk]))
    assert f"/claims/{mine.pk}/" not in page.content.decode()


def test_a_coordinator_sees_only_their_programmes_claims(
    client, programme, volunteer, household, coordinator, other_coordinator, other_programme
):
    _vic, mine, theirs = _two_claims(programme, volunteer, household)
    client.force_login(coordinator)
    html = client.get(reverse("budget:claims", args=[programme.pk]) + "?state=all").content.decode()
    assert f"/claims/{mine.pk}/" in html and f"/claims/{theirs.pk}/" in html
    client.force_login(other_coordinator)
    assert client.get(reverse("budget:claims", args=[programme.pk])).status_code == 404
    own_list = client.get(reverse("budget:claims", args=[other_programme.pk]) + "?state=all")
    assert f"/claims/{mine.pk}/" not in own_list.content.decode()
    for name in ("budget:claim_detail", "budget:claim_receipt"):
        assert client.get(reverse(name, args=[other_programme.pk, mine.pk])).status_code == 404


def test_a_coordinator_limited_to_an_organisation_sees_only_its_volunteers_claims(
    client, programme, volunteer, household
):
    vic, mine, theirs = _two_claims(programme, volunteer, household)
    acme = Organisation.objects.create(programme=programme, name="Acme Ltd")
    vic.organisation = acme
    vic.save(update_fields=["organisation"])
    lin = make_user("lin@example.org", first_name="Lin")
    membership = Coordinator.objects.create(programme=programme, user=lin)
    CoordinatorOrganisation.objects.create(coordinator=membership, organisation=acme)
    client.force_login(lin)
    html = client.get(reverse("budget:claims", args=[programme.pk]) + "?state=all").content.decode()
    assert f"/claims/{theirs.pk}/" in html and f"/claims/{mine.pk}/" not in html
    assert (
        client.get(reverse("budget:claim_detail", args=[programme.pk, mine.pk])).status_code == 404
    )
    # Paying spans the whole programme: not theirs to do.
    assert client.get(reverse("budget:claims_payment", args=[programme.pk])).status_code == 404
    assert client.get(reverse("budget:claims_export_csv", args=[programme.pk])).status_code == 404

"""A programme's validity per kind of check dates the checks; a coordinator sets it."""

import datetime as dt

import pytest
from django.urls import reverse

from kinfolk.people.services.coordination import volunteer_approve
from kinfolk.vetting.models import CheckExpiry, CheckValidity
from kinfolk.vetting.services import check_validity_set, expiry_from_validity
from kinfolk.vetting.tests.helpers import make_check


def test_a_validity_in_months_ends_the_day_before_the_same_date():
    assert expiry_from_validity(dt.date(2025, 1, 10), 12) == dt.date(2026, 1, 9)
    assert expiry_from_validity(dt.date(2025, 1, 31), 1) == dt.date(2025, 2, 27)
    assert expiry_from_validity(dt.date(2025, 1, 10), None) is None


def test_setting_a_validity_dates_existing_checks_but_keeps_explicit_dates(programme, volunteer):
    other = make_check(volunteer, "training", expires_on=dt.date(2030, 5, 1))
    references = make_check(volunteer, "references")
    check_validity_set(programme=programme, months={"references": 24, "training": 12})
    assert CheckExpiry.objects.get(volunteer_check=references).expires_on == dt.date(2027, 1, 9)
    assert CheckExpiry.objects.get(volunteer_check=other).expires_on == dt.date(2030, 5, 1)


def test_clearing_a_validity_removes_the_dates_it_gave(programme, volunteer):
    check = make_check(volunteer, "references")
    check_validity_set(programme=programme, months={"references": 24})
    check_validity_set(programme=programme, months={"references": None})
    assert not CheckExpiry.objects.filter(volunteer_check=check).exists()
    assert not CheckValidity.objects.exists()


def test_approval_dates_the_checks_from_the_validity(programme, applicant, coordinator):
    check_validity_set(programme=programme, months={"references": 36})
    day = programme.today() - dt.timedelta(days=3)
    volunteer_approve(
        volunteer=applicant, approved_by=coordinator, checks={"references": day, "training": day}
    )
    dated = {e.volunteer_check.kind: e.expires_on for e in CheckExpiry.objects.all()}
    assert dated == {"references": expiry_from_validity(day, 36)}


@pytest.fixture
def signed_in(client, coordinator):
    client.force_login(coordinator)
    return client


def test_the_coordinator_sets_validities_on_the_checks_page(signed_in, programme):
    url = reverse("vetting:check_validity", args=[programme.pk])
    response = signed_in.post(url, {"references": "24", "training": "", "safeguarding": "36"})
    assert response.status_code == 302
    stored = dict(CheckValidity.objects.values_list("kind", "months"))
    assert stored == {"references": 24, "safeguarding": 36}


def test_a_validity_out_of_range_is_refused_and_nothing_changes(signed_in, programme):
    CheckValidity.objects.create(programme=programme, kind="references", months=12)
    url = reverse("vetting:check_validity", args=[programme.pk])
    page = signed_in.post(url, {"references": "0", "training": "500"}).content.decode()
    assert "greater than or equal to 1" in page
    assert dict(CheckValidity.objects.values_list("kind", "months")) == {"references": 12}


def test_another_programmes_coordinator_cannot_open_the_checks_page(
    client, programme, other_coordinator
):
    client.force_login(other_coordinator)
    url = reverse("vetting:check_validity", args=[programme.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, {"references": "1"}).status_code == 404
    assert not CheckValidity.objects.exists()


def test_the_checks_page_lists_checks_expiring_soon_and_expired(signed_in, programme, volunteer):
    make_check(volunteer, "references", expires_on=programme.today() - dt.timedelta(days=2))
    page = signed_in.get(reverse("vetting:check_validity", args=[programme.pk])).content.decode()
    assert "Vera" in page
    assert "check-expired" in page


def test_a_validity_dates_each_check_from_its_own_day_and_only_in_its_programme(
    programme, other_programme
):
    from kinfolk.testing import make_volunteer

    done = [dt.date(2025, 1, 31), dt.date(2025, 3, 1), dt.date(2025, 1, 31)]
    checks = [make_check(make_volunteer(programme), "training", done=d) for d in done]
    stranger = make_check(make_volunteer(other_programme), "training", done=done[0])
    check_validity_set(programme=programme, months={"training": 1})
    dated = dict(CheckExpiry.objects.values_list("volunteer_check_id", "expires_on"))
    assert [dated[c.pk] for c in checks] == [
        dt.date(2025, 2, 27),
        dt.date(2025, 3, 31),
        dt.date(2025, 2, 27),
    ]
    assert stranger.pk not in dated
    assert not CheckExpiry.objects.filter(explicit=True).exists()

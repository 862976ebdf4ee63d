"""The administrator's programme form asks for words, not codes or coordinates."""

from __future__ import annotations

import pytest
from django.urls import reverse

from kinfolk.accounts.services.passwords import password_link
from kinfolk.programmes.models import Programme
from kinfolk.testing import make_user, otp_force_login

pytestmark = pytest.mark.django_db

GOOD = {
    "name": "Sheffield Tandem",
    "country": "GB",
    "centre_town": "sheffield",
    "time_zone": "Europe/London",
    "radius_km": "25",
    "cadence_weeks": "8",
    "visit_minutes": "90",
    "languages": ["en", "ar"],
    "currency": "GBP",
    "proposal_days": "10",
    "signup_open": "on",
}


@pytest.fixture
def admin_client(client, site_admin):
    otp_force_login(client, site_admin)
    return client


def test_new_programme_starts_in_the_sites_country(admin_client, settings):
    settings.KINFOLK_DEFAULT_COUNTRY = "DE"
    form = admin_client.get(reverse("programmes_admin:create")).context["form"]
    assert form["country"].value() == "DE"
    assert form["currency"].value() == "EUR"
    assert form["time_zone"].value() in ("Europe/Berlin", "Europe/Busingen", None)
    assert "Berlin" in form.town_names
    assert "Europe/Berlin" in dict(form.fields["time_zone"].choices)
    assert "Europe/London" not in dict(form.fields["time_zone"].choices)


def test_default_country_is_not_the_first_of_the_alphabet(admin_client):
    page = admin_client.get(reverse("programmes_admin:create"))
    assert page.context["form"]["country"].value() == "GB"
    assert page.context["form"]["time_zone"].value() == "Europe/London"


def test_page_offers_towns_and_languages_by_name(admin_client):
    text = admin_client.get(reverse("programmes_admin:create")).content.decode()
    assert '<datalist id="towns-list">' in text and '<option value="Leeds">' in text
    assert 'list="towns-list"' in text
    assert 'value="sw"' in text and "Swahili" in text
    assert 'value="ar"' in text and "Arabic" in text
    assert 'name="centre_lat"' not in text and 'name="centre_lon"' not in text


def test_programme_centre_is_the_picked_town(admin_client):
    response = admin_client.post(reverse("programmes_admin:create"), GOOD)
    assert response.status_code == 302
    programme = Programme.objects.get()
    assert abs(programme.centre_lat - 53.38) < 0.05 and abs(programme.centre_lon + 1.47) < 0.05
    assert programme.languages == "ar;en"
    assert programme.time_zone == "Europe/London"


def test_editing_shows_the_centre_as_a_town_and_the_languages_picked(admin_client, programme):
    form = admin_client.get(reverse("programmes_admin:detail", args=[programme.pk])).context["form"]
    assert form["centre_town"].value() == "Leeds"
    assert form["languages"].value() == programme.languages.split(";")


def test_changing_country_offers_its_towns_and_time_zones(admin_client):
    response = admin_client.get(reverse("programmes_admin:places"), {"country": "KE"})
    text = response.content.decode()
    assert '<option value="Nairobi">' in text
    assert 'value="Africa/Nairobi"' in text and "Europe/London" not in text


def test_unknown_country_in_the_fragment_falls_back_to_the_sites(admin_client):
    response = admin_client.get(reverse("programmes_admin:places"), {"country": "ZZ"})
    assert 'value="Europe/London"' in response.content.decode()


def test_time_zone_of_another_country_is_refused_and_nothing_is_stored(admin_client):
    data = {**GOOD, "country": "KE", "centre_town": "Nairobi", "time_zone": "Europe/London"}
    response = admin_client.post(reverse("programmes_admin:create"), data)
    assert response.status_code == 200
    assert "Europe/London is not a time zone of this country" in response.content.decode()
    assert not Programme.objects.exists()


def test_unknown_town_is_refused_and_nothing_changes(admin_client, programme):
    before = (programme.centre_lat, programme.centre_lon)
    url = reverse("programmes_admin:detail", args=[programme.pk])
    data = {**GOOD, "name": programme.name, "centre_town": "Atlantis"}
    response = admin_client.post(url, data)
    assert "is not a town of United Kingdom" in response.content.decode()
    programme.refresh_from_db()
    assert (programme.centre_lat, programme.centre_lon) == before


def test_no_language_is_refused(admin_client):
    response = admin_client.post(reverse("programmes_admin:create"), {**GOOD, "languages": []})
    assert response.status_code == 200
    assert not Programme.objects.exists()


def test_places_fragment_is_for_site_administrators_only(client, coordinator):
    client.force_login(coordinator)
    assert client.get(reverse("programmes_admin:places"), {"country": "GB"}).status_code == 404


def test_setting_a_password_is_confirmed_on_the_next_page(client, settings):
    settings.SITE_URL = ""
    user = make_user("nia@example.org", first_name="Nia")
    form_url = client.get(password_link(user), follow=True).redirect_chain[-1][0]
    password = "a long and new pass phrase"
    response = client.post(
        form_url, {"new_password1": password, "new_password2": password}, follow=True
    )
    assert "Your new password is saved" in response.content.decode()
    user.refresh_from_db()
    assert user.check_password(password)

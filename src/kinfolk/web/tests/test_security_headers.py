from kinfolk.testing import contact_of


def test_pages_forbid_framing_inline_scripts_and_content_sniffing(client, db):
    response = client.get("/accounts/login/")
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "frame-ancestors 'none'" in policy
    assert "unsafe-inline" not in policy
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_session_cookie_is_http_only(client, volunteer_user):
    from kinfolk.testing import make_user

    make_user("kim@example.org", password="a long pass phrase")
    response = client.post(
        "/accounts/login/", {"username": "kim@example.org", "password": "a long pass phrase"}
    )
    assert response.cookies["sessionid"]["httponly"]


def test_no_page_pulls_assets_from_another_site(client, volunteer):
    client.force_login(volunteer.user)
    page = client.get(f"/me/volunteer/{volunteer.pk}/").content.decode()
    assert "https://" not in page and "http://" not in page.replace("http://127.0.0.1", "")


def test_a_page_showing_an_address_is_never_stored(client, volunteer, household):
    from django.urls import reverse

    from kinfolk.testing import make_pairing

    pairing = make_pairing(volunteer, household)
    client.force_login(volunteer.user)
    url = reverse("pairings:pairing_detail", args=["volunteer", volunteer.pk, pairing.pk])
    response = client.get(url)
    assert contact_of(household)["address"] in response.content.decode()
    cache_control = {part.strip() for part in response["Cache-Control"].split(",")}
    assert {"no-store", "private"} <= cache_control


def test_every_response_to_a_signed_in_person_is_never_stored(client, volunteer):
    from django.urls import reverse

    client.force_login(volunteer.user)
    for url in (
        reverse("home"),
        reverse("people:volunteer_home", args=[volunteer.pk]),
        reverse("privacy:my_data"),
        reverse("visits:visit_list", args=["volunteer", volunteer.pk]),
    ):
        assert "no-store" in client.get(url).get("Cache-Control", ""), url


def test_a_public_page_for_someone_not_signed_in_may_be_cached(client, programme):
    from django.urls import reverse

    response = client.get(reverse("people:signup", args=[programme.signup_token]))
    assert "no-store" not in response.get("Cache-Control", "")

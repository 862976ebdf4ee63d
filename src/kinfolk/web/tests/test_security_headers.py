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

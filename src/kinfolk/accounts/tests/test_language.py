"""Each person picks their language; the browser's is the default until they do."""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse

from kinfolk.accounts.languages import language_supported

HOME = "/accounts/login/"


def _lang(response) -> str:
    page = response.content.decode()
    return page.split('<html lang="', 1)[1].split('"', 1)[0]


def test_a_visitor_reads_the_browsers_language(client, db):
    assert _lang(client.get(HOME, HTTP_ACCEPT_LANGUAGE="ar,en;q=0.5")) == "ar"
    assert _lang(client.get(HOME, HTTP_ACCEPT_LANGUAGE="zh-CN")) == "zh-hans"
    assert _lang(client.get(HOME, HTTP_ACCEPT_LANGUAGE="de")) == "en"


def test_every_page_offers_the_picker_in_each_languages_own_name(client, db):
    page = client.get(HOME).content.decode()
    assert f'action="{reverse("accounts:language")}"' in page
    assert "العربية" in page and "简体中文" in page and 'lang="ar"' in page


def test_a_visitors_pick_is_kept_in_a_cookie_and_beats_the_browser(client, db):
    response = client.post(reverse("accounts:language"), {"language": "ar", "next": HOME})
    assert response.status_code == 302 and response["Location"] == HOME
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "ar"
    assert _lang(client.get(HOME, HTTP_ACCEPT_LANGUAGE="en")) == "ar"


def test_a_signed_in_persons_pick_is_stored_on_their_account(client, volunteer, volunteer_user):
    client.force_login(volunteer_user)
    home = reverse("people:volunteer_home", args=[volunteer.pk])
    client.post(reverse("accounts:language"), {"language": "zh-hans", "next": home})
    volunteer_user.refresh_from_db()
    assert volunteer_user.language == "zh-hans"
    # Another device, with an English browser and no cookie: still their language.
    other = client.__class__()
    other.force_login(volunteer_user)
    page = other.get(home, HTTP_ACCEPT_LANGUAGE="en")
    assert _lang(page) == "zh-hans" and "志愿服务" in page.content.decode()


def test_an_unknown_language_is_refused_and_nothing_changes(client, volunteer_user):
    client.force_login(volunteer_user)
    response = client.post(reverse("accounts:language"), {"language": "xx", "next": HOME})
    assert response.status_code == 302
    assert settings.LANGUAGE_COOKIE_NAME not in response.cookies
    volunteer_user.refresh_from_db()
    assert volunteer_user.language == "en"


def test_the_picker_never_sends_anyone_to_another_site(client, db):
    response = client.post(
        reverse("accounts:language"), {"language": "ar", "next": "https://evil.example/"}
    )
    assert response["Location"] == reverse("home")


def test_the_picker_answers_only_post(client, db):
    assert client.get(reverse("accounts:language")).status_code == 405


def test_language_codes_come_down_to_the_sites_own():
    assert language_supported("zh-Hans-CN") == "zh-hans"
    assert language_supported("ar-EG") == "ar"
    assert language_supported("de") == settings.LANGUAGE_CODE
    assert language_supported("") == settings.LANGUAGE_CODE

"""The "Signed-in devices" page: one's own devices only; sign one or every other out."""

from __future__ import annotations

from django.test import Client
from django.urls import reverse

from kinfolk.devices import sessions
from kinfolk.devices.models import SignedInSession

PAGE = reverse("devices:list")
SIGN_OUT = reverse("devices:sign_out")
IPHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1"
)
FIREFOX = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:128.0) Gecko/20100101 Firefox/128.0"


def _client_for(user, agent: str) -> Client:
    client = Client(HTTP_USER_AGENT=agent)
    client.force_login(user)
    # force_login builds its own request, without the client's headers; the
    # real sign-in's recording of the browser is tested in test_sessions.
    session = client.session
    session[sessions.AGENT] = agent
    session.save()
    return client


def _device_id(client: Client) -> str:
    return SignedInSession.objects.get(session_key=client.session.session_key).device_id


def test_the_page_lists_each_device_by_browser_and_system(volunteer_user):
    laptop = _client_for(volunteer_user, FIREFOX)
    _client_for(volunteer_user, IPHONE)
    page = laptop.get(PAGE).content.decode()
    assert "Firefox on Windows" in page
    assert "Safari on iPhone" in page
    assert page.index("Firefox on Windows") < page.index("Safari on iPhone")  # this one first
    assert "this device" in page


def test_the_page_never_shows_another_persons_devices(volunteer_user, household_user):
    laptop = _client_for(volunteer_user, FIREFOX)
    _client_for(household_user, IPHONE)
    assert "iPhone" not in laptop.get(PAGE).content.decode()


def test_the_page_never_shows_a_session_key(volunteer_user):
    laptop = _client_for(volunteer_user, FIREFOX)
    phone = _client_for(volunteer_user, IPHONE)
    page = laptop.get(PAGE).content.decode()
    assert phone.session.session_key not in page
    assert laptop.session.session_key not in page


def test_signing_out_one_device_leaves_the_others(volunteer_user):
    laptop = _client_for(volunteer_user, FIREFOX)
    phone, tablet = _client_for(volunteer_user, IPHONE), _client_for(volunteer_user, IPHONE)
    response = laptop.post(SIGN_OUT, {"device": _device_id(phone)})
    assert response["Location"] == PAGE
    assert phone.get(PAGE).status_code == 302
    assert tablet.get(PAGE).status_code == 200
    assert laptop.get(PAGE).status_code == 200


def test_signing_out_every_other_device_keeps_this_one(volunteer_user, household_user):
    laptop = _client_for(volunteer_user, FIREFOX)
    phone = _client_for(volunteer_user, IPHONE)
    someone_else = _client_for(household_user, IPHONE)
    laptop.post(SIGN_OUT, {"others": "1"})
    assert laptop.get(PAGE).status_code == 200
    assert phone.get(PAGE).status_code == 302
    assert someone_else.get(PAGE).status_code == 200


def test_another_persons_device_is_a_404_and_stays_signed_in(volunteer_user, household_user):
    laptop = _client_for(volunteer_user, FIREFOX)
    theirs = _client_for(household_user, IPHONE)
    before = SignedInSession.objects.count()
    assert laptop.post(SIGN_OUT, {"device": _device_id(theirs)}).status_code == 404
    assert laptop.post(SIGN_OUT, {"device": ""}).status_code == 404
    assert laptop.post(SIGN_OUT, {"device": "no-such-device"}).status_code == 404
    assert SignedInSession.objects.count() == before
    assert theirs.get(PAGE).status_code == 200


def test_signing_out_needs_post_and_a_signed_in_person(client, volunteer_user):
    assert client.post(SIGN_OUT, {"others": "1"})["Location"].startswith(reverse("accounts:login"))
    laptop = _client_for(volunteer_user, FIREFOX)
    assert laptop.get(SIGN_OUT).status_code == 405

"""The demo programme: realistic people, three working logins, reused on the next start."""

from django.contrib.auth import authenticate

from kinfolk.people.models import Household, Volunteer
from kinfolk.privacy.services import phone_for_delivery
from kinfolk.web import demo


def _build(tmp_path, size=120):
    return demo.demo_build(size=size, seed=3, data_dir=tmp_path, progress=lambda *a: None)


def test_demo_builds_people_in_every_state_with_working_logins(db, tmp_path):
    logins = _build(tmp_path)
    assert {x.role for x in logins} >= {"coordinator", "volunteer", "household"}
    for login in logins:
        assert authenticate(username=login.email, password=login.password) is not None
    states = set(Volunteer.objects.values_list("state", flat=True))
    assert {"applied", "active"} <= states
    assert Household.objects.count() == 120
    assert Volunteer.objects.exclude(speaks="").count() == 120


def test_demo_logins_are_read_back_for_the_next_start(db, tmp_path):
    logins = _build(tmp_path, size=40)
    assert demo.demo_logins(tmp_path) == logins
    assert demo.demo_programme() is not None


def test_synthetic_people_have_no_usable_password(db, tmp_path):
    _build(tmp_path, size=40)
    from django.contrib.auth import get_user_model

    demo_emails = {x.email for x in demo.demo_logins(tmp_path)}
    others = get_user_model().objects.exclude(email__in=demo_emails)
    assert all(not u.has_usable_password() for u in others)


def test_demo_people_have_invented_contact_details(db, tmp_path):
    _build(tmp_path, size=60)
    assert not Volunteer.objects.filter(last_name="").exists()
    assert all(phone_for_delivery(h).startswith("+441134960") for h in Household.objects.all())


def test_demo_has_pairings_proposals_waiting_and_visits_under_way(db, tmp_path):
    from kinfolk.pairings.models import Pairing, Proposal
    from kinfolk.visits.models import Visit

    logins = _build(tmp_path, size=200)
    assert Pairing.objects.filter(state="active").count() > 20
    assert Proposal.objects.filter(state="open").exists()
    states = set(Visit.objects.values_list("state", flat=True))
    assert {"planned", "agreed", "happened"} <= states
    # The demo's volunteer and household are paired with each other.
    volunteer = Volunteer.objects.get(user__email=logins[1].email)
    pairing = Pairing.objects.get(volunteer=volunteer, state="active")
    assert pairing.household.members.get().user.email == logins[2].email


def test_the_demo_administrator_signs_in_with_the_printed_two_factor_key(client, db, tmp_path):
    import base64

    from django.urls import reverse
    from django_otp.oath import totp

    logins = _build(tmp_path, size=40)
    (admin,) = [x for x in logins if x.role == "site administrator"]
    key = base64.b32decode(admin.note.removeprefix("two-factor key "))
    client.post(reverse("accounts:login"), {"username": admin.email, "password": admin.password})
    assert client.get(reverse("programmes_admin:list")).status_code == 302
    client.post(reverse("accounts:two_factor_verify"), {"code": f"{totp(key):06d}"})
    assert client.get(reverse("programmes_admin:list")).status_code == 200

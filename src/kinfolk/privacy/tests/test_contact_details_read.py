"""The one door to contact details: it decides who may see them, and logs every other reader."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import formats, timezone

from kinfolk.people.models import HouseholdMember
from kinfolk.privacy.models import ContactAccessLog, ContactDetails
from kinfolk.privacy.services import (
    CONTACT_FIELDS,
    ContactAccessRefused,
    address_mentioned,
    contact_details_read,
    contact_details_write,
    phone_for_delivery,
    phones_for_delivery,
)
from kinfolk.programmes.services import coordinator_appoint
from kinfolk.testing import make_household, make_pairing, make_proposal, make_user


def _read(viewer, person, fields=CONTACT_FIELDS, reason="detail page"):
    return contact_details_read(viewer=viewer, person=person, fields=fields, reason=reason)


def test_reading_returns_the_fields_and_logs_viewer_person_and_day(coordinator, household):
    contact_details_write(person=household, phone="0113 496 0000", address="1 Hill Rise")
    values = _read(coordinator, household, ["phone", "address", "email"])
    assert values == {
        "phone": "+441134960000",
        "address": "1 Hill Rise",
        "email": "hana@example.org",
    }
    log = ContactAccessLog.objects.get()
    assert (log.viewer_id, log.person_kind, log.person_id) == (
        coordinator.pk,
        "household",
        household.pk,
    )
    assert log.fields == "phone,address,email"
    assert log.reasons == "detail page"


def test_the_service_takes_keyword_arguments_only(coordinator, household):
    with pytest.raises(TypeError):
        contact_details_read(coordinator, household, ["phone"], "detail page")  # type: ignore[misc]


def test_reads_on_one_day_are_grouped_in_one_row(coordinator, household):
    _read(coordinator, household, ["phone"], "detail page")
    _read(coordinator, household, ["address"], "pairing review")
    log = ContactAccessLog.objects.get()
    assert log.reads == 2
    assert set(log.fields.split(",")) == {"phone", "address"}
    assert log.reasons == "detail page; pairing review"


def test_reading_your_own_details_is_not_logged(household_user, household, volunteer):
    second_adult = make_user(first_name="Kofi")
    HouseholdMember.objects.create(household=household, user=second_adult)
    _read(household_user, household, ["phone"], "my profile")
    _read(second_adult, household, ["phone"], "my profile")
    _read(volunteer.user, volunteer, ["phone"], "my profile")
    assert not ContactAccessLog.objects.exists()


def test_unknown_fields_are_never_returned(coordinator, household):
    assert _read(coordinator, household, ["phone", "first_name"]).keys() == {"phone"}


def test_the_partner_in_an_active_pairing_reads_and_is_logged(volunteer, household, household_user):
    make_pairing(volunteer, household)
    contact_details_write(person=volunteer, address="7 Mill Lane")
    assert _read(household_user, volunteer, reason="active pairing")["address"] == "7 Mill Lane"
    assert _read(volunteer.user, household, reason="active pairing")["email"] == "hana@example.org"
    assert set(ContactAccessLog.objects.values_list("viewer_id", "person_kind")) == {
        (household_user.pk, "volunteer"),
        (volunteer.user.pk, "household"),
    }


def test_every_adult_of_the_household_is_a_partner(volunteer, household):
    second_adult = make_user(first_name="Kofi")
    HouseholdMember.objects.create(household=household, user=second_adult)
    make_pairing(volunteer, household)
    assert _read(second_adult, volunteer)["phone"]


def test_the_household_e_mail_lists_every_adult(coordinator, household):
    HouseholdMember.objects.create(household=household, user=make_user("kofi@example.org"))
    assert _read(coordinator, household)["email"] == "hana@example.org, kofi@example.org"


def test_volunteer_cannot_read_address_without_accepted_pairing(volunteer, household):
    make_proposal(volunteer, household)
    with pytest.raises(ContactAccessRefused):
        _read(volunteer.user, household)
    assert not ContactAccessLog.objects.exists()


def test_an_ended_pairing_gives_no_access(volunteer, household, household_user):
    make_pairing(volunteer, household, state="ended")
    for viewer, person in ((volunteer.user, household), (household_user, volunteer)):
        with pytest.raises(ContactAccessRefused):
            _read(viewer, person)
    assert not ContactAccessLog.objects.exists()


def test_a_partner_sees_only_their_partner(volunteer, household, other_household):
    make_pairing(volunteer, household)
    with pytest.raises(ContactAccessRefused):
        _read(volunteer.user, other_household)


@pytest.mark.parametrize(
    "who", ["other_coordinator", "site_admin", "applicant", "other_volunteer", "stranger", "anon"]
)
def test_anyone_else_is_refused_and_nothing_is_logged(request, household, volunteer, who):
    make_pairing(volunteer, household)
    if who == "stranger":
        viewer = make_user(first_name="Stan")
    elif who == "anon":
        viewer = AnonymousUser()
    else:
        fixture = request.getfixturevalue(who)
        viewer = getattr(fixture, "user", fixture)
    for person in (household, volunteer):
        with pytest.raises(ContactAccessRefused):
            _read(viewer, person)
    assert not ContactAccessLog.objects.exists()


def test_a_person_with_no_details_stored_reads_as_empty(coordinator, programme):
    household = make_household(programme, users=(make_user(),))
    ContactDetails.objects.filter(household=household).delete()
    assert _read(coordinator, household, ["phone", "address"]) == {"phone": "", "address": ""}


def test_person_sees_who_looked_at_their_contact_details(
    client, coordinator, household_user, household
):
    _read(coordinator, household, ["phone"], "detail page")
    client.force_login(household_user)
    response = client.get(reverse("privacy:my_data"))
    assert b"<bdi>Cora</bdi> (coordinator, appointed on " in response.content
    assert b"detail page" in response.content
    assert b"<td>phone</td>" in response.content


def _log_line(client, user):
    client.force_login(user)
    page = client.get(reverse("privacy:my_data")).content.decode()
    return " ".join(page.split())


def test_a_site_administrator_who_appointed_themselves_shows_as_such(
    client, programme, site_admin, household_user, household
):
    coordinator_appoint(
        programme=programme, email=site_admin.email, first_name="Ada", by=site_admin
    )
    _read(site_admin, household, ["address"], "detail page")
    today = formats.date_format(timezone.localdate(), "DATE_FORMAT")
    assert (
        f"<bdi>Ada</bdi> (coordinator, site administrator, appointed themselves on {today})"
        in _log_line(client, household_user)
    )


def test_a_coordinator_shows_who_appointed_them(
    client, programme, site_admin, household_user, household
):
    cora = make_user(first_name="Cora")
    coordinator_appoint(programme=programme, email=cora.email, first_name="Cora", by=site_admin)
    _read(cora, household, ["address"], "detail page")
    assert "<bdi>Cora</bdi> (coordinator, appointed by <bdi>Ada</bdi> on " in _log_line(
        client, household_user
    )


def test_a_partner_shows_as_your_partner(client, volunteer, household, household_user):
    make_pairing(volunteer, household)
    _read(household_user, volunteer, ["phone"], "active pairing")
    assert "<bdi>Hana</bdi> (your partner)" in _log_line(client, volunteer.user)


def test_the_log_survives_erasure_of_the_person(coordinator, household):
    # Ids only, no foreign keys: erasing the person leaves the log intact.
    _read(coordinator, household, ["phone"], "detail page")
    household.delete()
    assert ContactAccessLog.objects.count() == 1


def test_erasing_the_person_erases_their_contact_details(household):
    assert ContactDetails.objects.filter(household=household).exists()
    household.delete()
    assert not ContactDetails.objects.exists()


def test_my_data_states_the_one_thing_it_does_not_show(client, volunteer):
    client.force_login(volunteer.user)
    page = client.get(reverse("privacy:my_data")).content.decode()
    assert "the visitor is not shown the report" in page


# --- writing one's own details ---------------------------------------------------------


def test_writing_changes_only_the_fields_given(volunteer):
    contact_details_write(person=volunteer, phone="0113 496 0001", address="2 Oak Road")
    contact_details_write(person=volunteer, phone="0113 496 0002")
    stored = _read(volunteer.user, volunteer, ["phone", "address"])
    assert stored == {"phone": "+441134960002", "address": "2 Oak Road"}


def test_a_too_long_phone_is_refused_and_nothing_changes(volunteer):
    contact_details_write(person=volunteer, phone="0113 496 0001", address="2 Oak Road")
    with pytest.raises(ValidationError) as error:
        contact_details_write(person=volunteer, phone="1" * 33, address="3 Elm Road")
    assert "phone" in error.value.message_dict
    stored = _read(volunteer.user, volunteer, ["phone", "address"])
    assert stored == {"phone": "+441134960001", "address": "2 Oak Road"}


def test_address_mentioned_answers_only_yes_or_no(volunteer, household):
    contact_details_write(person=household, address="12 Example Street")
    assert address_mentioned(
        text="Meet at 12 example street, door 2", people=[volunteer, household]
    )
    assert not address_mentioned(text="The library café", people=[volunteer, household])


# --- the structure that keeps them out of reach ----------------------------------------


@pytest.mark.parametrize("model_name", ["Volunteer", "Household"])
def test_a_person_has_no_way_to_their_contact_details(model_name):
    from django.apps import apps

    model = apps.get_model("people", model_name)
    names = {f.name for f in model._meta.get_fields(include_hidden=True)}
    assert not {"phone", "address", "contactdetails", "contact_details"} & names
    # The relation exists only hidden ("+"): no accessor, no query path from the person.
    assert [f for f in model._meta.get_fields() if f.related_model is ContactDetails] == []
    assert not hasattr(model, "contactdetails")


def test_phones_for_delivery_reads_many_people_in_two_queries(
    programme, volunteer, household, other_household, django_assert_num_queries
):
    contact_details_write(person=volunteer, phone="0113 496 0001")
    contact_details_write(person=other_household, phone="")
    with django_assert_num_queries(2):
        phones = phones_for_delivery(people=[volunteer, household, other_household])
    assert phones[("volunteer", volunteer.pk)] == "+441134960001"
    assert phones[("household", household.pk)] == phone_for_delivery(household)
    assert phones[("household", other_household.pk)] == ""
    assert not ContactAccessLog.objects.exists()

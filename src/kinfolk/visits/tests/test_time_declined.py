"""The side that proposed a visit time is told, by e-mail and on its pages, when it is declined."""

import re

import pytest
from django.urls import reverse

from kinfolk.outbox.models import Message
from kinfolk.testing import make_time, make_user
from kinfolk.visits.models import ReminderPreference, TimeProposal
from kinfolk.visits.services import VisitError
from kinfolk.visits.services.times import time_decline


def _told():
    return Message.objects.filter(purpose="time_declined")


def test_the_proposer_is_emailed_once_without_a_reason(visit, volunteer, household):
    time = make_time(visit, by="volunteer")
    time_decline(visit_id=visit.pk, time_id=time.pk, person=household)
    (message,) = _told()
    assert message.to == volunteer.user.email
    assert message.channel == "email"
    assert "Hana cannot make" in message.subject or "Hana cannot make" in message.body
    assert "propose another time" in message.body
    assert "because" not in message.body


def test_every_adult_of_a_proposing_household_is_told(visit, volunteer, household):
    household.members.create(user=make_user("kofi@example.org"))
    time = make_time(visit, by="household")
    time_decline(visit_id=visit.pk, time_id=time.pk, person=volunteer)
    assert sorted(_told().values_list("to", flat=True)) == ["hana@example.org", "kofi@example.org"]


def test_a_reader_who_chose_text_messages_gets_one(visit, volunteer, household):
    ReminderPreference.objects.create(user=volunteer.user, email=False, sms=True)
    time = make_time(visit, by="volunteer")
    time_decline(visit_id=visit.pk, time_id=time.pk, person=household)
    assert list(_told().values_list("channel", flat=True)) == ["sms"]


def test_a_refused_decline_tells_nobody_and_changes_nothing(visit, volunteer):
    time = make_time(visit, by="volunteer")
    with pytest.raises(VisitError):
        time_decline(visit_id=visit.pk, time_id=time.pk, person=volunteer)  # her own time
    assert not _told().exists()
    time.refresh_from_db()
    assert time.state == TimeProposal.State.OPEN


def test_accepting_tells_nobody_it_was_declined(visit, volunteer, household):
    from kinfolk.visits.services.times import time_accept

    time = make_time(visit, by="volunteer")
    time_accept(visit_id=visit.pk, time_id=time.pk, person=household)
    assert not _told().exists()


def test_the_proposers_home_page_says_so_and_links_to_propose_another(
    client, visit, volunteer, household, volunteer_user
):
    time = make_time(visit, by="volunteer")
    time_decline(visit_id=visit.pk, time_id=time.pk, person=household)
    client.force_login(volunteer_user)
    page = _text(client.get(reverse("people:volunteer_home", args=[volunteer.pk])))
    assert "cannot make" in page
    assert reverse("visits:visit_detail", args=["volunteer", volunteer.pk, visit.pk]) in page
    assert "Propose another time" in page


def test_a_new_time_after_the_decline_replaces_the_notice(
    client, visit, volunteer, household, volunteer_user
):
    time = make_time(visit, by="volunteer")
    time_decline(visit_id=visit.pk, time_id=time.pk, person=household)
    make_time(visit, by="volunteer")
    client.force_login(volunteer_user)
    page = _text(client.get(reverse("people:volunteer_home", args=[volunteer.pk])))
    assert "cannot make" not in page
    assert "waiting for Hana" in page


def _text(response):
    """The page without its tags: names sit in <bdi> elements."""
    return re.sub(r"<(?!/?a\b)[^>]+>", "", response.content.decode())

import datetime as dt

from django.core import mail
from django.utils import timezone

from kinfolk.pairings.models import Proposal
from kinfolk.pairings.selectors import excluded_pairs
from kinfolk.pairings.services import proposals_lapse
from kinfolk.testing import make_proposal


def test_an_unanswered_proposal_is_nudged_once_then_lapses(
    programme, volunteer, household, django_capture_on_commit_callbacks
):
    proposal = make_proposal(volunteer, household, days=10)
    halfway = timezone.now() + dt.timedelta(days=6)
    with django_capture_on_commit_callbacks(execute=True):
        assert proposals_lapse(now=halfway) == {"lapsed": 0, "nudged": 1}
        assert proposals_lapse(now=halfway) == {"lapsed": 0, "nudged": 0}
    assert len(mail.outbox) == 2  # one to each side, once
    assert proposals_lapse(now=timezone.now() + dt.timedelta(days=11))["lapsed"] == 1
    proposal.refresh_from_db()
    assert proposal.state == "lapsed"
    # A lapse is not a decline: the pair may be proposed again.
    assert (volunteer.pk, household.pk) not in excluded_pairs(programme=programme)


def test_the_nudge_skips_the_side_that_already_answered(
    volunteer, household, django_capture_on_commit_callbacks
):
    make_proposal(volunteer, household, volunteer_answer="accepted")
    with django_capture_on_commit_callbacks(execute=True):
        proposals_lapse(now=timezone.now() + dt.timedelta(days=6))
    assert [m.to for m in mail.outbox] == [["hana@example.org"]]


def test_answered_proposals_do_not_lapse(volunteer, household):
    make_proposal(volunteer, household, state="accepted")
    proposals_lapse(now=timezone.now() + dt.timedelta(days=30))
    assert Proposal.objects.get().state == "accepted"

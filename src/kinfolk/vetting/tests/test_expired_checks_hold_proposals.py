"""An expired check keeps its volunteer out of new proposals; a pairing is flagged, not ended."""

import pytest
from django.urls import reverse

from kinfolk.pairings import review
from kinfolk.pairings.matching import run_people
from kinfolk.pairings.models import MatchingRun, Pairing, Proposal, RunPair
from kinfolk.pairings.services import PairingError
from kinfolk.testing import make_cohort, make_household, make_pairing
from kinfolk.vetting.tests.helpers import days, make_check


def test_matching_leaves_out_a_volunteer_whose_check_expired(programme, coordinator):
    (expired, fine), _households = make_cohort(programme, n=2)
    make_check(expired, "references", expires_on=days(-1, programme))
    make_check(fine, "references", expires_on=days(0, programme))  # still valid today
    run = MatchingRun(programme=programme)
    volunteers, _ = run_people(run)
    assert list(volunteers) == [fine]


def test_an_expired_check_the_programme_no_longer_requires_does_not_count(programme):
    (volunteer,), _ = make_cohort(programme, n=1)
    make_check(volunteer, "safeguarding", expires_on=days(-10, programme))
    volunteers, _ = run_people(MatchingRun(programme=programme))
    assert list(volunteers) == [volunteer]


@pytest.fixture
def ready_run(programme, coordinator):
    (v1, v2), (h1, h2) = make_cohort(programme, n=2)
    run = MatchingRun.objects.create(programme=programme, status="ready", started_by=coordinator)
    for v, h in ((v1, h1), (v2, h2)):
        RunPair.objects.create(run=run, volunteer=v, household=h, cost=1, distance_km=1.0)
    return run, v1, v2


def test_sending_skips_a_volunteer_whose_check_expired_since_the_run(ready_run):
    run, expired, fine = ready_run
    make_check(expired, "training", expires_on=days(-1, run.programme))
    assert review.run_reach(run=run).pairs == 1
    reach = review.proposals_send(run=run)
    assert reach.pairs == 1
    assert list(Proposal.objects.values_list("volunteer_id", flat=True)) == [fine.pk]


def test_keeping_a_pair_by_hand_is_refused_with_the_reason(ready_run):
    run, expired, _fine = ready_run
    make_check(expired, "training", expires_on=days(-1, run.programme))
    household = make_household(run.programme, first_name="Ida")
    with pytest.raises(PairingError, match="expired on"):
        review.run_rule_set(
            run=run, volunteer=expired, household=household, kind="lock", by=run.started_by
        )
    assert not run.rules.exists()


def test_an_active_pairing_is_flagged_on_both_pages_and_not_ended(
    client, programme, coordinator, volunteer, household
):
    pairing = make_pairing(volunteer, household)
    make_check(volunteer, "references", expires_on=days(-2, programme))
    client.force_login(coordinator)
    for name, person in (("volunteer_detail", volunteer), ("household_detail", household)):
        page = client.get(reverse(f"programmes:{name}", args=[programme.pk, person.pk]))
        text = page.content.decode()
        assert 'id="check-expired-flag"' in text
        assert "The pairing carries on" in text
    listing = client.get(reverse("matching:pairings", args=[programme.pk])).content.decode()
    assert "check expired" in listing
    pairing.refresh_from_db()
    assert pairing.state == Pairing.State.ACTIVE


def test_a_valid_check_raises_no_flag(client, programme, coordinator, volunteer):
    make_check(volunteer, "references", expires_on=days(40, programme))
    client.force_login(coordinator)
    url = reverse("programmes:volunteer_detail", args=[programme.pk, volunteer.pk])
    assert 'id="check-expired-flag"' not in client.get(url).content.decode()


def test_the_send_page_counts_only_free_pairs_and_says_why(client, ready_run):
    run, expired, _fine = ready_run
    run.summary = {"pairs": 2}
    run.save(update_fields=["summary"])
    make_check(expired, "training", expires_on=days(-1, run.programme))
    client.force_login(run.started_by)
    page = client.get(reverse("matching:run_send", args=[run.programme_id, run.pk])).content
    text = page.decode()
    assert 'id="free-pairs">1<' in text
    assert "let a check expire" in text


def _queries(client, url):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_flagging_the_pairings_list_costs_the_same_queries_for_more_rows(
    client, programme, coordinator
):
    client.force_login(coordinator)
    url = reverse("matching:pairings", args=[programme.pk])

    def pair_up(n, prefix):
        volunteers, households = make_cohort(programme, n=n, prefix=prefix)
        for v, h in zip(volunteers, households, strict=True):
            make_pairing(v, h)
            make_check(v, "references", expires_on=days(-1, programme))

    pair_up(2, "A")
    few = _queries(client, url)
    pair_up(6, "B")
    assert _queries(client, url) == few

"""Proposal notices written in SQL say exactly what the Python composer says, per language."""

import pytest
from django.utils import translation

from kinfolk.outbox.models import Message
from kinfolk.pairings import notify
from kinfolk.pairings.models import Proposal
from kinfolk.pairings.proposal_notices import proposal_message, proposal_notices_queue
from kinfolk.testing import make_household, make_proposal, make_user, make_volunteer


@pytest.fixture
def proposals(programme):
    """Three proposals: readers in two languages, a household of two adults, a name with
    quotes and a percent sign, and a volunteer with only a phone."""
    arabic = make_user("amal@example.org", first_name="Amal", language="ar")
    pairs = [
        (
            make_volunteer(programme, user=arabic, first_name="Amal"),
            make_household(programme, users=(make_user(), make_user()), first_name="O'Hara 100%"),
        ),
        (
            make_volunteer(programme, user=make_user(), first_name="Ben"),
            make_household(programme, users=(make_user(language="zh-hans"),), first_name="Chen"),
        ),
        (
            make_volunteer(programme, user=None, first_name="Pia"),
            make_household(programme, users=(make_user(),), first_name="Dee"),
        ),
    ]
    return [make_proposal(v, h) for v, h in pairs]


def _as_python_writes_them(proposal):
    rows = []
    for person in (proposal.volunteer, proposal.household):
        rows += notify.messages_for(
            person,
            lambda p=person: proposal_message(p, proposal),
            purpose="proposal",
            key=f"proposal:{proposal.pk}",
            about=("proposal", proposal.pk),
        )
    return rows


def _fields(message):
    return (
        message.channel,
        message.to,
        message.subject,
        message.body,
        message.language,
        message.dedupe_key,
        message.user_id,
        message.person_kind,
        message.person_id,
        message.about_id,
    )


def test_the_database_writes_the_words_python_would(proposals, run_for):
    run = run_for(proposals)
    proposal_notices_queue(run_id=run.pk)
    expected = [row for p in Proposal.objects.filter(run=run) for row in _as_python_writes_them(p)]
    stored = list(Message.objects.all())
    assert sorted(map(_fields, stored)) == sorted(map(_fields, expected))
    assert {m.language for m in stored if m.channel == "email"} == {"ar", "en", "zh-hans"}


def test_each_notice_has_its_own_message_id_and_waits_to_be_sent(proposals, run_for):
    proposal_notices_queue(run_id=run_for(proposals).pk)
    rows = list(Message.objects.values_list("message_id", "state", "attempts"))
    assert len({m for m, _s, _a in rows}) == len(rows) == 7
    assert all(m.startswith("<") and m.endswith(".outbox@127.0.0.1>") for m, _s, _a in rows)
    assert {(s, a) for _m, s, a in rows} == {("queued", 0)}


def test_counting_who_is_told_how(proposals, run_for):
    reach = proposal_notices_queue(run_id=run_for(proposals).pk)
    assert (reach.pairs, reach.by_email, reach.by_sms, reach.unreachable) == (3, 5, 1, 0)


def test_queueing_twice_writes_nothing_twice(proposals, run_for):
    run = run_for(proposals)
    proposal_notices_queue(run_id=run.pk)
    proposal_notices_queue(run_id=run.pk)
    assert Message.objects.count() == 7


def test_the_number_of_queries_does_not_grow_with_the_run(
    programme, run_for, django_assert_max_num_queries
):
    few = [
        make_proposal(
            make_volunteer(programme, user=make_user()),
            make_household(programme, users=(make_user(),)),
        )
        for _ in range(3)
    ]
    with django_assert_max_num_queries(12):
        proposal_notices_queue(run_id=run_for(few).pk)
    many = [
        make_proposal(
            make_volunteer(programme, user=make_user()),
            make_household(programme, users=(make_user(),)),
        )
        for _ in range(30)
    ]
    with django_assert_max_num_queries(12):
        proposal_notices_queue(run_id=run_for(many).pk)


@pytest.fixture
def run_for(programme):
    from kinfolk.pairings.models import MatchingRun

    def attach(proposals):
        run = MatchingRun.objects.create(programme=programme, status="sent")
        Proposal.objects.filter(pk__in=[p.pk for p in proposals]).update(run=run)
        return run

    return attach


def test_a_translated_template_keeps_its_literal_percent_signs():
    from kinfolk.pairings.proposal_notices import _joined

    sql, params = _joined("100%% sure, %(name)s!", {"name": ("x.first_name", [])})
    assert sql == "CAST(%s AS TEXT) || x.first_name || CAST(%s AS TEXT)"
    assert params == ["100% sure, ", "!"]
    assert translation.get_language()

"""Every "we will tell you" a page makes has a message that really goes.

Issue 8, item 7: an applicant's page said "we will e-mail you when the
checks are done", and approval sent nothing.  The sweep below reads every
template and every translatable string for promises of a message; each one
found must be listed in ``PROMISES`` with the test that proves it, so a new
promise fails the build until someone makes it true.  Each test does what
the page describes, through HTTP, and checks that the outbox row exists and
was delivered.
"""

from __future__ import annotations

import ast
import datetime as dt
import re
from pathlib import Path

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

import kinfolk
from kinfolk.outbox.models import Message
from kinfolk.testing import make_cohort, make_pairing, make_visit, otp_force_login, run_started

SOURCE = Path(kinfolk.__file__).resolve().parent
PROMISE = re.compile(
    r"we will (e-mail|tell|send|let you know)|we'll (e-mail|tell|send|let you know)|we send"
    r"|you will hear|tell you when|let you know|we have (told|sent)|receive a link"
    r"|\b(is|are|been|being|was|be) told\b(?! anything)",
    re.IGNORECASE,
)
#: (file, words of the promise) -> the test below that proves the message goes.
PROMISES = {
    ("people/templates/people/home.html", "we will e-mail you when they are done"): (
        "test_approving_an_applicant_emails_them"
    ),
    ("people/templates/people/home.html", "We will e-mail you when there is a proposal"): (
        "test_sending_a_run_tells_both_sides"
    ),
    ("pairings/templates/pairings/coordinator/run_send.html", "both sides are told at once"): (
        "test_sending_a_run_tells_both_sides"
    ),
    ("pairings/views_coordinator.py", "are being told by e-mail"): (
        "test_sending_a_run_tells_both_sides"
    ),
    ("pairings/views_coordinator.py", "is being told by e-mail"): (
        "test_sending_a_run_tells_both_sides"
    ),
    ("programmes/templates/programmes/invitations.html", "They receive a link by e-mail"): (
        "test_an_invitation_is_emailed"
    ),
    ("people/templates/people/adults.html", "They receive a link by e-mail"): (
        "test_a_household_adult_invitation_is_emailed"
    ),
    ("programmes/admin_views.py", "they have been told by e-mail"): (
        "test_an_appointed_coordinator_is_emailed"
    ),
    ("programmes/admin_views.py", "told by e-mail where to read the figures"): (
        "test_an_appointed_viewer_is_emailed"
    ),
    ("pairings/templates/pairings/pairing_end.html", "is told only that the pairing has ended"): (
        "test_ending_a_pairing_tells_the_partner"
    ),
    ("people/templates/people/leave.html", "your partner is told only that the pairing ended"): (
        "test_leaving_tells_the_partner"
    ),
    ("privacy/templates/privacy/account_delete.html", "partner is told only that it ended"): (
        "test_deleting_an_account_tells_the_partner"
    ),
    ("privacy/templates/privacy/paper_erasure.html", "partner is told only that it ended"): (
        "test_recording_an_erasure_tells_the_partner"
    ),
    ("visits/views.py", "we have told the other side"): "test_a_proposed_time_is_told",
    ("visits/services/planning.py", "we will tell you when they are planned again"): (
        "test_resuming_tells_the_partner_visits_are_planned_again"
    ),
    ("people/templates/people/signup_sent.html", "We have sent an e-mail to the address"): (
        "test_signing_up_emails_a_link"
    ),
    ("people/forms.py", "We send a link to this address"): "test_signing_up_emails_a_link",
    ("accounts/templates/accounts/password_reset.html", "We will send a link"): (
        "test_a_password_reset_sends_a_link"
    ),
    ("pairings/views_pairings.py", "are being told, and their visits planned"): (
        "test_an_import_tells_both_sides"
    ),
    ("pairings/templates/pairings/coordinator/pairings.html", "Both are told"): (
        "test_an_import_tells_both_sides"
    ),
    ("programmes/templates/programmes/withdraw.html", "they are told by e-mail"): (
        "test_a_recorded_withdrawal_tells_the_person_and_the_partner"
    ),
    ("programmes/templates/programmes/withdraw.html", "partner is told only that the pairing"): (
        "test_a_recorded_withdrawal_tells_the_person_and_the_partner"
    ),
    ("people/templates/people/adults.html", "and is told by e-mail"): (
        "test_removing_a_households_adult_tells_them"
    ),
    ("people/views.py", "they have been told by e-mail"): (
        "test_removing_a_households_adult_tells_them"
    ),
    ("vetting/templates/vetting/check_validity.html", "are told by e-mail 30 days before"): (
        "test_a_check_about_to_expire_is_told_to_the_volunteer_and_coordinators"
    ),
    ("visits/templates/visits/visit_detail.html", "is told only that this time does not suit"): (
        "test_declining_a_time_tells_the_side_that_proposed_it"
    ),
    ("casework/templates/casework/behalf.html", "they are told by e-mail"): (
        "test_leaving_on_their_behalf_tells_the_person_and_the_partner"
    ),
    ("budget/claims_views.py", "The claimant is told by e-mail"): (
        "test_deciding_a_claim_tells_the_claimant"
    ),
    ("budget/templates/budget/claims/claim_detail.html", "claimant is told by e-mail, with"): (
        "test_deciding_a_claim_tells_the_claimant"
    ),
}


def _translatable_strings(path: Path) -> list[str]:
    calls = {"_", "gettext", "gettext_lazy", "ngettext", "ngettext_lazy", "pgettext"}
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Call) and getattr(node.func, "id", None) in calls:
            found += [a.value for a in node.args if isinstance(a, ast.Constant)]
    return [s for s in found if isinstance(s, str)]


def _promises_made() -> set[tuple[str, str]]:
    """(file, sentence) for every user-facing sentence that promises a message."""
    made = set()
    for path in SOURCE.rglob("*"):
        if "tests" in path.parts or path.suffix not in (".html", ".py"):
            continue
        texts = (
            [path.read_text(encoding="utf-8")]
            if path.suffix == ".html"
            else _translatable_strings(path)
        )
        for text in texts:
            for sentence in re.split(r"(?<=[.;:!?])\s+", text):
                if PROMISE.search(sentence):
                    made.add((str(path.relative_to(SOURCE)), " ".join(sentence.split())))
    return made


def test_every_promise_of_a_message_has_a_test_that_it_goes():
    made = _promises_made()
    unlisted = {
        (where, sentence)
        for where, sentence in made
        if not any(where == f and words in sentence for f, words in PROMISES)
    }
    assert unlisted == set(), "prove each message goes, then list it in PROMISES"
    stale = {
        key
        for key in PROMISES
        if not any(where == key[0] and key[1] in sentence for where, sentence in made)
    }
    assert stale == set(), "these promises are no longer made; remove them from PROMISES"
    assert set(PROMISES.values()) <= set(globals())


def _delivered(purpose: str, to: str) -> Message:
    """The outbox row of this purpose to this address, delivered, and the e-mail received."""
    row = Message.objects.get(purpose=purpose, to=to)
    assert row.state == "sent", (row.state, row.last_error)
    assert any(
        m.to == [to] and m.extra_headers["Message-ID"] == row.message_id for m in mail.outbox
    )
    return row


def test_approving_an_applicant_emails_them(
    client, programme, coordinator, applicant, django_capture_on_commit_callbacks
):
    home = reverse("people:volunteer_home", args=[applicant.pk])
    client.force_login(applicant.user)
    assert "we will e-mail you when they are done" in client.get(home).content.decode()
    client.force_login(coordinator)
    url = reverse("programmes:volunteer_approve", args=[programme.pk, applicant.pk])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"references": "2026-01-15", "training": "2026-01-15"})
    row = _delivered("volunteer_approved", "abel@example.org")
    assert "checks" in row.subject and home in row.body


def test_a_failed_approval_emails_nobody(
    client, programme, coordinator, applicant, django_capture_on_commit_callbacks
):
    client.force_login(coordinator)
    url = reverse("programmes:volunteer_approve", args=[programme.pk, applicant.pk])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"references": "2026-01-15"})  # training missing: refused
    assert not Message.objects.exists() and mail.outbox == []


def test_sending_a_run_tells_both_sides(
    client, programme, coordinator, django_capture_on_commit_callbacks
):
    (volunteer, *_), (household, *_) = make_cohort(programme, n=2)
    run = run_started(programme, coordinator, django_capture_on_commit_callbacks)
    client.force_login(coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("matching:run_send", args=[programme.pk, run.pk]))
    _delivered("proposal", volunteer.user.email)
    _delivered("proposal", household.members.get().user.email)
    assert Message.objects.filter(purpose="proposal", state="sent").count() == 4


def test_an_invitation_is_emailed(
    client, programme, coordinator, django_capture_on_commit_callbacks
):
    client.force_login(coordinator)
    data = {"role": "volunteer", "first_name": "Ivy", "email": "ivy@example.org"}
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("programmes:invitations", args=[programme.pk]), data)
    _delivered("invitation", "ivy@example.org")


def test_a_household_adult_invitation_is_emailed(
    client, household, household_user, django_capture_on_commit_callbacks
):
    client.force_login(household_user)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("people:household_adults", args=[household.pk]),
            {"first_name": "Kofi", "email": "kofi@example.org"},
        )
    _delivered("invitation", "kofi@example.org")


def test_an_appointed_coordinator_is_emailed(
    client, site_admin, programme, django_capture_on_commit_callbacks
):
    otp_force_login(client, site_admin)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("programmes_admin:appoint", args=[programme.pk]),
            {"email": "nia@example.org", "first_name": "Nia"},
        )
    _delivered("coordinator_appointed", "nia@example.org")


def test_an_appointed_viewer_is_emailed(
    client, site_admin, programme, django_capture_on_commit_callbacks
):
    otp_force_login(client, site_admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("programmes_admin:appoint", args=[programme.pk]),
            {"role": "viewer", "email": "tess@example.org", "first_name": "Tess"},
            follow=True,
        )
    assert "told by e-mail where to read the figures" in response.content.decode()
    row = _delivered("viewer_appointed", "tess@example.org")
    assert reverse("staff:figures", args=[programme.pk]) in row.body


def test_ending_a_pairing_tells_the_partner(
    client, volunteer, household, household_user, django_capture_on_commit_callbacks
):
    pairing = make_pairing(volunteer, household)
    client.force_login(household_user)
    url = reverse("pairings:pairing_end", args=["household", household.pk, pairing.pk])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url)
    assert _delivered("pairing_ended", "vera@example.org").subject == "Your pairing has ended"


def test_leaving_tells_the_partner(
    client, volunteer, household, volunteer_user, django_capture_on_commit_callbacks
):
    make_pairing(volunteer, household)
    client.force_login(volunteer_user)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("people:volunteer_leave", args=[volunteer.pk]))
    _delivered("pairing_ended", "hana@example.org")


def test_deleting_an_account_tells_the_partner(
    client, volunteer, household, household_user, django_capture_on_commit_callbacks
):
    make_pairing(volunteer, household)
    client.force_login(household_user)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("privacy:account_delete"), {"understood": "on"})
    _delivered("pairing_ended", "vera@example.org")


def test_recording_an_erasure_tells_the_partner(
    client, volunteer, household, coordinator, django_capture_on_commit_callbacks
):
    make_pairing(volunteer, household)
    client.force_login(coordinator)
    args = [household.programme_id, household.pk]
    url = reverse("privacy_coordinator:household_erase", args=args)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"asked": "on"})
    _delivered("pairing_ended", "vera@example.org")


def test_a_proposed_time_is_told(
    client, volunteer, household, volunteer_user, django_capture_on_commit_callbacks
):
    visit = make_visit(make_pairing(volunteer, household, started_on=timezone.localdate()))
    day = max(visit.window_start, timezone.localdate() + dt.timedelta(days=1))
    client.force_login(volunteer_user)
    url = reverse("visits:time_propose", args=["volunteer", volunteer.pk, visit.pk])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"day": day.isoformat(), "time": "18:00"})
    assert "Vera proposes" in _delivered("visit_reminder", "hana@example.org").body


def test_resuming_tells_the_partner_visits_are_planned_again(
    client, volunteer, household, volunteer_user, django_capture_on_commit_callbacks
):
    make_pairing(volunteer, household, started_on=timezone.localdate())
    client.force_login(volunteer_user)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("people:volunteer_pause", args=[volunteer.pk]))
    paused = _delivered("visits_paused", "hana@example.org")
    assert "we will tell you when they are planned again" in paused.body
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("people:volunteer_resume", args=[volunteer.pk]))
    assert _delivered("visits_resumed", "hana@example.org").subject == (
        "Your visits are planned again"
    )


def test_signing_up_emails_a_link(client, programme, volunteer, django_capture_on_commit_callbacks):
    url = reverse("people:signup", args=[programme.signup_token])
    for email in ("nia@example.org", "vera@example.org"):  # new, and already registered
        data = {"role": "volunteer", "first_name": "Nia", "email": email, "consent": "on"}
        with django_capture_on_commit_callbacks(execute=True):
            page = client.post(url, data, follow=True).content.decode()
        assert "We have sent an e-mail to the address you gave" in page
    assert "/join/verify/" in _delivered("signup_link", "nia@example.org").body
    assert "already have an account" in _delivered("signup_existing", "vera@example.org").body


def test_a_password_reset_sends_a_link(
    client, volunteer, volunteer_user, django_capture_on_commit_callbacks
):
    volunteer_user.set_password("a long pass phrase")
    volunteer_user.save(update_fields=["password"])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("accounts:password_reset"), {"email": "vera@example.org"})
    assert "/accounts/password/" in _delivered("password_link", "vera@example.org").body


def test_an_import_tells_both_sides(
    client, programme, coordinator, volunteer, household, django_capture_on_commit_callbacks
):
    client.force_login(coordinator)
    rows = f"volunteer_id,household_id,since,agreed_on\n{volunteer.external_id},"
    rows += f"{household.external_id},2026-06-01,2026-05-20\n"
    upload = SimpleUploadedFile("pairs.csv", rows.encode(), content_type="text/csv")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("matching:pairings", args=[programme.pk]), {"file": upload})
    assert "Hana" in _delivered("pairing_recorded", "vera@example.org").body
    assert "Vera" in _delivered("pairing_recorded", "hana@example.org").body


def test_a_recorded_withdrawal_tells_the_person_and_the_partner(
    client, programme, coordinator, volunteer, household, django_capture_on_commit_callbacks
):
    make_pairing(volunteer, household)
    client.force_login(coordinator)
    url = reverse("programmes:volunteer_withdraw", args=[programme.pk, volunteer.pk])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url)
    assert _delivered("withdrawal_recorded", "vera@example.org").subject == (
        "Your consent is withdrawn"
    )
    _delivered("pairing_ended", "hana@example.org")


def test_removing_a_households_adult_tells_them(
    client, household, household_user, django_capture_on_commit_callbacks
):
    from kinfolk.testing import make_user

    kofi = make_user("kofi@example.org", first_name="Kofi")
    household.members.create(user=kofi)
    client.force_login(household_user)
    url = reverse("people:household_adult_remove", args=[household.pk, kofi.pk])
    with django_capture_on_commit_callbacks(execute=True):
        page = client.post(url, follow=True).content.decode()
    assert "been told by e-mail" in page
    assert "removed you" in _delivered("household_adult_removed", "kofi@example.org").body


def test_a_check_about_to_expire_is_told_to_the_volunteer_and_coordinators(
    programme, coordinator, volunteer, django_capture_on_commit_callbacks
):
    from kinfolk.ticks.services import tick_run
    from kinfolk.vetting.tests.helpers import days, make_check

    make_check(volunteer, "references", expires_on=days(30, programme))
    with django_capture_on_commit_callbacks(execute=True):
        tick_run()
    _delivered("check_expiry", "vera@example.org")
    _delivered("check_expiry_coordinator", "cora@example.org")


def test_declining_a_time_tells_the_side_that_proposed_it(
    client, volunteer, household, household_user, django_capture_on_commit_callbacks
):
    from kinfolk.testing import make_time

    visit = make_visit(make_pairing(volunteer, household))
    time = make_time(visit, by="volunteer")
    client.force_login(household_user)
    page = client.get(reverse("visits:visit_detail", args=["household", household.pk, visit.pk]))
    assert "is told only that this time does not suit" in page.content.decode()
    url = reverse("visits:time_decline", args=["household", household.pk, visit.pk, time.pk])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url)
    assert "cannot make" in _delivered("time_declined", "vera@example.org").body


def test_leaving_on_their_behalf_tells_the_person_and_the_partner(
    client, programme, coordinator, volunteer, household, django_capture_on_commit_callbacks
):
    make_pairing(volunteer, household)
    client.force_login(coordinator)
    url = reverse("casework:volunteer_behalf", args=[programme.pk, volunteer.pk])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"action": "leave", "asked_by": "letter"})
    assert _delivered("withdrawal_recorded", "vera@example.org").subject == (
        "Your consent is withdrawn"
    )
    _delivered("pairing_ended", "hana@example.org")


@pytest.mark.parametrize("sentence", ["Nobody is told anything until you send them."])
def test_a_promise_that_nobody_is_told_is_not_a_promise_of_a_message(sentence):
    assert not PROMISE.search(sentence)


def test_deciding_a_claim_tells_the_claimant(
    client, programme, coordinator, volunteer, household, django_capture_on_commit_callbacks
):
    from kinfolk.budget.tests.claim_helpers import met, submitted

    claim = submitted(volunteer, met(volunteer, household))
    client.force_login(coordinator)
    url = reverse("budget:claim_detail", args=[programme.pk, claim.pk])
    assert "claimant is told by e-mail" in client.get(url).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"decision": "reject", "note": "Receipt unreadable; send it again."})
    row = _delivered("claim_decided", "vera@example.org")
    assert "not approved" in row.subject and "Receipt unreadable" in row.body

"""Participants' visit pages under /me/<side>/<id>/visits/, coordinators' under /p/<id>/visits/.

Every object comes through a selector scoped to the viewer (404 otherwise);
every write goes through one service; forms post and then redirect.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kinfolk.accounts.tokens import shown_once_pop, shown_once_set
from kinfolk.people.models import Household, Volunteer
from kinfolk.people.selectors import own_person_get
from kinfolk.programmes.selectors import programme_get
from kinfolk.regions.selectors import visit_region_breakdown
from kinfolk.visits import calendars, selectors
from kinfolk.visits.forms import ChannelsForm, FeedbackForm, OutcomeForm, TimeForm
from kinfolk.visits.models import Visit
from kinfolk.visits.services import VisitError, feeds, outcomes, reminders, times
from kinfolk.visits.services._common import today_in

#: Rows per page of the coordinator's lists.
PAGE_SIZE = 50

Person = Volunteer | Household


def _to_visit(kind: str, person: Person, visit: Visit) -> HttpResponse:
    return redirect("visits:visit_detail", kind, person.pk, visit.pk)


def _attempt(request: HttpRequest, write: Callable[[], Any], done: str) -> None:
    try:
        write()
    except VisitError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, done)


def _form_errors(request: HttpRequest, form: Any) -> None:
    for errors in form.errors.values():
        for error in errors:
            messages.error(request, error)


@login_required
def visit_list(request: HttpRequest, kind: str, person_id: int) -> HttpResponse:
    person = own_person_get(viewer=request.user, side=kind, person_id=person_id)
    today = today_in(person.programme)
    preference = selectors.reminder_preference_get(user=request.user)
    context = {
        "person": person,
        "kind": kind,
        "today": today,
        "visits": selectors.visit_list(person=person, today=today),
        "feed": selectors.feed_for(user=request.user, person=person),
        "new_feed_url": shown_once_pop(request, f"calendar_feed:{kind}:{person.pk}"),
        "channels": ChannelsForm(initial={"email": preference.email, "sms": preference.sms}),
    }
    return render(request, "visits/visit_list.html", context)


def _may_come_back(visit: Visit, today: Any) -> bool:
    """A visit the pause cancelled comes back if both resume before it (see planning)."""
    pairing = visit.pairing
    if visit.cancelled_because != Visit.CancelledBecause.PAUSED or pairing.state != "active":
        return False
    if visit.agreed_at is not None:
        return visit.agreed_at > timezone.now()
    return visit.window_start > today


def _local_day(moment: Any, person: Person) -> Any:
    return timezone.localtime(moment, person.programme.zone).date() if moment else None


def _outcome_words(value: str) -> str:
    return str(Visit.Outcome(value).label) if value else ""


@login_required
def visit_detail(request: HttpRequest, kind: str, person_id: int, visit_id: int) -> HttpResponse:
    person = own_person_get(viewer=request.user, side=kind, person_id=person_id)
    visit = selectors.own_visit_get(person=person, visit_id=visit_id)
    today = today_in(person.programme)
    other = "household" if kind == "volunteer" else "volunteer"
    context = {
        "person": person,
        "kind": kind,
        "other": other,
        "visit": visit,
        "partner": getattr(visit.pairing, other),
        "cancelled_on": _local_day(visit.cancelled_at, person),
        "may_come_back": _may_come_back(visit, today),
        "times": selectors.time_list(visit=visit),
        "open_time": selectors.open_time_get(visit=visit),
        "overdue": selectors.is_overdue(visit, today),
        "settleable": visit.state in ("planned", "agreed") and visit.window_end >= today,
        "recordable": visit.state != "cancelled"
        and visit.window_start <= today
        and (visit.agreed_at is None or visit.agreed_at <= timezone.now()),
        "time_form": TimeForm(time_zone=person.programme.time_zone),
        "outcome_form": OutcomeForm(),
        "feedback_form": FeedbackForm(
            initial={
                "rating": getattr(visit, f"{kind}_rating"),
                "words": getattr(visit, f"{kind}_words"),
            }
        ),
        "mine": {
            "outcome": _outcome_words(visit.outcome_of(kind)),
            "rating": getattr(visit, f"{kind}_rating"),
            "words": getattr(visit, f"{kind}_words"),
        },
        "theirs": {
            "outcome": _outcome_words(visit.outcome_of(other)),
            "rating": getattr(visit, f"{other}_rating"),
            "words": getattr(visit, f"{other}_words"),
        },
    }
    return render(request, "visits/visit_detail.html", context)


@require_POST
@login_required
def time_propose(request: HttpRequest, kind: str, person_id: int, visit_id: int) -> HttpResponse:
    person = own_person_get(viewer=request.user, side=kind, person_id=person_id)
    visit = selectors.own_visit_get(person=person, visit_id=visit_id)
    form = TimeForm(request.POST, time_zone=person.programme.time_zone)
    if not form.is_valid():
        _form_errors(request, form)
        return _to_visit(kind, person, visit)
    _attempt(
        request,
        lambda: times.time_propose(
            visit_id=visit.pk,
            person=person,
            starts_at=form.starts_at(),
            place_note=form.cleaned_data["place_note"],
        ),
        _("Your time is proposed; we have told the other side."),
    )
    return _to_visit(kind, person, visit)


def _time_answer(
    request: HttpRequest, kind: str, person_id: int, visit_id: int, time_id: int, *, accept: bool
) -> HttpResponse:
    person = own_person_get(viewer=request.user, side=kind, person_id=person_id)
    visit = selectors.own_visit_get(person=person, visit_id=visit_id)
    time = selectors.own_time_get(visit=visit, time_id=time_id)
    answer = times.time_accept if accept else times.time_decline
    done = (
        _("The time is agreed.")
        if accept
        else _("You said no to this time. You can propose another one if you like.")
    )
    _attempt(request, lambda: answer(visit_id=visit.pk, time_id=time.pk, person=person), done)
    return _to_visit(kind, person, visit)


@require_POST
@login_required
def time_accept(
    request: HttpRequest, kind: str, person_id: int, visit_id: int, time_id: int
) -> HttpResponse:
    return _time_answer(request, kind, person_id, visit_id, time_id, accept=True)


@require_POST
@login_required
def time_decline(
    request: HttpRequest, kind: str, person_id: int, visit_id: int, time_id: int
) -> HttpResponse:
    return _time_answer(request, kind, person_id, visit_id, time_id, accept=False)


@require_POST
@login_required
def outcome_record(request: HttpRequest, kind: str, person_id: int, visit_id: int) -> HttpResponse:
    person = own_person_get(viewer=request.user, side=kind, person_id=person_id)
    visit = selectors.own_visit_get(person=person, visit_id=visit_id)
    form = OutcomeForm(request.POST)
    if not form.is_valid():
        _form_errors(request, form)
        return _to_visit(kind, person, visit)
    _attempt(
        request,
        lambda: outcomes.outcome_record(
            visit_id=visit.pk, person=person, happened=form.cleaned_data["happened"]
        ),
        _("Thank you: your answer is recorded."),
    )
    return _to_visit(kind, person, visit)


@require_POST
@login_required
def feedback_leave(request: HttpRequest, kind: str, person_id: int, visit_id: int) -> HttpResponse:
    person = own_person_get(viewer=request.user, side=kind, person_id=person_id)
    visit = selectors.own_visit_get(person=person, visit_id=visit_id)
    form = FeedbackForm(request.POST)
    if not form.is_valid():
        _form_errors(request, form)
        return _to_visit(kind, person, visit)
    _attempt(
        request,
        lambda: outcomes.feedback_leave(
            visit_id=visit.pk,
            person=person,
            rating=form.cleaned_data["rating"],
            words=form.cleaned_data["words"],
        ),
        _("Thank you: your feedback is saved, and the other side can read it."),
    )
    return _to_visit(kind, person, visit)


@login_required
def visit_ics(request: HttpRequest, kind: str, person_id: int, visit_id: int) -> HttpResponse:
    person = own_person_get(viewer=request.user, side=kind, person_id=person_id)
    visit = selectors.own_visit_get(person=person, visit_id=visit_id)
    if visit.state != Visit.State.AGREED:
        raise Http404
    body = calendars.calendar_bytes([visit], kind, name=_("Kinfolk visit"))
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="visit-{visit.pk}.ics"'
    return response


@require_POST
@login_required
def calendar_feed(request: HttpRequest, kind: str, person_id: int) -> HttpResponse:
    person = own_person_get(viewer=request.user, side=kind, person_id=person_id)
    if request.POST.get("action") == "revoke":
        feeds.calendar_feed_revoke(user=request.user, person=person)
        messages.success(request, _("The calendar address is revoked; it no longer works."))
    else:
        feed = feeds.calendar_feed_create(user=request.user, person=person)
        # The address is shown on the next page only; the database keeps its hash.
        address = request.build_absolute_uri(reverse("visits:feed", args=[feed.token]))
        shown_once_set(request, f"calendar_feed:{kind}:{person.pk}", address)
        messages.success(request, _("Here is your private calendar address."))
    return redirect("visits:visit_list", kind, person.pk)


@require_POST
@login_required
def reminder_channels(request: HttpRequest, kind: str, person_id: int) -> HttpResponse:
    person = own_person_get(viewer=request.user, side=kind, person_id=person_id)
    form = ChannelsForm(request.POST)
    form.is_valid()
    reminders.reminder_preference_set(
        user=request.user, email=form.cleaned_data["email"], sms=form.cleaned_data["sms"]
    )
    messages.success(request, _("Your reminder choices are saved."))
    return redirect("visits:visit_list", kind, person.pk)


def feed(request: HttpRequest, token: str) -> HttpResponse:
    # No sign-in: calendar apps fetch this address on their own; the token is the key.
    side, visits = selectors.feed_visits_get(token=token, today=timezone.localdate())
    body = calendars.calendar_bytes(visits, side, name=_("Kinfolk visits"))
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Cache-Control"] = "private, max-age=3600"
    return response


# --- coordinators --------------------------------------------------------------------------


@login_required
def programme_dashboard(request: HttpRequest, programme_id: int) -> HttpResponse:
    programme = programme_get(viewer=request.user, programme_id=programme_id)
    today = today_in(programme)
    met, total = selectors.met_last_window(programme=programme, today=today)
    context = {
        "programme": programme,
        "months": selectors.month_counts(programme=programme, today=today),
        "met": met,
        "met_total": total,
        "met_percent": round(100 * met / total) if total else None,
        "regions_visits": visit_region_breakdown(programme=programme, today=today),
    }
    return render(request, "visits/programme_dashboard.html", context)


@login_required
def programme_check_in(request: HttpRequest, programme_id: int) -> HttpResponse:
    programme = programme_get(viewer=request.user, programme_id=programme_id)
    today = today_in(programme)
    ids = selectors.check_in_pairing_ids(programme=programme, today=today)
    pairs = Paginator(ids, PAGE_SIZE).get_page(request.GET.get("page"))
    overdue = selectors.overdue_list(programme=programme, today=today)
    context = {
        "programme": programme,
        "check_in_page": pairs,
        "check_in": selectors.check_in_entries(
            programme=programme, today=today, pairing_ids=list(pairs)
        ),
        "overdue": Paginator(overdue, PAGE_SIZE).get_page(request.GET.get("overdue_page")),
    }
    return render(request, "visits/programme_check_in.html", context)

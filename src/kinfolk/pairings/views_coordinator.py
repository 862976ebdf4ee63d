"""Coordinators' matching pages: start a run, watch it, review it, send it.

Every view fetches the programme through ``programme_get`` (404 unless the
viewer coordinates it) and the run through ``run_get`` scoped to that
programme, so another programme's run id under this URL is a 404 too.  Then
at most one review service, a message, and a redirect (post/redirect/get).
"""

from __future__ import annotations

import math
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_POST

from kinfolk.engine.candidates import REASONS as ENGINE_REASONS
from kinfolk.pairings import review
from kinfolk.pairings.explain import alternative_ids, language_names, pair_words, slot_names
from kinfolk.pairings.forms import ManualPairForm, PairSearchForm, RuleForm, RunStartForm
from kinfolk.pairings.models import MatchingRun, RunPair, RunRule, RunUnpaired
from kinfolk.pairings.notices import run_notice_counts, run_unreached_list
from kinfolk.pairings.selectors import (
    alternative_people,
    run_exclusion_list,
    run_get,
    run_list,
    run_pair_list,
    run_rule_list,
    run_unpaired_list,
)
from kinfolk.pairings.services import PairingError
from kinfolk.people.selectors import town_counts
from kinfolk.programmes.models import Programme
from kinfolk.programmes.selectors import programme_get
from kinfolk.web.bidi import isolated

PAGE_SIZE = 50
TOWNS_OFFERED = 500
_LIVE = (MatchingRun.Status.QUEUED, MatchingRun.Status.RUNNING)

STAGES = {
    "queued": gettext_lazy("waiting for a worker"),
    "loading": gettext_lazy("loading people"),
    "candidates": gettext_lazy("finding candidates nearby"),
    "costs": gettext_lazy("weighing each candidate pair"),
    "assign": gettext_lazy("choosing the pairs"),
    "assigning": gettext_lazy("choosing the pairs"),
    "explain": gettext_lazy("explaining the pairs"),
    "saving": gettext_lazy("saving the proposed pairs"),
}
REASONS = {
    "no candidate within distance": gettext_lazy("nobody within travelling distance"),
    "no shared language": gettext_lazy("nobody nearby shares a language"),
    "no common slot": gettext_lazy("no common time in the week"),
    "no condition met": gettext_lazy("the yes/no conditions rule out everyone nearby"),
    "lost to a better pair": gettext_lazy("everyone suitable went to a better pair"),
    "excluded": gettext_lazy("only pairs declined, ended or forbidden before"),
    "locked": gettext_lazy("held by a kept pair"),
}


# --- the runs list and the start form ---------------------------------------


@login_required
def runs(request: HttpRequest, programme_id: int) -> HttpResponse:
    programme = programme_get(viewer=request.user, programme_id=programme_id)
    # A run whose worker died shows as failed at once, not at the next tick.
    review.runs_stale_fail(programme=programme)
    towns = [row["town"] for row in town_counts(programme=programme, limit=TOWNS_OFFERED)]
    form = RunStartForm(request.POST or None, programme=programme, towns=sorted(towns))
    if request.method == "POST" and form.is_valid():
        try:
            run = review.run_start(programme=programme, by=request.user, **form.arguments())
        except PairingError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("The matching run has started."))
            return redirect("matching:run_detail", programme.pk, run.pk)
    page = Paginator(run_list(programme=programme), PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"programme": programme, "form": form, "page": page}
    return render(request, "pairings/coordinator/runs.html", context)


# --- one run: progress, summary, pairs --------------------------------------


@login_required
def run_detail(request: HttpRequest, programme_id: int, run_id: int) -> HttpResponse:
    programme = programme_get(viewer=request.user, programme_id=programme_id)
    review.runs_stale_fail(programme=programme)
    run = run_get(programme=programme, run_id=run_id)
    return _run_page(request, programme, run, ManualPairForm(programme=programme))


@login_required
def run_progress(request: HttpRequest, programme_id: int, run_id: int) -> HttpResponse:
    programme = programme_get(viewer=request.user, programme_id=programme_id)
    review.runs_stale_fail(programme=programme)
    run = run_get(programme=programme, run_id=run_id)
    context = {"programme": programme, "run": run, "stage": _stage(run), "live": _is_live(run)}
    response = render(request, "pairings/coordinator/_progress.html", context)
    if not context["live"]:
        response["HX-Refresh"] = "true"  # the whole page changes once the run is done
    return response


def _run_page(
    request: HttpRequest, programme: Programme, run: MatchingRun, manual: ManualPairForm
) -> HttpResponse:
    search = PairSearchForm(request.GET)
    context: dict[str, Any] = {
        "programme": programme,
        "run": run,
        "live": _is_live(run),
        "stage": _stage(run),
        "search": search,
        "manual": manual,
    }
    if run.status in (MatchingRun.Status.READY, MatchingRun.Status.SENT):
        context.update(_review_context(request, run, search.query()))
    if run.status == MatchingRun.Status.READY:
        context["superseded"] = review.run_superseded_reason(run=run)
    if run.status == MatchingRun.Status.SENT:
        context.update(_told_context(run))
    return render(request, "pairings/coordinator/run_detail.html", context)


def _told_context(run: MatchingRun) -> dict[str, Any]:
    counts = run_notice_counts(run=run)
    unreached = sum(
        run_unreached_list(run=run, side=side).count() for side in ("volunteer", "household")
    )
    return {"notices": counts, "unreached": unreached}


def _review_context(request: HttpRequest, run: MatchingRun, query: str) -> dict[str, Any]:
    summary = run.summary or {}
    decisions = _decisions(run)
    rules = {(d["volunteer"].pk, d["household"].pk): d["kind"] for d in decisions}
    pairs = Paginator(run_pair_list(run=run, query=query), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    # Only a reason the engine gives can filter; anything else shows everyone.
    reason = request.GET.get("reason", "")
    reason = reason if reason in ENGINE_REASONS else ""
    unpaired = Paginator(run_unpaired_list(run=run, reason=reason), PAGE_SIZE).get_page(
        request.GET.get("unpaired_page")
    )
    return {
        "summary": summary,
        "exchange_percent": round(100 * summary.get("exchange_share", 0)),
        "reasons": _reason_rows(summary.get("reasons", {})),
        "reason": reason,
        "histogram": _histogram_rows(summary.get("distance_histogram", [])),
        "pairs": pairs,
        "rows": _pair_rows(run, pairs, rules),
        "rules": decisions,
        "unpaired": unpaired,
        "unpaired_rows": [_unpaired_row(u) for u in unpaired],
        "n_sent": run.proposals.count() if run.status == MatchingRun.Status.SENT else 0,
    }


# Reads scoped to one run; the run itself came through ``run_get``.
def _decisions(run: MatchingRun) -> list[dict[str, Any]]:
    """The pairs kept for the next run, then the run's pairs the programme forbids."""
    keeps = [_decision(r, r.kind, r.get_kind_display()) for r in run_rule_list(run=run)]
    forbids = [
        _decision(e, "forbid", _("never this pair"), exclusion=e)
        for e in run_exclusion_list(run=run)
    ]
    return keeps + forbids


def _decision(pair: Any, kind: str, label: str, exclusion: Any = None) -> dict[str, Any]:
    return {
        "kind": kind,
        "label": label,
        "volunteer": pair.volunteer,
        "household": pair.household,
        "exclusion": exclusion,
    }


def _is_live(run: MatchingRun) -> bool:
    return run.status in _LIVE


def _stage(run: MatchingRun) -> str:
    return str(STAGES.get(run.stage, run.stage))


def _reason_rows(reasons: dict[str, int]) -> list[dict[str, Any]]:
    rows = [{"code": c, "label": REASONS.get(c, c), "n": n} for c, n in reasons.items()]
    return sorted(rows, key=lambda r: -r["n"])


def _histogram_rows(histogram: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Bars as widths in 5 % steps: the CSP forbids inline styles, so widths are classes."""
    top = max((int(b.get("count", 0)) for b in histogram), default=0)
    return [
        {
            "label": b.get("label", ""),
            "count": int(b.get("count", 0)),
            "width": 5 * math.ceil(20 * int(b.get("count", 0)) / top) if top else 0,
        }
        for b in histogram
    ]


def _pair_rows(run: MatchingRun, pairs: Any, rules: dict[tuple[int, int], str]) -> list[Any]:
    """The page's pairs in words; the alternatives they name are fetched in one go."""
    ids = alternative_ids([p.explanation for p in pairs])
    found = alternative_people(programme=run.programme, ids=ids)
    if getattr(run, "organisation_limit", None) is not None or getattr(run, "region_limit", None):
        found = {}  # next-best alternatives may be people outside the coordinator's limit
    today = run.programme.today()
    return [_pair_row(p, rules, found, today) for p in pairs]


def _pair_row(
    pair: RunPair, rules: dict[tuple[int, int], str], found: dict[Any, Any], today: Any
) -> dict[str, Any]:
    why = pair.explanation or {}
    words = pair_words(
        volunteer=pair.volunteer,
        household=pair.household,
        distance_km=pair.distance_km,
        explanation=why,
        today=today,
        alternatives=found,
    )
    return {
        "pair": pair,
        "rule": rules.get((pair.volunteer_id, pair.household_id), ""),
        "shared": language_names(why.get("shared_languages", [])),
        "exchange": language_names(why.get("exchange_languages", [])),
        "slots": slot_names(why.get("common_slots", [])),
        "words": words,
    }


def _unpaired_row(unpaired: RunUnpaired) -> dict[str, Any]:
    person = unpaired.volunteer or unpaired.household
    return {
        "person": person,
        "kind": "volunteer" if unpaired.volunteer_id else "household",
        "reason": REASONS.get(unpaired.reason, unpaired.reason),
    }


# --- review actions (POST, then back to the run page) ---------------------------


@require_POST
@login_required
def run_rule(request: HttpRequest, programme_id: int, run_id: int) -> HttpResponse:
    programme = programme_get(viewer=request.user, programme_id=programme_id)
    run = run_get(programme=programme, run_id=run_id)
    form = RuleForm(request.POST, run=run)
    if not form.is_valid():
        problem = (
            _("The note is too long: 200 characters at most.")
            if "note" in form.errors
            else _("That pair is not part of this run.")
        )
        messages.error(request, problem)
        return redirect("matching:run_detail", programme.pk, run.pk)
    pair, kind = form.cleaned_data["pair"], form.cleaned_data["kind"]
    try:
        review.run_rule_set(
            run=run,
            volunteer=pair.volunteer,
            household=pair.household,
            kind=kind,
            by=request.user,
            note=form.cleaned_data["note"],
        )
    except PairingError as error:
        messages.error(request, error.message)
    else:
        names = {"v": pair.volunteer.first_name, "h": pair.household.first_name}
        text = (
            _("%(v)s and %(h)s will be kept together when you re-run.")
            if kind == RunRule.Kind.LOCK
            else _(
                "%(v)s and %(h)s will never be proposed to each other, by this run or any "
                "other, until a coordinator lifts it on their page. Sending skips them; "
                "re-run to find each another partner."
            )
        )
        messages.success(request, text % names)
    return redirect("matching:run_detail", programme.pk, run.pk)


@require_POST
@login_required
def run_manual(request: HttpRequest, programme_id: int, run_id: int) -> HttpResponse:
    programme = programme_get(viewer=request.user, programme_id=programme_id)
    run = run_get(programme=programme, run_id=run_id)
    form = ManualPairForm(request.POST, programme=programme)
    if form.is_valid():
        volunteer, household = form.cleaned_data["volunteer_id"], form.cleaned_data["household_id"]
        try:
            review.run_rule_set(
                run=run, volunteer=volunteer, household=household, kind="lock", by=request.user
            )
        except PairingError as error:
            if run.status != MatchingRun.Status.READY:
                messages.error(request, error.message)  # the form is not on the page now
                return redirect("matching:run_detail", programme.pk, run.pk)
            # The service says why (language or condition); it concerns the pair as a whole,
            # so it stands beside the second person chosen.
            form.add_error("household_id", error.message)
        else:
            messages.success(
                request,
                isolated(
                    _(
                        "%(v)s and %(h)s are paired by hand. Re-run to see what this pair costs "
                        "against the optimum."
                    ),
                    v=volunteer.first_name,
                    h=household.first_name,
                ),
            )
            return redirect("matching:run_detail", programme.pk, run.pk)
    return _run_page(request, programme, run, form)


@require_POST
@login_required
def run_rerun(request: HttpRequest, programme_id: int, run_id: int) -> HttpResponse:
    programme = programme_get(viewer=request.user, programme_id=programme_id)
    run = run_get(programme=programme, run_id=run_id)
    if run.status != MatchingRun.Status.READY:
        messages.error(request, _("Only a run waiting for review can be re-run."))
        return redirect("matching:run_detail", programme.pk, run.pk)
    try:
        new = review.run_rerun(run=run, by=request.user)
    except PairingError as error:
        messages.error(request, error.message)
        return redirect("matching:run_detail", programme.pk, run.pk)
    messages.success(request, _("A new run has started with your review decisions."))
    return redirect("matching:run_detail", programme.pk, new.pk)


@require_POST
@login_required
def run_discard(request: HttpRequest, programme_id: int, run_id: int) -> HttpResponse:
    programme = programme_get(viewer=request.user, programme_id=programme_id)
    run = run_get(programme=programme, run_id=run_id)
    try:
        review.run_discard(run=run)
    except PairingError as error:
        messages.error(request, error.message)
        return redirect("matching:run_detail", programme.pk, run.pk)
    messages.success(request, _("The run is discarded; nobody was told anything."))
    return redirect("matching:runs", programme.pk)


@login_required
def run_send(request: HttpRequest, programme_id: int, run_id: int) -> HttpResponse:
    """GET shows what sending would do (counts, or why it cannot); POST sends."""
    programme = programme_get(viewer=request.user, programme_id=programme_id)
    run = run_get(programme=programme, run_id=run_id)
    if request.method == "POST":
        try:
            reach = review.proposals_send(run=run)
        except PairingError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _told_words(reach))
        return redirect("matching:run_detail", programme.pk, run.pk)
    if run.status != MatchingRun.Status.READY:
        messages.error(request, _("Only a run waiting for review can be sent."))
        return redirect("matching:run_detail", programme.pk, run.pk)
    context = {
        "programme": programme,
        "run": run,
        "reach": review.run_reach(run=run),
        "superseded": review.run_superseded_reason(run=run),
    }
    return render(request, "pairings/coordinator/run_send.html", context)


@login_required
def run_unreached(request: HttpRequest, programme_id: int, run_id: int) -> HttpResponse:
    """The people of a sent run no notice reached, to contact by phone or letter."""
    programme = programme_get(viewer=request.user, programme_id=programme_id)
    run = run_get(programme=programme, run_id=run_id)
    sides = [
        (
            side,
            Paginator(run_unreached_list(run=run, side=side), PAGE_SIZE).get_page(
                request.GET.get(f"{side}_page")
            ),
        )
        for side in ("volunteer", "household")
    ]
    context = {"programme": programme, "run": run, "sides": sides}
    return render(request, "pairings/coordinator/run_unreached.html", context)


def _told_words(reach: review.Reach) -> str:
    """Exactly who is told how: never "everyone was told" when some cannot be."""
    words = [
        ngettext("%(n)s proposal sent.", "%(n)s proposals sent.", reach.pairs),
        ngettext(
            "%(email)s person is being told by e-mail",
            "%(email)s people are being told by e-mail",
            reach.by_email,
        ),
        ngettext("and %(sms)s by text message.", "and %(sms)s by text message.", reach.by_sms),
    ]
    if reach.unreachable:
        words.append(
            ngettext(
                "%(none)s person has no e-mail address or mobile phone: the run's page lists "
                "whom to contact by phone or letter.",
                "%(none)s people have no e-mail address or mobile phone: the run's page lists "
                "whom to contact by phone or letter.",
                reach.unreachable,
            )
        )
    counts = {"n": reach.pairs, "email": reach.by_email, "sms": reach.by_sms}
    return " ".join(w % {**counts, "none": reach.unreachable} for w in words)

"""Expense claims' pages: the claimant's (their own claims) and the coordinator's (the programme's).

Every row comes through a scoped selector: a participant's own person and
visit (``own_person_get``, ``own_visit_get``), a coordinator's programme
(``programme_get``); anyone else's id is a 404.  Receipts are served by these
views only, never from a public address.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.paginator import Paginator
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from kinfolk.api.exports import download_response
from kinfolk.budget import claim_selectors as selectors
from kinfolk.budget import claims as services
from kinfolk.budget.claim_exports import HEADER, claim_batches
from kinfolk.budget.claim_forms import (
    BatchPaymentForm,
    ClaimForm,
    ClaimSettingsForm,
    DecisionForm,
    PaymentForm,
    batch_stamp,
    batch_through,
    claim_filters,
)
from kinfolk.budget.models import ExpenseClaim
from kinfolk.people.selectors import own_person_get
from kinfolk.programmes.forms import service_errors_add
from kinfolk.programmes.selectors import programme_get
from kinfolk.staff.scope import whole_programme_required
from kinfolk.visits.selectors import own_visit_get

# --- the claimant's pages ------------------------------------------------------------------


@login_required
def my_claims(request: HttpRequest, kind: str, person_id: int) -> HttpResponse:
    person = own_person_get(viewer=request.user, side=kind, person_id=person_id)
    context = {
        "person": person,
        "kind": kind,
        "claims": selectors.own_claim_list(person=person),
        "claimable": selectors.claimable_visits(person=person),
        "may_claim": kind == "volunteer"
        or services.claim_settings_get(programme=person.programme).households_may_claim,
    }
    return render(request, "budget/claims/my_claims.html", context)


@login_required
def claim_new(request: HttpRequest, kind: str, person_id: int, visit_id: int) -> HttpResponse:
    person = own_person_get(viewer=request.user, side=kind, person_id=person_id)
    visit = own_visit_get(person=person, visit_id=visit_id)
    suggested = services.distance_suggest(visit=visit, side=kind)
    initial = {"travel_mode": person.travel_mode, "distance_km": round(suggested / 1000, 1)}
    form = ClaimForm(
        request.POST or None,
        request.FILES or None,
        initial=initial,
        currency=person.programme.currency,
    )
    if request.method == "POST" and form.is_valid():
        try:
            claim = services.claim_submit(
                person=person, visit=visit, submitted_by=request.user, data=form.to_input()
            )
        except ValidationError as error:
            service_errors_add(error, form)
        else:
            messages.success(
                request, _("Your claim is sent. You will get an e-mail once it is decided.")
            )
            return redirect("budget:my_claim", kind, person.pk, claim.pk)
    context = {
        "person": person,
        "kind": kind,
        "visit": visit,
        "form": form,
        "suggested": suggested,
        "refusal": "" if form.is_bound else services.claim_refusal(person=person, visit=visit),
    }
    return render(request, "budget/claims/claim_new.html", context)


@login_required
def my_claim(request: HttpRequest, kind: str, person_id: int, claim_id: int) -> HttpResponse:
    person = own_person_get(viewer=request.user, side=kind, person_id=person_id)
    claim = selectors.own_claim_get(person=person, claim_id=claim_id)
    context = {"person": person, "kind": kind, "claim": claim, "coordinator_view": False}
    return render(request, "budget/claims/my_claim.html", context)


@login_required
def my_claim_receipt(
    request: HttpRequest, kind: str, person_id: int, claim_id: int
) -> HttpResponse:
    person = own_person_get(viewer=request.user, side=kind, person_id=person_id)
    return _receipt(selectors.own_claim_get(person=person, claim_id=claim_id))


def _receipt(claim: ExpenseClaim) -> HttpResponse:
    if not claim.receipt:
        return HttpResponse(status=404)
    image = claim.receipt_type.startswith("image/")
    response = FileResponse(
        default_storage.open(claim.receipt.name, "rb"),
        content_type=claim.receipt_type,
        as_attachment=not image,
        filename=f"receipt-{claim.pk}.{claim.receipt.name.rsplit('.', 1)[-1]}",
    )
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


# --- the coordinator's pages ---------------------------------------------------------------


#: Claims per page of the coordinator's list, as on the project's other lists.
PAGE_SIZE = 50
#: Claims per page of the payment list: a page is what a coordinator ticks at once.
PAYMENT_PAGE_SIZE = 100


@login_required
def claims(request: HttpRequest, programme_id: int) -> HttpResponse:
    programme = programme_get(viewer=request.user, programme_id=programme_id)
    state, side = claim_filters(request.GET)
    found = selectors.programme_claim_list(programme=programme, state=state, side=side)
    context = {
        "programme": programme,
        "state": state,
        "side": side,
        "states": ExpenseClaim.State.choices,
        "sides": ExpenseClaim.Side.choices,
        "counts": selectors.claim_state_counts(programme=programme, side=side),
        "page": Paginator(found, PAGE_SIZE).get_page(request.GET.get("page")),
        "totals": selectors.claim_totals(found),
        "query": request.GET,
    }
    return render(request, "budget/claims/claims.html", context)


@login_required
def claim_detail(request: HttpRequest, programme_id: int, claim_id: int) -> HttpResponse:
    programme = programme_get(viewer=request.user, programme_id=programme_id)
    claim = selectors.programme_claim_get(programme=programme, claim_id=claim_id)
    form = DecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if data["decision"] == "approve":
                services.claim_approve(
                    claim=claim,
                    by=request.user,
                    note=data["note"],
                    confirmation_note=data["confirmation_note"],
                )
            else:
                services.claim_reject(claim=claim, by=request.user, note=data["note"])
        except ValidationError as error:
            service_errors_add(error, form)
        else:
            messages.success(request, _("Decided. The claimant is told by e-mail."))
            return redirect("budget:claims", programme.pk)
    context = {"programme": programme, "claim": claim, "form": form, "coordinator_view": True}
    return render(request, "budget/claims/claim_detail.html", context)


@login_required
def claim_receipt(request: HttpRequest, programme_id: int, claim_id: int) -> HttpResponse:
    programme = programme_get(viewer=request.user, programme_id=programme_id)
    return _receipt(selectors.programme_claim_get(programme=programme, claim_id=claim_id))


@login_required
def claims_payment(request: HttpRequest, programme_id: int) -> HttpResponse:
    programme = programme_get(viewer=request.user, programme_id=programme_id)
    whole_programme_required(programme)  # payment runs cover every organisation
    through = batch_through(request.GET.get("through"))
    if through is None:
        through = selectors.approved_through(programme=programme)
    # Every link and form of the page names the batch, so paging never changes it.
    query = request.GET.copy()
    query["through"] = batch_stamp(through)
    posted = request.POST if request.method == "POST" else None
    whole_batch = posted is not None and posted.get("action") == "batch"
    ticked = PaymentForm(None if whole_batch else posted)
    whole = BatchPaymentForm(posted if whole_batch else None)
    form = whole if whole_batch else ticked
    if form.is_bound and form.is_valid():
        try:
            if whole_batch:
                n = services.claims_batch_mark_paid(
                    programme=programme,
                    by=request.user,
                    through=form.cleaned_data["through"],
                    expected=form.cleaned_data["count"],
                )
            else:
                n = services.claims_mark_paid(
                    programme=programme, by=request.user, claim_ids=form.cleaned_data["claims"]
                )
        except ValidationError as error:
            service_errors_add(error, form)
        else:
            messages.success(request, _("%(n)s claims are marked paid.") % {"n": n})
            url = reverse("budget:claims_payment", args=[programme.pk])
            # Ticking goes on in the same batch and page; a paid batch makes way for the next.
            return redirect(url if whole_batch else f"{url}?{query.urlencode()}")
    batch = selectors.payment_batch(programme=programme, through=through)
    context = {
        "programme": programme,
        "query": query,
        "page": Paginator(batch, PAYMENT_PAGE_SIZE).get_page(request.GET.get("page")),
        "totals": selectors.claim_totals(batch),
        "stamp": query["through"],
        "through": through,
        "newer": selectors.approved_after(programme=programme, through=through),
        "form": ticked,
        "batch_form": whole,
    }
    return render(request, "budget/claims/claims_payment.html", context)


@login_required
def claims_export(request: HttpRequest, programme_id: int, fmt: str) -> HttpResponse:
    programme = programme_get(viewer=request.user, programme_id=programme_id)
    whole_programme_required(programme)
    # With the payment page's batch stamp, exactly that batch; without it, every approved claim.
    through = batch_through(request.GET.get("through"))
    if through is None:
        approved = selectors.programme_claim_list(
            programme=programme, state=ExpenseClaim.State.APPROVED
        )
    else:
        approved = selectors.payment_batch(programme=programme, through=through)
    stamp = timezone.localdate(timezone=programme.zone).isoformat()
    filename = f"claims-to-pay-{stamp}.{fmt}"
    return download_response(
        fmt=fmt,
        title="claims",
        header=HEADER,
        batches=claim_batches(list(approved)),
        filename=filename,
    )


@login_required
def claim_settings(request: HttpRequest, programme_id: int) -> HttpResponse:
    programme = programme_get(viewer=request.user, programme_id=programme_id)
    whole_programme_required(programme)
    current = services.claim_settings_get(programme=programme)
    form = ClaimSettingsForm(
        request.POST or None, initial={"households_may_claim": current.households_may_claim}
    )
    if request.method == "POST" and form.is_valid():
        services.claim_settings_set(programme=programme, **form.cleaned_data)
        messages.success(request, _("Saved."))
        return redirect("budget:claims", programme.pk)
    return render(
        request, "budget/claims/claim_settings.html", {"programme": programme, "form": form}
    )

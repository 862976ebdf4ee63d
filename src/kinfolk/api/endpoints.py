"""The REST API (django-ninja): one programme's people, pairings, visits and outcomes.

Every request carries a programme token (``Authorization: Bearer kf_…``)
and sees that programme only, exactly as its coordinator who made the token
sees it on the pages: ids of another programme answer 404, contact details
come one person at a time through the logged privacy service, and a read
token cannot write.  The schema is served at ``/api/openapi.json`` and read
at ``/api/docs``.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any

import pydantic_core
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI, Path, Query, Schema, Status
from ninja.errors import HttpError
from ninja.renderers import BaseRenderer
from ninja.security import HttpBearer
from pydantic import AwareDatetime, BaseModel, Field, field_validator

from kinfolk.accounts.ratelimits import RateLimited, rate_limit_hit
from kinfolk.api import schemas
from kinfolk.api.exports import outcome_rows
from kinfolk.api.models import ApiToken
from kinfolk.api.schemas import rows_of
from kinfolk.api.selectors import CursorInvalid, api_token_authenticate, rows_page
from kinfolk.api.services import api_token_touch
from kinfolk.pairings.models import Pairing
from kinfolk.people.models import Household, Volunteer
from kinfolk.people.selectors import household_get, volunteer_get
from kinfolk.people.services.coordination import volunteer_approve
from kinfolk.privacy.services import CONTACT_FIELDS, ContactAccessRefused, contact_details_read
from kinfolk.visits.models import Visit

#: The largest id a database row can have; a bigger one is a 422, not a crash.
MAX_ID = 2**63 - 1
Id = Annotated[int, Path(ge=1, le=MAX_ID)]


class JSONRenderer(BaseRenderer):
    """JSON written by pydantic's compiled serializer.

    Python's ``json`` module with ninja's encoder spent a third of a 500-row
    page converting datetimes one by one.  Times keep their microseconds, so
    an ``updated_at`` given back as ``updated_since`` is exact.
    """

    media_type = "application/json"

    def render(self, request: HttpRequest, data: Any, *, response_status: int) -> bytes:
        return pydantic_core.to_json(data)


class TokenAuth(HttpBearer):
    """A live programme token within its rate limit; a 401 without one, a 429 past the limit."""

    def authenticate(self, request: HttpRequest, token: str) -> ApiToken | None:
        found = api_token_authenticate(secret=token)
        if found is not None:
            # Counted per token, not per IP: a CRM behind a shared address has its own
            # allowance, and a leaked token cannot be used faster from many addresses.
            rate_limit_hit(scope="api", ip="", address=f"token{found.pk}")
            api_token_touch(token=found)
        return found


api = NinjaAPI(
    title="Kinfolk API",
    version="1",
    description=(
        "One programme's volunteers, households, pairings, visits and outcomes. "
        "Send a programme token as `Authorization: Bearer kf_…` (coordinators create "
        "tokens on the programme's API tokens page). Lists are ordered by when a row "
        "last changed: pass `updated_since` to sync what changed, and follow "
        "`next_cursor` until it is null."
    ),
    auth=TokenAuth(),
    renderer=JSONRenderer(),
    urls_namespace="api",
)


@api.exception_handler(RateLimited)
def _rate_limited(request: HttpRequest, limited: RateLimited) -> HttpResponse:
    count, seconds = settings.RATE_LIMITS["api"]["address"]
    detail = (
        f"Too many requests with this token: at most {count} every {seconds} seconds. "
        f"Try again in {limited.retry_after} seconds."
    )
    response = api.create_response(request, {"detail": detail}, status=429)
    response["Retry-After"] = str(limited.retry_after)
    return response


#: An ISO 8601 date and time; pydantic alone would also take a number as seconds since 1970.
_ISO_MOMENT = re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}")


class PageQuery(Schema):
    cursor: str | None = Field(
        None,
        pattern=r"^[A-Za-z0-9_-]{1,200}$",
        description="`next_cursor` of the last page, as it was handed out",
    )
    updated_since: AwareDatetime | None = Field(
        None,
        description="only rows changed at or after this moment: ISO 8601 with a time zone, "
        "e.g. 2026-11-30T08:00:00Z",
    )
    limit: int = Field(100, ge=1, le=500)

    @field_validator("updated_since", mode="before")
    @classmethod
    def _iso_only(cls, value: Any) -> Any:
        if value is not None and not (isinstance(value, str) and _ISO_MOMENT.match(value)):
            raise ValueError("give an ISO 8601 date and time with a time zone")
        return value

    @field_validator("updated_since")
    @classmethod
    def _in_utc(cls, value: dt.datetime | None) -> dt.datetime | None:
        # PostgreSQL takes offsets up to 15:59 only; the moment in UTC is the same moment.
        if value is None:
            return None
        try:
            return value.astimezone(dt.UTC)
        except OverflowError:
            raise ValueError("this moment is out of range") from None


class ApproveIn(Schema):
    references: dt.date | None = None
    training: dt.date | None = None
    safeguarding: dt.date | None = None


def _answers(ok: Any, *problems: int) -> dict[int, Any]:
    """The statuses an operation may answer with, so that clients (and the fuzzer) know them."""
    answers = {200: ok, 401: schemas.Problem, 422: schemas.Problem, 429: schemas.Problem}
    return answers | dict.fromkeys(problems, schemas.Problem)


def _programme_token(request: HttpRequest) -> ApiToken:
    """The request's token, once its query holds no parameter the API does not know.

    A misspelt ``updated_since`` must not quietly answer with every row.
    """
    unknown = sorted(set(request.GET) - set(PageQuery.model_fields))
    if unknown:
        raise HttpError(422, f"unknown query parameter: {', '.join(unknown)}"[:200])
    token: ApiToken = request.auth  # type: ignore[attr-defined]
    return token


def _page(page: type[BaseModel], rows: QuerySet[Any], query: PageQuery) -> HttpResponse:
    """One page of rows, checked against its schema and written as JSON by pydantic alone.

    The answer bypasses ninja's response step (which would check the same
    rows again through its own wrapper): on a 500-row page that step cost
    more than reading the rows.  The schema still documents the answer.
    """
    try:
        items, next_cursor = rows_page(
            rows=rows, cursor=query.cursor, updated_since=query.updated_since, limit=query.limit
        )
    except CursorInvalid:
        raise HttpError(400, "cursor is not one this API handed out") from None
    checked = page.model_validate({"items": items, "next_cursor": next_cursor})
    return HttpResponse(checked.model_dump_json(), content_type="application/json")


def _contact(request: HttpRequest, person: Volunteer | Household) -> dict[str, str]:
    token = _programme_token(request)
    try:
        return contact_details_read(
            viewer=token.created_by,
            person=person,
            fields=CONTACT_FIELDS,
            reason=f"API token {token.name}"[:120],
        )
    except ContactAccessRefused:
        raise HttpError(404, "Not Found") from None


# --- the rows a token sees: its programme's, as dictionaries ------------------------------


def _volunteers(request: HttpRequest) -> QuerySet[Any]:
    programme = _programme_token(request).programme
    return rows_of(schemas.VolunteerOut, Volunteer.objects.filter(programme=programme))


def _households(request: HttpRequest) -> QuerySet[Any]:
    programme = _programme_token(request).programme
    return rows_of(schemas.HouseholdOut, Household.objects.filter(programme=programme))


def _pairings(request: HttpRequest) -> QuerySet[Any]:
    programme = _programme_token(request).programme
    return rows_of(schemas.PairingOut, Pairing.objects.filter(programme=programme))


def _visits(request: HttpRequest) -> QuerySet[Any]:
    programme = _programme_token(request).programme
    return rows_of(schemas.VisitOut, Visit.objects.filter(pairing__programme=programme))


def _one(rows: QuerySet[Any], pk: int) -> dict[str, Any]:
    found: dict[str, Any] | None = rows.filter(pk=pk).first()
    if found is None:
        raise HttpError(404, "Not Found")
    return found


# --- volunteers ---------------------------------------------------------------------------


@api.get("/volunteers", response=_answers(schemas.VolunteerPage, 400), tags=["volunteers"])
def volunteers(request: HttpRequest, query: Query[PageQuery]) -> HttpResponse:
    return _page(schemas.VolunteerPage, _volunteers(request), query)


@api.get(
    "/volunteers/{volunteer_id}", response=_answers(schemas.VolunteerOut, 404), tags=["volunteers"]
)
def volunteer(request: HttpRequest, volunteer_id: Id) -> dict[str, Any]:
    return _one(_volunteers(request), volunteer_id)


@api.get(
    "/volunteers/{volunteer_id}/contact",
    response=_answers(schemas.ContactOut, 404),
    tags=["volunteers"],
)
def volunteer_contact(request: HttpRequest, volunteer_id: Id) -> dict[str, str]:
    """The volunteer's e-mail, phone and address; the read shows in their access log."""
    person = volunteer_get(programme=_programme_token(request).programme, volunteer_id=volunteer_id)
    return _contact(request, person)


@api.post(
    "/volunteers/{volunteer_id}/approve",
    response=_answers(schemas.VolunteerOut, 400, 403, 404, 409),
    tags=["volunteers"],
)
def volunteer_approve_checks(request: HttpRequest, volunteer_id: Id, checks: ApproveIn) -> Any:
    """Record the programme's required checks and approve an applicant (a write token only).

    Answers 409 when the programme's rules refuse: the volunteer is not an
    applicant, a required check has no date, or a date is in the future.
    """
    token = _programme_token(request)
    if not token.may_write:
        return Status(403, {"detail": "this token may only read"})
    person = volunteer_get(programme=token.programme, volunteer_id=volunteer_id)
    try:
        volunteer_approve(
            volunteer=person, approved_by=token.created_by, checks=checks.model_dump()
        )
    except ValidationError as error:
        # The request fits the schema; the programme's rules refuse it: a conflict.
        return Status(409, {"detail": [str(m) for m in error.messages]})
    return _one(_volunteers(request), volunteer_id)


# --- households ---------------------------------------------------------------------------


@api.get("/households", response=_answers(schemas.HouseholdPage, 400), tags=["households"])
def households(request: HttpRequest, query: Query[PageQuery]) -> HttpResponse:
    return _page(schemas.HouseholdPage, _households(request), query)


@api.get(
    "/households/{household_id}", response=_answers(schemas.HouseholdOut, 404), tags=["households"]
)
def household(request: HttpRequest, household_id: Id) -> dict[str, Any]:
    return _one(_households(request), household_id)


@api.get(
    "/households/{household_id}/contact",
    response=_answers(schemas.ContactOut, 404),
    tags=["households"],
)
def household_contact(request: HttpRequest, household_id: Id) -> dict[str, str]:
    """The household's e-mails, phone and address; the read shows in its access log."""
    person = household_get(programme=_programme_token(request).programme, household_id=household_id)
    return _contact(request, person)


# --- pairings, visits, outcomes -----------------------------------------------------------


@api.get("/pairings", response=_answers(schemas.PairingPage, 400), tags=["pairings"])
def pairings(request: HttpRequest, query: Query[PageQuery]) -> HttpResponse:
    return _page(schemas.PairingPage, _pairings(request), query)


@api.get("/pairings/{pairing_id}", response=_answers(schemas.PairingOut, 404), tags=["pairings"])
def pairing(request: HttpRequest, pairing_id: Id) -> dict[str, Any]:
    return _one(_pairings(request), pairing_id)


@api.get("/visits", response=_answers(schemas.VisitPage, 400), tags=["visits"])
def visits(request: HttpRequest, query: Query[PageQuery]) -> HttpResponse:
    return _page(schemas.VisitPage, _visits(request), query)


@api.get("/visits/{visit_id}", response=_answers(schemas.VisitOut, 404), tags=["visits"])
def visit(request: HttpRequest, visit_id: Id) -> dict[str, Any]:
    return _one(_visits(request), visit_id)


@api.get("/outcomes", response=_answers(schemas.VisitPage, 400), tags=["visits"])
def outcomes(request: HttpRequest, query: Query[PageQuery]) -> HttpResponse:
    """Visits whose outcome was recorded by either side (or that closed unconfirmed)."""
    programme = _programme_token(request).programme
    return _page(schemas.VisitPage, rows_of(schemas.VisitOut, outcome_rows(programme)), query)

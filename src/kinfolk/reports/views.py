"""The outcome report's pages: for the programme's coordinators and its viewers alike.

Every page answers from the report kept for the reader's scope
(``keeping``), never by reading the programme's pairings: a report not yet
built is shown as being prepared, with its progress.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from kinfolk.api.exports import csv_stream
from kinfolk.programmes.models import Programme
from kinfolk.reports.exports import report_header, report_rows
from kinfolk.reports.keeping import report_is_current, report_read, stored_report_for
from kinfolk.reports.models import StoredReport
from kinfolk.staff.selectors import figures_programme_get


@login_required
def report(request: HttpRequest, programme_id: int) -> HttpResponse:
    return _page(request, programme_id, printable=False)


@login_required
def report_print(request: HttpRequest, programme_id: int) -> HttpResponse:
    return _page(request, programme_id, printable=True)


def _as_of(stored: StoredReport, programme: Programme) -> Any:
    return timezone.localtime(stored.built_at, programme.zone) if stored.built_at else None


def _page(request: HttpRequest, programme_id: int, *, printable: bool) -> HttpResponse:
    programme = figures_programme_get(viewer=request.user, programme_id=programme_id)
    stored = stored_report_for(programme=programme)
    built = report_read(stored=stored, programme=programme)
    context = {
        "programme": programme,
        "report": built,
        "stored": stored,
        "as_of": _as_of(stored, programme),
        "updating": built is not None and not report_is_current(stored=stored, programme=programme),
        "printable": printable,
        "is_coordinator": programme.coordinators.filter(user=request.user).exists(),
    }
    return render(request, "reports/report.html", context)


@login_required
def report_progress(request: HttpRequest, programme_id: int) -> HttpResponse:
    """The build's progress, polled by the page until the report is there."""
    programme = figures_programme_get(viewer=request.user, programme_id=programme_id)
    stored = stored_report_for(programme=programme)
    ready = stored.built_at is not None
    response = render(request, "reports/_progress.html", {"programme": programme, "stored": stored})
    if ready:
        response["HX-Refresh"] = "true"  # the whole page changes once the report is built
    return response


@login_required
def report_csv(request: HttpRequest, programme_id: int) -> HttpResponse:
    programme = figures_programme_get(viewer=request.user, programme_id=programme_id)
    stored = stored_report_for(programme=programme)
    built = report_read(stored=stored, programme=programme)
    if built is None:
        return redirect("reports:report", programme.pk)  # it says the report is being prepared
    response = StreamingHttpResponse(
        csv_stream(report_header(), iter([report_rows(built)])),
        content_type="text/csv; charset=utf-8",
    )
    name = f"outcomes-{programme.pk}-{built.last.isoformat()}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response

"""The outcome report's pages: for the programme's coordinators and its viewers alike."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render

from kinfolk.api.exports import csv_stream
from kinfolk.reports.caching import report_cached
from kinfolk.reports.exports import report_header, report_rows
from kinfolk.staff.selectors import figures_programme_get


@login_required
def report(request: HttpRequest, programme_id: int) -> HttpResponse:
    return _page(request, programme_id, printable=False)


@login_required
def report_print(request: HttpRequest, programme_id: int) -> HttpResponse:
    return _page(request, programme_id, printable=True)


def _page(request: HttpRequest, programme_id: int, *, printable: bool) -> HttpResponse:
    programme = figures_programme_get(viewer=request.user, programme_id=programme_id)
    context = {
        "programme": programme,
        "report": report_cached(programme=programme),
        "printable": printable,
        "is_coordinator": programme.coordinators.filter(user=request.user).exists(),
    }
    return render(request, "reports/report.html", context)


@login_required
def report_csv(request: HttpRequest, programme_id: int) -> StreamingHttpResponse:
    programme = figures_programme_get(viewer=request.user, programme_id=programme_id)
    built = report_cached(programme=programme)
    response = StreamingHttpResponse(
        csv_stream(report_header(), iter([report_rows(built)])),
        content_type="text/csv; charset=utf-8",
    )
    name = f"outcomes-{programme.pk}-{built.last.isoformat()}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response

"""The operators' health page: periodic jobs and the outbox (site administrators only)."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from kinfolk.accounts.decorators import site_admin_required
from kinfolk.outbox.selectors import failed_message_list, message_counts, oldest_waiting_at
from kinfolk.ticks.selectors import job_health_list, last_tick_at

PAGE_SIZE = 50


@site_admin_required
def health(request: HttpRequest) -> HttpResponse:
    failed = Paginator(failed_message_list(), PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "jobs": job_health_list(),
        "last_tick_at": last_tick_at(),
        "counts": message_counts(),
        "oldest_waiting_at": oldest_waiting_at(),
        "failed": failed,
    }
    return render(request, "ticks/health.html", context)

"""Probes for load balancers and on-call people: /healthz, /readyz and /metrics."""

from __future__ import annotations

import hmac

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from kinfolk.ops.selectors import readiness_list


@never_cache
@require_GET
def healthz(request: HttpRequest) -> HttpResponse:
    """Liveness: this process answers.  It touches nothing else, so a restart cannot fix it."""
    return JsonResponse({"alive": True})


@never_cache
@require_GET
def readyz(request: HttpRequest) -> HttpResponse:
    """Readiness: every part Kinfolk needs, each named with its state; 503 when one is down."""
    checks = readiness_list()
    ready = all(check.ok for check in checks)
    body = {
        "ready": ready,
        "down": [check.name for check in checks if not check.ok],
        "checks": {check.name: {"ok": check.ok, "detail": check.detail} for check in checks},
    }
    return JsonResponse(body, status=200 if ready else 503)


@never_cache
@require_GET
def metrics(request: HttpRequest) -> HttpResponse:
    """Prometheus metrics, for the monitoring server only (see ``metrics_allowed``)."""
    if not metrics_allowed(request):
        raise Http404
    from kinfolk.ops.metrics import metrics_render

    body, content_type = metrics_render()
    return HttpResponse(body, content_type=content_type)


def metrics_allowed(request: HttpRequest) -> bool:
    """The bearer of ``METRICS_TOKEN``, or, without a token, this machine when no proxy relayed.

    A reverse proxy on the same host makes every visitor look local, so a
    request that carries a forwarding header is never taken as local.
    """
    token = settings.METRICS_TOKEN
    if token:
        sent = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
        return hmac.compare_digest(sent.encode(), token.encode())
    relayed = any(h in request.headers for h in ("X-Forwarded-For", "Forwarded", "X-Real-Ip"))
    return not relayed and request.META.get("REMOTE_ADDR") in {"127.0.0.1", "::1"}

"""Operators' actions on the outbox (site administrators only)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kinfolk.accounts.decorators import site_admin_required
from kinfolk.outbox.selectors import failed_message_get
from kinfolk.outbox.services import message_retry


@require_POST
@site_admin_required
def retry(request: HttpRequest, message_id: int) -> HttpResponse:
    message = failed_message_get(message_id=message_id)
    message_retry(message=message)
    messages.success(request, _("Message #%(n)s is queued to be sent again.") % {"n": message.pk})
    return redirect("health:health")

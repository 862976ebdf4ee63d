from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from kinfolk.people.selectors import roles_get
from kinfolk.privacy.selectors import contact_access_list


@login_required
def my_data(request: HttpRequest) -> HttpResponse:
    """What is stored about me, and who looked at my contact details."""
    roles = roles_get(viewer=request.user)
    people = [*roles.volunteers, *roles.households]
    rows = [(p, list(contact_access_list(person=p))) for p in people]
    return render(request, "privacy/my_data.html", {"rows": rows})

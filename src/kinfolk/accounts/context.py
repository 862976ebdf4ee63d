from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from kinfolk.people.selectors import nav_roles_get


def roles(request: HttpRequest) -> dict[str, Any]:
    """The signed-in user's roles for the navigation bar, read only when a template asks."""
    return {"roles": SimpleLazyObject(lambda: nav_roles_get(viewer=request.user))}

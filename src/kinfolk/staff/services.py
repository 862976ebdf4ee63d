"""Site administrators' writes to staff roles: viewers, and coordinators' organisation limits."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from kinfolk.outbox.services import email_queue
from kinfolk.programmes.models import Coordinator, Organisation, Programme
from kinfolk.staff.models import CoordinatorOrganisation, Viewer


def _site_admin_required(user: Any) -> None:
    if not (user.is_authenticated and user.is_staff):
        raise PermissionDenied("Only site administrators appoint staff.")


@transaction.atomic
def viewer_appoint(*, programme: Programme, email: str, first_name: str, by: Any) -> Viewer:
    """Let someone read the programme's counts and charts; they never see a person.

    A new account gets a link to choose its password; the viewer is told by e-mail.
    """
    _site_admin_required(by)
    User = get_user_model()
    email = email.strip().lower()
    user = User.objects.filter(email=email).first()
    if user is not None and Coordinator.objects.filter(programme=programme, user=user).exists():
        raise ValidationError(
            {"email": _("%(email)s already coordinates this programme.") % {"email": email}}
        )
    created = user is None
    if user is None:
        user = User.objects.create_user(email, first_name=first_name)
    viewer, _new = Viewer.objects.get_or_create(
        programme=programme, user=user, defaults={"appointed_by": by}
    )
    _tell_viewer(user, programme, created, viewer.pk)
    return viewer


def _tell_viewer(user: Any, programme: Programme, new_account: bool, key: int) -> None:
    from kinfolk.accounts.services.passwords import password_link

    lines = [
        _("You can now read the figures of %(name)s on Kinfolk: counts and charts, no names.")
        % {"name": programme.name}
    ]
    if new_account:
        lines.append(_("Choose your password here: %(url)s") % {"url": password_link(user)})
    lines.append(settings.SITE_URL + reverse("staff:figures", args=[programme.pk]))
    email_queue(
        to=user.email,
        subject=_("Kinfolk: the figures of %(name)s") % {"name": programme.name},
        body="\n\n".join(lines),
        purpose="viewer_appointed",
        key=f"viewer:{key}",
        user=user,
    )


@transaction.atomic
def viewer_remove(*, viewer: Viewer, removed_by: Any) -> None:
    """End a viewer's appointment: from their next request on, the figures are closed to them."""
    _site_admin_required(removed_by)
    viewer.delete()


@transaction.atomic
def coordinator_limit_set(
    *, membership: Coordinator, organisations: Iterable[Organisation], by: Any
) -> None:
    """Limit a coordinator to these organisations of their programme; none lifts the limit."""
    _site_admin_required(by)
    chosen = list(organisations)
    foreign = [o for o in chosen if o.programme_id != membership.programme_id]
    if foreign:
        raise ValidationError({"organisations": _("Pick organisations of this programme only.")})
    CoordinatorOrganisation.objects.filter(coordinator=membership).exclude(
        organisation__in=chosen
    ).delete()
    for organisation in chosen:
        CoordinatorOrganisation.objects.get_or_create(
            coordinator=membership, organisation=organisation
        )


def staff_appoint(
    *,
    programme: Programme,
    role: str,
    email: str,
    first_name: str,
    organisations: Iterable[Organisation] = (),
    regions: Iterable[Any] = (),
    by: Any,
) -> Coordinator | Viewer:
    """Appoint a viewer, or a coordinator limited to ``organisations`` and ``regions``.

    None of either: everyone.  Appointing an existing coordinator again replaces their limits.
    """
    from kinfolk.programmes.services import coordinator_appoint
    from kinfolk.regions.services import coordinator_region_limit_set

    _site_admin_required(by)
    if role == "viewer":
        return viewer_appoint(programme=programme, email=email, first_name=first_name, by=by)
    with transaction.atomic():
        if Viewer.objects.filter(programme=programme, user__email=email.strip().lower()).exists():
            raise ValidationError(
                {"email": _("%(email)s is a viewer of this programme.") % {"email": email}}
            )
        membership = coordinator_appoint(
            programme=programme, email=email, first_name=first_name, by=by
        )
        coordinator_limit_set(membership=membership, organisations=organisations, by=by)
        coordinator_region_limit_set(membership=membership, regions=regions, by=by)
    return membership

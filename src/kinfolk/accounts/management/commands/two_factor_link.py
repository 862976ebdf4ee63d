"""``kinfolk manage two_factor_link EMAIL``: the first administrator's way to an authenticator."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.urls import reverse

from kinfolk.accounts.services.two_factor import two_factor_enrolment_issue


class Command(BaseCommand):
    help = (
        "Print a one-time link with which a site administrator adds an authenticator app "
        "(for the first administrator of a site, who has nobody to issue one)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("email", help="the site administrator's e-mail address")

    def handle(self, *args: Any, **options: Any) -> None:
        email = str(options["email"]).strip().lower()
        user = get_user_model().objects.filter(email=email, is_staff=True).first()
        if user is None:
            raise CommandError(
                f"No site administrator has the e-mail address {email}; "
                "create one first with `kinfolk manage createsuperuser`."
            )
        # Issued by nobody on the site: whoever runs this already controls the server.
        enrolment, token = two_factor_enrolment_issue(user=user, issued_by=None)
        link = settings.SITE_URL + reverse("accounts:two_factor_enrol", args=[token])
        self.stdout.write(link)
        self.stdout.write(
            f"Sign in as {email}, then open the link. It works once, "
            f"until {enrolment.expires_at:%Y-%m-%d %H:%M} UTC."
        )

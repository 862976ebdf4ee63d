"""Every page of the charter's walk opened in Chromium, as the person it is for.

``tests/charter/pages.py`` builds the world and lists each viewer's pages;
here each viewer gets a browser context signed in through a session cookie
made by Django's test client, and the pages are opened at a phone's or a
tablet's width.  The token pages the walk leaves out (the public sign-up and
an invitation) are added for the stranger who holds the link.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core import signing
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from kinfolk.testing import otp_force_login
from tests.charter.pages import World, page_urls

ROOT = Path(__file__).resolve().parents[2]
#: axe-core, installed from npm by ``scripts/test`` into a folder git ignores.
AXE = Path(os.environ.get("KINFOLK_AXE", ROOT / ".browser-tools/node_modules/axe-core/axe.min.js"))

#: Who is a participant (pages at 360 px) and who coordinates (pages at 768 px).
PARTICIPANTS = ("volunteer", "household adult")
COORDINATORS = ("coordinator", "organisation-limited coordinator", "viewer", "site administrator")
PHONE, TABLET = 360, 768


def signed_in_context(chromium: Any, live_server: Any, viewer: Any, **options: Any) -> Any:
    """A browser context holding ``viewer``'s session (and their second factor, for staff)."""
    client = Client()
    if viewer is None:
        client.get("/")  # a stranger: no session at all
    elif viewer.is_staff:
        otp_force_login(client, viewer)
    else:
        client.force_login(viewer)
    context = chromium.new_context(**options)
    cookie = client.cookies.get(settings.SESSION_COOKIE_NAME)
    if cookie is not None:
        context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server.url}])
    return context


def token_pages(world: World) -> list[str]:
    """The public sign-up pages and an invitation: opened by whoever holds the link."""
    from kinfolk.people.services.participation import _SIGNUP_SALT

    programme = world.rows["programme"][0]
    invitation = world.rows["invitation"][0]
    invitation.token_issue()
    invitation.save(update_fields=["token_hash"])
    # The link a sign-up e-mail carries, to the form with the password and the profile.
    verify = signing.dumps(
        {
            "p": programme.pk,
            "r": "household",
            "f": "Nour",
            "e": "nour@example.org",
            "c": timezone.now().isoformat(),
        },
        salt=_SIGNUP_SALT,
        compress=True,
    )
    return [
        reverse("people:signup", args=[programme.signup_token]),
        reverse("people:signup_verify", args=[verify]),
        reverse("people:invitation_accept", args=[invitation.token]),
    ]


def html_pages(page: Any, live_server: Any, urls: list[str]) -> Iterator[str]:
    """Open each URL that answers GET with an HTML page; yield it once it is open.

    The page's own request is asked first with ``request`` (the context's
    cookies), so that actions answering only POST are not opened.
    """
    for url in urls:
        answer = page.request.get(live_server.url + url, max_redirects=0)
        if answer.status != 200:
            continue
        if not (answer.headers.get("content-type") or "").startswith("text/html"):
            continue
        if "<html" not in answer.text()[:500]:
            continue  # a fragment htmx puts into a page (choices, progress), not a page
        page.goto(live_server.url + url)
        yield url


#: Pages that are not Kinfolk's own: the API's reference, drawn by Django Ninja's Swagger UI.
NOT_OURS = ("/api/docs",)


def viewer_pages(world: World, key: str) -> list[str]:
    """The pages of the walk for one viewer (the actions answering only POST drop out later)."""
    return [u for u in page_urls(world, world.viewers[key]) if not u.startswith(NOT_OURS)]


def sideways(page: Any) -> int:
    """How many pixels the page is wider than the window (0 when it fits)."""
    return int(page.evaluate("document.documentElement.scrollWidth - window.innerWidth"))


AXE_RUN = """async () => {
  const result = await axe.run(document, {resultTypes: ['violations']});
  return result.violations
    .filter(v => v.impact === 'serious' || v.impact === 'critical')
    .map(v => `${v.impact} ${v.id}: ${v.help} — ` +
              v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(', '));
}"""


def axe_violations(page: Any) -> list[str]:
    """axe-core's serious and critical violations on the open page."""
    page.add_script_tag(path=str(AXE))
    return list(page.evaluate(AXE_RUN))

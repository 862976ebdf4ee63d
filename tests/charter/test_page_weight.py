"""Pages stay light on a poor connection: no framework bundle, and nothing from another site.

Every page of the charter's walk, as a participant and as a coordinator, may
load only files of its own site, and of them only the scripts listed here
(htmx, vendored); the stylesheets load nothing from elsewhere either.  What
a page loads adds up to less than ``BUDGET`` bytes before compression
(``bench/page_weight.py`` measures the bytes sent, on a slow connection).
"""

from __future__ import annotations

import gzip
import re
from html.parser import HTMLParser

import pytest
from django.contrib.staticfiles import finders
from django.test import Client

from tests.charter.pages import page_urls, world_build

pytestmark = pytest.mark.django_db

#: The only scripts a page may load: htmx (14 kB compressed), vendored. No framework bundle.
SCRIPTS = {"/static/kinfolk/vendor/htmx.min.js"}
#: A page's own files together, uncompressed: the stylesheet, htmx and an app's small sheet.
BUDGET = 100_000
WHO = ("volunteer", "household adult", "coordinator", "site administrator")
#: The API's reference for developers, drawn by Django Ninja's Swagger UI (its own bundle):
#: not a page any participant or coordinator is sent to.
NOT_OURS = ("/api/docs",)


class _Assets(HTMLParser):
    """Every address a page loads by itself (not the links a person follows)."""

    def __init__(self) -> None:
        super().__init__()
        self.scripts: list[str] = []
        self.loaded: list[str] = []

    def handle_starttag(self, tag: str, attrs: list) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "script":
            self.scripts.append(a.get("src", "(inline)"))
        if tag == "link" and a.get("rel") in ("stylesheet", "icon", "preload", "modulepreload"):
            self.loaded.append(a.get("href", ""))
        for name in ("src", "poster", "data"):
            if tag != "script" and a.get(name):
                self.loaded.append(a[name])
        if a.get("srcset"):
            self.loaded += [part.split()[0] for part in a["srcset"].split(",") if part.strip()]


def _assets(html: str) -> _Assets:
    parser = _Assets()
    parser.feed(html)
    return parser


def _own(url: str) -> bool:
    """An address on this site: a path, not another host (``//cdn…`` or ``https://…``)."""
    return url.startswith("/") and not url.startswith("//") or url.startswith("data:")


def _size(url: str) -> int:
    found = finders.find(url.removeprefix("/static/"))
    assert found, f"{url} is not one of the site's static files"
    return len(open(found, "rb").read())  # noqa: SIM115 (read once, closed on collection)


@pytest.fixture(scope="module")
def walked(django_db_setup, django_db_blocker):
    """(viewer, url, assets) of every HTML page of the walk, as participants and coordinators."""
    from django.db import transaction

    with django_db_blocker.unblock(), transaction.atomic():
        world = world_build("active")
        pages = []
        client = Client()
        for key in WHO:
            viewer = world.viewers[key]
            if viewer.is_staff:
                from kinfolk.testing import otp_force_login

                otp_force_login(client, viewer)
            else:
                client.force_login(viewer)
            for url in page_urls(world, viewer):
                if url.startswith(NOT_OURS):
                    continue
                response = client.get(url)
                html = response["Content-Type"].startswith("text/html")
                if response.status_code == 200 and html and not response.streaming:
                    pages.append((key, url, _assets(response.content.decode())))
        transaction.set_rollback(True)
    return pages


def test_the_walk_saw_pages(walked):
    assert len(walked) > 40


def test_no_page_loads_anything_from_another_site(walked):
    foreign = [(u, a) for _, u, page in walked for a in page.loaded + page.scripts if not _own(a)]
    assert foreign == [], "every asset is served by Kinfolk itself"


def test_no_page_loads_a_framework_bundle(walked):
    extra = {(u, s) for _, u, page in walked for s in page.scripts if s not in SCRIPTS}
    assert extra == set(), "a new script must be small, vendored and listed in SCRIPTS"


def test_each_page_loads_less_than_the_budget(walked):
    heavy = []
    for key, url, page in walked:
        files = {a for a in page.loaded + page.scripts if a.startswith("/static/")}
        total = sum(_size(a) for a in files)
        if total > BUDGET:
            heavy.append((key, url, total))
    assert heavy == []


def test_the_compressed_htmx_is_htmx():
    """WhiteNoise sends ``htmx.min.js.gz`` to browsers that accept gzip: the same file."""
    script = finders.find("kinfolk/vendor/htmx.min.js")
    with open(script, "rb") as plain, gzip.open(script + ".gz") as packed:
        assert packed.read() == plain.read()


def test_stylesheets_load_nothing_from_another_site():
    for name in ("kinfolk/kinfolk.css", "visits/visits.css", "casework/casework.css"):
        text = open(finders.find(name), encoding="utf-8").read()  # noqa: SIM115
        remote = re.findall(r"(?:url\(\s*['\"]?|@import\s+['\"])(?:https?:)?//[^)'\"]+", text)
        assert remote == [], f"{name} loads {remote}"


def test_the_checks_catch_a_foreign_asset():
    """The parsing can fail: a CDN script and a remote stylesheet are both seen."""
    page = _assets(
        '<script src="https://cdn.example.com/react.js"></script>'
        '<link rel="stylesheet" href="//fonts.example.com/a.css"><img src="/static/x.png">'
    )
    assert [a for a in page.loaded + page.scripts if not _own(a)] == [
        "//fonts.example.com/a.css",
        "https://cdn.example.com/react.js",
    ]

"""URL parts with a known shape, registered once for every app's URLs (in ``web.urls``)."""

from __future__ import annotations


class SideConverter:
    """``volunteer`` or ``household``: the side of a pair a participant page speaks for."""

    regex = "volunteer|household"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


class TokenConverter(SideConverter):
    """A secret token from a link: URL-safe base64 and a signature's separators, nothing else.

    Anything else (a NUL byte, say) never reaches a query: it is simply not a page.
    """

    regex = "[A-Za-z0-9_.:-]+"

"""Name a device from its User-Agent header: the browser and the system, nothing finer.

A handful of ordered rules is enough to tell a person "Firefox on Windows"
from "Safari on iPhone"; the order matters because most browsers also claim
to be the ones before them (Edge says Chrome and Safari, Chrome says Safari).
"""

from __future__ import annotations

import re

from django.utils.translation import gettext as _

_BROWSERS = (
    (re.compile(r"\bEdg(e|A|iOS)?/"), "Edge"),
    (re.compile(r"\b(OPR|Opera)/"), "Opera"),
    (re.compile(r"\bSamsungBrowser/"), "Samsung Internet"),
    (re.compile(r"\b(Firefox|FxiOS)/"), "Firefox"),
    (re.compile(r"\b(Chrome|Chromium|CriOS|HeadlessChrome)/"), "Chrome"),
    (re.compile(r"\bVersion/[\d.]+.*Safari/"), "Safari"),
)
_SYSTEMS = (
    (re.compile(r"\biPhone\b"), "iPhone"),
    (re.compile(r"\biPad\b"), "iPad"),
    (re.compile(r"\bAndroid\b"), "Android"),
    (re.compile(r"\bCrOS\b"), "ChromeOS"),
    (re.compile(r"\bWindows\b"), "Windows"),
    (re.compile(r"\bMac OS X\b|\bMacintosh\b"), "macOS"),
    (re.compile(r"\bLinux\b"), "Linux"),
)


def _first(rules: tuple[tuple[re.Pattern[str], str], ...], agent: str) -> str | None:
    return next((name for pattern, name in rules if pattern.search(agent)), None)


def device_describe(agent: str) -> str:
    """ "Firefox on Windows", "Safari on iPhone", or as much of that as the header tells."""
    browser = _first(_BROWSERS, agent)
    system = _first(_SYSTEMS, agent)
    if browser and system:
        return _("%(browser)s on %(system)s") % {"browser": browser, "system": system}
    if browser or system:
        return browser or system or ""
    return _("An unknown browser")

"""Benchmark: each participant page's weight and load time on a slow-3G phone connection.

Builds the charter's walk (``tests/charter/pages.py``: a volunteer and a
household in an active pairing with a visit agreed, and the people around
them) in a fresh SQLite database of its own, serves it on a local port with
Django's live-server thread, and opens every participant page in Chromium
(Debian's ``/usr/bin/chromium`` through Playwright) as the volunteer and as
the household, 360 px wide, with the network throttled through the Chrome
DevTools Protocol (``Network.emulateNetworkConditions``): 1.6 Mbit/s down,
750 kbit/s up, 150 ms round trip, the cache disabled so each load is a
first visit.

For each page the table gives the requests, the bytes transferred (headers
and bodies, as the network counted them) and the time to DOMContentLoaded,
the median of ``--repeat`` loads, and its ratio to the 1 s target (issue 12):
a ratio under 1.00 meets it.  A reference row loads a bare HTML page of the
same server on the same link, the floor any page pays for its round trips.

    python bench/page_weight.py              # the whole walk, 3 loads each
    python bench/page_weight.py --repeat 5 --only visits
"""

from __future__ import annotations

import argparse
import functools
import logging
import os
import statistics
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # tests.charter.pages: the walk's world and its pages
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

TARGET_MS = 1000.0
#: Slow 3G as issue 12 names it: bytes per second down and up, and the round trip.
SLOW_3G = {
    "offline": False,
    "latency": 150,
    "downloadThroughput": 1_600_000 / 8,
    "uploadThroughput": 750_000 / 8,
}
CHROMIUM = os.environ.get("KINFOLK_CHROMIUM", "/usr/bin/chromium")


def _django(data_dir: str) -> None:
    os.environ["KINFOLK_DATA_DIR"] = data_dir
    os.environ.pop("DATABASE_URL", None)  # a SQLite file of its own, shared with the server thread
    os.environ.setdefault("KINFOLK_INSECURE_DEV_KEY", "true")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"  # Playwright's loop runs in this thread
    from _harness import django_setup

    django_setup()
    from django.conf import settings

    # Django's test client calls itself "testserver"; the browser comes from 127.0.0.1.
    settings.ALLOWED_HOSTS = ["testserver", "127.0.0.1"]
    # The walk tries every address; the refusals it meets are expected, not news.
    logging.getLogger("django.request").setLevel(logging.CRITICAL)
    logging.getLogger("django.server").setLevel(logging.CRITICAL)


def _world() -> tuple[Any, dict[str, list[str]]]:
    """The walk's world, and the HTML pages each participant opens in it."""
    from django.test import Client

    from tests.charter.pages import page_urls, world_build

    world = world_build("active")
    pages: dict[str, list[str]] = {}
    for key in ("volunteer", "household adult"):
        client = Client()
        client.force_login(world.viewers[key])
        pages[key] = []
        for url in page_urls(world, world.viewers[key]):
            if url.startswith("/api/"):
                continue
            response = client.get(url)
            kind = response.get("Content-Type", "")
            whole_page = b"<html" in response.content[:500]  # not an htmx fragment
            if response.status_code == 200 and kind.startswith("text/html") and whole_page:
                pages[key].append(url)
    return world, pages


def _server() -> Any:
    from django.test.testcases import LiveServerThread

    # WhiteNoise, in the middleware, serves the static files as it does in production.
    thread = LiveServerThread("127.0.0.1", lambda app: app, port=0)
    thread.daemon = True
    thread.start()
    thread.is_ready.wait()
    if thread.error:
        raise thread.error
    return thread


def _session(user: Any) -> str:
    from django.conf import settings
    from django.test import Client

    client = Client()
    client.force_login(user)
    return str(client.cookies[settings.SESSION_COOKIE_NAME].value)


def _load(page: Any, sizes: dict[str, float], url: str) -> tuple[int, int, float]:
    """(requests, bytes transferred, DOMContentLoaded in ms) of one cold load of ``url``.

    ``sizes`` is filled by the DevTools session's ``Network.loadingFinished`` events.
    """
    sizes.clear()
    page.goto(url, wait_until="load")
    page.wait_for_load_state("networkidle")
    dcl = page.evaluate("performance.getEntriesByType('navigation')[0].domContentLoadedEventEnd")
    return len(sizes), int(sum(sizes.values())), float(dcl)


def _count(sizes: dict[str, float], event: dict[str, Any]) -> None:
    sizes[event["requestId"]] = event["encodedDataLength"]


def measure(base: str, pages: dict[str, list[str]], sessions: dict[str, str], repeat: int) -> list:
    """Rows of (who, page, requests, bytes, median DOMContentLoaded ms) for every page."""
    from playwright.sync_api import sync_playwright

    rows = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"]
        )
        for who, urls in pages.items():
            context = browser.new_context(viewport={"width": 360, "height": 800})
            cookie = {"name": "sessionid", "value": sessions[who], "url": base}
            context.add_cookies([cookie])
            page = context.new_page()
            cdp = context.new_cdp_session(page)
            cdp.send("Network.enable")
            cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
            cdp.send("Network.emulateNetworkConditions", SLOW_3G)
            sizes: dict[str, float] = {}
            cdp.on("Network.loadingFinished", functools.partial(_count, sizes))
            for url in urls:
                loads = [_load(page, sizes, base + url) for _ in range(repeat)]
                requests, size = loads[-1][0], loads[-1][1]
                rows.append((who, url, requests, size, statistics.median(x[2] for x in loads)))
            context.close()
        browser.close()
    return rows


def table(rows: list, reference: tuple) -> str:
    head = f"{'who':<16} {'page':<44} {'req':>4} {'kB sent':>8} {'DCL ms':>8} {'÷ 1 s':>6}"
    lines = [head, "-" * len(head)]
    for who, url, requests, size, dcl in [reference, *rows]:
        lines.append(
            f"{who:<16} {url[:44]:<44} {requests:>4} {size / 1000:>8.1f} {dcl:>8.0f}"
            f" {dcl / TARGET_MS:>6.2f}"
        )
    worst = max(r[4] for r in rows)
    heaviest = max(r[3] for r in rows)
    lines.append("-" * len(head))
    lines.append(
        f"{len(rows)} pages; slowest DOMContentLoaded {worst:.0f} ms "
        f"({worst / TARGET_MS:.2f} of the 1 s target); heaviest {heaviest / 1000:.1f} kB"
    )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=3, help="loads of each page (median)")
    parser.add_argument("--only", default="", help="only pages whose address contains this")
    args = parser.parse_args()
    if not Path(CHROMIUM).exists():
        sys.exit(f"Chromium not found at {CHROMIUM}: apt-get install -y chromium")
    with tempfile.TemporaryDirectory() as data_dir:
        _django(data_dir)
        world, pages = _world()
        pages = {k: [u for u in v if args.only in u] for k, v in pages.items()}
        sessions = {k: _session(world.viewers[k]) for k in pages}
        server = _server()
        base = f"http://127.0.0.1:{server.port}"
        try:
            # The floor: a bare page on the same link, one round trip for the connection, one
            # for the request.
            bare = {"reference": ["/static/kinfolk/favicon.svg"]}
            floor = measure(base, bare, {"reference": ""}, args.repeat)[0]
            rows = measure(base, pages, sessions, args.repeat)
        finally:
            server.terminate()
    print(
        f"Slow 3G: {SLOW_3G['downloadThroughput'] * 8 / 1e6:.1f} Mbit/s down, "
        f"{SLOW_3G['latency']} ms round trip, cache disabled; 360 px; median of {args.repeat}"
    )
    print(table(rows, (*floor[:1], "bare file (floor)", *floor[2:])))


if __name__ == "__main__":
    main()

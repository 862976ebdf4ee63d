"""A Nominatim-like server on 127.0.0.1 for the geocoder's tests: no request leaves the machine.

It answers ``/search`` with the JSON a test gave for the text asked
(``postalcode``, ``city`` or ``q``, case-insensitive), records every request,
and can be made slow.
"""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlsplit


def found(lat, lon, country="gb"):
    return {
        "lat": str(lat),
        "lon": str(lon),
        "display_name": "somewhere",
        "address": {"country_code": country},
    }


class _Handler(BaseHTTPRequestHandler):
    server: NominatimStub

    def do_GET(self) -> None:
        url = urlsplit(self.path)
        params = dict(parse_qsl(url.query))
        self.server.asked.append((url.path, params, self.headers.get("User-Agent", "")))
        self.server.times.append(time.monotonic())
        time.sleep(self.server.delay)
        text = params.get("postalcode") or params.get("city") or params.get("q", "")
        body = json.dumps(self.server.answers.get(text.casefold(), [])).encode()
        try:
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        except OSError:
            pass  # the client gave up waiting (the timeout test)

    def log_message(self, *args) -> None:
        pass


class NominatimStub(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.answers: dict[str, list[dict]] = {}
        self.asked: list[tuple[str, dict[str, str], str]] = []
        self.times: list[float] = []
        self.delay = 0.0

    def start(self) -> NominatimStub:
        threading.Thread(target=self.serve_forever, daemon=True).start()
        return self

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_port}"

    def stop(self) -> None:
        self.shutdown()
        self.server_close()

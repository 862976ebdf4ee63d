"""The geocoder's settings: off unless set, and a bad value stops the site at start-up."""

from __future__ import annotations

import json
import os
import subprocess
import sys

_READ = (
    "import json; from kinfolk.web import settings as s; print(json.dumps([s.KINFOLK_GEOCODER_URL,"
    " s.KINFOLK_GEOCODER_MIN_DELAY, s.KINFOLK_GEOCODER_TIMEOUT, s.KINFOLK_GEOCODER_ADDRESSES]))"
)


def _start(**env: str) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith("KINFOLK_GEOCODER")}
    base.update(SECRET_KEY="tests-only-secret-key-not-for-production", **env)
    return subprocess.run([sys.executable, "-c", _READ], env=base, capture_output=True, text=True)


def test_the_geocoder_is_off_unless_its_url_is_set():
    assert json.loads(_start().stdout) == ["", 1.0, 10.0, False]


def test_the_url_and_the_limits_are_read_from_the_environment():
    done = _start(
        KINFOLK_GEOCODER_URL="https://nominatim.example.org/",
        KINFOLK_GEOCODER_MIN_DELAY="0.25",
        KINFOLK_GEOCODER_TIMEOUT="3",
    )
    assert json.loads(done.stdout) == ["https://nominatim.example.org", 0.25, 3.0, False]


def test_a_url_without_its_scheme_or_a_bad_number_stops_the_start():
    for env, said in [
        ({"KINFOLK_GEOCODER_URL": "nominatim.example.org"}, "must start with https://"),
        ({"KINFOLK_GEOCODER_TIMEOUT": "soon"}, "are seconds"),
        ({"KINFOLK_GEOCODER_TIMEOUT": "0"}, "more than 0"),
    ]:
        done = _start(**env)
        assert done.returncode != 0 and said in done.stderr

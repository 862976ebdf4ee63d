"""Production settings pass Django's deployment checks, and https switches on HTTPS-only."""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[4]


def _example_env(tmp_path: Path, **overrides: str) -> dict[str, str]:
    """The environment of a production site: every variable of .env.example, own secret key."""
    # The browser tests' conftest allows async-unsafe calls for Playwright; no site sets that.
    test_only = {"DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env = {k: v for k, v in os.environ.items() if k not in test_only}
    for line in (ROOT / ".env.example").read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            name, _eq, value = line.partition("=")
            env[name] = value
    env.update(SECRET_KEY=secrets.token_urlsafe(50), KINFOLK_DATA_DIR=str(tmp_path))
    env.update(overrides)
    return env


def _settings(env: dict[str, str], *names: str) -> dict[str, object]:
    code = (
        "import json; from kinfolk.web import settings as s; "
        f"print(json.dumps({{n: getattr(s, n, None) for n in {list(names)!r}}}))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    return json.loads(done.stdout)


def test_deploy_check_is_clean_with_the_documented_production_settings(tmp_path):
    done = subprocess.run(
        [sys.executable, "-m", "kinfolk.web.cli", "manage", "check", "--deploy"]
        + ["--fail-level", "WARNING"],
        env=_example_env(tmp_path),
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr + done.stdout


def test_https_site_url_turns_on_hsts_redirect_and_secure_cookies(tmp_path):
    env = _example_env(tmp_path, SITE_URL="https://kinfolk.example.org")
    for name in ("SECURE_COOKIES", "HTTPS_REDIRECT", "HSTS_SECONDS"):
        env.pop(name)  # left to follow SITE_URL
    values = _settings(
        env,
        "SECURE_HSTS_SECONDS",
        "SECURE_SSL_REDIRECT",
        "SESSION_COOKIE_SECURE",
        "CSRF_COOKIE_SECURE",
        "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    )
    assert values == {
        "SECURE_HSTS_SECONDS": 365 * 86400,
        "SECURE_SSL_REDIRECT": True,
        "SESSION_COOKIE_SECURE": True,
        "CSRF_COOKIE_SECURE": True,
        "SECURE_HSTS_INCLUDE_SUBDOMAINS": True,
    }


def test_plain_http_site_url_keeps_cookies_usable_without_tls(tmp_path):
    env = _example_env(tmp_path, SITE_URL="http://127.0.0.1:8000")
    for name in ("SECURE_COOKIES", "HTTPS_REDIRECT", "HSTS_SECONDS"):
        env.pop(name)  # left to follow SITE_URL
    values = _settings(env, "SECURE_HSTS_SECONDS", "SECURE_SSL_REDIRECT", "SESSION_COOKIE_SECURE")
    assert values == {
        "SECURE_HSTS_SECONDS": 0,
        "SECURE_SSL_REDIRECT": False,
        "SESSION_COOKIE_SECURE": False,
    }


def test_placeholder_secret_key_is_refused_outside_debug(tmp_path):
    env = _example_env(tmp_path, SECRET_KEY="change-me")
    with pytest.raises(subprocess.CalledProcessError) as refused:
        _settings(env, "SECRET_KEY")
    assert "placeholder" in refused.value.stderr


def test_https_site_sends_hsts_header_and_redirects_plain_http(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_HSTS_SECONDS = 3600
    plain = client.get("/accounts/login/")
    assert plain.status_code == 301
    assert plain["Location"].startswith("https://")
    secure = client.get("/accounts/login/", secure=True)
    assert "max-age=3600" in secure["Strict-Transport-Security"]


@pytest.mark.parametrize("value", ["0", "-5", "two"])
def test_a_session_time_out_that_is_not_a_positive_number_is_refused(tmp_path, value):
    env = _example_env(tmp_path, STAFF_SESSION_IDLE_MINUTES=value)
    with pytest.raises(subprocess.CalledProcessError) as refused:
        _settings(env, "STAFF_SESSION_IDLE_SECONDS")
    assert "STAFF_SESSION_IDLE_MINUTES" in refused.value.stderr or "above 0" in refused.value.stderr


def test_behind_a_trusted_proxy_its_https_header_is_believed(tmp_path):
    with_proxy = _settings(_example_env(tmp_path, TRUSTED_PROXIES="1"), "SECURE_PROXY_SSL_HEADER")
    alone = _settings(_example_env(tmp_path, TRUSTED_PROXIES="0"), "SECURE_PROXY_SSL_HEADER")
    assert with_proxy == {"SECURE_PROXY_SSL_HEADER": ["HTTP_X_FORWARDED_PROTO", "https"]}
    assert alone == {"SECURE_PROXY_SSL_HEADER": None}


def test_a_request_the_proxy_received_over_https_is_not_redirected(client, settings, db):
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    assert client.get("/accounts/login/", HTTP_X_FORWARDED_PROTO="https").status_code == 200
    assert client.get("/accounts/login/", HTTP_X_FORWARDED_PROTO="http").status_code == 301

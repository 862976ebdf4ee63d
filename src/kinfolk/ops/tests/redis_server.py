"""Redis for the tests that need it: the machine's server on a db of its own, or one we start.

Tests skip when Redis is not installed here, but never in CI (``CI=true``),
where ``.ci/run`` starts it.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
from pathlib import Path

import pytest

#: The db number tests use on the machine's Redis, away from anything else on it.
TEST_DB = 15


def redis_settings(port: int, db: int = TEST_DB) -> dict[str, dict[str, object]]:
    return {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{port}/{db}",
            "OPTIONS": {"socket_connect_timeout": 0.3, "socket_timeout": 0.3},
        }
    }


def answers(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.3) as conn:
            conn.sendall(b"PING\r\n")
            return conn.recv(16).startswith(b"+PONG")
    except OSError:
        return False


def require_redis(port: int = 6379) -> None:
    """Skip (or, in CI, fail) when Redis does not answer on ``port``."""
    if not answers(port):
        if os.environ.get("CI"):
            pytest.fail(f"Redis does not answer on 127.0.0.1:{port}; .ci/run should start it")
        pytest.skip(f"no Redis on 127.0.0.1:{port}")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def redis_start(directory: Path) -> tuple[subprocess.Popen[bytes], int]:
    """A Redis server of the test's own, which the test may stop."""
    binary = shutil.which("redis-server")
    if binary is None:
        if os.environ.get("CI"):
            pytest.fail("redis-server is not installed; .ci/run should install it")
        pytest.skip("redis-server is not installed")
    port = free_port()
    process = subprocess.Popen(
        [binary, "--port", str(port), "--save", "", "--appendonly", "no", "--dir", str(directory)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 10
    while not answers(port):
        if time.monotonic() > deadline:
            process.kill()
            raise AssertionError("redis-server did not start")
        time.sleep(0.05)
    return process, port

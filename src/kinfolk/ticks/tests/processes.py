"""Real Kinfolk processes on a database of their own, for the tests that kill them.

The test database of pytest-django lives inside the test's transaction (or,
on SQLite, in memory), where another process cannot see it.  These tests
start real processes instead, on a fresh database migrated for them: a
SQLite file, or a PostgreSQL database when the suite runs on PostgreSQL.
They seed and read it through short Django scripts run as processes too.
"""

from __future__ import annotations

import atexit
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from django.conf import settings


class ProcessDatabase:
    """A migrated database and the environment that points a process at it."""

    def __init__(self, env: dict[str, str], directory: Path) -> None:
        self.env = env
        self.directory = directory
        self.logs: list[Path] = []

    def start(self, *args: str, **env: str) -> subprocess.Popen[bytes]:
        """Start ``python <args>`` on this database, in a process group of its own.

        Its output goes to a log file in the directory (see ``output``).
        """
        log = self.directory / f"process-{len(self.logs)}.log"
        self.logs.append(log)
        with log.open("wb") as out:
            return subprocess.Popen(
                [sys.executable, *args],
                env={**self.env, **env},
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    def output(self) -> str:
        """What the started processes printed, for a failing test's message."""
        return "\n".join(f"--- {log.name}\n{log.read_text(errors='replace')}" for log in self.logs)

    def run(self, *args: str, timeout: float = 120, **env: str) -> str:
        """Run ``python <args>`` to the end; its output, or an error with the output."""
        done = subprocess.run(
            [sys.executable, *args],
            env={**self.env, **env},
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        if done.returncode != 0:
            raise AssertionError(f"{args} failed:\n{done.stdout}\n{done.stderr}")
        return done.stdout

    def django(self, code: str, **env: str) -> Any:
        """Run ``code`` with Django set up; it sets ``result``, which comes back as JSON."""
        script = (
            "import json, django\ndjango.setup()\nresult = None\n"
            + code
            + "\nprint('RESULT ' + json.dumps(result, default=str))\n"
        )
        output = self.run("-c", script, **env)
        line = next(x for x in output.splitlines() if x.startswith("RESULT "))
        return json.loads(line.removeprefix("RESULT "))


def process_environment(directory: Path) -> dict[str, str]:
    """The environment of a Kinfolk process with its data in ``directory`` and no database set."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "kinfolk.web.settings",
        "SECRET_KEY": "tests-only-secret-key-not-for-production",
        "KINFOLK_DATA_DIR": str(directory),
        "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
        "TASKS_BACKEND": "django_tasks_db.DatabaseBackend",
        "PYTHONUNBUFFERED": "1",
    }
    env.pop("DATABASE_URL", None)
    return env


@contextmanager
def process_database(directory: Path) -> Iterator[ProcessDatabase]:
    """A fresh, migrated database for processes, dropped afterwards.

    The first call in a test process migrates a template; later ones copy it.
    """
    env = process_environment(directory)
    database = settings.DATABASES["default"]
    if database["ENGINE"] == "django.db.backends.postgresql":
        with _postgres_database(database, env) as url:
            yield ProcessDatabase({**env, "DATABASE_URL": url}, directory)
    else:
        shutil.copyfile(_sqlite_template(env), directory / "kinfolk.sqlite3")
        yield ProcessDatabase(env, directory)


_TEMPLATES: dict[str, Any] = {}


def _sqlite_template(env: dict[str, str]) -> Path:
    if "sqlite" not in _TEMPLATES:
        folder = Path(tempfile.mkdtemp(prefix="kf-outbox-template-"))
        ProcessDatabase({**env, "KINFOLK_DATA_DIR": str(folder)}, folder).run(
            "-m", "kinfolk.web.cli", "manage", "migrate", "-v0"
        )
        _TEMPLATES["sqlite"] = folder / "kinfolk.sqlite3"
        atexit.register(shutil.rmtree, folder, ignore_errors=True)
    return Path(_TEMPLATES["sqlite"])


@contextmanager
def _postgres_database(database: dict[str, Any], env: dict[str, str]) -> Iterator[str]:
    import psycopg

    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    name, template = f"kf_outbox_proc_{worker}", f"kf_outbox_proc_template_{worker}"
    params = {
        "host": database.get("HOST") or "127.0.0.1",
        "port": database.get("PORT") or 5432,
        "user": database.get("USER") or "postgres",
        "password": database.get("PASSWORD") or None,
        "dbname": "postgres",
    }
    password = f":{params['password']}" if params["password"] else ""
    base = f"postgres://{params['user']}{password}@{params['host']}:{params['port']}/"
    with psycopg.connect(**params, autocommit=True) as admin:
        if "postgres" not in _TEMPLATES:
            admin.execute(f'DROP DATABASE IF EXISTS "{template}" WITH (FORCE)')
            admin.execute(f'CREATE DATABASE "{template}"')
            ProcessDatabase({**env, "DATABASE_URL": base + template}, Path(".")).run(
                "-m", "kinfolk.web.cli", "manage", "migrate", "-v0"
            )
            _TEMPLATES["postgres"] = template
            atexit.register(_drop, params, template)
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
    try:
        yield base + name
    finally:
        _drop(params, name)


def _drop(params: dict[str, Any], name: str) -> None:
    import psycopg

    with psycopg.connect(**params, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def children(pid: int) -> list[int]:
    """The child processes of ``pid`` (Linux)."""
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(c) for c in path.read_text().split()] if path.exists() else []


def wait_for(condition: Callable[[], Any], *, timeout: float = 60, what: str = "") -> Any:
    """Poll ``condition`` until it returns something true; fail after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what or condition}")


def kill_group(process: subprocess.Popen[bytes]) -> None:
    """Stop a process started by ``ProcessDatabase.start`` and everything it started."""
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=10)

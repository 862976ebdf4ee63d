"""A PostgreSQL cluster of the test's own, which the test may stop and restart.

The machine's PostgreSQL serves every other test running at the same time,
so a test that restarts a server starts its own: ``initdb`` into a fresh
folder, ``pg_ctl start`` on a free port of 127.0.0.1.  PostgreSQL refuses
to run as root, so when the tests run as root the cluster belongs to the
``postgres`` user (or ``nobody``).  Tests skip when the server's programs
are not installed, but never in CI (``CI=true``), where they must run.
"""

from __future__ import annotations

import contextlib
import os
import pwd
import re
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest


def binaries() -> Path | None:
    """The folder of ``initdb`` and ``pg_ctl``: the newest Debian version, or on the PATH."""

    def version(path: Path) -> tuple[int, ...]:
        return tuple(int(n) for n in re.findall(r"\d+", path.parent.parent.name))

    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"), key=version)
    if found:
        return found[-1].parent
    initdb = shutil.which("initdb")
    return Path(initdb).resolve().parent if initdb else None


def require_binaries() -> Path:
    """The programs' folder; skip (or, in CI, fail) when PostgreSQL is not installed."""
    folder = binaries()
    if folder is None or not (folder / "pg_ctl").exists():
        message = "PostgreSQL's server programs (initdb, pg_ctl) are not installed"
        if os.environ.get("CI"):
            pytest.fail(f"{message}; .ci/run runs on a machine with PostgreSQL")
        pytest.skip(message)
    return folder


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class PrivateCluster:
    """A running cluster: its URL, and a restart that cuts every connection."""

    def __init__(self, bindir: Path, folder: Path, port: int, user: str | None) -> None:
        self.bindir, self.folder, self.port, self.user = bindir, folder, port, user
        self.data = folder / "data"
        self.log = folder / "server.log"

    def url(self, database: str) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{database}"

    def _as_owner(self, *command: str, timeout: float = 60) -> None:
        prefix = ["runuser", "-u", self.user, "--"] if self.user else []
        done = subprocess.run(
            [*prefix, *command], capture_output=True, text=True, timeout=timeout, cwd=self.folder
        )
        if done.returncode != 0:
            log = self.log.read_text(errors="replace") if self.log.exists() else ""
            raise AssertionError(f"{command[0]} failed:\n{done.stdout}{done.stderr}\n{log}")

    def pg_ctl(self, action: str, *options: str) -> None:
        """``pg_ctl ACTION`` on this cluster, waiting until it is done."""
        self._as_owner(
            str(self.bindir / "pg_ctl"), action, "-D", str(self.data), "-l", str(self.log),
            "-w", *options,
        )  # fmt: skip

    def restart(self) -> None:
        """Stop the server at once, cutting every session, and start it again."""
        self.pg_ctl("restart", "-m", "fast")


@contextmanager
def private_cluster() -> Iterator[PrivateCluster]:
    """Start a throwaway cluster (trust authentication, 127.0.0.1 only); remove it afterwards."""
    bindir = require_binaries()
    folder = Path(tempfile.mkdtemp(prefix="kf-private-pg-"))
    user = None
    if os.geteuid() == 0:
        user = next((u for u in ("postgres", "nobody") if _exists(u)), None)
        if user is None:
            pytest.fail("running as root with neither a postgres nor a nobody user for initdb")
        entry = pwd.getpwnam(user)
        os.chown(folder, entry.pw_uid, entry.pw_gid)
    cluster = PrivateCluster(bindir, folder, _free_port(), user)
    try:
        cluster._as_owner(
            str(bindir / "initdb"), "-D", str(cluster.data), "-U", "postgres",
            "--auth=trust", "--no-sync", "-E", "UTF8", "--locale=C",
        )  # fmt: skip
        # Durability does not matter here; a fast restart does.
        options = (
            f"-p {cluster.port} -c listen_addresses=127.0.0.1 -k {folder} "
            "-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        )
        cluster.pg_ctl("start", "-o", options)
        yield cluster
    finally:
        if (cluster.data / "postmaster.pid").exists():
            with contextlib.suppress(Exception):  # the folder goes anyway
                cluster.pg_ctl("stop", "-m", "immediate")
        shutil.rmtree(folder, ignore_errors=True)


def _exists(user: str) -> bool:
    try:
        pwd.getpwnam(user)
    except KeyError:
        return False
    return True

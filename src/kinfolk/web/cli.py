"""The ``kinfolk`` command: demo, serve, worker, tick, backup, restore, synth, match, manage."""

from __future__ import annotations

import logging
import os
import secrets
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)

from kinfolk import matchcli

app = typer.Typer(
    help="Kinfolk: run voluntary one-to-one pairing programmes.", no_args_is_help=True
)
console = Console()
logger = logging.getLogger("kinfolk.worker")
# The engine's commands need no database and no Django.
app.command("synth")(matchcli.synth)
app.command("match")(matchcli.match)


def _data_dir() -> Path:
    return Path(os.environ.get("KINFOLK_DATA_DIR", Path.cwd() / "data")).resolve()


def _prepare_local_environment() -> Path:
    """Defaults for running on one machine: a data folder with its own secret key."""
    data_dir = _data_dir()
    data_dir.mkdir(parents=True, exist_ok=True)
    os.environ["KINFOLK_DATA_DIR"] = str(data_dir)
    key_file = data_dir / "secret_key"
    if "SECRET_KEY" not in os.environ and "SECRET_KEY_FILE" not in os.environ:
        if not key_file.exists():
            key_file.write_text(secrets.token_urlsafe(50))
            key_file.chmod(0o600)
        os.environ["SECRET_KEY_FILE"] = str(key_file)
    return data_dir


def _django_setup() -> None:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kinfolk.web.settings")
    django.setup()


def _migrate() -> None:
    from django.core.management import call_command

    with console.status("Preparing the database…"):
        call_command("migrate", interactive=False, verbosity=0)


@app.command()
def demo(
    port: Annotated[int, typer.Option(help="Port to serve on (127.0.0.1).")] = 8000,
    size: Annotated[int, typer.Option(help="Volunteers (and as many households).")] = 3000,
    seed: Annotated[int, typer.Option(help="Seed of the synthetic programme.")] = 7,
    no_serve: Annotated[
        bool, typer.Option("--no-serve", help="Build the demo, then exit.")
    ] = False,
) -> None:
    """Build (once) a realistic synthetic programme on SQLite and serve it with a worker."""
    data_dir = _prepare_local_environment()
    os.environ.setdefault("SITE_URL", f"http://127.0.0.1:{port}")
    _django_setup()
    _migrate()
    from kinfolk.web import demo as demo_data

    if demo_data.demo_programme() is None:
        with _progress() as bar:
            tasks: dict[str, int] = {}

            def progress(stage: str, done: int, total: int) -> None:
                if stage not in tasks:
                    tasks[stage] = bar.add_task(stage, total=total)
                bar.update(tasks[stage], completed=done, total=total)

            demo_data.demo_build(size=size, seed=seed, data_dir=data_dir, progress=progress)
    else:
        console.print(f"Reusing the demo programme in {data_dir}.")
    from kinfolk.engine.compiled import warm_up

    # Compile the matching engine now (once per machine; later runs load it from
    # disk), so that nobody waits for it at their first matching run.
    console.print(f"Matching engine ready ({warm_up():.1f} s).")
    _print_logins(demo_data.demo_logins(data_dir), port)
    if not no_serve:
        _serve_with_worker(port)


def _progress() -> Progress:
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
    )


def _print_logins(logins: list, port: int) -> None:
    # Plain lines rather than a table, so nothing is cut on a narrow terminal.
    console.print(f"\n[bold]Kinfolk demo[/bold] at http://127.0.0.1:{port}/ — sign in as:")
    width = max(len(login.role) for login in logins)
    for login in logins:
        note = f"  ({login.note})" if login.note else ""
        console.print(
            f"  {login.role:<{width}}  {login.email}  password: {login.password}{note}",
            soft_wrap=True,
        )
    console.print()


def _serve_with_worker(port: int) -> None:
    """The web server and a task worker side by side; Ctrl-C stops both."""
    signal.signal(signal.SIGTERM, _interrupt)  # a plain `kill` stops the children too
    worker = subprocess.Popen([sys.executable, "-m", "kinfolk.web.cli", "worker"])
    web = subprocess.Popen(_gunicorn(f"127.0.0.1:{port}", workers=2, access_log=False))
    try:
        web.wait()
    except KeyboardInterrupt:
        console.print("Stopping…")
    finally:
        for process in (web, worker):
            process.send_signal(signal.SIGTERM)
        for process in (web, worker):
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()


def _interrupt(*_args: object) -> None:
    raise KeyboardInterrupt


def _gunicorn(bind: str, *, workers: int, access_log: bool) -> list[str]:
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "kinfolk.web.wsgi:application",
        "--bind",
        bind,
        "--workers",
        str(workers),
        "--threads",
        "4",
    ]
    return [*command, "--access-logfile", "-"] if access_log else command


@app.command()
def serve(
    bind: Annotated[str, typer.Option(help="Address and port.")] = "127.0.0.1:8000",
    workers: Annotated[int, typer.Option(help="Web worker processes.")] = 2,
) -> None:
    """Serve the site with gunicorn (migrating first)."""
    _prepare_local_environment()
    _django_setup()
    _migrate()
    # Kinfolk logs each request itself (route, status, time, request id): gunicorn's
    # access log would write raw paths and queries, where a search can hold an address.
    command = _gunicorn(bind, workers=workers, access_log=False)
    os.execvp(command[0], command)


@app.command()
def worker(
    tick_seconds: Annotated[int, typer.Option(help="Seconds between periodic ticks.")] = 60,
) -> None:
    """Run background tasks and the periodic tick until stopped.

    The task runner is a child process; if it dies it is started again.  A
    tick that fails is logged and the next one runs as usual.
    """
    _prepare_local_environment()
    _django_setup()
    from kinfolk.ticks.services import tick_run

    stopping = False

    def stop(*_args: object) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    runner = TaskRunner([sys.executable, "-m", "kinfolk.web.cli", "manage", "db_worker"])
    runner.start()
    heartbeat = Heartbeat()
    next_tick = 0.0
    try:
        while not stopping:
            runner.keep_alive()
            heartbeat.beat_if_due(runner_alive=runner.alive())
            if time.monotonic() >= next_tick:
                _tick_once(tick_run)
                next_tick = time.monotonic() + tick_seconds
            time.sleep(0.1)
    finally:
        runner.stop()
        heartbeat.end()


class Heartbeat:
    """The worker's row in ``ops.WorkerHeartbeat``, touched every ``every`` seconds.

    ``/readyz`` reads it.  Only a worker whose task runner is alive beats, so
    a runner that keeps dying shows as a silent worker.  A database that is
    down is logged and tried again at the next beat.
    """

    def __init__(self, every: float = 15.0) -> None:
        import datetime as dt

        from kinfolk.ops.services import worker_name

        self.every = every
        self.name = worker_name()
        self.started_at = dt.datetime.now(tz=dt.UTC)
        self.next_at = 0.0

    def beat_if_due(self, *, runner_alive: bool) -> None:
        if time.monotonic() < self.next_at or not runner_alive:
            return
        from kinfolk.ops.services import worker_heartbeat_beat

        self.next_at = time.monotonic() + self.every
        try:
            worker_heartbeat_beat(worker=self.name, started_at=self.started_at)
        except Exception:
            logger.exception("the worker's heartbeat could not be written")

    def end(self) -> None:
        from kinfolk.ops.services import worker_heartbeat_end

        try:
            worker_heartbeat_end(worker=self.name)
        except Exception:
            logger.exception("the worker's heartbeat could not be removed")


def _tick_once(tick_run: Callable[[], dict[str, str]]) -> None:
    from django.db import close_old_connections

    # A connection the database dropped since the last tick is replaced, not reused.
    close_old_connections()
    try:
        outcomes = tick_run()
    except Exception:  # the database may be down: say so, and try at the next tick
        logger.exception("the periodic tick failed; the next one runs as usual")
        return
    for job, outcome in outcomes.items():
        if outcome.startswith("failed"):
            console.print(f"[red]{job}: {outcome}[/red]", soft_wrap=True)


class TaskRunner:
    """The django-tasks runner as a child process, started again whenever it dies.

    A runner that keeps dying soon after it starts is restarted after 1, 2,
    4 … up to 60 seconds, so a broken set-up does not spin.
    """

    def __init__(self, command: list[str]) -> None:
        self.command = command
        self.process: subprocess.Popen[bytes] | None = None
        self.started = 0.0
        self.quick_deaths = 0
        self.restart_at = 0.0

    def start(self) -> None:
        self.process = subprocess.Popen(self.command)
        self.started = time.monotonic()

    def keep_alive(self) -> None:
        if self.process is None or self.process.poll() is None:
            return
        now = time.monotonic()
        if not self.restart_at:
            code = self.process.returncode
            self.quick_deaths = self.quick_deaths + 1 if now - self.started < 30 else 0
            delay = min(2 ** (self.quick_deaths - 1), 60) if self.quick_deaths else 0
            self.restart_at = now + delay
            logger.warning("the task runner stopped (exit code %s); restarting", code)
            console.print(
                f"[yellow]The task runner stopped (exit code {code}); "
                f"starting it again{f' in {delay} s' if delay else ''}.[/yellow]"
            )
        if now >= self.restart_at:
            self.restart_at = 0.0
            self.start()

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


@app.command()
def tick() -> None:
    """Run one periodic tick (for cron); safe to run twice or on several machines."""
    _prepare_local_environment()
    _django_setup()
    from kinfolk.ticks.services import tick_run

    failed = False
    for job, outcome in tick_run().items():
        console.print(f"{job}: {outcome}", soft_wrap=True)
        failed = failed or outcome.startswith("failed")
    if failed:  # every job ran; cron hears that one failed
        raise typer.Exit(code=1)


@app.command()
def backup(
    target: Annotated[
        Path | None,
        typer.Argument(help="File to write (default: DATA_DIR/backups/kinfolk-DATE.kfbackup)."),
    ] = None,
) -> None:
    """Write a backup of the whole database while the site keeps running."""
    data_dir = _prepare_local_environment()
    _django_setup()
    from kinfolk.backups import BackupRefused, backup_create

    if target is None:
        stamp = time.strftime("%Y%m%d-%H%M%S", time.gmtime())
        target = data_dir / "backups" / f"kinfolk-{stamp}.kfbackup"
        target.parent.mkdir(parents=True, exist_ok=True)
    try:
        with _progress() as bar:
            manifest = backup_create(target, progress=_bar_stages(bar))
    except BackupRefused as refused:
        console.print(f"[red]{refused.message}[/red]", soft_wrap=True)
        raise typer.Exit(code=1) from None
    console.print(
        f"Backup written to {target}: {len(manifest.tables)} tables, {manifest.rows} rows.",
        soft_wrap=True,
    )


@app.command()
def restore(
    source: Annotated[Path, typer.Argument(help="A file written by `kinfolk backup`.")],
    yes: Annotated[bool, typer.Option("--yes", help="Do not ask for confirmation.")] = False,
) -> None:
    """Replace the whole database with a backup's; stop the site and its worker first.

    A file that is not a Kinfolk backup, or a backup from a newer version, is
    refused and nothing changes.  People erased since the backup was taken
    are erased again.
    """
    _prepare_local_environment()
    _django_setup()
    from kinfolk.backups import BackupRefused, backup_inspect, backup_restore, ledger_exists

    try:
        manifest = backup_inspect(source)
        console.print(
            f"{source.name}: a {manifest.engine} backup of {manifest.created_at[:19]} UTC, "
            f"{len(manifest.tables)} tables, {manifest.rows} rows.",
            soft_wrap=True,
        )
        if not yes and not typer.confirm("Replace everything in this site's database with it?"):
            raise typer.Exit(code=1)
        with _progress() as bar:
            backup_restore(source, progress=_bar_stages(bar))
    except BackupRefused as refused:
        console.print(f"[red]{refused.message}[/red]", soft_wrap=True)
        raise typer.Exit(code=1) from None
    console.print(
        f"Restored {manifest.rows} rows; every table's count matches the backup, "
        "and the schema is up to date.",
        soft_wrap=True,
    )
    if ledger_exists():
        console.print("Everyone erased since the backup was taken is erased again.")


def _bar_stages(bar: Progress) -> Callable[[str, int, int], None]:
    tasks: dict[str, TaskID] = {}

    def progress(stage: str, done: int, total: int) -> None:
        if stage not in tasks:
            tasks[stage] = bar.add_task(stage, total=total)
        bar.update(tasks[stage], completed=done, total=total)

    return progress


@app.command(context_settings={"allow_extra_args": True, "ignore_unknown_options": True})
def manage(ctx: typer.Context) -> None:
    """Run a Django management command: kinfolk manage migrate, createsuperuser, …"""
    _prepare_local_environment()
    from django.core.management import execute_from_command_line

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kinfolk.web.settings")
    execute_from_command_line(["kinfolk manage", *ctx.args])


def main() -> None:
    app()


if __name__ == "__main__":
    main()

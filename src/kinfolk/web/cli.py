"""The ``kinfolk`` command: demo, serve, worker, tick, synth, match, manage."""

from __future__ import annotations

import os
import secrets
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from kinfolk import matchcli

app = typer.Typer(
    help="Kinfolk: run voluntary one-to-one pairing programmes.", no_args_is_help=True
)
console = Console()
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
    for login in logins:
        note = f"  ({login.note})" if login.note else ""
        console.print(
            f"  {login.role:<20} {login.email}  password: {login.password}{note}", soft_wrap=True
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
    command = _gunicorn(bind, workers=workers, access_log=True)
    os.execvp(command[0], command)


@app.command()
def worker(
    tick_seconds: Annotated[int, typer.Option(help="Seconds between periodic ticks.")] = 60,
) -> None:
    """Run background tasks and the periodic tick until stopped."""
    _prepare_local_environment()
    _django_setup()
    tasks = subprocess.Popen([sys.executable, "-m", "kinfolk.web.cli", "manage", "db_worker"])
    stopping = False

    def stop(*_args: object) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    from kinfolk.ticks.services import tick_run

    try:
        while not stopping:
            tick_run()
            for _ in range(tick_seconds * 10):
                if stopping:
                    break
                time.sleep(0.1)
    finally:
        tasks.terminate()
        tasks.wait(timeout=10)


@app.command()
def tick() -> None:
    """Run one periodic tick (for cron); safe to run twice or on several machines."""
    _prepare_local_environment()
    _django_setup()
    from kinfolk.ticks.services import tick_run

    for job, outcome in tick_run().items():
        console.print(f"{job}: {outcome}")


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

"""Benchmark: a 110,000-pair programme under load, on two app servers and two workers.

Serves the programme a ``bench/pages.py --keep`` run left in PostgreSQL with
**two gunicorn instances on two ports** (requests alternate between them),
with **two ``kinfolk worker`` processes** and Redis for sessions and rate
limits, all on 127.0.0.1.  After a warm-up (``--warm-up-seconds`` at a fifth of
the rate, not counted: fresh processes import and compile on their first
requests), open-loop (each request leaves on schedule,
whether or not earlier ones have answered, so a slow server cannot slow the
clock that measures it):

1. participant pages (volunteer and household home, a proposal, a visit, a
   pairing) and the coordinator's overview, to-do list and two lists, at
   ``--rate`` requests a second for ``--seconds``; a third of the way in, a
   matching run of one region is started (a region of three towns that
   ``prepare`` makes: the waiting volunteer's and the two with the fewest
   active volunteers), and the workers' periodic tick sends the reminders of
   visits whose window opens today;
2. sign-ins (the form, then the POST, with argon2) at ``--login-rate`` a
   second for ``--login-seconds``, sampling the servers' memory.

Afterwards it checks that every reminder was sent exactly once (each
Message-ID once among the e-mails written) and that the matching run finished.
The table gives p50/p95/p99, errors, requests sent a second (req/s) and
answered with 200 a second (ok/s) for each page, against the target (p95
under 500 ms, no errors).  A request unanswered after 30 s is an error.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench python bench/pages.py --keep --repeat 1
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench python bench/load.py  # 5 minutes
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench python bench/load.py --seconds 30

Only 127.0.0.1 is ever contacted.  Every process it starts is stopped at the end.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import datetime as dt
import email
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))  # run alone or imported
from _harness import django_setup  # noqa: E402

TARGET_P95_MS = 500.0
LOGIN_PASSWORD = "bench load password 42"
HOST = "127.0.0.1"


# --- preparing the programme ---------------------------------------------------------------


def prepare(sample: int, logins: int) -> dict[str, Any]:
    """Sessions, visits due a reminder, sign-in passwords; the nightly jobs marked done."""
    from django.contrib.auth import get_user_model
    from django.test import Client
    from django.urls import reverse
    from django.utils import timezone
    from pages import _recall

    from kinfolk.pairings.models import Pairing, Proposal
    from kinfolk.people.models import HouseholdMember
    from kinfolk.ticks.models import TickRun
    from kinfolk.ticks.services import _SLOT_FORMATS, JOBS
    from kinfolk.visits.models import Visit
    from kinfolk.visits.services.planning import visits_plan_for_pairing

    world = _recall()
    programme, coordinator = world["programme"], world["coordinator"]
    p = programme.pk
    today = timezone.localdate()
    now = timezone.now()
    # The nightly jobs (planning 110,000 pairings' visits, purges) ran last night.
    for entry in JOBS:
        if entry.every == "day":
            TickRun.objects.get_or_create(
                job=entry.name,
                slot=now.strftime(_SLOT_FORMATS["day"]),
                defaults={"state": "done", "outcome": "bench: ran last night", "finished_at": now},
            )
    # This hour's reminder job runs during the load, as if the hour had just begun.
    TickRun.objects.filter(job="visit_reminders", slot=now.strftime(_SLOT_FORMATS["hour"])).delete()
    # Pairings no earlier run planned, so that every reminder counted is this run's.
    pairings = list(
        Pairing.objects.filter(programme=programme, state="active", visits__isnull=True)
        .select_related("volunteer__user", "household")
        .order_by("pk")[:sample]
    )
    visit_ids = []
    for pairing in pairings:
        visits_plan_for_pairing(pairing=pairing, today=today)
        first = pairing.visits.filter(state=Visit.State.PLANNED).order_by("window_start").first()
        Visit.objects.filter(pk=first.pk).update(
            window_start=today, window_end=today + dt.timedelta(days=13)
        )
        visit_ids.append(first.pk)
    members = {
        m.household_id: m.user
        for m in HouseholdMember.objects.filter(household__in=[x.household for x in pairings])
    }
    proposals = list(
        Proposal.objects.filter(programme=programme, state="open")
        .select_related("volunteer__user")
        .order_by("pk")[:sample]
    )

    def cookie(user: Any) -> str:
        client = Client()
        client.force_login(user)
        return str(client.cookies["sessionid"].value)

    staff = cookie(coordinator)
    participant: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for pairing, visit_id in zip(pairings, visit_ids, strict=True):
        v, h = pairing.volunteer, pairing.household
        vc = cookie(v.user)
        participant["volunteer home"].append((reverse("people:volunteer_home", args=[v.pk]), vc))
        participant["pairing page"].append(
            (reverse("pairings:pairing_detail", args=["volunteer", v.pk, pairing.pk]), vc)
        )
        participant["visit page"].append(
            (reverse("visits:visit_detail", args=["volunteer", v.pk, visit_id]), vc)
        )
        if h.pk in members:
            participant["household home"].append(
                (reverse("people:household_home", args=[h.pk]), cookie(members[h.pk]))
            )
    for proposal in proposals:
        v = proposal.volunteer
        participant["proposal page"].append(
            (
                reverse("pairings:proposal_detail", args=["volunteer", v.pk, proposal.pk]),
                cookie(v.user),
            )
        )
    coordinator_pages = {
        "coordinator overview": reverse("programmes:overview", args=[p]),
        "coordinator to-do": reverse("casework:todo", args=[p]),
        "coordinator volunteers": reverse("programmes:volunteers", args=[p]),
        "coordinator households": reverse("programmes:households", args=[p]),
    }
    for label, url in coordinator_pages.items():
        participant[label].append((url, staff))
    User = get_user_model()
    sign_in = list(
        User.objects.filter(volunteer_roles__programme=programme)
        .order_by("-pk")
        .values_list("pk", flat=True)[:logins]
    )
    emails = []
    for user in User.objects.filter(pk__in=sign_in):
        user.set_password(LOGIN_PASSWORD)  # argon2, the site's first hasher
        user.save(update_fields=["password"])
        emails.append(user.email)
    town = (
        world["waiting_volunteer"].town
        if world.get("waiting_volunteer")
        else pairings[0].volunteer.town
    )
    region = region_prepare(programme, town)
    return {
        "pages": dict(participant),
        "logins": emails,
        "visit_ids": visit_ids,
        "programme_id": p,
        "coordinator_id": coordinator.pk,
        "region_id": region.pk,
        "region": f"{region.name} ({', '.join(region.towns.values_list('town', flat=True))})",
        "started": now,
    }


def region_prepare(programme: Any, town: str) -> Any:
    """The region the run during the load matches: ``town`` and the two least-peopled others.

    Made once and found again by its name, so a kept programme can be loaded twice.
    """
    from django.db.models import Count

    from kinfolk.people.models import Volunteer
    from kinfolk.regions.models import Region, RegionTown
    from kinfolk.regions.services import region_save

    name = "Load benchmark region"
    region = Region.objects.filter(programme=programme, name=name).first()
    taken = set(
        RegionTown.objects.filter(programme=programme)
        .exclude(region=region)
        .values_list("town", flat=True)
    )
    sizes = (
        Volunteer.objects.filter(programme=programme, state="active")
        .exclude(town=town)
        .values("town")
        .annotate(n=Count("id"))
        .order_by("n", "town")
    )
    others = [row["town"] for row in sizes if row["town"] and row["town"] not in taken][:2]
    return region_save(
        programme=programme, name=name, towns_text="\n".join([town, *others]), region=region
    )


# --- the processes ----------------------------------------------------------------------------


def processes_start(ports: list[int], env: dict[str, str], logs: Path) -> list[subprocess.Popen]:
    """Two gunicorn instances and two workers, each in a process group of its own."""
    started = []
    commands = [
        [
            sys.executable,
            "-m",
            "gunicorn",
            "kinfolk.web.wsgi:application",
            "--bind",
            f"{HOST}:{port}",
            "--workers",
            "2",
            "--threads",
            "4",
            "--timeout",
            "60",
        ]
        for port in ports
    ]
    commands += [[sys.executable, "-m", "kinfolk.web.cli", "worker", "--tick-seconds", "20"]] * 2
    for n, command in enumerate(commands):
        out = (logs / f"process-{n}.log").open("wb")
        worker = n >= len(ports)
        started.append(
            subprocess.Popen(
                command,
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
                preexec_fn=_low_priority if worker else None,
            )
        )
    return started


def _low_priority() -> None:
    """The workers yield to the servers, as the systemd unit of docs/deploy.md runs them."""
    os.nice(10)
    # Each process here leads a session of its own, so the kernel schedules it in a group of
    # its own (autogroup), and it is the group's weight that competes with the servers.
    with contextlib.suppress(OSError):
        Path("/proc/self/autogroup").write_text("10")


def processes_stop(started: list[subprocess.Popen]) -> None:
    for process in started:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
    for process in started:
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def rss_mb(pid: int) -> float:
    """Resident memory of ``pid`` and its children, in MB (Linux /proc)."""
    total = 0.0
    pids = [pid]
    while pids:
        current = pids.pop()
        try:
            status = Path(f"/proc/{current}/status").read_text()
            kids = Path(f"/proc/{current}/task/{current}/children").read_text().split()
        except FileNotFoundError:
            continue
        rss = next(line for line in status.splitlines() if line.startswith("VmRSS"))
        total += int(rss.split()[1]) / 1024
        pids += [int(k) for k in kids]
    return total


# --- the load ------------------------------------------------------------------------------------


async def http(
    port: int, method: str, path: str, *, cookies: dict[str, str], form: str = ""
) -> tuple[int, dict[str, str], dict[str, str]]:
    """One HTTP/1.1 request on a connection of its own: status, headers, cookies set.

    A few lines of asyncio rather than an HTTP library, so that the driver's
    own cost stays small next to the servers' on a machine with few cores.
    """
    reader, writer = await asyncio.open_connection(HOST, port)
    try:
        cookie = "; ".join(f"{k}={v}" for k, v in cookies.items())
        lines = [f"{method} {path} HTTP/1.1", f"Host: {HOST}", "Connection: close"]
        if cookie:
            lines.append(f"Cookie: {cookie}")
        body = form.encode()
        if method == "POST":
            lines += [
                "Content-Type: application/x-www-form-urlencoded",
                f"Content-Length: {len(body)}",
                f"Referer: http://{HOST}:{port}{path}",
            ]
        writer.write(("\r\n".join(lines) + "\r\n\r\n").encode() + body)
        await writer.drain()
        raw = await reader.read()
    finally:
        writer.close()
    head = raw.split(b"\r\n\r\n", 1)[0].decode("latin-1").split("\r\n")
    status = int(head[0].split()[1])
    headers, set_cookies = {}, {}
    for line in head[1:]:
        name, _colon, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
        if name.strip().lower() == "set-cookie":
            key, _eq, rest = value.strip().partition("=")
            set_cookies[key] = rest.split(";", 1)[0]
    return status, headers, set_cookies


async def pages_load(
    plan: dict[str, Any], ports: list[int], rate: float, seconds: float, midway: Any | None
) -> tuple[dict[str, list[tuple[float, bool]]], list[tuple[float, float]]]:
    """Open-loop GETs, page kinds in turn, alternating ports.

    Returns (ms, ok) by page kind, and (second sent, ms) of every request: when in the
    run the slow ones left.
    """
    kinds = sorted(plan["pages"])
    results: dict[str, list[tuple[float, bool]]] = defaultdict(list)
    timeline: list[tuple[float, float]] = []

    async def one(kind: str, url: str, session: str, port: int) -> None:
        begin = time.perf_counter()
        try:
            status, _h, _c = await asyncio.wait_for(
                http(port, "GET", url, cookies={"sessionid": session}), timeout=30
            )
            ok = status == 200
        except (OSError, TimeoutError, ValueError, IndexError):
            ok = False
        results[kind].append((1000 * (time.perf_counter() - begin), ok))
        timeline.append((begin - start, results[kind][-1][0]))

    total = int(rate * seconds)
    start = time.perf_counter()
    tasks = []
    fired = False
    for i in range(total):
        delay = start + i / rate - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        if midway is not None and not fired and i >= total // 3:
            fired = True
            tasks.append(asyncio.create_task(asyncio.to_thread(midway)))
        kind = kinds[i % len(kinds)]
        url, session = plan["pages"][kind][(i // len(kinds)) % len(plan["pages"][kind])]
        port = ports[(i // len(kinds)) % len(ports)]
        tasks.append(asyncio.create_task(one(kind, url, session, port)))
    await asyncio.gather(*tasks)
    return results, timeline


def timeline_line(timeline: list[tuple[float, float]], step: float = 30) -> str:
    """p95 of the requests sent in each ``step`` seconds of the run, on one line."""
    buckets: dict[int, list[float]] = defaultdict(list)
    for sent, ms in timeline:
        buckets[int(sent // step)].append(ms)
    parts = [
        f"{int(b * step)}–{int((b + 1) * step)} s: {_pct(buckets[b], 0.95):,.0f}"
        for b in sorted(buckets)
    ]
    return f"p95 ms of the requests sent in each {step:g} s: " + "; ".join(parts)


async def logins_load(
    plan: dict[str, Any], ports: list[int], rate: float, seconds: float, servers: list[int]
) -> tuple[list[tuple[float, bool]], list[float]]:
    """Sign-ins: the form (for its CSRF token), then the POST, timed; memory sampled each second."""
    from urllib.parse import urlencode

    results: list[tuple[float, bool]] = []
    memory: list[float] = []
    login = "/accounts/login/"

    async def one(n: int) -> None:
        port = ports[n % len(ports)]
        begin = time.perf_counter()
        try:
            status, _h, cookies = await asyncio.wait_for(
                http(port, "GET", login, cookies={}), timeout=30
            )
            form = urlencode(
                {
                    "username": plan["logins"][n % len(plan["logins"])],
                    "password": LOGIN_PASSWORD,
                    "csrfmiddlewaretoken": cookies.get("csrftoken", ""),
                }
            )
            begin = time.perf_counter()
            status, headers, _c = await asyncio.wait_for(
                http(port, "POST", login, cookies=cookies, form=form), timeout=30
            )
            ok = status == 302 and login not in headers.get("location", "")
        except (OSError, TimeoutError, ValueError, IndexError):
            ok = False
        results.append((1000 * (time.perf_counter() - begin), ok))

    async def sample() -> None:
        while True:
            memory.append(sum(rss_mb(pid) for pid in servers))
            await asyncio.sleep(1)

    sampler = asyncio.create_task(sample())
    start, tasks = time.perf_counter(), []
    for n in range(int(rate * seconds)):
        delay = start + n / rate - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        tasks.append(asyncio.create_task(one(n)))
    await asyncio.gather(*tasks)
    sampler.cancel()
    return results, memory


# --- checks and the table -------------------------------------------------------------------


def matching_run_start(plan: dict[str, Any]) -> int:
    from django.contrib.auth import get_user_model
    from django.db import close_old_connections

    from kinfolk.pairings import review
    from kinfolk.programmes.models import Programme
    from kinfolk.regions.models import Region

    close_old_connections()
    run = review.run_start(
        programme=Programme.objects.get(pk=plan["programme_id"]),
        by=get_user_model().objects.get(pk=plan["coordinator_id"]),
        region=Region.objects.get(pk=plan["region_id"]),
    )
    plan["run_id"] = run.pk
    return run.pk


def settle(plan: dict[str, Any], mail_dir: Path, wait: float) -> dict[str, Any]:
    """Wait for reminders and the run to finish; count each reminder's sends."""
    from django.db import close_old_connections

    from kinfolk.outbox.models import Message
    from kinfolk.pairings.models import MatchingRun

    deadline = time.monotonic() + wait
    while True:
        close_old_connections()
        reminders = Message.objects.filter(
            purpose="visit_reminder", about_kind="visit", about_id__in=plan["visit_ids"]
        )
        waiting = reminders.exclude(state__in=("sent", "failed", "dropped")).count()
        run = MatchingRun.objects.filter(pk=plan.get("run_id")).first()
        run_done = run is not None and run.finished_at is not None
        if (reminders.exists() and not waiting and run_done) or time.monotonic() > deadline:
            break
        time.sleep(2)
    ids = Counter()
    for path in mail_dir.glob("*.log"):
        for part in path.read_text(errors="replace").split("\n" + "-" * 79 + "\n"):
            if part.strip():
                ids[email.message_from_string(part.strip()).get("Message-ID", "")] += 1
    rows = list(reminders.values_list("message_id", "state", "about_id"))
    sent = [mid for mid, state, _v in rows if state == "sent"]
    return {
        "reminders queued": len(rows),
        "visits reminded": len({v for _m, _s, v in rows}),
        "reminders sent": len(sent),
        "sent exactly once": sum(ids[mid] == 1 for mid in sent),
        "sent more than once": sum(ids[mid] > 1 for mid in sent),
        "run of " + plan["region"]: f"{run.status} in "
        f"{(run.finished_at - run.created_at).total_seconds():.0f} s"
        if run_done
        else (run.status if run else "not started"),
    }


def _pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def results_table(results: dict[str, list[tuple[float, bool]]], seconds: float) -> str:
    lines = [
        f"{'page':<24} {'requests':>8} {'req/s':>6} {'ok/s':>6} {'p50 ms':>7} {'p95 ms':>7} "
        f"{'p99 ms':>7} {'errors':>6} {'target':>7}",
        "-" * 87,
    ]
    everything: list[tuple[float, bool]] = []
    for kind in sorted(results):
        rows = results[kind]
        everything += rows
        lines.append(_row(kind, rows, seconds))
    lines.append("-" * 87)
    lines.append(_row("all pages", everything, seconds))
    return "\n".join(lines)


def _row(label: str, rows: list[tuple[float, bool]], seconds: float) -> str:
    times = [ms for ms, _ok in rows]
    errors = sum(not ok for _ms, ok in rows)
    p95 = _pct(times, 0.95)
    verdict = "ok" if p95 < TARGET_P95_MS and not errors else "MISSED"
    return (
        f"{label:<24} {len(rows):>8} {len(rows) / seconds:>6.1f} "
        f"{(len(rows) - errors) / seconds:>6.1f} {_pct(times, 0.5):>7.0f} "
        f"{p95:>7.0f} {_pct(times, 0.99):>7.0f} {errors:>6} {verdict:>7}"
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=300)
    parser.add_argument("--rate", type=float, default=50)
    parser.add_argument(
        "--warm-up-seconds", type=float, default=20, help="at a fifth of --rate, not counted"
    )
    parser.add_argument("--login-rate", type=float, default=10)
    parser.add_argument("--login-seconds", type=float, default=30)
    parser.add_argument("--ports", default="8101,8102")
    parser.add_argument("--sample", type=int, default=200, help="participants whose pages load")
    parser.add_argument("--settle-seconds", type=float, default=600)
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/14")
    args = parser.parse_args(argv)
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        sys.exit("Set DATABASE_URL to the PostgreSQL database of a `bench/pages.py --keep` run.")
    work = Path(tempfile.mkdtemp(prefix="kinfolk-load-"))
    mail = work / "mail"
    mail.mkdir()
    env = {
        **os.environ,
        "SECRET_KEY": os.environ.get("SECRET_KEY", "bench-only-secret-key"),
        "KINFOLK_DATA_DIR": str(work),
        "ALLOWED_HOSTS": HOST,
        "REDIS_URL": args.redis_url,
        "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "EMAIL_FILE_PATH": str(mail),
        "TASKS_BACKEND": "django_tasks_db.DatabaseBackend",
        "REQUEST_LOG_LEVEL": "WARNING",
        "AXES_ENABLED": "false",
        "PYTHONUNBUFFERED": "1",
    }
    os.environ.update({k: env[k] for k in ("SECRET_KEY", "REDIS_URL", "KINFOLK_DATA_DIR")})
    os.environ.setdefault("ALLOWED_HOSTS", "testserver")
    django_setup()
    from django.db import connection

    print(f"preparing ({args.sample} participants of each kind)…", file=sys.stderr, flush=True)
    plan = prepare(args.sample, logins=50)
    connection.close()
    ports = [int(p) for p in args.ports.split(",")]
    started = processes_start(ports, env, work)
    try:
        _wait_for_servers(ports)
        if args.warm_up_seconds:
            # Fresh processes import, compile templates and fill caches on their first
            # requests; a site that has been up a minute has done so. Not counted.
            rate = args.rate / 5
            print(f"warm-up: {rate:g}/s for {args.warm_up_seconds:g} s…", file=sys.stderr)
            asyncio.run(pages_load(plan, ports, rate, args.warm_up_seconds, None))
        print(f"load: {args.rate:g}/s for {args.seconds:g} s…", file=sys.stderr, flush=True)
        results, timeline = asyncio.run(
            pages_load(plan, ports, args.rate, args.seconds, lambda: matching_run_start(plan))
        )
        print(f"sign-ins: {args.login_rate:g}/s…", file=sys.stderr, flush=True)
        print(
            f"{connection.vendor}: two gunicorn instances (ports {args.ports}, 2 processes × 4 "
            f"threads each), two workers, Redis sessions; {os.cpu_count()} CPUs shared with others"
        )
        print(f"Target: p95 under {TARGET_P95_MS:.0f} ms and no errors, at {args.rate:g}/s.")
        if args.warm_up_seconds:
            print(f"(after {args.warm_up_seconds:g} s of warm-up at {args.rate / 5:g}/s)")
        print(results_table(results, args.seconds))
        print(timeline_line(timeline), flush=True)
        _drain(ports)  # requests the clients gave up on are still being served
        logins, memory = asyncio.run(
            logins_load(
                plan, ports, args.login_rate, args.login_seconds, [p.pid for p in started[:2]]
            )
        )
        print("waiting for reminders and the matching run…", file=sys.stderr, flush=True)
        checks = settle(plan, mail, wait=args.settle_seconds)
    finally:
        processes_stop(started)
    times = [ms for ms, _ok in logins]
    print()
    print(
        f"sign-ins (argon2) at {args.login_rate:g}/s for {args.login_seconds:g} s: "
        f"{len(logins)} tries, {sum(not ok for _ms, ok in logins)} errors, "
        f"p50 {_pct(times, 0.5):.0f} ms, p95 {_pct(times, 0.95):.0f} ms; app servers' memory "
        f"{min(memory, default=0):.0f}–{max(memory, default=0):.0f} MB "
        f"(median {statistics.median(memory or [0]):.0f} MB)"
    )
    print("after the run: " + "; ".join(f"{k}: {v}" for k, v in checks.items()))
    print(f"logs of the servers and workers: {work}")


def _drain(ports: list[int], timeout: float = 180) -> None:
    """Wait until each server answers ``/healthz`` within a second again."""
    deadline = time.monotonic() + timeout
    for port in ports:
        while time.monotonic() < deadline:
            begin = time.perf_counter()
            with contextlib.suppress(OSError, TimeoutError, ValueError, IndexError):
                asyncio.run(asyncio.wait_for(http(port, "GET", "/healthz", cookies={}), timeout=5))
            if time.perf_counter() - begin < 1:
                break
            time.sleep(1)


def _wait_for_servers(ports: list[int], timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    for port in ports:
        while True:
            try:
                if asyncio.run(http(port, "GET", "/healthz", cookies={}))[0] == 200:
                    break
            except (OSError, ValueError, IndexError):
                pass
            if time.monotonic() > deadline:
                raise SystemExit(f"the server on port {port} did not start")
            time.sleep(0.5)


if __name__ == "__main__":
    main()

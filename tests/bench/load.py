"""The load test of `make bench`: gunicorn on 127.0.0.1, 100 locust users, then a trivial page.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/NAME .venv/bin/python tests/bench/load.py

1. The database `NAME_load` on the same server (created when missing, never NAME itself) is
   migrated and gets `seed_scale --communities 20000`, unless it already holds the 20,000
   communities with their campaign and enough open steps in the first street; then VACUUM
   ANALYZE, as autovacuum would have it.
2. `collectstatic` when the collected files are older than `static/` (the server runs with
   DEBUG off, so templates need the manifest).
3. gunicorn (sync workers, default 2 * cores + 1) on a free port of 127.0.0.1, the local settings
   with DEBUG off and eager Celery, as the embedded default.
4. locust, headless, `--run-time` bounded: the street officials and the office of
   `locustfile.py`, then `/healthz` alone with the same number of users and no think time.
5. gunicorn stopped; the per-request figures, the CPU each part used and the verdict printed
   (and written to `var/bench/load.md`). Exit status 1 on any failed request or check.

All traffic goes to 127.0.0.1.
"""

import argparse
import csv
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psutil

ROOT = Path(__file__).resolve().parents[2]
VENV_BIN = Path(sys.executable).parent
LOCUSTFILE = Path(__file__).with_name("locustfile.py")
COMMUNITIES = 20000
# below this many open steps in the first street, the street officials' "mark done" would run
# short (each run marks a few hundred done and corrects some back): seed again
MIN_OPEN_STEPS = 500


def say(*parts: str) -> None:
    """A line of the runner's progress or report on standard output."""
    sys.stdout.write(" ".join(parts) + "\n")
    sys.stdout.flush()


def _load_database_url(url: str) -> tuple[str, str]:
    """The dedicated database beside the one DATABASE_URL names: `<name>_load`."""
    parts = urlsplit(url)
    if parts.scheme not in {"postgres", "postgresql", "pgsql"}:
        sys.exit(
            "The load test needs PostgreSQL: run it as "
            "`DATABASE_URL=postgres://postgres@127.0.0.1:5432/NAME make bench` "
            f"(DATABASE_URL is {url or 'not set'})."
        )
    name = parts.path.lstrip("/") + "_load"
    return urlunsplit(parts._replace(path="/" + name)), name


def _database_ensure(url: str, name: str) -> None:
    import psycopg
    from psycopg import sql

    with psycopg.connect(url, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            say(f"creating database {name}")
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def _manage(*args: str, env: dict[str, str]) -> str:
    done = subprocess.run(  # noqa: S603 (our own interpreter and manage.py)
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    if done.returncode:
        sys.exit(f"manage.py {args[0]} failed:\n{done.stderr}")
    return done.stdout


def _data_ensure(env: dict[str, str]) -> None:
    """Migrate, then seed the scale district unless it is there, complete and not used up."""
    _manage("migrate", "--noinput", "-v", "0", env=env)
    state = _manage(
        "shell",
        "-v",
        "0",
        "-c",
        "from communities.models import Community, Street\n"
        "from election.models import Campaign, PlanStep\n"
        "first = Street.objects.filter(district__code='scale').order_by('pk').first()\n"
        "print(Community.objects.filter(street__district__code='scale').count(),\n"
        "      Campaign.objects.filter(district__code='scale', status='running').count(),\n"
        "      PlanStep.objects.filter(plan__community__street=first)\n"
        "      .exclude(status='done').count())",
        env=env,
    ).split()
    communities, campaigns, open_steps = (int(n) for n in state[-3:])
    if communities == COMMUNITIES and campaigns == 1 and open_steps >= MIN_OPEN_STEPS:
        say(
            f"scale district present: {communities} communities, {open_steps} open steps in "
            "its first street (not seeded again)"
        )
    else:
        _seed(
            env,
            f"{communities} communities, {campaigns} running campaigns, {open_steps} open steps",
        )
    # planner statistics and the visibility map, as autovacuum keeps them on a live database
    # (without them the office's worklist takes seconds instead of a few hundred milliseconds;
    # this also covers a server that runs with autovacuum off); a few seconds
    _manage("shell", "-v", "0", "-c", _VACUUM, env=env)


def _seed(env: dict[str, str], found: str) -> None:
    say(f"seed_scale --communities {COMMUNITIES} (found {found} in the first street)")
    started = time.monotonic()
    _manage("seed_scale", "--communities", str(COMMUNITIES), env=env)
    say(f"seeded in {time.monotonic() - started:.0f} s")


_VACUUM = "from django.db import connection\nconnection.cursor().execute('VACUUM ANALYZE')"


def _static_ensure(env: dict[str, str]) -> None:
    manifest = ROOT / "staticfiles" / "staticfiles.json"
    newest = max(p.stat().st_mtime for p in (ROOT / "static").rglob("*") if p.is_file())
    if manifest.exists() and manifest.stat().st_mtime >= newest:
        return
    say("collectstatic")
    _manage("collectstatic", "--noinput", "-v", "0", env=env)


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def _wait_ready(base: str, server: subprocess.Popen[bytes], timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            sys.exit(f"gunicorn exited with status {server.returncode} before answering")
        try:
            with urllib.request.urlopen(f"{base}/healthz", timeout=2) as r:  # noqa: S310
                if r.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    sys.exit(f"gunicorn did not answer {base}/healthz within {timeout:.0f} s")


def _wait_drained(base: str, timeout: float = 120) -> None:
    """Until /healthz answers at once: the requests of users stopped mid-wait are still queued."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        started = time.monotonic()
        try:
            with urllib.request.urlopen(f"{base}/healthz", timeout=30) as r:  # noqa: S310
                if r.status == 200 and time.monotonic() - started < 0.5:
                    return
        except OSError:
            pass
        time.sleep(1)


@dataclass
class CpuMeter:
    """CPU used during a phase: by gunicorn, by locust, by PostgreSQL's backends of `database`,
    by everything else (other work on the machine)."""

    server: int
    database: str
    started: float = 0.0
    system: float = 0.0
    seen: dict[int, tuple[str, float]] = field(default_factory=dict)
    first: dict[int, float] = field(default_factory=dict)

    def _group(self, p: psutil.Process, server_pids: set[int]) -> str:
        if p.pid in server_pids:
            return "gunicorn"
        command = " ".join(p.info["cmdline"] or [])
        if (p.info["username"] or "") == "postgres":
            # the backends serving the load database ("postgres: 15/main: USER DATABASE …");
            # other databases' backends and the server's own processes count as other
            return "postgres" if f" {self.database} " in command else "other"
        if "locust" in command:
            return "locust"
        return "other"

    def sample(self) -> None:
        try:
            master = psutil.Process(self.server)
            server_pids = {self.server, *(c.pid for c in master.children(recursive=True))}
        except psutil.NoSuchProcess:
            server_pids = set()
        for p in psutil.process_iter(["name", "username", "cmdline", "cpu_times"]):
            times = p.info["cpu_times"]
            if times is None:
                continue
            used = times.user + times.system
            if p.pid not in self.seen:
                # born during the phase: all of its time counts, else from the first sample
                self.first[p.pid] = used if not self.started else 0.0
            group = self._group(p, server_pids)
            if group == "other" and p.pid in self.seen:
                # an exiting process has no command line any more: it keeps its group
                group = self.seen[p.pid][0]
            self.seen[p.pid] = (group, used)

    def start(self) -> None:
        self.sample()
        self.started = time.monotonic()
        t = psutil.cpu_times()
        self.system = t.user + t.system + t.nice + t.irq + t.softirq

    def stop(self) -> dict[str, float]:
        self.sample()
        elapsed = time.monotonic() - self.started
        t = psutil.cpu_times()
        total = t.user + t.system + t.nice + t.irq + t.softirq - self.system
        groups = {"gunicorn": 0.0, "locust": 0.0, "postgres": 0.0, "other": 0.0}
        for pid, (group, used) in self.seen.items():
            groups[group] += max(0.0, used - self.first.get(pid, 0.0))
        cores = psutil.cpu_count() or 1
        # percent of one core, and of the whole machine
        shares = {k: 100 * v / elapsed for k, v in groups.items()}
        shares["machine"] = 100 * total / elapsed / cores
        return shares


def _locust(
    base: str,
    users: list[str],
    *,
    count: int,
    rate: int,
    run_time: str,
    csv_prefix: Path,
    meter: CpuMeter,
    env: dict[str, str] | None = None,
    restart_when: Path | None = None,
) -> tuple[int, dict[str, float]]:
    command = [
        str(VENV_BIN / "locust"),
        "-f",
        str(LOCUSTFILE),
        *users,
        "--headless",
        "--users",
        str(count),
        "--spawn-rate",
        str(rate),
        "--run-time",
        run_time,
        "--stop-timeout",
        "10",
        "--host",
        base,
        "--csv",
        str(csv_prefix),
        "--only-summary",
        "--loglevel",
        "WARNING",
    ]
    say("$", " ".join(command[1:]))
    locust = subprocess.Popen(command, cwd=ROOT, env=env)  # noqa: S603
    meter.start()
    restarted = False
    while locust.poll() is None:
        time.sleep(1)
        if not restarted and restart_when is not None and restart_when.exists():
            # every user has signed in and locust's figures start again: so does the meter
            meter = CpuMeter(server=meter.server, database=meter.database)
            meter.start()
            restarted = True
        else:
            meter.sample()
    return locust.returncode, meter.stop()


def _stats(csv_prefix: Path) -> list[dict[str, str]]:
    with open(f"{csv_prefix}_stats.csv", newline="") as f:
        return list(csv.DictReader(f))


def _failures(csv_prefix: Path) -> list[dict[str, str]]:
    with open(f"{csv_prefix}_failures.csv", newline="") as f:
        return list(csv.DictReader(f))


def _table(rows: list[dict[str, str]]) -> list[str]:
    lines = [
        "| request | requests | req/s | p50 ms | p95 ms | p99 ms | max ms | failures |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for row in rows:
        name = "**all**" if row["Name"] == "Aggregated" else row["Name"]
        lines.append(
            f"| {name} | {row['Request Count']} | {float(row['Requests/s']):.1f} "
            f"| {row['50%']} | {row['95%']} | {row['99%']} "
            f"| {float(row['Max Response Time']):.0f} | {row['Failure Count']} |"
        )
    return lines


def _cpu_line(cpu: dict[str, float], rows: list[dict[str, str]]) -> str:
    """The CPU each part used, and the server's CPU time per request (gunicorn and PostgreSQL),
    which, unlike the latencies, does not depend on what else the machine runs."""
    total = next(r for r in rows if r["Name"] == "Aggregated")
    rate = float(total["Requests/s"])
    per_request = (
        f"; per request: gunicorn {10 * cpu['gunicorn'] / rate:.1f} ms, PostgreSQL "
        f"{10 * cpu['postgres'] / rate:.1f} ms of CPU"
        if rate
        else ""
    )
    return (
        f"CPU: machine {cpu['machine']:.0f} % of {psutil.cpu_count()} cores; "
        f"gunicorn {cpu['gunicorn']:.0f} %, PostgreSQL {cpu['postgres']:.0f} %, "
        f"locust {cpu['locust']:.1f} %, other processes {cpu['other']:.0f} % (percent of one "
        f"core){per_request}"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--users", type=int, default=100)
    parser.add_argument("--spawn-rate", type=int, default=20)
    parser.add_argument(
        "--run-time",
        default="180s",
        help="the mixed load's duration, sign-ins included (100 Argon2 checks: 15 s to over a "
        "minute on 2 cores, depending on what else runs)",
    )
    parser.add_argument("--trivial-time", default="20s", help="the trivial page's duration")
    parser.add_argument(
        "--workers", type=int, default=2 * (psutil.cpu_count() or 1) + 1, help="gunicorn's"
    )
    parser.add_argument("--out", type=Path, default=ROOT / "var" / "bench")
    args = parser.parse_args()

    url, name = _load_database_url(os.environ.get("DATABASE_URL", ""))
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "DJANGO_SETTINGS_MODULE": "config.settings.local",
        "DEBUG": "False",
        # eager Celery: a step's rollup refresh runs in its request
        "REDIS_URL": "",
        "CELERY_BROKER_URL": "",
        "ALLOWED_HOSTS": "127.0.0.1",
    }
    _database_ensure(os.environ["DATABASE_URL"], name)
    _data_ensure(env)
    _static_ensure(env)
    args.out.mkdir(parents=True, exist_ok=True)

    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    log = open(args.out / "gunicorn.log", "wb")  # noqa: SIM115 (closed after the server)
    server = subprocess.Popen(  # noqa: S603
        [
            str(VENV_BIN / "gunicorn"),
            "config.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(args.workers),
            "--no-control-socket",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        _wait_ready(base, server)
        say(f"gunicorn: {args.workers} sync workers at {base}, database {name}")
        signin_file = args.out / "signin.json"
        signin_file.unlink(missing_ok=True)
        meter = CpuMeter(server=server.pid, database=name)
        mixed_status, mixed_cpu = _locust(
            base,
            ["StreetOfficial", "OfficeUser"],
            count=args.users,
            rate=args.spawn_rate,
            run_time=args.run_time,
            csv_prefix=args.out / "load",
            meter=meter,
            env={**os.environ, "LOAD_SIGNIN_FILE": str(signin_file)},
            restart_when=signin_file,
        )
        _wait_drained(base)
        meter = CpuMeter(server=server.pid, database=name)
        trivial_status, trivial_cpu = _locust(
            base,
            ["TrivialUser"],
            count=args.users,
            rate=args.spawn_rate,
            run_time=args.trivial_time,
            csv_prefix=args.out / "trivial",
            meter=meter,
        )
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        log.close()

    mixed, trivial = _stats(args.out / "load"), _stats(args.out / "trivial")
    failures = _failures(args.out / "load") + _failures(args.out / "trivial")
    failed = sum(int(r["Failure Count"]) for r in mixed + trivial if r["Name"] == "Aggregated")
    signin = json.loads(signin_file.read_text()) if signin_file.exists() else None
    server_errors = (args.out / "gunicorn.log").read_text(errors="replace").count("Traceback")
    report = [
        f"{args.users} users, {args.run_time} mixed load, then {args.trivial_time} of "
        f"/healthz; gunicorn {args.workers} sync workers; {psutil.cpu_count()} cores, "
        f"{psutil.virtual_memory().total / 2**30:.0f} GB; load average now "
        f"{os.getloadavg()[0]:.1f}",
        "",
        "Mixed load (street officials and office): "
        + (
            f"all {signin['users']} users signed in after {signin['seconds']} s; the other rows "
            "count from then on"
            if signin
            else "NOT every user signed in within the run time (raise --run-time)"
        ),
        "",
        *_table(mixed),
        "",
        _cpu_line(mixed_cpu, mixed),
        "",
        "Trivial page (/healthz, no think time):",
        "",
        *_table(trivial),
        "",
        _cpu_line(trivial_cpu, trivial),
        "",
    ]
    if max(mixed_cpu["other"], trivial_cpu["other"]) > 50:
        report.append(
            "NOTE: other work used more than half a core during the run; the latencies include "
            "waiting for it (the CPU per request does not)."
        )
    for f in failures:
        report.append(f"FAILED {f['Occurrences']} times {f['Method']} {f['Name']}: {f['Error']}")
    if server_errors:
        report.append(f"gunicorn logged {server_errors} tracebacks (var/bench/gunicorn.log)")
    ok = (
        mixed_status == 0
        and trivial_status == 0
        and failed == 0
        and not failures
        and not server_errors
        and signin is not None
    )
    report.append("load test: " + ("0 errors" if ok else "FAILED"))
    text = "\n".join(report)
    say(text)
    (args.out / "load.md").write_text(text + "\n")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

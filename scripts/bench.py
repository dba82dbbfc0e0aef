#!/usr/bin/env python3
"""Benchmark the main pages at a hundred times real volume, against the stack's own floor.

For each database (SQLite, then PostgreSQL unless ``--skip-postgres``) it loads demo
data at the small scale and measures each page in-process, then at the large scale,
and serves side by side with gunicorn on 127.0.0.1: the bare route, the floor (the
smallest honest signed-in page, ``scripts/bench_floor_app.py``) and the app. wrk
measures them at concurrency 8 in interleaved rounds; medians, spread, the machine's
load and both ratios are printed and written to docs/performance.md with the targets.

    python scripts/bench.py [--scale 100] [--small-scale 1] [--rounds 3] [--duration 5]
                            [--skip-postgres]
"""

from __future__ import annotations

import argparse
import http.cookiejar
import json
import os
import platform
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DEFAULT_PG = "postgresql+psycopg://postgres@127.0.0.1:5432/exchange_bench"
BENCH_EMAIL = "bench@example.org"
FLAT_LIMIT = 1.25
NOTES_MARKER = "<!-- notes: kept when the bench rewrites this file -->"
BENCH_PASSWORD = "benchmark password 熊本 2029"
WRK_SCRIPT = """
done = function(summary, latency, requests)
  io.write(string.format("RESULT p50=%d p95=%d requests=%d seconds=%f non2xx=%d errors=%d\\n",
    latency:percentile(50), latency:percentile(95), summary.requests,
    summary.duration / 1e6, summary.errors.status, summary.errors.connect + summary.errors.read
    + summary.errors.write + summary.errors.timeout))
end
"""


@dataclass
class Measurement:
    """One page's numbers."""

    name: str
    path: str
    status: int
    p50_ms: float
    p95_ms: float
    rps: float
    non_2xx: int
    errors: int
    alone_ms: float | None = None
    queries: int | None = None


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(port: int, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"nothing listening on 127.0.0.1:{port}")


def run(cmd: list[str], env: dict[str, str], **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(cmd, env=env, check=True, **kwargs)  # noqa: S603


def script_lines(script: str, *args: str, env: dict[str, str]) -> list[list[str]]:
    """The tab-separated lines ``python scripts/SCRIPT ARGS`` prints, split into cells."""
    output = run(
        [sys.executable, str(ROOT / "scripts" / script), *args],
        env,
        capture_output=True,
        text=True,
    ).stdout
    return [line.split("\t") for line in output.splitlines() if "\t" in line]


def flask_cmd(*args: str) -> list[str]:
    return [sys.executable, "-m", "flask", "--app", "exchange_app", *args]


def prepare_database(url: str, scale: int, env: dict[str, str]) -> float:
    """Empty, migrate, seed and load demo data; returns the seconds demo-data took."""
    from tests.scratch import reset_database  # no pytest needed

    if url.startswith("postgresql"):
        ensure_pg_database(url)
    reset_database(url)
    run(flask_cmd("db", "upgrade"), env, capture_output=True)
    run(flask_cmd("seed"), env, capture_output=True)
    started = time.perf_counter()
    run(flask_cmd("demo-data", "--scale", str(scale)), env, capture_output=True)
    elapsed = time.perf_counter() - started
    run(
        flask_cmd("users", "create", "--email", BENCH_EMAIL, "--role", "admin"),
        env,
        input=BENCH_PASSWORD + "\n",
        text=True,
        capture_output=True,
    )
    run([sys.executable, str(ROOT / "scripts" / "bench_fixtures.py")], env, capture_output=True)
    return elapsed


def ensure_pg_database(url: str) -> None:
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    admin = create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        exists = connection.execute(
            text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": parsed.database}
        ).first()
        if not exists:
            connection.execute(text(f'CREATE DATABASE "{parsed.database}"'))
    admin.dispose()


def start_gunicorn(target: str, port: int, env: dict[str, str], workers: int) -> subprocess.Popen:
    process = subprocess.Popen(  # noqa: S603
        [
            sys.executable,
            "-m",
            "gunicorn",
            "--workers",
            str(workers),
            "--bind",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
            target,
        ],
        env=env,
        cwd=ROOT,
        start_new_session=True,
    )
    wait_for(port)
    return process


def stop(process: subprocess.Popen) -> None:
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)


def login_cookie(port: int) -> str:
    """Sign in as the benchmark user; returns the Cookie header value."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    base = f"http://127.0.0.1:{port}"
    page = opener.open(base + "/auth/login").read().decode()
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    data = urllib.parse.urlencode(
        {"email": BENCH_EMAIL, "password": BENCH_PASSWORD, "csrf_token": token}
    ).encode()
    opener.open(base + "/auth/login", data=data).read()
    return "; ".join(f"{c.name}={c.value}" for c in jar)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def fetch(port: int, path: str, cookie: str | None) -> tuple[int, float]:
    """One request, redirects not followed: its status and how long it took (s)."""
    opener = urllib.request.build_opener(_NoRedirect)
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}")
    if cookie:
        request.add_header("Cookie", cookie)
    started = time.perf_counter()
    try:
        with opener.open(request, timeout=120) as response:
            response.read()
            status = response.status
    except urllib.error.HTTPError as error:
        status = error.code
    return status, time.perf_counter() - started


def measure(name: str, port: int, path: str, cookie: str | None, duration: int) -> Measurement:
    # One request first: a redirect (to the login page, say) is not a 2xx either,
    # and wrk only counts 4xx/5xx as errors.
    status, _seconds = fetch(port, path, cookie)
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as handle:
        handle.write(WRK_SCRIPT)
        script = handle.name
    cmd = ["wrk", "-t2", "-c8", f"-d{duration}s", "--timeout", "30s", "-s", script]
    if cookie:
        cmd += ["-H", f"Cookie: {cookie}"]
    cmd.append(f"http://127.0.0.1:{port}{path}")
    output = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout  # noqa: S603
    os.unlink(script)
    match = re.search(
        r"RESULT p50=(\d+) p95=(\d+) requests=(\d+) seconds=([\d.]+) non2xx=(\d+) errors=(\d+)",
        output,
    )
    if not match:
        raise RuntimeError(f"wrk gave no result for {path}: {output}")
    p50, p95, requests, seconds, non2xx, errors = match.groups()
    return Measurement(
        name,
        path,
        status,
        int(p50) / 1000,
        int(p95) / 1000,
        int(requests) / float(seconds),
        int(non2xx),
        int(errors),
    )


@dataclass
class Page:
    """A page to measure: its target is the most its p95 may be, as a multiple of the floor's."""

    name: str
    path: str
    target: float = 0


def page_paths(env: dict[str, str]) -> list[Page]:
    """The pages to measure, built from the app's own URL map."""
    return [
        Page(name, path, float(target))
        for name, path, target in script_lines("bench_fixtures.py", "--paths", env=env)
    ]


@dataclass
class Timing:
    """A one-off operation timed once, against its target."""

    name: str
    seconds: float
    target: float
    detail: str = ""


def time_import(env: dict[str, str], rows: int) -> Timing:
    """``flask import delegations`` of a generated xlsx of ``rows`` new delegations, end to end."""
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, f"bench-{rows}-delegations.xlsx")
        run(
            [
                sys.executable,
                str(ROOT / "scripts" / "bench_fixtures.py"),
                "--import-file",
                path,
                "--rows",
                str(rows),
            ],
            env,
            capture_output=True,
        )
        started = time.perf_counter()
        result = run(flask_cmd("import", "delegations", path), env, capture_output=True, text=True)
        seconds = time.perf_counter() - started
    return Timing(
        f"import of {rows:,} delegations (`flask import delegations FILE.xlsx`, whole command)",
        seconds,
        10.0,
        result.stdout.strip().splitlines()[-1] if result.stdout.strip() else "",
    )


def start_job_worker(env: dict[str, str]) -> subprocess.Popen:
    """The job worker that lays out PDFs (and checks uploads) beside the web server."""
    return subprocess.Popen(
        [sys.executable, "-m", "flask", "--app", "exchange_app", "jobs", "worker"],
        env=env,
        cwd=ROOT,
        start_new_session=True,
    )


def forget_pdfs(url: str) -> None:
    """Remove the laid-out PDFs kept in the database."""
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(text("DELETE FROM stored_files WHERE purpose = 'history_pdf'"))
    engine.dispose()


def time_cold_pdf(port: int, path: str, cookie: str, url: str) -> Timing:
    """A PDF with nothing kept yet: the request, the job laying it out, and the download."""
    forget_pdfs(url)
    started = time.perf_counter()
    opener = urllib.request.build_opener(_NoRedirect)
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}")
    request.add_header("Cookie", cookie)
    job_page = ""
    try:
        with opener.open(request, timeout=120) as response:
            status = response.status
    except urllib.error.HTTPError as error:
        status = error.code
        job_page = error.headers.get("Location", "")
    answered = time.perf_counter() - started
    if status == 303 and job_page.startswith("/jobs/"):
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline:
            request = urllib.request.Request(f"http://127.0.0.1:{port}{job_page}/status")
            request.add_header("Cookie", cookie)
            with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
                if json.loads(response.read())["finished"]:
                    break
            time.sleep(0.2)
        status, _seconds = fetch(port, path, cookie)
    return Timing(
        f"history PDF, first request (laid out by a job; the request answered in {answered:.2f} s)",
        time.perf_counter() - started,
        3.0,
        f"HTTP {status}",
    )


def floor_cookie(port: int) -> str:
    """Sign in to the floor app (it signs the benchmark user in at /login)."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    opener.open(f"http://127.0.0.1:{port}/login").read()
    return "; ".join(f"{c.name}={c.value}" for c in jar)


# The key of the floor's in-process time among the pages'.
FLOOR_PAGE = "minimal signed-in page (floor)"


def in_process_times(env: dict[str, str]) -> dict[str, tuple[float, int]]:
    """Each page's in-process time (ms, fastest of five) and SQL statements, alone."""
    pages = script_lines("bench_fixtures.py", "--service-times", BENCH_PASSWORD, env=env)
    times = {name: (float(ms), int(queries)) for name, ms, queries in pages}
    # The floor's own, measured the same way: what a page's in-process time is set against.
    ((ms, queries),) = script_lines("bench_floor_app.py", "--service-time", env=env)
    times[FLOOR_PAGE] = (float(ms), int(queries))
    return times


@dataclass
class PageResult:
    """A page measured in every round, with its in-process time at both scales."""

    page: Page
    rounds: list[Measurement]
    floor_rounds: list[Measurement]
    bare_rounds: list[Measurement]
    small: tuple[float, int] | None = None
    large: tuple[float, int] | None = None

    def p95(self) -> float:
        return statistics.median(m.p95_ms for m in self.rounds)

    def spread(self) -> tuple[float, float]:
        return min(m.p95_ms for m in self.rounds), max(m.p95_ms for m in self.rounds)

    def ratio_to(self, reference: list[Measurement]) -> float:
        """The median over the rounds of this page's p95 over the reference's p95 in that round."""
        return statistics.median(
            m.p95_ms / max(r.p95_ms, 0.001) for m, r in zip(self.rounds, reference, strict=True)
        )

    def healthy(self) -> bool:
        return all(m.status == 200 and m.rps > 0 and not m.non_2xx + m.errors for m in self.rounds)

    def latency_met(self) -> bool | None:
        if not self.page.target:
            return None
        return self.healthy() and self.ratio_to(self.floor_rounds) <= self.page.target

    def flatness(self) -> float | None:
        if not self.small or not self.large:
            return None
        return self.large[0] / max(self.small[0], 0.001)

    def flat_met(self) -> bool | None:
        ratio = self.flatness()
        if ratio is None or self.small is None or self.large is None:
            return None
        return ratio <= FLAT_LIMIT and self.small[1] == self.large[1]


@dataclass
class DatabaseRun:
    label: str
    pages: list[PageResult]
    bare: list[Measurement]
    floor: list[Measurement]
    timings: list[Timing]
    load_seconds: float
    loads: list[float]
    # The floor's in-process time (ms, SQL statements) at the small and the large scale.
    floor_small: tuple[float, int] | None = None
    floor_large: tuple[float, int] | None = None


def bench_database(label: str, url: str, args: argparse.Namespace) -> DatabaseRun:
    instance = tempfile.mkdtemp(prefix="bench-instance-")
    env = dict(
        os.environ,
        DATABASE_URL=url,
        EXCHANGE_APP_INSTANCE_PATH=instance,
        SECRET_KEY="benchmark-secret-key",  # noqa: S106 - a throwaway instance
        PYTHONPATH=str(ROOT),
        BENCH_EMAIL=BENCH_EMAIL,
    )
    small: dict[str, tuple[float, int]] = {}
    if args.small_scale:
        print(f"[{label}] preparing scale {args.small_scale} (flatness reference)", flush=True)
        prepare_database(url, args.small_scale, env)
        small = in_process_times(env)
    print(f"[{label}] preparing scale {args.scale} ...", flush=True)
    load_seconds = prepare_database(url, args.scale, env)
    print(f"[{label}] demo data loaded in {load_seconds:.1f} s", flush=True)
    large = in_process_times(env)
    pages = page_paths(env)
    timings: list[Timing] = []
    bare_port, floor_port, port = free_port(), free_port(), free_port()
    servers = [
        start_gunicorn("scripts.bench_bare_app:app", bare_port, env, args.workers),
        start_gunicorn("scripts.bench_floor_app:app", floor_port, env, args.workers),
        start_gunicorn("exchange_app:create_app()", port, env, args.workers),
        start_job_worker(env),
    ]
    bare_rounds: list[Measurement] = []
    floor_rounds: list[Measurement] = []
    page_rounds: dict[str, list[Measurement]] = {page.name: [] for page in pages}
    loads = [os.getloadavg()[0]]
    try:
        cookie = login_cookie(port)
        floor = floor_cookie(floor_port)
        for page in pages:
            if "PDF" in page.name:
                timing = time_cold_pdf(port, page.path, cookie, url)
                print(f"[{label}] {timing.name}: {timing.seconds:.2f} s", flush=True)
                timings.append(timing)
        # Interleaved: every round measures the bare route, the floor and every page in
        # turn, so a change in the machine's load touches them all alike.
        for number in range(1, args.rounds + 1):
            print(f"[{label}] round {number} of {args.rounds}", flush=True)
            bare_rounds.append(measure("bare route", bare_port, "/", None, args.duration))
            floor_rounds.append(measure("floor", floor_port, "/", floor, args.duration))
            for page in pages:
                page_rounds[page.name].append(
                    measure(page.name, port, page.path, cookie, args.duration)
                )
            loads.append(os.getloadavg()[0])
    finally:
        for process in reversed(servers):
            stop(process)
    shutil.rmtree(instance, ignore_errors=True)
    timing = time_import(env, args.import_rows)
    print(f"[{label}] {timing.name}: {timing.seconds:.2f} s", flush=True)
    timings.append(timing)
    results = [
        PageResult(
            page,
            page_rounds[page.name],
            floor_rounds,
            bare_rounds,
            small=small.get(page.name),
            large=large.get(page.name),
        )
        for page in pages
    ]
    return DatabaseRun(
        label,
        results,
        bare_rounds,
        floor_rounds,
        timings,
        load_seconds,
        loads,
        floor_small=small.get(FLOOR_PAGE),
        floor_large=large.get(FLOOR_PAGE),
    )


def _verdict(met: bool | None) -> str:
    return "" if met is None else ("yes" if met else "**no**")


def table(run_: DatabaseRun, args: argparse.Namespace) -> str:
    def scales_cell(small: tuple[float, int] | None, large: tuple[float, int] | None) -> str:
        if not small or not large:
            return ""
        return f"{small[0]:.1f} ({small[1]}) / {large[0]:.1f} ({large[1]})"

    def reference_row(
        name: str, path: str, rounds: list[Measurement], scales: str = ""
    ) -> str:
        p95s = [m.p95_ms for m in rounds]
        ratio = statistics.median(
            m.p95_ms / max(b.p95_ms, 0.001) for m, b in zip(rounds, run_.bare, strict=True)
        )
        return (
            f"| {name} | `{path}` | {statistics.median(m.p50_ms for m in rounds):.1f} "
            f"| {statistics.median(p95s):.1f} | {min(p95s):.1f}–{max(p95s):.1f} "
            f"| {statistics.median(m.rps for m in rounds):.0f} | {ratio:.2f}× | | | "
            f"| {scales} | | | |"
        )

    lines = [
        f"### {run_.label}",
        "",
        f"Medians of {args.rounds} interleaved rounds of {args.duration} s per page. "
        "*p95 / floor*: the median over the rounds of the page's p95 over the floor's p95 in "
        f"the same round. *ms at scale {args.small_scale} / {args.scale}*: in-process, alone "
        "(fastest of five), with the SQL statements the request ran; *ms / floor*: the page's "
        f"in-process time at scale {args.scale} over the floor's, measured the same way.",
        "",
        "| page | path | p50 ms | p95 ms | p95 spread | req/s | p95 / bare | p95 / floor "
        f"| target | met | ms at scale {args.small_scale} / {args.scale} (SQL) | ms / floor "
        "| growth | flat |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|:---:|---:|---:|---:|:---:|",
        reference_row("bare route (a constant through Jinja)", "/", run_.bare),
        reference_row(
            "floor: minimal signed-in page",
            "/",
            run_.floor,
            scales_cell(run_.floor_small, run_.floor_large),
        ),
    ]
    for result in run_.pages:
        p95s = [m.p95_ms for m in result.rounds]
        low, high = result.spread()
        scales = scales_cell(result.small, result.large)
        in_process_ratio = (
            f"{result.large[0] / run_.floor_large[0]:.1f}×"
            if result.large and run_.floor_large and run_.floor_large[0] > 0
            else ""
        )
        growth = result.flatness()
        unhealthy = "" if result.healthy() else " (non-2xx or errors)"
        lines.append(
            f"| {result.page.name}{unhealthy} | `{result.page.path}` "
            f"| {statistics.median(m.p50_ms for m in result.rounds):.1f} "
            f"| {statistics.median(p95s):.1f} | {low:.1f}–{high:.1f} "
            f"| {statistics.median(m.rps for m in result.rounds):.0f} "
            f"| {result.ratio_to(run_.bare):.2f}× | {result.ratio_to(run_.floor):.2f}× "
            f"| {f'{result.page.target:g}×' if result.page.target else ''} "
            f"| {_verdict(result.latency_met())} | {scales} | {in_process_ratio} "
            f"| {'' if growth is None else f'{growth:.2f}×'} | {_verdict(result.flat_met())} |"
        )
    lines += ["", "| operation | seconds | target | met | |", "|---|---:|---:|:---:|---|"]
    for t in run_.timings:
        lines.append(
            f"| {t.name} | {t.seconds:.2f} | < {t.target:g} | "
            f"{'yes' if t.seconds < t.target else '**no**'} | {t.detail} |"
        )
    loads = ", ".join(f"{load:.1f}" for load in run_.loads)
    lines += [
        "",
        f"`demo-data --scale {args.scale}` took {run_.load_seconds:.1f} s. Load average of the "
        f"machine (1 min) before the rounds and after each: {loads}, on {os.cpu_count()} cores "
        "(above the number of cores, other processes were competing with the bench).",
    ]
    return "\n".join(lines)


def summary(runs: list[DatabaseRun]) -> str:
    """Which target is met on which database."""
    lines = [
        "## Targets met in this run",
        "",
        "| target | " + " | ".join(r.label for r in runs) + " |",
        "|---|" + ":---:|" * len(runs),
    ]

    def row(name: str, verdicts: list[bool | None]) -> None:
        cells = [_verdict(v) if v is not None else "—" for v in verdicts]
        lines.append(f"| {name} | " + " | ".join(cells) + " |")

    for limit in sorted({p.page.target for r in runs for p in r.pages if p.page.target}):
        names = sorted({p.page.name for r in runs for p in r.pages if p.page.target == limit})
        row(
            f"p95 within {limit:g}× the floor's: {', '.join(names)}",
            [all(p.latency_met() for p in r.pages if p.page.target == limit) for r in runs],
        )
    row(
        f"flat: in-process time at the large scale within {FLAT_LIMIT}× the small scale's, "
        "same SQL statements (every page)",
        [
            all(p.flat_met() for p in r.pages)
            if all(p.flat_met() is not None for p in r.pages)
            else None
            for r in runs
        ],
    )
    for index, timing in enumerate(runs[0].timings):
        row(
            f"{timing.name.split(' (')[0]} under {timing.target:g} s",
            [r.timings[index].seconds < r.timings[index].target for r in runs],
        )
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=int, default=100)
    parser.add_argument(
        "--small-scale", type=int, default=1, help="the flatness reference (0: not measured)"
    )
    parser.add_argument("--duration", type=int, default=5, help="seconds per page and round")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--skip-postgres", action="store_true")
    parser.add_argument("--import-rows", type=int, default=10_000)
    parser.add_argument("--output", default=str(ROOT / "docs" / "performance.md"))
    args = parser.parse_args()
    if not shutil.which("wrk"):
        print("wrk is needed: apt-get install -y wrk", file=sys.stderr)
        return 2

    started = time.perf_counter()
    runs = []
    with tempfile.TemporaryDirectory() as tmp:
        databases = [("SQLite", f"sqlite:///{tmp}/bench.sqlite3")]
        if not args.skip_postgres:
            databases.append(("PostgreSQL", os.environ.get("BENCH_DATABASE_URL_PG", DEFAULT_PG)))
        for label, url in databases:
            run_ = bench_database(label, url, args)
            print("\n" + table(run_, args), flush=True)
            runs.append(run_)
    total = time.perf_counter() - started
    shown = [arg for arg in sys.argv[1:] if not arg.startswith("--output")]
    if "--output" in sys.argv[1:]:  # its value is where the file went, not how it was measured
        shown.remove(sys.argv[sys.argv.index("--output") + 1])
    command = " ".join(shown)
    header = (
        "# Performance\n\n"
        f"Measured {datetime.now(UTC):%Y-%m-%d %H:%M} UTC by `make bench` "
        f"(`python scripts/bench.py{' ' + command if command else ''}`), "
        f"in {total / 60:.1f} minutes.\n\n"
        f"Machine: {platform.platform()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}; "
        f"gunicorn with {args.workers} sync workers on 127.0.0.1; load from `wrk -t2 -c8` "
        "(concurrency 8) on the same machine. Data: demo data at scale "
        f"{args.scale} (about {200 * args.scale:,} delegations, {2000 * args.scale:,} "
        f"participations, {200 * args.scale:,} promotions).\n\n"
        "Three servers run side by side on the same data: the *bare route*, a Flask app whose "
        "one route renders a constant through Jinja (`scripts/bench_bare_app.py`); the "
        "*floor*, the smallest honest signed-in page on this stack (`scripts/bench_floor_app.py`:"
        " Flask-Login loading the user from the database, a CSRF token, Flask-Babel, a base "
        "template with the navigation, a 50-row table from one query); and the app. Targets: "
        "each page's p95 within its multiple of the floor's p95 in the same round, and its "
        f"in-process time at scale {args.scale} within {FLAT_LIMIT}× its time at scale "
        f"{args.small_scale} with the same number of SQL statements.\n\n"
    )
    output = Path(args.output)
    # What follows the notes marker is written by hand (what was changed and why) and kept.
    notes = ""
    if output.exists():
        previous = output.read_text(encoding="utf-8")
        if NOTES_MARKER in previous:
            notes = "\n" + NOTES_MARKER + previous.split(NOTES_MARKER, 1)[1]
    output.parent.mkdir(parents=True, exist_ok=True)
    body = summary(runs) + "\n\n" + "\n\n".join(table(r, args) for r in runs)
    output.write_text(header + body + "\n" + notes, encoding="utf-8")
    print("\n" + summary(runs))
    print(f"\nwritten to {args.output} ({total / 60:.1f} min)")
    return 0


if __name__ == "__main__":
    sys.exit(main())

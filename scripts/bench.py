#!/usr/bin/env python3
"""Benchmark the main pages at a hundred times real volume, against a bare Flask route.

For each database (SQLite, then PostgreSQL when reachable) it migrates an empty
database, seeds it, loads ``demo-data --scale N``, serves the app with gunicorn on
127.0.0.1 and measures each page with wrk at concurrency 8: p50/p95 latency and
throughput, and the ratio of each page's p95 to the bare route's p95 measured in
the same run. The table is printed and written to docs/performance.md.

    python scripts/bench.py [--scale 100] [--duration 10] [--skip-postgres]
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


def page_paths(env: dict[str, str]) -> list[tuple[str, str]]:
    """The pages to measure, as (name, path), built from the app's own URL map."""
    output = subprocess.run(  # noqa: S603
        [sys.executable, str(ROOT / "scripts" / "bench_fixtures.py"), "--paths"],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    pairs = []
    for line in output.splitlines():
        if "\t" in line:
            name, path = line.split("\t", 1)
            pairs.append((name, path))
    return pairs


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
            [sys.executable, str(ROOT / "scripts" / "bench_fixtures.py"), "--import-file", path,
             "--rows", str(rows)],
            env,
            capture_output=True,
        )
        started = time.perf_counter()
        result = run(
            flask_cmd("import", "delegations", path), env, capture_output=True, text=True
        )
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


def bench_database(
    label: str, url: str, args: argparse.Namespace
) -> tuple[list[Measurement], list[Timing], float]:
    instance = tempfile.mkdtemp(prefix="bench-instance-")
    env = dict(
        os.environ,
        DATABASE_URL=url,
        EXCHANGE_APP_INSTANCE_PATH=instance,
        SECRET_KEY="benchmark-secret-key",  # noqa: S106 - a throwaway instance
        PYTHONPATH=str(ROOT),
    )
    print(f"[{label}] preparing scale {args.scale} ...", flush=True)
    load_seconds = prepare_database(url, args.scale, env)
    print(f"[{label}] demo data loaded in {load_seconds:.1f} s", flush=True)
    results: list[Measurement] = []
    timings: list[Timing] = []
    bare_port = free_port()
    bare = start_gunicorn("scripts.bench_bare_app:app", bare_port, env, args.workers)
    try:
        results.append(measure("bare route (constant)", bare_port, "/", None, args.duration))
    finally:
        stop(bare)
    port = free_port()
    server = start_gunicorn("exchange_app:create_app()", port, env, args.workers)
    worker = start_job_worker(env)
    try:
        cookie = login_cookie(port)
        for name, path in page_paths(env):
            if "PDF" in name:
                timing = time_cold_pdf(port, path, cookie, url)
                print(f"[{label}] {timing.name}: {timing.seconds:.2f} s", flush=True)
                timings.append(timing)
            print(f"[{label}] {name}: {path}", flush=True)
            results.append(measure(name, port, path, cookie, args.duration))
    finally:
        stop(worker)
        stop(server)
    output = subprocess.run(  # noqa: S603
        [sys.executable, str(ROOT / "scripts" / "bench_fixtures.py"), "--service-times",
         BENCH_PASSWORD],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    alone = {}
    for line in output.splitlines():
        if line.count("\t") == 2:
            name, ms, queries = line.split("\t")
            alone[name] = (float(ms), int(queries))
    for m in results:
        if m.name in alone:
            m.alone_ms, m.queries = alone[m.name]
    shutil.rmtree(instance, ignore_errors=True)
    timing = time_import(env, args.import_rows)
    print(f"[{label}] {timing.name}: {timing.seconds:.2f} s", flush=True)
    timings.append(timing)
    return results, timings, load_seconds


def table(label: str, results: list[Measurement], timings: list[Timing]) -> str:
    bare = results[0].p95_ms or 0.001
    lines = [
        f"### {label}",
        "",
        "| page | path | status | p50 ms | p95 ms | req/s | p95 / bare | within 3× | non-2xx "
        "| alone ms | SQL |",
        "|---|---|---:|---:|---:|---:|---:|:---:|---:|---:|---:|",
    ]
    for m in results:
        ratio = m.p95_ms / bare
        met = m.status == 200 and m.rps > 0 and not m.non_2xx + m.errors and ratio <= 3
        lines.append(
            f"| {m.name} | `{m.path}` | {m.status} | {m.p50_ms:.1f} | {m.p95_ms:.1f} "
            f"| {m.rps:.0f} | {ratio:.2f}× | {'yes' if met else '**no**'} "
            f"| {m.non_2xx + m.errors} "
            f"| {'' if m.alone_ms is None else f'{m.alone_ms:.1f}'} "
            f"| {'' if m.queries is None else m.queries} |"
        )
    lines += ["", "| operation | seconds | target | met | |", "|---|---:|---:|:---:|---|"]
    for t in timings:
        lines.append(
            f"| {t.name} | {t.seconds:.2f} | < {t.target:g} | "
            f"{'yes' if t.seconds < t.target else '**no**'} | {t.detail} |"
        )
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=int, default=100)
    parser.add_argument("--duration", type=int, default=10, help="seconds per page")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--skip-postgres", action="store_true")
    parser.add_argument("--import-rows", type=int, default=10_000)
    parser.add_argument("--output", default=str(ROOT / "docs" / "performance.md"))
    args = parser.parse_args()
    if not shutil.which("wrk"):
        print("wrk is needed: apt-get install -y wrk", file=sys.stderr)
        return 2

    started = time.perf_counter()
    sections = []
    with tempfile.TemporaryDirectory() as tmp:
        databases = [("SQLite", f"sqlite:///{tmp}/bench.sqlite3")]
        if not args.skip_postgres:
            databases.append(("PostgreSQL", os.environ.get("BENCH_DATABASE_URL_PG", DEFAULT_PG)))
        for label, url in databases:
            before = os.getloadavg()[0]
            results, timings, load_seconds = bench_database(label, url, args)
            after = os.getloadavg()[0]
            text = table(label, results, timings)
            text += (
                f"\n\n`demo-data --scale {args.scale}` took {load_seconds:.1f} s. "
                f"Load average of the machine (1 min) before and after: {before:.1f}, "
                f"{after:.1f}, on {os.cpu_count()} cores (above the number of cores, other "
                "processes were competing with the bench and every figure is slower).\n"
            )
            print("\n" + text, flush=True)
            sections.append(text)
    total = time.perf_counter() - started
    header = (
        "# Performance\n\n"
        f"Measured {datetime.now(UTC):%Y-%m-%d %H:%M} UTC by `make bench` "
        f"(`python scripts/bench.py --scale {args.scale} --duration {args.duration}`), "
        f"in {total / 60:.1f} minutes.\n\n"
        f"Machine: {platform.platform()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}; "
        f"gunicorn with {args.workers} sync workers on 127.0.0.1; load from `wrk -t2 -c8` "
        "(concurrency 8) on the same machine. Data: demo data at scale "
        f"{args.scale} (about {200 * args.scale:,} delegations, {2000 * args.scale:,} "
        f"participations, {200 * args.scale:,} promotions).\n\n"
        "The bare route is a Flask app whose one route renders a constant through Jinja "
        "(`scripts/bench_bare_app.py`), served the same way in the same run: the framework's "
        "limit on this machine. Target: every page's p95 within 3× the bare route's. "
        "*alone ms*: the fastest of five requests to the page in-process with nothing else "
        "running in the bench (its own work, less sensitive to other load on the machine); "
        "*SQL*: the statements that request ran.\n\n"
    )
    output = Path(args.output)
    # What follows the notes marker is written by hand (what was changed and why) and kept.
    notes = ""
    if output.exists():
        previous = output.read_text(encoding="utf-8")
        if NOTES_MARKER in previous:
            notes = "\n" + NOTES_MARKER + previous.split(NOTES_MARKER, 1)[1]
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(header + "\n\n".join(sections) + "\n" + notes, encoding="utf-8")
    print(f"\nwritten to {args.output} ({total / 60:.1f} min)")
    return 0


if __name__ == "__main__":
    sys.exit(main())

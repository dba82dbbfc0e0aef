#!/usr/bin/env python3
"""Run the test suite on SQLite, then on PostgreSQL; then the job-queue tests on Redis.

PostgreSQL comes from TEST_DATABASE_URL_PG (default: the local server on
127.0.0.1:5432, database ``test``). Outside CI a missing server is reported
loudly and that half is skipped; in CI (CI=true) it is a failure.

The two halves run the job queue on Huey's SQLite storage; the queue tests
(``tests/test_job_queue.py``, and the short load test) then run again on Redis from
TEST_REDIS_URL (default ``redis://127.0.0.1:6379/0``), with the same rule for a missing
server.

Both halves run in the same random order (pytest-randomly); the seed is printed at the
start and in the summary, and ``make test PYTEST_ARGS=--randomly-seed=N`` replays it.
"""

from __future__ import annotations

import os
import random
import shutil
import subprocess
import sys
import tempfile

import psycopg
import redis

DEFAULT_PG = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
DEFAULT_REDIS = "redis://127.0.0.1:6379/0"
# The queue's own tests, and the load test with its job worker killed, again on Redis.
QUEUE_TESTS = ["tests/test_job_queue.py", "tests/load/test_load_short.py"]


def postgres_reachable(url: str) -> str | None:
    """None if the server answers, else the reason it does not."""
    dsn = url.replace("postgresql+psycopg://", "postgresql://", 1)
    try:
        with psycopg.connect(dsn, connect_timeout=5) as connection:
            connection.execute("SELECT 1")
    except psycopg.Error as error:
        return str(error).strip()
    return None


def redis_reachable(url: str) -> str | None:
    """None if the Redis server answers, else the reason it does not."""
    try:
        redis.Redis.from_url(url, socket_connect_timeout=5).ping()
    except redis.RedisError as error:
        return str(error).strip()
    return None


def missing_server(name: str, url: str, problem: str, in_ci: bool, part: str) -> int | None:
    """Say loudly that a server is missing; 1 (a failure) in CI, None (skipped) elsewhere."""
    if in_ci:
        print(f"\nFAILED: {name} is required in CI and is not reachable: {problem}", flush=True)
        return 1
    banner = "!" * 72
    print(
        f"\n{banner}\nWARNING: {name} is not reachable at {url}\n  {problem}\n"
        f"NOT run: {part}.\n{banner}",
        flush=True,
    )
    return None


def run_suite(
    label: str,
    database_url: str | None,
    extra_args: list[str],
    redis_url: str | None = None,
) -> int:
    basetemp = None
    if not any(arg.startswith("--basetemp") for arg in extra_args):
        # A temporary folder of this run's own: pytest's shared /tmp/pytest-of-<user> keeps only
        # the newest three runs, so another run on the same machine would delete this one's.
        basetemp = tempfile.mkdtemp(prefix=f"exchange-app-tests-{label.lower()}-")
        extra_args = [f"--basetemp={basetemp}", *extra_args]
    env = dict(os.environ)
    if database_url:
        env["TEST_DATABASE_URL"] = database_url
    else:
        env.pop("TEST_DATABASE_URL", None)
    if redis_url:
        env["TEST_REDIS_URL"] = redis_url
    else:
        env.pop("TEST_REDIS_URL", None)
    print(f"\n=== test suite on {label} ===", flush=True)
    code = subprocess.call([sys.executable, "-m", "pytest", *extra_args], env=env)  # noqa: S603
    if code == 0 and basetemp is not None:
        shutil.rmtree(basetemp, ignore_errors=True)  # kept after a failure, to look into
    return code


def random_order_args(args: list[str]) -> tuple[list[str], str | None]:
    """The arguments with a random-order seed added (unless one is given or order is off)."""
    if "no:randomly" in args or "-p no:randomly" in " ".join(args):
        return args, None
    for arg in args:
        if arg.startswith("--randomly-seed="):
            return args, arg.split("=", 1)[1]
    seed = str(random.randrange(10**9))  # noqa: S311 (a test order, not a secret)
    return [f"--randomly-seed={seed}", *args], seed


def main() -> int:
    extra_args, seed = random_order_args(sys.argv[1:])
    replay = f"random order seed: {seed} (replay: make test PYTEST_ARGS=--randomly-seed={seed})"
    if seed is not None:
        print(replay, flush=True)
    in_ci = os.environ.get("CI", "").lower() == "true"
    results: dict[str, int] = {"SQLite": run_suite("SQLite", None, extra_args)}

    pg_url = os.environ.get("TEST_DATABASE_URL_PG", DEFAULT_PG)
    problem = postgres_reachable(pg_url)
    if problem is None:
        results["PostgreSQL"] = run_suite("PostgreSQL", pg_url, extra_args)
    elif (code := missing_server(
        "PostgreSQL", pg_url, problem, in_ci, "The PostgreSQL half of the suite"
    )) is not None:
        results["PostgreSQL"] = code

    redis_url = os.environ.get("TEST_REDIS_URL", DEFAULT_REDIS)
    problem = redis_reachable(redis_url)
    # The same order; test selections given for the whole suite do not apply here.
    queue_args = [arg for arg in extra_args if arg.startswith("--randomly-seed=")]
    if problem is None:
        results["job queue on Redis"] = run_suite(
            "Redis", None, [*queue_args, *QUEUE_TESTS], redis_url=redis_url
        )
    elif (code := missing_server(
        "Redis", redis_url, problem, in_ci, "The job-queue tests on Redis"
    )) is not None:
        results["job queue on Redis"] = code

    print("\n=== summary ===")
    if seed is not None:
        print(replay)
    for label, code in results.items():
        print(f"{label}: {'passed' if code == 0 else f'FAILED (exit {code})'}")
    return 0 if all(code == 0 for code in results.values()) else 1


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""Run the test suite on SQLite, then on PostgreSQL.

PostgreSQL comes from TEST_DATABASE_URL_PG (default: the local server on
127.0.0.1:5432, database ``test``). Outside CI a missing server is reported
loudly and that half is skipped; in CI (CI=true) it is a failure.

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

DEFAULT_PG = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


def postgres_reachable(url: str) -> str | None:
    """None if the server answers, else the reason it does not."""
    dsn = url.replace("postgresql+psycopg://", "postgresql://", 1)
    try:
        with psycopg.connect(dsn, connect_timeout=5) as connection:
            connection.execute("SELECT 1")
    except psycopg.Error as error:
        return str(error).strip()
    return None


def run_suite(label: str, database_url: str | None, extra_args: list[str]) -> int:
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
    elif in_ci:
        print(f"\nFAILED: PostgreSQL is required in CI and is not reachable: {problem}", flush=True)
        results["PostgreSQL"] = 1
    else:
        banner = "!" * 72
        print(
            f"\n{banner}\nWARNING: PostgreSQL is not reachable at {pg_url}\n  {problem}\n"
            f"The PostgreSQL half of the suite was NOT run.\n{banner}",
            flush=True,
        )

    print("\n=== summary ===")
    if seed is not None:
        print(replay)
    for label, code in results.items():
        print(f"{label}: {'passed' if code == 0 else f'FAILED (exit {code})'}")
    return 0 if all(code == 0 for code in results.values()) else 1


if __name__ == "__main__":
    sys.exit(main())

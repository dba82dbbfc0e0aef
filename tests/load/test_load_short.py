"""Reliability under load: the short form of scripts/load_test.py, on the database under test.

gunicorn with 3 workers and a job worker on 127.0.0.1; 20 clients (a quarter of them
uploading import files, each checked by a job) for 10 s, then on until 20 writes and 3
uploads were acknowledged (90 s at most: a busy machine makes the run longer, not its
checks weaker). A gunicorn worker is SIGKILLed every 3 s and the job worker every 4 s; a
``flask backup`` is taken in the middle. Every acknowledged write must be there exactly
once, every job must end, the database must be intact, and no "database is locked" logged.
The queue is on Redis when ``TEST_REDIS_URL`` is set (``scripts/run_tests.py`` runs it so).
"""

from __future__ import annotations

import json
import os

import pytest

from tests.scratch import free_port, load_test_module, scratch_database_url


@pytest.mark.slow
def test_acknowledged_writes_and_jobs_survive_killed_workers(tmp_path):
    load_test = load_test_module()
    url = scratch_database_url("load", str(tmp_path))
    findings = load_test.run(
        url,
        seconds=10,
        clients=20,
        kill_every=3,
        kill_jobs_every=4,
        port=free_port(),
        workers=3,
        min_writes=20,
        min_uploads=3,
        max_seconds=90,
        redis_url=os.environ.get("TEST_REDIS_URL") or None,
    )
    report = json.dumps(findings, ensure_ascii=False, indent=2)
    assert findings["workers_killed"] >= 2 and findings["job_workers_killed"] >= 1, report
    assert findings["acknowledged"] >= 20 and findings["uploads_acknowledged"] >= 3, report
    assert not findings["missing"] and not findings["duplicated"], report
    assert not findings["jobs_lost"] and not findings["uploads_without_job"], report
    assert findings["jobs"].get("done", 0) >= 1, report
    assert not findings["server_errors"] and not findings["database_locked_in_log"], report
    assert findings.get("integrity_check", "ok") == "ok", report
    assert not findings.get("missing_from_backup"), report
    assert findings["ok"], report

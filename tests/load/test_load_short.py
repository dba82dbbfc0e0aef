"""Reliability under load: the short form of scripts/load_test.py, on the database under test.

gunicorn with 3 workers on 127.0.0.1, 20 writing clients for 20 s, a worker SIGKILLed
every 3 s, a ``flask backup`` in the middle; every acknowledged write must be there
exactly once, the database intact, and no "database is locked" in the log.
"""

from __future__ import annotations

import json

import pytest

from tests.scratch import free_port, load_test_module, scratch_database_url

SECONDS = 20


@pytest.mark.slow
def test_acknowledged_writes_survive_killed_workers(tmp_path):
    load_test = load_test_module()
    url = scratch_database_url("load", str(tmp_path))
    findings = load_test.run(
        url, seconds=SECONDS, clients=20, kill_every=3, port=free_port(), workers=3
    )
    report = json.dumps(findings, ensure_ascii=False, indent=2)
    assert findings["workers_killed"] >= 3, report
    assert findings["acknowledged"] >= 20, report
    assert not findings["missing"] and not findings["duplicated"], report
    assert not findings["server_errors"] and not findings["database_locked_in_log"], report
    assert findings.get("integrity_check", "ok") == "ok", report
    assert not findings.get("missing_from_backup"), report
    assert findings["ok"], report

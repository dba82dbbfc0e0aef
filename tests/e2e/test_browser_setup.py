"""A missing Chromium fails the browser tests (never a skip); in CI nothing is installed."""

from __future__ import annotations

import pytest

from tests.e2e import conftest


def test_missing_chromium_in_ci_is_a_failure(monkeypatch):
    monkeypatch.setattr(conftest, "CHROMIUM", "/nonexistent/chromium")
    monkeypatch.setenv("CI", "true")
    calls = []
    monkeypatch.setattr(conftest.subprocess, "call", lambda *a, **k: calls.append(a) or 0)
    with pytest.raises(pytest.fail.Exception, match="chromium is missing"):
        conftest.ensure_chromium()
    assert calls == []


def test_missing_chromium_outside_ci_is_installed_then_checked(monkeypatch):
    monkeypatch.setattr(conftest, "CHROMIUM", "/nonexistent/chromium")
    monkeypatch.delenv("CI", raising=False)
    monkeypatch.setattr(conftest.os, "geteuid", lambda: 0)
    monkeypatch.setattr(conftest.shutil, "which", lambda name: "/usr/bin/apt-get")
    calls = []
    monkeypatch.setattr(conftest.subprocess, "call", lambda args, **k: calls.append(args) or 1)
    with pytest.raises(pytest.fail.Exception, match="chromium is missing"):
        conftest.ensure_chromium()
    assert calls[0][:2] == ["apt-get", "install"] and "chromium" in calls[0]
    assert ["apt-get", "update", "-qq"] in calls  # a failed install retries after an update


def test_present_chromium_needs_nothing(monkeypatch):
    monkeypatch.setattr(conftest.subprocess, "call", lambda *a, **k: pytest.fail("no install"))
    conftest.ensure_chromium()  # /usr/bin/chromium is installed by make install-test

"""ASVS V14: security headers on every response; no inline script or style in templates."""

from __future__ import annotations

import os
import re

import pytest

from exchange_app import CACHEABLE_ENDPOINTS
from tests.security.conftest import app_rules, rule_url

TEMPLATES = os.path.join(os.path.dirname(__file__), "..", "..", "templates")


def assert_security_headers(response, where: str) -> None:
    csp = response.headers.get("Content-Security-Policy", "")
    directives = {d.split()[0]: d for d in (p.strip() for p in csp.split(";")) if d}
    assert "script-src" in directives or "default-src" in directives, where
    script = directives.get("script-src", directives.get("default-src", ""))
    assert "'unsafe-inline'" not in script and "'unsafe-eval'" not in script, where
    assert "'unsafe-inline'" not in directives.get("style-src", ""), where
    assert directives.get("frame-ancestors") == "frame-ancestors 'none'", where
    assert directives.get("object-src") == "object-src 'none'", where
    assert response.headers.get("X-Content-Type-Options") == "nosniff", where
    assert response.headers.get("Referrer-Policy") in {"same-origin", "no-referrer"}, where


@pytest.mark.parametrize("role", ["anonymous", "admin"])
def test_every_response_carries_the_security_headers(app, client, db, sign_in, role):
    sign_in(role)
    urls = [rule_url(app, r, db) for r in app_rules(app) if "GET" in r.methods]
    urls += ["/no-such-page", "/auth/login"]
    for url in urls:
        assert_security_headers(client.get(url), f"GET {url} as {role}")
    assert_security_headers(client.post("/partners/"), f"POST /partners/ as {role}")


def test_signed_in_pages_are_never_cached(app, client, db, auth):
    auth.login("admin")
    for rule in app_rules(app):
        if "GET" not in rule.methods or rule.endpoint in CACHEABLE_ENDPOINTS:
            continue  # public files (stylesheets, scripts, the web font)
        url = rule_url(app, rule, db)
        assert client.get(url).headers.get("Cache-Control") == "no-store", url


def test_no_hsts_over_plain_http_in_development(client):
    assert "Strict-Transport-Security" not in client.get("/auth/login").headers


@pytest.mark.parametrize("app_config", [{"HSTS_ENABLED": True}])
def test_hsts_in_production(client):
    hsts = client.get("/auth/login").headers.get("Strict-Transport-Security", "")
    max_age = int(re.search(r"max-age=(\d+)", hsts).group(1))
    assert max_age >= 31536000 and "includeSubDomains" in hsts


def test_templates_have_no_inline_script_style_or_handlers():
    offenders = []
    for folder, _dirs, files in os.walk(TEMPLATES):
        for name in files:
            path = os.path.join(folder, name)
            with open(path, encoding="utf-8") as handle:
                text = handle.read()
            for pattern in (
                # external scripts and JSON data blocks (never executed) are fine
                r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>",
                r"\sstyle=",
                r"\son[a-z]+=",
                "javascript:",
            ):
                if re.search(pattern, text, flags=re.I):
                    offenders.append(f"{os.path.relpath(path, TEMPLATES)}: {pattern}")
    assert not offenders, offenders

"""Helpers shared by tests: walking the URL map."""

from __future__ import annotations

from collections.abc import Iterator

from flask import Flask
from werkzeug.routing import Rule

# Placeholder values by argument name, so that URLs point at records that exist.
NAMED_VALUES = {"code": "3a", "slug": "guilin", "year": 2024}


def concrete_url(app: Flask, rule: Rule) -> str:
    """A URL for ``rule`` with placeholder values for its arguments."""
    values = {}
    for argument in rule.arguments:
        converter = rule._converters[argument].__class__.__name__.lower()
        values[argument] = NAMED_VALUES.get(argument, 1 if "integer" in converter else "guilin")
    with app.test_request_context():
        return app.url_for(rule.endpoint, **values)


def routes(app: Flask) -> Iterator[tuple[Rule, str, str]]:
    """Every (rule, method, url) the app answers, except static files."""
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static":
            continue
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            yield rule, method, concrete_url(app, rule)

"""The stack's floor for the benchmark: the smallest honest signed-in page on this stack.

What every page of the app pays before doing any work of its own, and nothing more:
Flask-Login loading the signed-in user from the database, a CSRF token (Flask-WTF),
Flask-Babel choosing the language and translating the page's strings, a base template
with the navigation, and a 50-row table read by one query. It reads the benchmark's own
database (``DATABASE_URL``), so the floor and the pages are measured on the same data.

Served by ``scripts/bench.py`` on 127.0.0.1 only; ``/login`` signs the benchmark user in
without a password because the floor measures a signed-in request, not the sign-in.
"""

from __future__ import annotations

import os
from typing import Any

from flask import Flask, redirect, render_template_string, request
from flask_babel import Babel, gettext
from flask_login import LoginManager, UserMixin, login_required, login_user
from flask_wtf.csrf import CSRFProtect
from sqlalchemy import create_engine, text

BENCH_EMAIL = os.environ.get("BENCH_EMAIL", "bench@example.org")

app = Flask(__name__)
app.config["SECRET_KEY"] = os.environ.get("SECRET_KEY", "benchmark-floor-key")
engine = create_engine(os.environ["DATABASE_URL"], pool_pre_ping=True)
CSRFProtect(app)
Babel(app, locale_selector=lambda: request.accept_languages.best_match(["ja", "en"]) or "ja")
login_manager = LoginManager(app)

NAVIGATION = [
    "home",
    "delegations",
    "youth",
    "promotions",
    "partners",
    "counterparts",
    "indicators",
    "history",
    "imports",
    "jobs",
    "admin",
    "account",
]

PAGE = """<!doctype html>
<html lang="{{ lang }}">
<head><meta charset="utf-8"><title>{{ title }}</title></head>
<body>
<nav><ul>{% for name in navigation %}<li><a href="/{{ name }}">{{ name }}</a></li>{% endfor %}</ul>
<span>{{ user.email }}</span>
<form method="post" action="/logout">
<input type="hidden" name="csrf_token" value="{{ csrf_token() }}">
<button>{{ sign_out }}</button></form></nav>
<main><h1>{{ title }}</h1>
<table><thead><tr><th>ID</th><th>{{ heading }}</th><th>Date</th><th>City</th></tr></thead>
<tbody>{% for row in rows %}<tr><td>{{ row.id }}</td><td>{{ row.title }}</td>
<td>{{ row.start_date }}</td><td>{{ row.name_ja }}</td></tr>{% endfor %}</tbody></table>
</main></body></html>"""


class FloorUser(UserMixin):
    def __init__(self, user_id: int, email: str) -> None:
        self.id = user_id
        self.email = email


@login_manager.user_loader
def load_user(user_id: str) -> FloorUser | None:
    with engine.connect() as connection:
        row = connection.execute(
            text("SELECT id, email FROM users WHERE id = :id AND active"), {"id": int(user_id)}
        ).first()
    return FloorUser(row.id, row.email) if row else None


@app.route("/login")
def login() -> Any:
    with engine.connect() as connection:
        row = connection.execute(
            text("SELECT id, email FROM users WHERE email = :email"), {"email": BENCH_EMAIL}
        ).one()
    login_user(FloorUser(row.id, row.email))
    return redirect("/")


@app.route("/")
@login_required
def floor() -> str:
    from flask_login import current_user

    with engine.connect() as connection:
        rows = connection.execute(
            text(
                "SELECT d.id, d.title, d.start_date, c.name_ja FROM delegations d "
                "JOIN partner_cities c ON c.id = d.partner_city_id "
                "ORDER BY d.start_date DESC, d.id DESC LIMIT 50"
            )
        ).all()
    return render_template_string(
        PAGE,
        lang=request.accept_languages.best_match(["ja", "en"]) or "ja",
        title=gettext("Delegations"),
        heading=gettext("Title"),
        sign_out=gettext("Sign out"),
        navigation=NAVIGATION,
        user=current_user,
        rows=rows,
    )


def service_time(repeat: int = 5) -> tuple[float, int]:
    """The floor's in-process time (ms) and SQL statements, timed as the app's pages are."""
    from bench_timing import fastest_get  # run as a script only: scripts/ is on the path

    client = app.test_client()
    client.get("/login")
    client.get("/")  # warm-up
    return fastest_get(client, engine, "/", repeat)

if __name__ == "__main__":
    import sys

    if "--service-time" in sys.argv:
        ms, queries = service_time()
        print(f"{ms:.1f}\t{queries}")

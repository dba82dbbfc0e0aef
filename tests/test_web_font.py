"""The Japanese web font: served publicly from the font package, cached long, used by app.css."""

from __future__ import annotations

import re
from pathlib import Path

from tests.scratch import PROJECT_ROOT


def test_font_files_are_public_and_cached_for_a_year(client):
    for weight in ("regular", "bold"):
        response = client.get(f"/fonts/noto-sans-jp-{weight}.otf")  # not signed in
        assert response.status_code == 200
        assert response.mimetype == "font/otf"
        assert response.data[:4] == b"OTTO"  # an OpenType (CFF) font
        assert "max-age=31536000" in response.headers["Cache-Control"]
        assert "no-store" not in response.headers["Cache-Control"]
        assert "font-src 'self'" in response.headers["Content-Security-Policy"]


def test_font_cached_for_signed_in_users_too(client, auth):
    auth.login()
    response = client.get("/fonts/noto-sans-jp-bold.otf")
    assert response.status_code == 200
    assert "no-store" not in response.headers["Cache-Control"]
    assert client.get("/").headers["Cache-Control"] == "no-store"


def test_unknown_font_is_not_found(client):
    assert client.get("/fonts/noto-sans-jp-italic.otf").status_code == 404


def test_stylesheet_lists_the_web_font_after_the_system_japanese_fonts():
    css = Path(PROJECT_ROOT, "static", "css", "app.css").read_text(encoding="utf-8")
    stack = re.search(r"--bs-body-font-family:([^;]+);", css).group(1)
    families = [name.strip().strip('"') for name in stack.split(",")]
    web = families.index("Exchange Sans JP")
    for system_font in ("Yu Gothic UI", "Meiryo", "Hiragino Sans", "Noto Sans JP"):
        assert families.index(system_font) < web
    assert css.count("noto-sans-jp-regular.otf") == 1 and css.count("noto-sans-jp-bold.otf") == 1
    assert "unicode-range" in css  # Latin-only pages never fetch it

"""Installed means installed: the built wheel, in a fresh virtual environment, run from an empty
directory with nothing but ``DATABASE_URL`` and ``SECRET_KEY`` set.

As the README's production section says: the dependencies from the lock file (versions and
hashes) with pip, then the wheel; then migrate, seed, create an administrator, write a history
PDF and serve the app in Japanese. The database is the one of the suite's half (SQLite or a
scratch PostgreSQL database).
"""

from __future__ import annotations

import http.cookiejar
import os
import re
import subprocess
import sys
import time
import urllib.parse
import urllib.request
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from tests.conftest import reset_database
from tests.scratch import PROJECT_ROOT, free_port, scratch_database_url

pytestmark = pytest.mark.packaging

ROOT = Path(PROJECT_ROOT)
ADMIN_EMAIL = "admin@example.org"
ADMIN_PASSWORD = "installed from the wheel 阿蘇"


def uv_command() -> str:
    """uv, which owns the lock file: ``$UV`` (set by the Makefile), the one ``make`` installs,
    or one on ``PATH``."""
    import shutil

    installed_by_make = ROOT / ".tools" / "bin" / "uv"
    found = (
        os.environ.get("UV")
        or (str(installed_by_make) if installed_by_make.exists() else None)
        or shutil.which("uv")
    )
    if not found or not os.access(found, os.X_OK):
        pytest.fail("uv is needed to read uv.lock: run the suite with `make test`")
    return found


def japanese(msgid: str) -> str:
    """The Japanese catalogue's translation of ``msgid`` (as the repository has it)."""
    path = ROOT / "exchange_app" / "translations" / "ja" / "LC_MESSAGES" / "messages.po"
    with path.open("rb") as handle:
        message = read_po(handle).get(msgid)
    assert message is not None and message.string, msgid
    return str(message.string)


@dataclass
class Installed:
    """A virtual environment with the wheel installed, and where it was made."""

    venv: Path
    wheel: Path
    home: Path

    def bin(self, name: str) -> str:
        return str(self.venv / "bin" / name)


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Installed:
    folder = tmp_path_factory.mktemp("wheel")
    # The wheel, built by the project's build backend, as a release build does.
    subprocess.run(
        [sys.executable, "-c",
         "import sys; from hatchling.build import build_wheel; print(build_wheel(sys.argv[1]))",
         str(folder)],
        cwd=ROOT, check=True, capture_output=True, text=True,
    )
    (wheel,) = folder.glob("exchange_app-*.whl")
    requirements = folder / "requirements.txt"
    subprocess.run(
        [uv_command(), "export", "--frozen", "--no-dev", "--no-emit-project", "--no-header",
         "--format", "requirements-txt", "--quiet", "-o", str(requirements)],
        cwd=ROOT, check=True,
    )
    venv = folder / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    # The README's pip commands; --no-compile only skips writing .pyc files (half the time).
    pip = [str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet", "--no-compile",
           "--disable-pip-version-check"]
    subprocess.run([*pip, "--require-hashes", "-r", str(requirements)], check=True)
    subprocess.run([*pip, "--no-deps", str(wheel)], check=True)
    home = folder / "home"
    home.mkdir()
    return Installed(venv=venv, wheel=wheel, home=home)


@pytest.fixture(scope="module")
def site(installed: Installed, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    """From an empty directory, with only DATABASE_URL and SECRET_KEY (and the PATH and HOME
    every service has): migrate, check, seed twice, create an administrator."""
    empty = tmp_path_factory.mktemp("empty-directory")
    url = scratch_database_url("wheel", str(tmp_path_factory.mktemp("wheel-db")))
    reset_database(url)
    site = Site(
        installed=installed,
        cwd=empty,
        env={
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "HOME": str(installed.home),
            "DATABASE_URL": url,
            "SECRET_KEY": "a production secret set in the service's environment",
        },
    )
    for args, stdin in (
        (("db", "upgrade"), None),
        (("db", "check"), None),
        (("seed",), None),
        (("seed",), None),
        (("users", "create", "--email", ADMIN_EMAIL, "--role", "admin"), ADMIN_PASSWORD + "\n"),
    ):
        site.outputs.append(site.run(*args, stdin=stdin))
    yield site
    reset_database(url)


@dataclass
class Site:
    """The installed app's commands, run as a service would run them."""

    installed: Installed
    cwd: Path
    env: dict[str, str]
    outputs: list[str] = field(default_factory=list)

    def run(self, *args: str, stdin: str | None = None, program: str = "exchange-app") -> str:
        result = subprocess.run(
            [self.installed.bin(program), *args], cwd=self.cwd, env=self.env,
            input=stdin, capture_output=True, text=True, timeout=300,
        )
        assert result.returncode == 0, (args, result.stdout, result.stderr)
        return result.stdout


def test_the_wheel_carries_everything_the_app_reads_at_run_time(installed):
    names = set(zipfile.ZipFile(installed.wheel).namelist())
    for name in (
        "exchange_app/templates/auth/login.html",
        "exchange_app/static/css/history-print.css",
        "exchange_app/static/vendor/bootstrap/bootstrap.min.css",
        "exchange_app/migrations/env.py",
        "exchange_app/alembic.ini",
        "exchange_app/common_passwords.txt",
        "exchange_app/translations/ja/LC_MESSAGES/messages.mo",
        "exchange_app/translations/en/LC_MESSAGES/messages.mo",
    ):
        assert name in names, name
    versions = {n for n in names if n.startswith("exchange_app/migrations/versions/")}
    assert versions == {
        f"exchange_app/migrations/versions/{path.name}"
        for path in (ROOT / "migrations" / "versions").glob("*.py")
    }
    assert not [n for n in names if "__pycache__" in n or n.endswith(".pyc")]
    assert not [n for n in names if n.startswith(("tests/", "config.py", "instance"))]


def test_installed_app_migrates_seeds_and_creates_an_admin_from_an_empty_directory(site):
    upgraded, checked, seeded, seeded_again, created = site.outputs
    heads = {path.name.split("_")[1] for path in (ROOT / "migrations" / "versions").glob("*.py")}
    assert re.search(r"database at revision (\w+)", upgraded).group(1) in heads
    assert "No new upgrade operations detected" in checked
    assert "added 8 partner_cities" in seeded
    assert "nothing changed" in seeded_again
    assert f"created {ADMIN_EMAIL} (admin)" in created
    # `flask --app exchange_app` works from anywhere too.
    listed = site.run("--app", "exchange_app", "users", "list", program="flask")
    assert f"{ADMIN_EMAIL}\tadmin\tactive" in listed
    # Nothing was written in the working directory or beside the code: the instance folder is
    # the platform's data folder of the service's user.
    assert list(site.cwd.iterdir()) == []
    site_packages = next((site.installed.venv / "lib").glob("python3*/site-packages"))
    assert not (site_packages / "instance").exists()
    assert not (site_packages / "exchange_app" / "instance").exists()
    assert (site.installed.home / ".local" / "share" / "exchange_app").is_dir()


def test_installed_app_writes_the_history_pdf_with_its_font_and_print_layout(site, tmp_path):
    output = tmp_path / "guilin-50.pdf"
    site.run("history", "guilin", "--ordinal", "50", "--lang", "ja", "--format", "pdf",
             "--output", str(output))
    fonts = subprocess.run(["pdffonts", str(output)], capture_output=True, text=True,
                           check=True).stdout
    japanese_fonts = [line for line in fonts.splitlines() if "CJK-JP" in line]
    assert japanese_fonts, fonts
    assert all(line.split()[-5] == "yes" for line in japanese_fonts), fonts  # embedded
    text = subprocess.run(["pdftotext", "-layout", str(output), "-"], capture_output=True,
                          text=True, check=True).stdout
    assert "友好都市締結50周年" in text
    # The print stylesheet's A4 pages and its "page / pages" footer from history-print.css.
    info = subprocess.run(["pdfinfo", str(output)], capture_output=True, text=True,
                          check=True).stdout
    assert "(A4)" in info
    pages = int(re.search(r"Pages:\s+(\d+)", info).group(1))
    assert pages >= 3
    assert re.search(rf"\b2 ?/ ?{pages}\b", text), text[-2000:]


def test_installed_app_serves_the_login_page_in_japanese_and_signs_in(site):
    port = free_port()
    server = subprocess.Popen(
        [site.installed.bin("gunicorn"), "--workers", "1", "--bind", f"127.0.0.1:{port}",
         "exchange_app:create_app()"],
        cwd=site.cwd, env=site.env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
        )
        deadline = time.monotonic() + 60
        while True:
            try:
                login = opener.open(f"{base}/auth/login", timeout=5)
                break
            except OSError:
                assert server.poll() is None, server.stdout.read().decode()
                assert time.monotonic() < deadline, "the installed app did not start"
                time.sleep(0.3)
        page = login.read().decode()
        assert login.status == 200
        assert '<html lang="ja"' in page
        assert japanese("Sign in") in page
        assert ">Sign in<" not in page
        for asset in ("/static/css/app.css", "/static/vendor/bootstrap/bootstrap.min.css",
                      "/fonts/noto-sans-jp-regular.otf"):
            assert opener.open(base + asset, timeout=10).status == 200, asset

        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
        form = urllib.parse.urlencode(
            {"csrf_token": token, "email": ADMIN_EMAIL, "password": ADMIN_PASSWORD}
        ).encode()
        home = opener.open(f"{base}/auth/login", data=form, timeout=30)
        assert home.status == 200 and urllib.parse.urlparse(home.url).path == "/"
        assert japanese("Partner cities") in home.read().decode()
    finally:
        server.terminate()
        server.wait(timeout=30)

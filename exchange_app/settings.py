"""Configuration read from the environment.

Every setting has a safe default for a single office machine; production sets
``DATABASE_URL`` (PostgreSQL) and ``SECRET_KEY`` in the environment. The instance folder
(``EXCHANGE_APP_INSTANCE_PATH``) is chosen in ``exchange_app.paths``.
"""

from __future__ import annotations

import os
from datetime import timedelta


def _env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value else default


class Config:
    """Settings shared by every environment."""

    # None means: a SQLite file in the instance folder (see exchange_app.db).
    DATABASE_URL: str | None = os.environ.get("DATABASE_URL")
    # None means: generated once and kept in the instance folder.
    SECRET_KEY: str | None = os.environ.get("SECRET_KEY")

    BABEL_DEFAULT_LOCALE = "ja"
    BABEL_DEFAULT_TIMEZONE = "Asia/Tokyo"
    LANGUAGES = ("ja", "en")

    SESSION_COOKIE_NAME = "exchange_session"
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    # HSTS only where the app is served over HTTPS.
    HSTS_ENABLED = _env_bool("HSTS_ENABLED", False)
    # Served over HTTPS (HSTS on): cookies are sent over HTTPS only.
    SESSION_COOKIE_SECURE = _env_bool("SESSION_COOKIE_SECURE", HSTS_ENABLED)
    # Remember-me is never issued; the cookie flags are set in case it ever is.
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_SECURE = SESSION_COOKIE_SECURE
    SESSION_IDLE_TIMEOUT = timedelta(minutes=_env_int("SESSION_IDLE_MINUTES", 30))
    SESSION_ABSOLUTE_TIMEOUT = timedelta(hours=_env_int("SESSION_ABSOLUTE_HOURS", 12))
    PERMANENT_SESSION_LIFETIME = SESSION_ABSOLUTE_TIMEOUT
    # The cookie is signed and sent only when the session changed (last_seen at most once a
    # minute); its lifetime is the absolute timeout, which no request extends.
    SESSION_REFRESH_EACH_REQUEST = False
    # A youth participant's age at a programme's start; outside it, registering as youth
    # needs an explicit confirmation.
    YOUTH_AGE_MIN = _env_int("YOUTH_AGE_MIN", 6)
    YOUTH_AGE_MAX = _env_int("YOUTH_AGE_MAX", 29)
    # A personal API token stops working this long after it was created.
    API_TOKEN_LIFETIME = timedelta(days=_env_int("API_TOKEN_DAYS", 365))

    # Sign-in throttling (never a hard lock-out): after this many failures of an account,
    # or from one client address (any accounts), each next attempt waits 2, 4, 8 ... seconds
    # up to the cap. Failures older than the window no longer count and are deleted.
    LOGIN_FREE_FAILURES = _env_int("LOGIN_FREE_FAILURES", 5)
    LOGIN_ADDRESS_FREE_FAILURES = _env_int("LOGIN_ADDRESS_FREE_FAILURES", 20)
    LOGIN_MAX_DELAY = timedelta(seconds=_env_int("LOGIN_MAX_DELAY_SECONDS", 900))
    LOGIN_FAILURE_WINDOW = timedelta(hours=_env_int("LOGIN_FAILURE_WINDOW_HOURS", 24))
    # Reverse proxies in front of the app whose X-Forwarded-For / -Proto are trusted
    # (werkzeug's ProxyFix); 0: the client is the connection's address, headers ignored.
    TRUSTED_PROXY_COUNT = _env_int("TRUSTED_PROXY_COUNT", 0)

    WTF_CSRF_ENABLED = True
    WTF_CSRF_TIME_LIMIT = None  # the token lives as long as the session

    MAX_CONTENT_LENGTH = _env_int("MAX_UPLOAD_MB", 20) * 1024 * 1024
    # Largest spreadsheet the import wizard accepts (within MAX_CONTENT_LENGTH).
    IMPORT_MAX_BYTES = _env_int("IMPORT_MAX_MB", 10) * 1024 * 1024
    # What one uploaded file may cost (exchange_app.importing.limits reads these).
    # Each member of an xlsx (a zip) may unpack to at most this much, read from the zip's
    # directory before anything is unpacked.
    IMPORT_MAX_UNPACKED_BYTES = _env_int("IMPORT_MAX_UNPACKED_MB", 50) * 1024 * 1024
    IMPORT_MAX_ROWS = _env_int("IMPORT_MAX_ROWS", 20000)
    IMPORT_MAX_COLUMNS = _env_int("IMPORT_MAX_COLUMNS", 100)

    # The job queue (exchange_app.jobs): Redis when REDIS_URL is set, otherwise a SQLite
    # file in the instance folder (one machine only).
    REDIS_URL: str | None = os.environ.get("REDIS_URL") or None
    JOBS_IMMEDIATE = _env_bool("JOBS_IMMEDIATE", False)
    # Servers and workers sharing a queue use the same name (several apps may share a Redis).
    JOBS_QUEUE_NAME = os.environ.get("JOBS_QUEUE_NAME") or "exchange_app"
    # The longest a job may run; a job whose worker has not reported for this long died.
    JOB_TIME_LIMIT_SECONDS = _env_int("JOB_TIME_LIMIT_SECONDS", 300)
    JOB_STALE_SECONDS = _env_int("JOB_STALE_SECONDS", 30)
    JOB_HEARTBEAT_SECONDS = 5
    # A job whose worker died is started again this many times in all, then marked failed.
    JOB_MAX_ATTEMPTS = _env_int("JOB_MAX_ATTEMPTS", 2)
    JOB_WORKERS = _env_int("JOB_WORKERS", 2)
    # Finished jobs (their pages, progress and outcome) are removed after this many days.
    JOB_KEEP_DAYS = _env_int("JOB_KEEP_DAYS", 30)

    TRUSTED_HOSTS: list[str] | None = (
        [h.strip() for h in os.environ["TRUSTED_HOSTS"].split(",") if h.strip()]
        if os.environ.get("TRUSTED_HOSTS")
        else None
    )
    SQLITE_BUSY_TIMEOUT_MS = _env_int("SQLITE_BUSY_TIMEOUT_MS", 15000)
    PAGE_SIZE = 25


class TestConfig(Config):
    """Settings for the test suite: the database comes from ``TEST_DATABASE_URL``."""

    TESTING = True
    DATABASE_URL = os.environ.get("TEST_DATABASE_URL")
    SECRET_KEY = "test-only-secret-key-not-for-production"
    WTF_CSRF_ENABLED = False
    SERVER_NAME = None
    # Jobs run inside the request that starts them, unless a test asks for a real queue.
    JOBS_IMMEDIATE = True
    REDIS_URL = None

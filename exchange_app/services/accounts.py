"""Users, passwords, sign-in throttling and server-side login sessions."""

from __future__ import annotations

import hashlib
import re
import secrets
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timedelta
from importlib import resources

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session
from zxcvbn import zxcvbn

from exchange_app.db import utcnow
from exchange_app.models import LoginFailure, LoginSession, User
from exchange_app.vocab import Role

# OWASP Password Storage Cheat Sheet: argon2id, 19 MiB, 2 iterations, 1 lane.
PASSWORD_HASHER = PasswordHasher(time_cost=2, memory_cost=19 * 1024, parallelism=1)
MIN_PASSWORD_LENGTH = 12
MAX_PASSWORD_LENGTH = 256
# zxcvbn's score (0-4) a password needs: 3 is "safely unguessable" for an online attack.
MIN_PASSWORD_STRENGTH = 3
ZXCVBN_MAX_LENGTH = 72
# Words anyone would try first against this app: the city, its mascot, the app's names.
CITY_WORDS = (
    "kumamoto",
    "kumamon",
    "熊本",
    "くまもと",
    "クマモト",
    "くまモン",
    "熊本市",
    "exchange_app",
    "exchange",
    "international",
    "city",
    "Kumamoto City International Exchange",
    "国際交流",
    "熊本市 国際交流管理",
)


class PasswordPolicyError(ValueError):
    """A password that the policy refuses; the message says why."""


def _common_passwords() -> frozenset[str]:
    text = resources.files("exchange_app").joinpath("common_passwords.txt").read_text("utf-8")
    return frozenset(line.strip().lower() for line in text.splitlines() if line.strip())


def normalise_password(password: str) -> str:
    """Passwords are compared in NFKC so that the same typed text always matches."""
    return unicodedata.normalize("NFKC", password)


def password_strength(password: str, email: str | None = None) -> int:
    """zxcvbn's guess of how hard ``password`` is to guess, 0 (at once) to 4; the city's and
    the app's own words and the user's e-mail count for nothing."""
    own_words = [*CITY_WORDS]
    if email:
        own_words += [email, *re.split(r"[@._+-]+", email)]
    # zxcvbn reads at most 72 characters; a longer password is at least as strong as its start.
    return int(zxcvbn(password[:ZXCVBN_MAX_LENGTH], user_inputs=own_words)["score"])


def check_password_policy(password: str, email: str | None = None) -> None:
    """Refuse short, overlong, common and easily guessed passwords (ASVS 2.1)."""
    password = normalise_password(password)
    if len(password) < MIN_PASSWORD_LENGTH:
        raise PasswordPolicyError("too_short")
    if len(password) > MAX_PASSWORD_LENGTH:
        raise PasswordPolicyError("too_long")
    lowered = password.lower()
    if lowered in _common_passwords() or (email and lowered == email.lower()):
        raise PasswordPolicyError("too_common")
    if len(set(password)) < 4:
        raise PasswordPolicyError("too_common")
    if password_strength(password, email) < MIN_PASSWORD_STRENGTH:
        raise PasswordPolicyError("too_weak")


def hash_password(password: str) -> str:
    """An argon2id hash of the password."""
    return PASSWORD_HASHER.hash(normalise_password(password))


def verify_password(password_hash: str, password: str) -> bool:
    """Whether ``password`` matches ``password_hash``."""
    try:
        return PASSWORD_HASHER.verify(password_hash, normalise_password(password))
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def normalise_email(email: str) -> str:
    """E-mail addresses are stored and looked up trimmed and lower-cased."""
    return email.strip().lower()


def find_user_by_email(session: Session, email: str) -> User | None:
    """The user with this e-mail address, if any."""
    return session.scalar(select(User).where(User.email == normalise_email(email)))


def create_user(
    session: Session, *, email: str, display_name: str, role: str, password: str
) -> User:
    """Add a new active user; the password must pass the policy."""
    if role not in Role.values():
        raise ValueError(f"unknown role {role!r}")
    check_password_policy(password, email)
    user = User(
        email=normalise_email(email),
        display_name=display_name.strip(),
        role=role,
        password_hash=hash_password(password),
        active=True,
    )
    session.add(user)
    session.flush()
    return user


def set_password(session: Session, user: User, password: str) -> None:
    """Change a user's password and end all of that user's sessions."""
    check_password_policy(password, user.email)
    user.password_hash = hash_password(password)
    user.password_changed_at = utcnow()
    end_all_sessions(session, user)


def set_active(session: Session, user: User, active: bool) -> None:
    """Enable or disable a user; disabling ends every session of that user."""
    user.active = active
    if not active:
        end_all_sessions(session, user)


# --- throttling -------------------------------------------------------------


def recent_failures(session: Session, email: str, window: timedelta) -> int:
    """Failed sign-ins for this address within the window (shared by all workers)."""
    since = utcnow() - window
    return (
        session.scalar(
            select(func.count(LoginFailure.id)).where(
                LoginFailure.email == normalise_email(email), LoginFailure.occurred_at >= since
            )
        )
        or 0
    )


def retry_after(session: Session, email: str, max_failures: int, window: timedelta) -> int:
    """Seconds to wait before the next attempt, or 0 if sign-in may be tried now."""
    since = utcnow() - window
    times = list(
        session.scalars(
            select(LoginFailure.occurred_at)
            .where(LoginFailure.email == normalise_email(email), LoginFailure.occurred_at >= since)
            .order_by(LoginFailure.occurred_at.desc())
            .limit(max_failures)
        )
    )
    if len(times) < max_failures:
        return 0
    oldest_counted = times[-1]
    return max(1, int((oldest_counted + window - utcnow()).total_seconds()))


def record_failure(session: Session, email: str, remote_addr: str | None) -> None:
    """Remember one failed sign-in."""
    session.add(LoginFailure(email=normalise_email(email)[:254], remote_addr=remote_addr))


@dataclass
class SignInResult:
    """The outcome of a sign-in attempt."""

    user: User | None
    wait_seconds: int = 0


def authenticate(
    session: Session,
    email: str,
    password: str,
    *,
    remote_addr: str | None,
    max_failures: int,
    window: timedelta,
) -> SignInResult:
    """Check e-mail and password, respecting the failure limit; records failures."""
    wait = retry_after(session, email, max_failures, window)
    if wait:
        return SignInResult(user=None, wait_seconds=wait)
    user = find_user_by_email(session, email)
    if user is None:
        # Spend the same time as a real check so that timing does not reveal accounts.
        verify_password(_DUMMY_HASH, password)
        record_failure(session, email, remote_addr)
        return SignInResult(user=None)
    if not verify_password(user.password_hash, password) or not user.active:
        record_failure(session, email, remote_addr)
        return SignInResult(user=None)
    if PASSWORD_HASHER.check_needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    return SignInResult(user=user)


_DUMMY_HASH = PASSWORD_HASHER.hash("not-a-real-password-only-for-timing")


# --- server-side sessions ----------------------------------------------------


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def start_session(
    session: Session, user: User, *, remote_addr: str | None, user_agent: str | None
) -> str:
    """Open a login session for ``user``; returns the token to keep in the cookie."""
    token = secrets.token_urlsafe(32)
    session.add(
        LoginSession(
            user=user,
            token_hash=_token_hash(token),
            remote_addr=remote_addr,
            user_agent=(user_agent or "")[:255] or None,
        )
    )
    user.last_login_at = utcnow()
    return token


def find_live_session(
    session: Session, token: str, user_id: int, absolute_timeout: timedelta
) -> LoginSession | None:
    """The open login session for this token and user, if it has not expired or ended."""
    login_session = session.scalar(
        select(LoginSession).where(LoginSession.token_hash == _token_hash(token))
    )
    if login_session is None or login_session.user_id != user_id:
        return None
    if login_session.ended_at is not None:
        return None
    if login_session.created_at + absolute_timeout < utcnow():
        return None
    return login_session


def end_session(session: Session, token: str) -> None:
    """End the login session behind ``token`` (sign-out)."""
    session.execute(
        update(LoginSession)
        .where(LoginSession.token_hash == _token_hash(token), LoginSession.ended_at.is_(None))
        .values(ended_at=utcnow())
    )


def end_all_sessions(session: Session, user: User, *, except_token: str | None = None) -> None:
    """End every open login session of ``user`` (optionally keeping the current one)."""
    statement = (
        update(LoginSession)
        .where(LoginSession.user_id == user.id, LoginSession.ended_at.is_(None))
        .values(ended_at=utcnow())
    )
    if except_token is not None:
        statement = statement.where(LoginSession.token_hash != _token_hash(except_token))
    session.execute(statement)


def session_expired_by_idle(last_seen: float | None, now: datetime, idle: timedelta) -> bool:
    """Whether a browser has been idle longer than allowed."""
    return last_seen is None or now.timestamp() - last_seen > idle.total_seconds()

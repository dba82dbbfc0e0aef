"""Users, passwords, sign-in throttling and server-side login sessions."""

from __future__ import annotations

import hashlib
import math
import re
import secrets
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from importlib import resources
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import and_, delete, func, select, update
from sqlalchemy.orm import Session, joinedload
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
        own_words += [email, *(part for part in re.split(r"[@._+-]+", email) if len(part) > 2)]
    # zxcvbn still credits what surrounds a known word ("Kumamon2024!!" scores 3), so the
    # password must also be strong with those words taken out.
    own = re.compile(
        "|".join(re.escape(word) for word in sorted(own_words, key=len, reverse=True)),
        re.IGNORECASE,
    )
    # zxcvbn reads at most 72 characters; a longer password is at least as strong as its start.
    return min(
        int(zxcvbn(candidate[:ZXCVBN_MAX_LENGTH], user_inputs=own_words)["score"])
        if candidate
        else 0
        for candidate in {password, own.sub("", password)}
    )


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


@dataclass(frozen=True)
class Throttle:
    """How sign-in failures slow down the next attempts (from the app's settings)."""

    free_failures: int  # of one account before attempts must wait
    address_free_failures: int  # from one client address, any accounts
    max_delay: timedelta
    window: timedelta  # failures older than this no longer count

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> Throttle:
        return cls(
            free_failures=config["LOGIN_FREE_FAILURES"],
            address_free_failures=config["LOGIN_ADDRESS_FREE_FAILURES"],
            max_delay=config["LOGIN_MAX_DELAY"],
            window=config["LOGIN_FAILURE_WINDOW"],
        )


def throttle_delay(failures: int, free: int, cap_seconds: int) -> int:
    """Seconds the next attempt waits after ``failures``: none up to ``free``, then 2, 4, 8 ...

    The delay doubles with each further failure and never exceeds ``cap_seconds``.
    """
    if failures < free:
        return 0
    return int(min(cap_seconds, 2 ** min(failures - free + 1, 32)))


def _wait_after(session: Session, condition: Any, free: int, throttle: Throttle) -> int:
    """Seconds still to wait for the failures matching ``condition`` within the window."""
    now = utcnow()
    count, last = session.execute(
        select(func.count(LoginFailure.id), func.max(LoginFailure.occurred_at)).where(
            condition, LoginFailure.occurred_at >= now - throttle.window
        )
    ).one()
    delay = throttle_delay(count, free, int(throttle.max_delay.total_seconds()))
    if not delay or last is None:
        return 0
    return max(0, math.ceil((last + timedelta(seconds=delay) - now).total_seconds()))


def retry_after(session: Session, email: str, remote_addr: str | None, throttle: Throttle) -> int:
    """Seconds before the account or the address may try again (0: now).

    State is in the database, so every worker and app server applies the same delay.
    """
    email = normalise_email(email)
    # An account's count starts again at its last sign-in (the rows stay: they still count
    # for the address they came from).
    since = session.scalar(select(User.last_login_at).where(User.email == email))
    account = LoginFailure.email == email
    if since is not None:
        account = and_(account, LoginFailure.occurred_at > since)
    wait = _wait_after(session, account, throttle.free_failures, throttle)
    if remote_addr:
        wait = max(
            wait,
            _wait_after(
                session,
                LoginFailure.remote_addr == remote_addr[:64],
                throttle.address_free_failures,
                throttle,
            ),
        )
    return wait


def record_failure(
    session: Session, email: str, remote_addr: str | None, window: timedelta
) -> None:
    """Remember one failed sign-in; forget everyone's failures older than the window."""
    session.execute(delete(LoginFailure).where(LoginFailure.occurred_at < utcnow() - window))
    session.add(
        LoginFailure(
            email=normalise_email(email)[:254],
            remote_addr=remote_addr[:64] if remote_addr else None,
        )
    )


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
    throttle: Throttle,
) -> SignInResult:
    """Check e-mail and password unless the account or address must wait; records failures.

    An attempt made while it must wait is refused without looking at the password (and
    is not counted); a success resets the account's count.
    """
    wait = retry_after(session, email, remote_addr, throttle)
    if wait:
        return SignInResult(user=None, wait_seconds=wait)
    user = find_user_by_email(session, email)
    if user is None:
        # Spend the same time as a real check so that timing does not reveal accounts.
        verify_password(_DUMMY_HASH, password)
        record_failure(session, email, remote_addr, throttle.window)
        return SignInResult(user=None)
    if not verify_password(user.password_hash, password) or not user.active:
        record_failure(session, email, remote_addr, throttle.window)
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
    # The user with its session, in the one query every signed-in request makes.
    login_session = session.scalar(
        select(LoginSession)
        .options(joinedload(LoginSession.user))
        .where(LoginSession.token_hash == _token_hash(token))
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


# How stale the recorded time of a session's last request may be: writing it at most once
# a minute keeps the session cookie unchanged (not signed again, not sent) on the other
# requests, and the idle timeout exact to the minute.
LAST_SEEN_RESOLUTION = timedelta(minutes=1)


def last_seen_is_due(last_seen: float | None, now: datetime) -> bool:
    """Whether a request at ``now`` should record itself as the session's last one."""
    return last_seen is None or now.timestamp() - last_seen >= LAST_SEEN_RESOLUTION.total_seconds()


def session_expired_by_idle(last_seen: float | None, now: datetime, idle: timedelta) -> bool:
    """Whether a browser has been idle longer than allowed."""
    return last_seen is None or now.timestamp() - last_seen > idle.total_seconds()

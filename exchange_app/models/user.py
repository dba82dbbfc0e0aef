"""Users, their login sessions, API tokens and failed login attempts."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from exchange_app.db import Base, UTCDateTime, utcnow
from exchange_app.models.mixins import one_of
from exchange_app.vocab import Role


class User(Base):
    """A member of the division who signs in to the app."""

    __tablename__ = "users"
    __table_args__ = (one_of("role", Role),)

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    display_name: Mapped[str] = mapped_column(String(100))
    role: Mapped[str] = mapped_column(String(20))
    password_hash: Mapped[str] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    password_changed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    version: Mapped[int] = mapped_column(nullable=False)

    __mapper_args__ = {"version_id_col": version}

    sessions: Mapped[list[LoginSession]] = relationship(back_populates="user")

    # Flask-Login protocol
    @property
    def is_active(self) -> bool:
        return self.active

    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_anonymous(self) -> bool:
        return False

    def get_id(self) -> str:
        return str(self.id)


class LoginSession(Base):
    """A server-side record of one signed-in browser; ending it logs that browser out."""

    __tablename__ = "login_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    remote_addr: Mapped[str | None] = mapped_column(String(64))
    user_agent: Mapped[str | None] = mapped_column(String(255))

    user: Mapped[User] = relationship(back_populates="sessions")


# How long a personal API token works unless the configuration says otherwise
# (``API_TOKEN_LIFETIME``).
DEFAULT_API_TOKEN_LIFETIME = timedelta(days=365)


def _default_token_expiry() -> datetime:
    return utcnow() + DEFAULT_API_TOKEN_LIFETIME


class ApiToken(Base):
    """A personal token for the read-only API; only its hash is stored."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=_default_token_expiry)

    user: Mapped[User] = relationship()

    def expired(self, now: datetime) -> bool:
        """Whether the token has stopped working by ``now``."""
        return now >= self.expires_at


class LoginFailure(Base):
    """One failed sign-in, kept in the database so every app server sees the same count.

    Counted by account (``email``) and by client address for the sign-in throttle; the
    account's rows go at its next successful sign-in, everyone's once older than the window.
    """

    __tablename__ = "login_failures"
    __table_args__ = (
        Index("ix_login_failures_email_occurred_at", "email", "occurred_at"),
        Index("ix_login_failures_remote_addr_occurred_at", "remote_addr", "occurred_at"),
        Index("ix_login_failures_occurred_at", "occurred_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254))
    remote_addr: Mapped[str | None] = mapped_column(String(64))
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

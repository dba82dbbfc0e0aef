"""Jobs of the queue and the files they read and write, kept in the app database.

Any app server shows a job's progress and serves its result, whichever worker ran it:
nothing about a job lives in a process's memory or on one machine's disk.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from exchange_app.db import Base, UTCDateTime, utcnow
from exchange_app.models.mixins import one_of
from exchange_app.vocab import JobKind, JobStatus, StoredFilePurpose


class Job(Base):
    """One piece of heavy work: who asked for it, how far it is, and how it ended."""

    __tablename__ = "jobs"
    __table_args__ = (
        one_of("kind", JobKind),
        one_of("status", JobStatus),
        Index("ix_jobs_status_heartbeat_at", "status", "heartbeat_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    status: Mapped[str] = mapped_column(String(10), default=JobStatus.QUEUED.value)
    # The interface language of whoever asked: messages written by the job use it.
    language: Mapped[str] = mapped_column(String(5), default="ja")
    params: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    progress_done: Mapped[int] = mapped_column(default=0)
    progress_total: Mapped[int | None]
    # A stored file's token (the checked plan, the PDF), and a small summary of the outcome.
    result_ref: Mapped[str | None] = mapped_column(String(64))
    result: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    error: Mapped[str | None] = mapped_column(Text)
    attempts: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Renewed every few seconds while a worker runs the job; a stale one means the worker died.
    # While queued: when the job was last handed to the queue again.
    heartbeat_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    @property
    def finished(self) -> bool:
        """True once the job is done or failed."""
        return self.status in (JobStatus.DONE, JobStatus.FAILED)

    @property
    def percent(self) -> int | None:
        """How far the job is, 0–100, or None while the total is not known."""
        if self.status == JobStatus.DONE:
            return 100
        if not self.progress_total:
            return None
        return min(100, round(100 * self.progress_done / self.progress_total))


class StoredFile(Base):
    """A file kept in the database: an upload waiting for import, a checked plan, a PDF."""

    __tablename__ = "stored_files"
    __table_args__ = (one_of("purpose", StoredFilePurpose),)

    id: Mapped[int] = mapped_column(primary_key=True)
    token: Mapped[str] = mapped_column(String(64), unique=True)
    purpose: Mapped[str] = mapped_column(String(20))
    filename: Mapped[str] = mapped_column(String(200), default="")
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    meta: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    size: Mapped[int] = mapped_column(default=0)
    content: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)

"""Uploaded files kept between the upload, the check, and the confirm step.

A file is kept in the app database (never on one server's disk) under a random token,
with who uploaded it, for which kind, and the name it had, for display. Any app server
and any worker then reads it. Files are removed after import or cancel, and forgotten
after ``MAX_AGE_SECONDS`` (they may hold personal data). The checked plan of an upload is
kept the same way, so the preview is shown without checking the file again.
"""

from __future__ import annotations

import json
import os
import re
import zlib
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from exchange_app.db import utcnow
from exchange_app.importing.bulk import RowPlan
from exchange_app.importing.plan import ImportPlan, Problem
from exchange_app.services import stored_files
from exchange_app.vocab import StoredFilePurpose

MAX_AGE_SECONDS = 6 * 60 * 60
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{32,64}$")


@dataclass
class StoredUpload:
    """An uploaded file waiting for confirmation."""

    token: str
    kind: str
    filename: str
    user_id: int | None
    uploaded_at: datetime
    content: bytes
    check_job_id: int | None = None
    # The user's choices in the preview: file line -> the offered record to link it to.
    links: dict[int, int] = field(default_factory=dict)


def save_upload(
    session: Session, kind: str, filename: str, content: bytes, user_id: int
) -> str:
    """Keep an upload (adds and flushes); returns the random token that names it."""
    purge_expired(session)
    stored = stored_files.put(
        session,
        StoredFilePurpose.IMPORT_UPLOAD,
        content,
        filename=os.path.basename(filename or ""),
        user_id=user_id,
        meta={"kind": kind},
    )
    return stored.token


def set_check_job(session: Session, token: str, job_id: int) -> None:
    """Note which job checks the upload (its preview waits for that job)."""
    stored = stored_files.get(session, token, StoredFilePurpose.IMPORT_UPLOAD)
    if stored is not None:
        stored.meta = {**stored.meta, "check_job_id": job_id}
        session.flush()


def load_upload(session: Session, token: str, user_id: int | None) -> StoredUpload | None:
    """The upload named ``token`` if it exists, is fresh, and belongs to ``user_id``."""
    if not _TOKEN.match(token or ""):
        return None
    stored = stored_files.get(session, token, StoredFilePurpose.IMPORT_UPLOAD)
    if stored is None or stored.user_id != user_id:
        return None
    if utcnow() - stored.created_at > timedelta(seconds=MAX_AGE_SECONDS):
        return None
    return StoredUpload(
        stored.token,
        str(stored.meta.get("kind", "")),
        stored.filename,
        stored.user_id,
        stored.created_at,
        stored.content,
        stored.meta.get("check_job_id"),
        {int(line): record_id for line, record_id in stored.meta.get("links", {}).items()},
    )


def set_links(session: Session, token: str, links: dict[int, int]) -> None:
    """Keep the user's link choices for the upload's rows (the next check applies them)."""
    stored = stored_files.get(session, token, StoredFilePurpose.IMPORT_UPLOAD)
    if stored is not None:
        stored.meta = {
            **stored.meta,
            "links": {str(line): record_id for line, record_id in sorted(links.items())},
        }
        session.flush()


def discard_upload(session: Session, token: str) -> None:
    """Remove an upload and its checked plan (after import or cancel)."""
    if _TOKEN.match(token or ""):
        stored_files.discard(session, token, plan_token(token))


def purge_expired(session: Session) -> int:
    """Remove uploads, plans and written workbooks older than ``MAX_AGE_SECONDS`` (they may
    hold personal data); returns how many uploads there were."""
    age = timedelta(seconds=MAX_AGE_SECONDS)
    stored_files.purge_older_than(session, StoredFilePurpose.IMPORT_PLAN, age)
    stored_files.purge_older_than(session, StoredFilePurpose.WORKBOOK_EXPORT, age)
    return stored_files.purge_older_than(session, StoredFilePurpose.IMPORT_UPLOAD, age)


def discard_all(session: Session) -> int:
    """Remove every pending upload and checked plan, whoever made it and however fresh (the
    retention purge: an import waiting for confirmation may hold personal data); returns how
    many uploads there were."""
    return stored_files.discard_purposes(
        session,
        StoredFilePurpose.IMPORT_UPLOAD,
        StoredFilePurpose.IMPORT_PLAN,
        StoredFilePurpose.WORKBOOK_EXPORT,
    )[StoredFilePurpose.IMPORT_UPLOAD]


def plan_token(token: str) -> str:
    """The token under which the checked plan of upload ``token`` is kept."""
    return f"{token}.p"[:64]


def _encode(value: Any) -> Any:
    if isinstance(value, datetime):
        return {"$datetime": value.isoformat()}
    if isinstance(value, date):
        return {"$date": value.isoformat()}
    raise TypeError(f"cannot keep {type(value).__name__} in a plan")


def _decode(value: dict[str, Any]) -> Any:
    if set(value) == {"$date"}:
        return date.fromisoformat(value["$date"])
    if set(value) == {"$datetime"}:
        return datetime.fromisoformat(value["$datetime"])
    return value


def plan_bytes(plan: ImportPlan) -> bytes:
    """A checked plan as compressed JSON (dates kept as dates)."""
    data = {
        "kind": plan.kind,
        "filename": plan.filename,
        "rows": [row.__dict__ for row in plan.rows],
        "problems": [problem.__dict__ for problem in plan.problems],
        "warnings": [warning.__dict__ for warning in plan.warnings],
        "new_records": plan.new_records,
        "creatable_unknowns": plan.creatable_unknowns,
        "links": {str(line): record_id for line, record_id in plan.links.items()},
    }
    return zlib.compress(json.dumps(data, default=_encode, ensure_ascii=False).encode(), 6)


def plan_from_bytes(content: bytes) -> ImportPlan:
    """The plan ``plan_bytes`` kept."""
    data = json.loads(zlib.decompress(content), object_hook=_decode)
    return ImportPlan(
        kind=data["kind"],
        filename=data["filename"],
        rows=[RowPlan(**row) for row in data["rows"]],
        problems=[Problem(**problem) for problem in data["problems"]],
        warnings=[Problem(**warning) for warning in data["warnings"]],
        new_records=data.get("new_records", []),
        creatable_unknowns=data.get("creatable_unknowns", 0),
        links={int(line): record_id for line, record_id in data.get("links", {}).items()},
    )


def save_plan(session: Session, token: str, plan: ImportPlan, user_id: int | None) -> str:
    """Keep the checked plan of upload ``token`` (replacing an earlier one); its token."""
    key = plan_token(token)
    stored_files.discard(session, key)
    stored_files.put(
        session, StoredFilePurpose.IMPORT_PLAN, plan_bytes(plan), user_id=user_id, token=key
    )
    return key


def load_plan(session: Session, token: str) -> ImportPlan | None:
    """The checked plan of upload ``token``, if it was checked."""
    stored = stored_files.get(session, plan_token(token), StoredFilePurpose.IMPORT_PLAN)
    return None if stored is None else plan_from_bytes(stored.content)

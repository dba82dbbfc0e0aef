"""Uploaded files kept between the preview and the confirm step.

A file is stored in the instance folder under a random name (never the name the
user gave), with a small JSON note of who uploaded it, for which kind, and the
original name for display. Any worker can then handle the confirm step. Files are
removed after import or cancel, and forgotten after ``MAX_AGE_SECONDS``.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import secrets
import time
from dataclasses import dataclass

MAX_AGE_SECONDS = 6 * 60 * 60
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{32,64}$")


@dataclass
class StoredUpload:
    """An uploaded file waiting for confirmation."""

    token: str
    kind: str
    filename: str
    user_id: int
    uploaded_at: float
    content: bytes


def upload_dir(instance_path: str) -> str:
    """The folder holding pending uploads (created with owner-only access)."""
    path = os.path.join(instance_path, "imports")
    os.makedirs(path, mode=0o700, exist_ok=True)
    return path


def _paths(instance_path: str, token: str) -> tuple[str, str]:
    folder = upload_dir(instance_path)
    return os.path.join(folder, f"{token}.bin"), os.path.join(folder, f"{token}.json")


def save_upload(instance_path: str, kind: str, filename: str, content: bytes, user_id: int) -> str:
    """Keep an upload; returns the random token that names it."""
    purge_expired(instance_path)
    token = secrets.token_urlsafe(32)
    data_path, meta_path = _paths(instance_path, token)
    for path, payload in (
        (data_path, content),
        (
            meta_path,
            json.dumps(
                {
                    "kind": kind,
                    "filename": os.path.basename(filename or "")[:200],
                    "user_id": user_id,
                    "uploaded_at": time.time(),
                }
            ).encode(),
        ),
    ):
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as handle:
            handle.write(payload)
    return token


def load_upload(instance_path: str, token: str, user_id: int) -> StoredUpload | None:
    """The upload named ``token`` if it exists, is fresh, and belongs to ``user_id``."""
    if not _TOKEN.match(token or ""):
        return None
    data_path, meta_path = _paths(instance_path, token)
    try:
        with open(meta_path, "rb") as handle:
            meta = json.loads(handle.read())
        with open(data_path, "rb") as handle:
            content = handle.read()
    except (OSError, ValueError):
        return None
    if meta.get("user_id") != user_id or time.time() - meta["uploaded_at"] > MAX_AGE_SECONDS:
        return None
    return StoredUpload(
        token, meta["kind"], meta["filename"], meta["user_id"], meta["uploaded_at"], content
    )


def discard_upload(instance_path: str, token: str) -> None:
    """Remove an upload (after import or cancel)."""
    if not _TOKEN.match(token or ""):
        return
    for path in _paths(instance_path, token):
        with contextlib.suppress(FileNotFoundError):
            os.remove(path)


def purge_expired(instance_path: str) -> None:
    """Remove uploads older than ``MAX_AGE_SECONDS`` (they may hold personal data)."""
    folder = upload_dir(instance_path)
    limit = time.time() - MAX_AGE_SECONDS
    for name in os.listdir(folder):
        path = os.path.join(folder, name)
        try:
            if os.path.getmtime(path) < limit:
                os.remove(path)
        except OSError:
            continue


def discard_all(instance_path: str) -> int:
    """Remove every pending upload, whoever made it and however fresh (the retention purge:
    an import waiting for confirmation may hold personal data); returns how many."""
    folder = upload_dir(instance_path)
    tokens = set()
    for name in os.listdir(folder):
        with contextlib.suppress(FileNotFoundError):
            os.remove(os.path.join(folder, name))
            if name.endswith(".json"):
                tokens.add(name)
    return len(tokens)

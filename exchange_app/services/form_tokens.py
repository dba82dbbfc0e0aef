"""One-time form tokens: a creation form sent twice (back button, reload) creates one record.

Every creation form carries a random token. The first time it is saved, the token is
stored with the record it created, in the same transaction; the same token again finds
that record instead of creating another. Two copies sent at once meet at the token's
primary key: the second waits for the first to commit, fails to insert, and is rolled
back (its record with it).
"""

from __future__ import annotations

import secrets
from collections.abc import Callable

from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from exchange_app.models import FormSubmission

TOKEN_BYTES = 32
# Said when a form comes back with a spent token (translated where it is shown).
ALREADY_SAVED = _l(
    "This form had already been saved; the browser sent it again and nothing new was "
    "recorded. Here is the record it created."
)


def new_token() -> str:
    """A fresh token for a form about to be shown."""
    return secrets.token_urlsafe(TOKEN_BYTES)


def create_once(
    session: Session,
    token: str | None,
    entity_type: str,
    create: Callable[[], int],
    user_id: int | None = None,
) -> tuple[int, bool]:
    """``create()`` unless ``token`` was spent; returns ``(record id, created now)``.

    ``create`` adds the record and returns its id (flushed, not committed). Without a
    token (a form from before tokens, a script) the record is simply created.
    """
    if not token:
        return create(), True
    spent = session.get(FormSubmission, token)
    if spent is not None:
        return spent.entity_id, False
    entity_id = create()
    session.add(
        FormSubmission(token=token, entity_type=entity_type, entity_id=entity_id, user_id=user_id)
    )
    try:
        session.flush()
    except IntegrityError:
        # The same form, sent at the same moment, was saved first: keep only that one.
        session.rollback()
        spent = session.get(FormSubmission, token)
        if spent is None:
            raise
        return spent.entity_id, False
    return entity_id, True

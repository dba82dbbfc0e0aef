"""Who gets what from every route: the expected status per role, for GET and for POST.

One line per endpoint. ``test_route_matrix.py`` fails if an endpoint in
``app.url_map`` is missing here, if an entry names no endpoint any more, or if any
role gets a status other than the one written here. POSTs are sent with an empty
form (and CSRF off), so a permitted POST usually answers 200 (form re-shown with
errors) and a refused one 403; anonymous visitors are sent to sign in (302).

URL arguments are filled by name from ``URL_ARGS`` (add a provider when a route
introduces a new argument name).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

ROLES = ("anonymous", "viewer", "staff", "coordinator", "admin")


def by_role(
    anonymous: int, viewer: int, staff: int, coordinator: int, admin: int
) -> dict[str, int]:
    """Expected statuses in ROLES order."""
    return dict(zip(ROLES, (anonymous, viewer, staff, coordinator, admin), strict=True))


# The usual shapes of access.
PUBLIC = by_role(200, 200, 200, 200, 200)
READ = by_role(302, 200, 200, 200, 200)  # every signed-in role reads
WRITE = by_role(302, 403, 200, 200, 200)  # staff, coordinator, admin write records
PERSONAL = by_role(302, 403, 403, 200, 200)  # minors' personal data
CONFIRM = by_role(302, 403, 403, 200, 200)  # confirming indicator values
ADMIN = by_role(302, 403, 403, 403, 200)  # administration
REDIRECT = by_role(302, 302, 302, 302, 302)
# An edit form POSTed without the version it was loaded at is refused as stale (409).
EDIT_WRITE = by_role(302, 403, 409, 409, 409)
EDIT_ADMIN = by_role(302, 403, 403, 403, 409)
SIGNED_OUT_ONLY = by_role(200, 302, 302, 302, 302)  # the sign-in page


def also(base: dict[str, int], **overrides: int) -> dict[str, int]:
    """``base`` with some roles' statuses changed."""
    return {**base, **overrides}


@dataclass(frozen=True)
class Expect:
    """Expected statuses of one endpoint.

    None means the method is not offered: 405 when signed in (302 to sign in otherwise).
    """

    get: dict[str, int] | None = None
    post: dict[str, int] | None = None
    args: dict[str, Any] = field(default_factory=dict)  # fixed URL arguments


ROUTES: dict[str, Expect] = {
    "static": Expect(get=PUBLIC, args={"filename": "css/app.css"}),
    "auth.login": Expect(get=SIGNED_OUT_ONLY, post=SIGNED_OUT_ONLY),
    "auth.logout": Expect(post=REDIRECT),
    "auth.change_password": Expect(get=READ, post=READ),
    "main.home": Expect(get=READ),
    "partners.index": Expect(get=READ),
    "partners.detail": Expect(get=READ),
    "partners.edit": Expect(get=ADMIN, post=EDIT_ADMIN),
    "admin.users": Expect(get=ADMIN),
    "admin.new_user": Expect(get=ADMIN, post=ADMIN),
    "admin.edit_user": Expect(get=ADMIN, post=EDIT_ADMIN),
    "admin.reset_password": Expect(post=also(ADMIN, admin=400)),
}

# Endpoints whose POST ends the signed-in session (the test signs in again after them).
ENDS_SESSION = frozenset({"auth.logout"})


def _first_partner_slug(session: Session) -> str:
    from exchange_app.models import PartnerCity

    return session.scalars(select(PartnerCity.slug).order_by(PartnerCity.id)).first()


def _a_user_id(session: Session) -> int:
    from exchange_app.models import User
    from exchange_app.services import accounts

    user_id = session.scalars(select(User.id).order_by(User.id)).first()
    if user_id is None:
        user_id = accounts.create_user(
            session,
            email="matrix@example.org",
            display_name="Matrix",
            role="viewer",
            password="a long enough password 熊本",
        ).id
        session.commit()
    return user_id


# URL argument name -> a callable given the test's session, returning an existing record's key.
URL_ARGS: dict[str, Callable[[Session], Any]] = {
    "slug": _first_partner_slug,
    "user_id": _a_user_id,
}

# URL argument name -> a value that names no record (for the "no data for unknown ids" test).
MISSING_ARGS: dict[str, Any] = {
    "slug": "no-such-city",
    "user_id": 987654321,
}

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
    "main.font": Expect(get=PUBLIC, args={"weight": "regular"}),
    "main.favicon": Expect(get=PUBLIC),
    "partners.index": Expect(get=READ),
    "partners.detail": Expect(get=READ),
    "partners.edit": Expect(get=ADMIN, post=EDIT_ADMIN),
    "admin.users": Expect(get=ADMIN),
    "admin.new_user": Expect(get=ADMIN, post=ADMIN),
    "admin.edit_user": Expect(get=ADMIN, post=EDIT_ADMIN),
    "admin.reset_password": Expect(post=also(ADMIN, admin=400)),
    # Personal API tokens: every signed-in role manages its own; the API itself answers 401.
    "api.indicators": Expect(get=also(READ, anonymous=401)),
    "api.tokens": Expect(get=READ, post=READ),
    "api.revoke_token": Expect(post=REDIRECT),
    # Delegations
    "delegations.index": Expect(get=READ),
    "delegations.detail": Expect(get=READ),
    "delegations.export": Expect(get=READ),
    "delegations.new": Expect(get=WRITE, post=WRITE),
    "delegations.edit": Expect(get=WRITE, post=EDIT_WRITE),
    "delegations.delete": Expect(get=WRITE, post=EDIT_WRITE),
    # Youth programmes: counts for everyone, participants (personal data) for coordinators
    "youth.programs": Expect(get=READ),
    "youth.program_detail": Expect(get=READ),
    "youth.program_new": Expect(get=WRITE, post=WRITE),
    "youth.program_edit": Expect(get=WRITE, post=EDIT_WRITE),
    # deleting a programme deletes its participants: personal data
    "youth.program_delete": Expect(get=PERSONAL, post=also(PERSONAL, coordinator=409, admin=409)),
    "youth.participant_new": Expect(get=PERSONAL, post=PERSONAL),
    "youth.participant_detail": Expect(get=PERSONAL),
    "youth.participant_edit": Expect(get=PERSONAL, post=also(PERSONAL, coordinator=409, admin=409)),
    "youth.participant_delete": Expect(get=PERSONAL, post=PERSONAL),
    "youth.participant_status": Expect(post=also(PERSONAL, coordinator=302, admin=302)),
    "youth.participants_export": Expect(get=PERSONAL),
    "youth.person_detail": Expect(get=PERSONAL),
    "youth.needs_checking": Expect(get=PERSONAL),
    "youth.person_merge": Expect(post=also(PERSONAL, coordinator=302, admin=302)),
    "youth.participant_split": Expect(post=also(PERSONAL, coordinator=302, admin=302)),
    "youth.purge": Expect(get=ADMIN, post=ADMIN),
    # Promotions and organisations
    "promotions.index": Expect(get=READ),
    "promotions.detail": Expect(get=READ),
    "promotions.export": Expect(get=READ),
    "promotions.new": Expect(get=WRITE, post=WRITE),
    "promotions.edit": Expect(get=WRITE, post=EDIT_WRITE),
    "promotions.delete": Expect(get=WRITE, post=WRITE),
    "promotions.organizations": Expect(get=READ),
    "promotions.organization_detail": Expect(get=READ),
    "promotions.organization_new": Expect(get=WRITE, post=WRITE),
    "promotions.organization_edit": Expect(get=WRITE, post=EDIT_WRITE),
    "promotions.organization_merge": Expect(get=WRITE, post=WRITE),
    # Counterparts: everyone reads; private contacts are shown to coordinators and admins only
    "counterparts.index": Expect(get=READ),
    "counterparts.detail": Expect(get=READ),
    "counterparts.new": Expect(get=WRITE, post=WRITE),
    "counterparts.edit": Expect(get=WRITE, post=EDIT_WRITE),
    "counterparts.merge": Expect(get=WRITE, post=WRITE),
    "counterparts.delete": Expect(get=WRITE, post=EDIT_WRITE),
    # Indicators
    "indicators.dashboard": Expect(get=READ),
    "indicators.export": Expect(get=READ),
    "indicators.records": Expect(get=READ, args={"code": "3b", "year": 2024}),
    "indicators.enter": Expect(get=READ, post=WRITE, args={"code": "3a", "year": 2024}),
    "indicators.confirm": Expect(post=also(CONFIRM, coordinator=302, admin=302)),
    "indicators.refreeze": Expect(
        post=also(CONFIRM, coordinator=302, admin=302), args={"code": "3b", "year": 2024}
    ),
    # Anniversaries and histories
    "history.index": Expect(get=READ),
    "history.report": Expect(get=READ),
    "history.decade": Expect(get=READ),
    "history.pdf": Expect(get=READ),
    "history.xlsx": Expect(get=READ),
    "history.edit": Expect(get=WRITE, post=WRITE),
    # Imports (an upload that does not exist: 404 for those who may import)
    "imports.index": Expect(get=WRITE, post=also(WRITE, staff=400, coordinator=400, admin=400)),
    "imports.template": Expect(get=WRITE, args={"kind_key": "delegations"}),
    "imports.export": Expect(get=WRITE, args={"kind_key": "delegations"}),
    "imports.preview": Expect(
        get=also(WRITE, staff=404, coordinator=404, admin=404), args={"token": "no-such-upload"}
    ),
    "imports.confirm": Expect(
        post=also(WRITE, staff=404, coordinator=404, admin=404), args={"token": "no-such-upload"}
    ),
    "imports.links": Expect(
        post=also(WRITE, staff=404, coordinator=404, admin=404), args={"token": "no-such-upload"}
    ),
    "imports.cancel": Expect(
        post=also(WRITE, staff=404, coordinator=404, admin=404), args={"token": "no-such-upload"}
    ),
    # The whole office's workbook: administrators only (an empty form asks for the default one)
    "imports.workbook_export": Expect(post=also(ADMIN, admin=303)),
    "imports.workbook_download": Expect(
        get=also(ADMIN, admin=404), args={"job_id": 999999}
    ),
    # Jobs: only their owner sees them (a job that does not exist: 404 when signed in)
    "jobs.show": Expect(get=by_role(302, 404, 404, 404, 404), args={"job_id": 999999}),
    "jobs.status": Expect(get=by_role(302, 404, 404, 404, 404), args={"job_id": 999999}),
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


def _existing_or_new(session: Session, model: type, make: Callable[[], Any]) -> int:
    """The id of the first ``model`` row, adding one made by ``make`` if there is none."""
    record_id = session.scalars(select(model.id).order_by(model.id)).first()
    if record_id is None:
        record = make()
        session.add(record)
        session.commit()
        record_id = record.id
    return record_id


def _guilin(session: Session) -> Any:
    from exchange_app.models import PartnerCity

    return session.scalar(select(PartnerCity).where(PartnerCity.slug == "guilin"))


def _a_delegation_id(session: Session) -> int:
    from datetime import date

    from exchange_app.models import Delegation

    return _existing_or_new(
        session,
        Delegation,
        lambda: Delegation(
            direction="outbound",
            partner_city=_guilin(session),
            title="Matrix visit",
            start_date=date(2024, 5, 1),
            end_date=date(2024, 5, 3),
            member_count=3,
        ),
    )


def _an_organization_id(session: Session) -> int:
    from exchange_app.models import Organization

    return _existing_or_new(
        session,
        Organization,
        lambda: Organization(
            kind="international_organization",
            name_ja="国際機関",
            name_en="Matrix organisation",
        ),
    )


def _a_counterpart_id(session: Session) -> int:
    from exchange_app.models import Counterpart

    return _existing_or_new(
        session,
        Counterpart,
        lambda: Counterpart(name_local="王 明", partner_city_id=_guilin(session).id),
    )


def _a_promotion_id(session: Session) -> int:
    from datetime import date

    from exchange_app.models import Promotion

    return _existing_or_new(
        session,
        Promotion,
        lambda: Promotion(
            start_date=date(2024, 6, 1),
            title="Matrix promotion",
            channel="partner_city",
            partner_city=_guilin(session),
            theme="food",
            medium="event",
        ),
    )


def _a_program_id(session: Session) -> int:
    from datetime import date

    from exchange_app.models import YouthProgram

    return _existing_or_new(
        session,
        YouthProgram,
        lambda: YouthProgram(
            title="Matrix exchange",
            kind="partner_exchange",
            partner_city=_guilin(session),
            direction="outbound",
            start_date=date(2024, 8, 1),
            end_date=date(2024, 8, 8),
        ),
    )


def _a_participant(session: Session) -> Any:
    from datetime import date

    from exchange_app.models import Participant, YouthPerson, YouthProgram

    participant = session.scalars(select(Participant).order_by(Participant.id)).first()
    if participant is None:
        participant = Participant(
            program=session.get(YouthProgram, _a_program_id(session)),
            person=YouthPerson(),
            role="youth",
            resident=True,
            status="applied",
            family_name="熊本",
            given_name="花子",
            family_name_kana="クマモト",
            given_name_kana="ハナコ",
            birth_date=date(2010, 4, 2),
        )
        session.add(participant)
        session.commit()
    return participant


def _a_token_id(session: Session) -> int:
    from exchange_app.models import ApiToken

    return _existing_or_new(
        session,
        ApiToken,
        lambda: ApiToken(
            user_id=_a_user_id(session),
            name="matrix",
            token_hash="0" * 64,
        ),
    )


# URL argument name -> a callable given the test's session, returning an existing record's key.
URL_ARGS: dict[str, Callable[[Session], Any]] = {
    "slug": _first_partner_slug,
    "user_id": _a_user_id,
    "delegation_id": _a_delegation_id,
    "promotion_id": _a_promotion_id,
    "organization_id": _an_organization_id,
    "counterpart_id": _a_counterpart_id,
    "program_id": _a_program_id,
    "participant_id": lambda session: _a_participant(session).id,
    "person_id": lambda session: _a_participant(session).person_id,
    "token_id": _a_token_id,
    "decade": lambda session: 2000,
}

# URL argument name -> a value that names no record (for the "no data for unknown ids" test).
MISSING_ARGS: dict[str, Any] = {
    "slug": "no-such-city",
    "user_id": 987654321,
    "delegation_id": 987654321,
    "promotion_id": 987654321,
    "organization_id": 987654321,
    "counterpart_id": 987654321,
    "program_id": 987654321,
    "participant_id": 987654321,
    "person_id": 987654321,
    "token_id": 987654321,
    "decade": 1805,
    "token": "no-such-upload",
    "job_id": 987654321,
    "code": "9z",
    "kind_key": "no-such-kind",
    "weight": "italic",
}

"""Lost updates: two people edit one record; the second save is refused with 409."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Mapper

from exchange_app.db import Base
from exchange_app.models import PartnerCity, User
from tests.conftest import AuthActions


@pytest.fixture
def two_admins(app, make_user):
    first, second = app.test_client(), app.test_client()
    AuthActions(first, make_user).login("admin")
    AuthActions(second, make_user).login("admin")
    return first, second


def city_form(city: PartnerCity, **changes) -> dict:
    return {
        "name_ja": city.name_ja,
        "name_en": city.name_en,
        "name_local": city.name_local,
        "country": city.country,
        "relationship_type": city.relationship_type,
        "established_on": city.established_on.isoformat(),
        "established_precision": city.established_precision,
        "notes": city.notes or "",
        "version": str(city.version),
        **changes,
    }


def test_partner_city_second_save_gets_409_and_first_change_survives(db, two_admins):
    first, second = two_admins
    city = db.scalars(select(PartnerCity).order_by(PartnerCity.id)).first()
    loaded_by_both = city_form(city)
    first.get(f"/partners/{city.slug}/edit")
    second.get(f"/partners/{city.slug}/edit")
    saved = first.post(f"/partners/{city.slug}/edit", data={**loaded_by_both, "notes": "first"})
    assert saved.status_code == 302
    stale = second.post(f"/partners/{city.slug}/edit", data={**loaded_by_both, "notes": "second"})
    assert stale.status_code == 409
    body = stale.get_data(as_text=True)
    assert f"/partners/{city.slug}" in body  # a way to the current record
    db.expire_all()
    assert db.get(PartnerCity, city.id).notes == "first"


def test_user_second_save_gets_409_and_first_change_survives(db, two_admins, make_user):
    first, second = two_admins
    target = make_user("viewer")
    db.refresh(target)
    form = {"display_name": target.display_name, "role": "viewer", "active": "y"}
    form["version"] = str(target.version)
    assert (
        first.post(f"/admin/users/{target.id}", data={**form, "display_name": "First"}).status_code
        == 302
    )
    stale = second.post(f"/admin/users/{target.id}", data={**form, "display_name": "Second"})
    assert stale.status_code == 409
    db.expire_all()
    assert db.get(User, target.id).display_name == "First"


def test_a_race_past_the_form_check_is_caught_by_the_version_column(app, db, make_user):
    """Two transactions that both passed the form check: the database refuses the second."""
    from sqlalchemy import update

    from exchange_app.db import get_session

    target = make_user("viewer")
    with app.test_request_context("/", method="POST"):
        session = get_session()
        user = session.get(User, target.id)
        # someone else commits meanwhile
        db.execute(update(User).where(User.id == target.id).values(version=User.version + 1))
        db.commit()
        user.display_name = "late writer"
        with pytest.raises(Exception) as raised:
            session.commit()
        assert "StaleDataError" in type(raised.value).__name__
        session.rollback()


def test_the_stale_data_error_becomes_a_409_page(app, client, auth):
    from sqlalchemy.orm.exc import StaleDataError

    def race():
        raise StaleDataError("row changed underneath")

    app.add_url_rule("/race", "race", race)
    app.testing = False
    auth.login("viewer")
    assert client.get("/race").status_code == 409


def test_every_editable_record_has_a_version_column():
    editable = [
        mapper
        for mapper in Base.registry.mappers
        if "version" in mapper.columns and isinstance(mapper, Mapper)
    ]
    assert len(editable) >= 5
    for mapper in editable:
        assert mapper.version_id_col is mapper.columns["version"], mapper.class_.__name__

"""ASVS V5.1.2 (mass assignment): fields a form does not offer never reach the record."""

from __future__ import annotations

from sqlalchemy import select

from exchange_app.models import PartnerCity, User

EXTRA = {
    "id": "999",
    "role": "admin",
    "created_by": "1",
    "created_by_id": "1",
    "updated_by_id": "1",
    "created_at": "2000-01-01T00:00:00",
    "password_hash": "$argon2id$forged",
    "slug": "hijacked",
    "display_order": "-5",
    "email": "taken-over@example.org",
    "active": "y",
    "last_login_at": "2000-01-01T00:00:00",
}


def test_extra_fields_in_the_partner_city_form_change_nothing(client, db, auth):
    auth.login("admin")
    city = db.scalars(select(PartnerCity).order_by(PartnerCity.id)).first()
    before = {c: getattr(city, c) for c in ("id", "slug", "display_order", "created_at")}
    before["created_by_id"] = city.created_by_id
    version = city.version
    data = {
        "name_ja": city.name_ja,
        "name_en": "Renamed",
        "name_local": city.name_local,
        "country": city.country,
        "relationship_type": city.relationship_type,
        "established_on": city.established_on.isoformat(),
        "established_precision": city.established_precision,
        "notes": "",
        "version": str(version),
        **EXTRA,
        "version_id": "1",
    }
    response = client.post(f"/partners/{city.slug}/edit", data=data)
    assert response.status_code == 302
    db.expire_all()
    city = db.get(PartnerCity, before["id"])
    assert city.name_en == "Renamed"  # the offered field was saved
    for column, value in before.items():
        assert getattr(city, column) == value, column
    assert city.version == version + 1  # bumped by the save, not taken from the form


def test_a_forged_version_does_not_overwrite_the_stored_one(client, db, auth):
    auth.login("admin")
    city = db.scalars(select(PartnerCity).order_by(PartnerCity.id)).first()
    data = {
        "name_ja": city.name_ja,
        "name_en": "Forged over a newer version",
        "name_local": city.name_local,
        "country": city.country,
        "relationship_type": city.relationship_type,
        "established_on": city.established_on.isoformat(),
        "established_precision": city.established_precision,
        "version": str(city.version + 50),
    }
    before = {column.key: getattr(city, column.key) for column in PartnerCity.__table__.columns}
    assert client.post(f"/partners/{city.slug}/edit", data=data).status_code == 409
    db.expire_all()
    after = db.get(PartnerCity, before["id"])
    assert {column: getattr(after, column) for column in before} == before


def test_extra_fields_in_the_user_edit_form_change_nothing(client, db, auth, make_user):
    auth.login("admin")
    target = make_user("viewer")
    db.refresh(target)
    before = {
        c: getattr(target, c)
        for c in ("id", "email", "password_hash", "created_at", "last_login_at")
    }
    data = {
        **EXTRA,
        "display_name": "Renamed viewer",
        "role": "staff",  # offered by this form: an admin may change roles
        "active": "y",
        "version": str(target.version),
    }
    response = client.post(f"/admin/users/{target.id}", data=data)
    assert response.status_code == 302
    db.expire_all()
    target = db.get(User, before["id"])
    assert target.display_name == "Renamed viewer" and target.role == "staff"
    for column, value in before.items():
        assert getattr(target, column) == value, column
    assert db.scalar(select(User).where(User.id == 999)) is None


def test_extra_fields_in_the_new_user_form_change_nothing(client, db, auth):
    admin = auth.login("admin")
    data = {
        **EXTRA,
        "email": "fresh@example.org",
        "display_name": "Fresh",
        "role": "viewer",
        "password": "a fine long passphrase 水前寺",
        "version": "77",
    }
    assert client.post("/admin/users/new", data=data).status_code == 302
    user = db.scalar(select(User).where(User.email == "fresh@example.org"))
    assert user.role == "viewer"
    assert user.id != 999
    assert user.version == 1
    assert user.password_hash.startswith("$argon2id$") and "forged" not in user.password_hash
    assert user.last_login_at is None
    assert user.id != admin.id


def test_a_non_admin_cannot_grant_itself_a_role(client, db, auth):
    me = auth.login("staff")
    hash_before = me.password_hash
    response = client.post(
        "/auth/password",
        data={"role": "admin", "current_password": "nope", "new_password": "x", "id": "1"},
    )
    assert response.status_code == 200
    db.expire_all()
    assert db.get(User, me.id).role == "staff"
    assert db.get(User, me.id).password_hash == hash_before
    assert db.scalar(select(User).where(User.role == "admin")) is None

"""Forms keep what was typed; both languages are complete and switchable."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from babel.messages.pofile import read_po
from sqlalchemy import select

from exchange_app.models import PartnerCity

ROOT = Path(__file__).resolve().parent.parent


def test_form_error_keeps_typed_values_and_writes_nothing(client, auth, db) -> None:
    auth.login("admin")
    city = db.scalar(select(PartnerCity).where(PartnerCity.slug == "heidelberg"))
    response = client.post(
        "/partners/heidelberg/edit",
        data={
            "version": str(city.version),
            "name_ja": "ハイデルベルク市（編集中）",
            "name_en": "Heidelberg edited",
            "name_local": "Heidelberg",
            "country": "ZZ",  # not a country
            "relationship_type": "friendship",
            "established_on": "1992-01-01",
            "established_precision": "year",
            "notes": "typed note",
        },
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "一覧から国・地域を選んでください。" in html
    assert 'value="ハイデルベルク市（編集中）"' in html
    assert "typed note" in html
    db.expire_all()
    assert db.get(PartnerCity, city.id).name_en == "Heidelberg"


def test_admin_edits_partner_city(client, auth, db) -> None:
    auth.login("admin")
    city = db.scalar(select(PartnerCity).where(PartnerCity.slug == "ulsan"))
    data = {
        "version": str(city.version), "name_ja": city.name_ja, "name_en": city.name_en,
        "name_local": city.name_local, "country": "kr", "relationship_type": city.relationship_type,
        "established_on": "2010-01-01", "established_precision": "year", "notes": "更新",
        "fields": ["youth", "sports"],
    }
    assert client.post("/partners/ulsan/edit", data=data).status_code == 302
    db.expire_all()
    city = db.get(PartnerCity, city.id)
    assert (city.country, city.notes, city.fields) == ("KR", "更新", ["sports", "youth"])
    # the same stale version again is refused
    response = client.post("/partners/ulsan/edit", data=data)
    assert response.status_code == 409


def test_staff_cannot_edit_partner_city(client, auth) -> None:
    auth.login("staff")
    assert client.get("/partners/guilin/edit").status_code == 403


def test_eight_cities_in_japanese_and_english(client, auth) -> None:
    auth.login("viewer")
    html = client.get("/partners/").get_data(as_text=True)
    for name in ("桂林市", "サンアントニオ市", "ハイデルベルク市", "ローム市", "蔚山広域市",
                 "蘇州高新区", "エクサンプロヴァンス市", "高雄市"):
        assert name in html
    assert "友好姉妹都市等" in html
    html = client.get("/partners/?lang=en").get_data(as_text=True)
    assert "Partner cities" in html and "Friendship city" in html and "Ulsan" in html
    # the choice is remembered
    assert '<html lang="en">' in client.get("/").get_data(as_text=True)


def test_language_switch_link_keeps_the_page(client, auth) -> None:
    auth.login("viewer")
    html = client.get("/partners/guilin").get_data(as_text=True)
    assert 'href="/partners/guilin?lang=en"' in html


def test_japanese_catalog_is_complete(tmp_path) -> None:
    pot = tmp_path / "messages.pot"
    subprocess.run(
        [sys.executable, "-m", "babel.messages.frontend", "extract", "-F", "babel.cfg",
         "-k", "_l", "-k", "lazy_gettext", "-o", str(pot), "."],
        cwd=ROOT, check=True, capture_output=True,
    )
    with pot.open("rb") as handle:
        extracted = {m.id for m in read_po(handle) if m.id}
    for locale in ("ja", "en"):
        path = ROOT / "exchange_app" / "translations" / locale / "LC_MESSAGES" / "messages.po"
        with path.open("rb") as handle:
            catalog = {m.id: m for m in read_po(handle) if m.id}
        missing = [
            message_id for message_id in extracted
            if message_id not in catalog or not catalog[message_id].string
            or catalog[message_id].fuzzy
        ]
        assert not missing, f"{locale}: untranslated {missing[:10]}"

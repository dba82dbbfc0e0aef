"""Reads like a Japanese office document: the right words, counts as Japanese writes them,
countries by name, every time in Japan time; the same in English."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

import pytest

from exchange_app.models import (
    AuditEntry,
    Delegation,
    DelegationMember,
    Gift,
)
from exchange_app.services import dates
from tests.factories import make_delegation, make_participant, make_program

# 15:30 UTC on 31 March 2026 is already 1 April in Japan.
LATE_ON_31_MARCH = datetime(2026, 3, 31, 15, 30, tzinfo=UTC)


def _lang(client, lang: str) -> None:
    client.get(f"/?lang={lang}")


def _delegation_with_rows(db) -> Delegation:
    delegation = make_delegation(db, city_slug="guilin", title="桂林市友好代表団", member_count=7)
    db.add(DelegationMember(delegation_id=delegation.id, position=0, name="王 明"))
    db.add(Gift(delegation_id=delegation.id, position=0, direction="given",
                description="肥後象がん", given_on=date(2024, 10, 1)))
    db.add(AuditEntry(action="update", entity_type="delegation", entity_id=delegation.id,
                      occurred_at=LATE_ON_31_MARCH, changes={"title": ["a", "b"]}))
    db.commit()
    return delegation


@pytest.mark.parametrize(
    ("lang", "member_name", "gift_item", "changed_at"),
    [
        ("ja", "氏名", "品名", "2026年4月1日 00:30"),
        ("en", "Full name", "Gift item", "2026-04-01 00:30 JST"),
    ],
)
def test_delegation_page_says_name_and_gift_item_and_shows_japan_time(
    db, client, auth, lang, member_name, gift_item, changed_at
) -> None:
    auth.login("staff")
    _lang(client, lang)
    delegation = _delegation_with_rows(db)
    page = client.get(f"/delegations/{delegation.id}").get_data(as_text=True)
    members = page.split('id="members-heading"', 1)[1].split("</section>", 1)[0]
    assert f'<th scope="col">{member_name}</th>' in members
    gifts = page.split('id="gifts-heading"', 1)[1].split("</section>", 1)[0]
    assert f'<th scope="col">{gift_item}</th>' in gifts
    assert "贈呈</td>" in gifts if lang == "ja" else "Given</td>" in gifts
    assert changed_at in page
    assert "UTC" not in page
    form = client.get(f"/delegations/{delegation.id}/edit").get_data(as_text=True)
    assert f">{member_name}<" in form and f">{gift_item}<" in form


def test_history_chronology_writes_counts_as_japanese_does(app, db, client, auth) -> None:
    make_delegation(db, city_slug="guilin", title="桂林市訪問団", member_count=7,
                    start_date=date(2004, 5, 1), end_date=date(2004, 5, 3))
    program = make_program(db, title="桂林市青少年交流", start_date=date(2005, 8, 1),
                           end_date=date(2005, 8, 7))
    for index in range(10):
        make_participant(db, program, role="youth" if index < 8 else "chaperone",
                         guardian_consent_on=date(2005, 6, 1))
    auth.login("viewer")
    # The chronology is read a decade at a time, as the history page opens it.
    decade = "/history/guilin/decade/2000?ordinal=50&fragment=1&language="
    ja = client.get(decade + "ja").get_data(as_text=True)
    assert "参加者: 青少年8人・引率者2人" in ja
    assert "団員7人" in ja
    assert not re.search(r"\d+ 青少年", ja)
    en = client.get(decade + "en").get_data(as_text=True)
    assert "8 young people, 2 leaders" in en and "7 members" in en


@pytest.mark.parametrize(
    ("lang", "names", "codes"),
    [
        ("ja", ["中国", "アメリカ合衆国", "ドイツ", "韓国", "フランス", "台湾"],
         ["CN", "US", "TW"]),
        ("en", ["China", "United States", "Germany", "South Korea", "France", "Taiwan"],
         ["CN", "US", "TW"]),
    ],
)
def test_countries_are_named_never_coded(client, auth, lang, names, codes) -> None:
    auth.login("viewer")
    _lang(client, lang)
    page = client.get("/partners/").get_data(as_text=True)
    cells = re.findall(r"<td>([^<]*)</td>", page)
    for name in names:
        assert name in cells, name
    for code in codes:
        assert code not in cells
    detail = client.get("/partners/kaohsiung").get_data(as_text=True)
    assert f"高雄市 · {names[-1]}" in detail
    organizations = client.get("/promotions/organizations/").get_data(as_text=True)
    assert names[0] in organizations  # the Shanghai office, in China


def test_the_partner_form_offers_country_names_and_stores_the_code(client, auth, db) -> None:
    auth.login("admin")
    form = client.get("/partners/ulsan/edit").get_data(as_text=True)
    assert '<option selected value="KR">韓国</option>' in form


def test_history_is_drafted_on_the_day_in_japan(app, db, client, auth, monkeypatch) -> None:
    class Late(datetime):
        @classmethod
        def now(cls, tz=None):
            return LATE_ON_31_MARCH.astimezone(tz)

    monkeypatch.setattr(dates, "datetime", Late)
    auth.login("viewer")
    page = client.get("/history/guilin?ordinal=50&language=ja").get_data(as_text=True)
    assert "2026年4月1日 (令和8年4月1日)時点の記録から作成。" in page


def test_stored_moments_show_their_date_in_japan(app) -> None:
    assert dates.format_date(LATE_ON_31_MARCH, "ja") == "2026年4月1日 (令和8年4月1日)"
    assert dates.format_datetime(LATE_ON_31_MARCH, "ja") == "2026年4月1日 00:30"
    assert dates.format_datetime(LATE_ON_31_MARCH, "en") == "2026-04-01 00:30 JST"

"""Counterparts (相手方の人物): one record per person met abroad, linked from the visits."""

from __future__ import annotations

import json
import logging
from datetime import date

from sqlalchemy import func, select

from exchange_app.counterparts import operations
from exchange_app.models import AuditEntry, Counterpart, Delegation
from exchange_app.youth import operations as youth_operations
from exchange_app.youth import queries as youth_queries
from tests.factories import city, delegation_form, make_delegation

PRIVATE = {
    "private_address": "桂林市秀峰区私宅路1号",
    "private_phone": "+86-773-000-0000",
    "private_email": "wang.home@example.cn",
}


def make_counterpart(db, name: str = "王 明", slug: str | None = "guilin", **values) -> Counterpart:
    data = {
        "name_local": name,
        "partner_city_id": city(db, slug).id if slug else None,
        "posts": [
            {
                "title": "副市長",
                "organization": "桂林市人民政府",
                "start_date": date(2020, 1, 1),
                "end_date": None,
            }
        ],
        **values,
    }
    counterpart = operations.create_counterpart(db, data, None)
    db.commit()
    return counterpart


def counterpart_form(**values: str) -> dict[str, str]:
    data = {
        "name_local": "王 明",
        "name_romaji": "Wang Ming",
        "name_kana": "ワン・ミン",
        "partner_city_id": "",
        "organization_id": "",
        "posts-0-title": "副市長",
        "posts-0-organization": "桂林市人民政府",
        "posts-0-start_date": "2020-01-01",
        "posts-0-end_date": "",
        "languages": "中国語",
        "business_email": "wang@guilin.example.cn",
        "business_phone": "+86-773-123-4567",
        "business_address": "",
        "notes": "",
    }
    data.update(values)
    return data


def link(db, delegation: Delegation, counterpart: Counterpart, *, member=False, call=None,
         gift=None) -> None:
    """Record on ``delegation`` a member, a courtesy call or a gift linked to the person."""
    if member:
        delegation.members[0].counterpart_id = counterpart.id
    if call is not None:
        from exchange_app.models import CourtesyCall

        delegation.courtesy_calls.append(
            CourtesyCall(visited="桂林市副市長", visited_on=call, counterpart_id=counterpart.id)
        )
    if gift is not None:
        from exchange_app.models import Gift

        delegation.gifts.append(
            Gift(direction=gift[0], description=gift[1], counterpart_id=counterpart.id)
        )
    db.commit()


def with_member(db, title: str, start: date, **values) -> Delegation:
    delegation = make_delegation(db, city_slug="guilin", title=title, start_date=start,
                                 end_date=start, **values)
    from exchange_app.models import DelegationMember

    delegation.members.append(DelegationMember(name="王明", position=0))
    db.commit()
    return delegation


def test_staff_add_a_person_with_posts_and_see_the_page(client, auth, db) -> None:
    auth.login("staff")
    guilin = city(db, "guilin")
    form = client.get(f"/counterparts/new?city={guilin.slug}").get_data(as_text=True)
    assert f'<option selected value="{guilin.id}">' in form
    assert "private_email" not in form  # staff never see nor edit private contacts
    response = client.post(
        "/counterparts/new",
        data=counterpart_form(partner_city_id=str(guilin.id), private_email="x@example.org"),
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    person = db.scalar(select(Counterpart))
    assert person.private_email is None  # a field the form does not hold is not written
    assert [(p.title, p.start_date) for p in person.posts] == [("副市長", date(2020, 1, 1))]
    page = client.get(f"/counterparts/{person.id}").get_data(as_text=True)
    for text in ("王 明", "Wang Ming", "ワン・ミン", "副市長", "wang@guilin.example.cn", "桂林市"):
        assert text in page
    assert db.scalar(
        select(AuditEntry).where(
            AuditEntry.entity_type == "counterpart", AuditEntry.action == "create"
        )
    )


def test_bad_input_is_refused_with_messages_and_kept(client, auth, db) -> None:
    auth.login("staff")
    response = client.post(
        "/counterparts/new?lang=en",
        data=counterpart_form(
            name_local="",
            business_email="not an address",
            **{"posts-0-start_date": "2024-04-01", "posts-0-end_date": "2023-03-31"},
        ),
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    for message in (
        "Enter the name as it is written locally.",
        "Enter an e-mail address such as name@example.org.",
        "Choose the partner city or the organisation this person belongs to.",
        "Post 1: the end date cannot be before the start date.",
    ):
        assert message in page
    assert "not an address" in page and "Wang Ming" in page  # what was typed stays
    assert db.scalar(select(func.count()).select_from(Counterpart)) == 0


def test_rules_say_what_is_wrong(db) -> None:
    from exchange_app.counterparts.kind import COUNTERPARTS
    from exchange_app.records.kind import RecordValues

    problems = COUNTERPARTS.check(
        RecordValues(
            {
                "name_local": "王明",
                "partner_city_id": None,
                "organization_id": None,
                "business_email": "wang at example",
                "posts": [{"title": "市長", "start_date": date(2024, 4, 1),
                           "end_date": date(2023, 1, 1)}],
            }
        )
    )
    assert set(problems) == {"partner_city_id", "business_email", "posts"}
    assert "Post 1" in problems["posts"][0]


def test_private_contacts_only_for_coordinators_and_logged(client, auth, db, caplog) -> None:
    person = make_counterpart(db, **PRIVATE)
    auth.login("staff")
    page = client.get(f"/counterparts/{person.id}").get_data(as_text=True)
    assert all(value not in page for value in PRIVATE.values())
    edit = client.get(f"/counterparts/{person.id}/edit").get_data(as_text=True)
    assert all(value not in edit for value in PRIVATE.values())
    # A staff member's save keeps the private contacts as they are.
    response = client.post(
        f"/counterparts/{person.id}/edit",
        data=counterpart_form(
            version=str(person.version), partner_city_id=str(person.partner_city_id),
            private_email="",
        ),
    )
    assert response.status_code == 302
    db.expire_all()
    assert db.get(Counterpart, person.id).private_email == PRIVATE["private_email"]
    auth.logout()

    auth.login("coordinator")
    caplog.set_level(logging.INFO, logger="exchange_app.security")
    caplog.clear()
    response = client.get(f"/counterparts/{person.id}")
    page = response.get_data(as_text=True)
    assert all(value in page for value in PRIVATE.values())
    assert response.headers["Cache-Control"] == "no-store"
    logged = [
        json.loads(r.getMessage()) for r in caplog.records if r.name == "exchange_app.security"
    ]
    assert any(
        e["event"] == "personal_data_access" and e.get("counterpart_id") == person.id
        for e in logged
    )


def test_a_counterparts_page_after_three_visits_and_two_gifts(client, auth, db) -> None:
    person = make_counterpart(db)
    first = with_member(db, "桂林市代表団の受入 2019", date(2019, 10, 1), direction="inbound")
    second = make_delegation(db, city_slug="guilin", title="桂林市訪問 2022",
                             start_date=date(2022, 8, 1), end_date=date(2022, 8, 4))
    third = make_delegation(db, city_slug="guilin", title="桂林市訪問 2025",
                            start_date=date(2025, 5, 10), end_date=date(2025, 5, 12))
    link(db, first, person, member=True, gift=("received", "桂林の山水画"))
    link(db, second, person, call=date(2022, 8, 2))
    link(db, third, person, call=date(2025, 5, 11), gift=("given", "肥後象嵌の文鎮"))
    auth.login("viewer")
    page = client.get(f"/counterparts/{person.id}").get_data(as_text=True)
    positions = [page.index(title) for title in ("桂林市訪問 2025", "桂林市訪問 2022",
                                                 "桂林市代表団の受入 2019")]
    assert positions == sorted(positions)  # newest first
    assert "肥後象嵌の文鎮" in page and "桂林の山水画" in page
    summary = client.get(f"/counterparts/{person.id}?lang=en").get_data(as_text=True)
    assert "3 visits · 2 courtesy calls · 2 gifts" in summary
    # Each visit's page links back to the person.
    visit = client.get(f"/delegations/{third.id}").get_data(as_text=True)
    assert f"/counterparts/{person.id}" in visit
    # The partner city's page lists the person with the last meeting.
    partner = client.get("/partners/guilin").get_data(as_text=True)
    assert f"/counterparts/{person.id}" in partner and "王 明" in partner


def test_the_delegation_form_links_rows_to_a_person(client, auth, db) -> None:
    person = make_counterpart(db)
    guilin = city(db, "guilin")
    auth.login("staff")
    form = client.get("/delegations/new").get_data(as_text=True)
    assert f'<option value="{person.id}">王 明 — 副市長 · ' in form  # offered in every row
    assert 'id="counterpart-names"' in form  # typing a name offers the directory
    response = client.post(
        "/delegations/new",
        data=delegation_form(
            partner_city_id=str(guilin.id),
            **{
                "members-0-counterpart_id": str(person.id),
                "courtesy_calls-0-visited": "桂林市副市長",
                "courtesy_calls-0-counterpart_id": str(person.id),
                "gifts-0-direction": "given",
                "gifts-0-description": "くまモンの置物",
                "gifts-0-counterpart_id": str(person.id),
            },
        ),
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    delegation = db.scalar(select(Delegation))
    assert delegation.members[0].counterpart_id == person.id
    assert delegation.courtesy_calls[0].counterpart_id == person.id
    assert delegation.gifts[0].counterpart_id == person.id
    edit = client.get(f"/delegations/{delegation.id}/edit").get_data(as_text=True)
    assert f'<option selected value="{person.id}">' in edit
    refused = client.post(
        "/delegations/new?lang=en",
        data=delegation_form(
            partner_city_id=str(guilin.id), **{"members-0-counterpart_id": "99999"}
        ),
    )
    assert refused.status_code == 200
    assert "Choose a counterpart person from the list." in refused.get_data(as_text=True)
    assert db.scalar(select(func.count()).select_from(Delegation)) == 1


def test_merge_moves_links_and_posts_and_hides_the_duplicate(client, auth, db) -> None:
    survivor = make_counterpart(db, "王 明", name_romaji="Wang Ming")
    duplicate = make_counterpart(
        db, "王明", posts=[{"title": "外事弁公室主任", "organization": None,
                           "start_date": date(2012, 1, 1), "end_date": date(2019, 12, 31)}],
        business_phone="+86-773-1", **PRIVATE,
    )
    visit = with_member(db, "桂林市代表団 2015", date(2015, 5, 1))
    link(db, visit, duplicate, member=True)
    auth.login("staff")
    page = client.get(f"/counterparts/{survivor.id}").get_data(as_text=True)
    assert f"/counterparts/{survivor.id}/merge?other={duplicate.id}" in page.replace("&amp;", "&")
    response = client.post(
        f"/counterparts/{survivor.id}/merge",
        data={"version": str(survivor.version), "other_id": str(duplicate.id),
              "survivor": "this", "confirm": "y"},
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    db.expire_all()
    kept, merged = db.get(Counterpart, survivor.id), db.get(Counterpart, duplicate.id)
    assert merged.merged_into_id == survivor.id
    assert merged.private_email is None  # nothing private left behind on the hidden record
    assert kept.private_email == PRIVATE["private_email"] and kept.business_phone == "+86-773-1"
    assert sorted(p.title for p in kept.posts) == ["副市長", "外事弁公室主任"]
    assert db.get(Delegation, visit.id).members[0].counterpart_id == survivor.id
    assert client.get(f"/counterparts/{duplicate.id}").headers["Location"].endswith(
        f"/counterparts/{survivor.id}"
    )
    listed = client.get("/counterparts/").get_data(as_text=True)
    assert f"/counterparts/{duplicate.id}\"" not in listed
    audits = db.scalars(select(AuditEntry).where(AuditEntry.entity_type == "delegation",
                                                 AuditEntry.entity_id == visit.id)
                        .order_by(AuditEntry.id)).all()
    assert audits[-1].summary == f"merge of counterpart {duplicate.id} into {survivor.id}"
    again = client.post(
        f"/counterparts/{survivor.id}/merge",
        data={"version": str(kept.version), "other_id": str(survivor.id), "survivor": "this",
              "confirm": "y"},
    )
    assert again.status_code == 200  # not offered: a person cannot be merged with themselves


def test_delete_unlinks_the_visits(client, auth, db) -> None:
    person = make_counterpart(db)
    person_id, version = person.id, person.version
    visit = with_member(db, "桂林市代表団 2015", date(2015, 5, 1))
    link(db, visit, person, member=True)
    auth.login("staff")
    ask = client.get(f"/counterparts/{person_id}/delete?lang=en").get_data(as_text=True)
    assert "1 visits link to this person" in ask
    response = client.post(f"/counterparts/{person_id}/delete", data={"version": str(version)})
    assert response.status_code == 302
    db.expire_all()
    assert db.get(Counterpart, person_id) is None
    assert db.get(Delegation, visit.id).members[0].counterpart_id is None
    assert db.scalar(
        select(AuditEntry).where(
            AuditEntry.entity_type == "counterpart", AuditEntry.action == "delete"
        )
    )


def test_purge_removes_private_contacts_of_people_not_met_since(db) -> None:
    old = make_counterpart(db, "李 強", **PRIVATE)
    recent = make_counterpart(db, "王 明", **PRIVATE)
    link(db, with_member(db, "2015", date(2015, 5, 1)), old, member=True)
    link(db, with_member(db, "2025", date(2025, 5, 1)), recent, member=True)
    before = date(2024, 4, 1)
    # Both were recorded today: only the one last met before the date loses its contacts.
    from exchange_app.models import Counterpart as Model

    for person in (old, recent):
        db.get(Model, person.id).created_at = db.get(Model, person.id).created_at.replace(year=2014)
    db.commit()
    assert youth_queries.purge_preview(db, before).counterparts == 1
    youth_operations.purge_personal_data(db, before)
    db.commit()
    db.expire_all()
    assert db.get(Counterpart, old.id).private_email is None
    assert db.get(Counterpart, old.id).name_local == "李 強"  # the person and the links stay
    assert db.get(Counterpart, recent.id).private_email == PRIVATE["private_email"]
    entry = db.scalar(select(AuditEntry).where(AuditEntry.entity_type == "counterpart",
                                               AuditEntry.action == "purge"))
    assert entry.changes["counterpart_ids"] == [old.id]


def test_directory_search_filter_and_sort(client, auth, db) -> None:
    make_counterpart(db, "王 明", name_romaji="Wang Ming")
    make_counterpart(db, "Eckart Würzner", slug="heidelberg",
                     posts=[{"title": "Oberbürgermeister", "organization": None,
                             "start_date": None, "end_date": None}])
    auth.login("viewer")
    found = client.get("/counterparts/?q=bürgermeister").get_data(as_text=True)
    assert "Eckart Würzner" in found and "王 明" not in found
    assert "王 明" in client.get("/counterparts/?q=wang").get_data(as_text=True)
    by_city = client.get("/counterparts/?city=heidelberg").get_data(as_text=True)
    assert "Eckart Würzner" in by_city and "王 明" not in by_city
    names = client.get("/counterparts/?sort=-name").get_data(as_text=True)
    assert names.index("王 明") < names.index("Eckart Würzner")


def test_delegation_list_search_finds_members_people_calls_and_gifts(client, auth, db) -> None:
    person = make_counterpart(db, "王 明", name_romaji="Wang Ming")
    with_member(db, "会員で見つかる訪問", date(2023, 5, 1))
    by_person = make_delegation(db, city_slug="guilin", title="人物で見つかる訪問")
    link(db, by_person, person, call=date(2024, 10, 2))
    by_gift = make_delegation(db, city_slug="guilin", title="贈呈品で見つかる訪問")
    link(db, by_gift, person, gift=("given", "肥後象嵌の花瓶"))
    make_delegation(db, city_slug="guilin", title="見つからない訪問")
    auth.login("viewer")

    def titles(q: str) -> set[str]:
        page = client.get("/delegations/", query_string={"q": q}).get_data(as_text=True)
        return {t for t in ("会員で見つかる訪問", "人物で見つかる訪問", "贈呈品で見つかる訪問",
                            "見つからない訪問") if t in page}

    assert titles("王明") == {"会員で見つかる訪問"}  # the member's name as typed
    assert titles("Wang Ming") == {"人物で見つかる訪問", "贈呈品で見つかる訪問"}  # linked person
    assert titles("花瓶") == {"贈呈品で見つかる訪問"}
    assert titles("桂林市副市長") == {"人物で見つかる訪問"}  # the courtesy call

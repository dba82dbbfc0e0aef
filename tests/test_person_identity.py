"""One young person, one record: the one comparison the form and the import both use."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from exchange_app.models import AuditEntry, Participant, YouthPerson, YouthProgram
from exchange_app.youth import operations, queries
from exchange_app.youth.identity import Likeness, identity_of, likeness
from tests.factories import make_participant, make_program
from tests.import_files import make_file
from tests.test_imports import (
    PARTICIPANT_HEADERS,
    add_program,
    apply_plan,
    plan_import,
    run_import,
)
from tests.test_imports_web import confirm, upload

BIRTH = date(2010, 4, 2)


@pytest.fixture
def ctx(app: Any) -> Any:
    """A request context, as during an upload."""
    with app.test_request_context():
        yield


def person(**values: Any) -> Any:
    """An identity: 山田 優真 (ヤマダ ユウマ), born ``BIRTH``, unless told otherwise."""
    base = {
        "family_name": "山田",
        "given_name": "優真",
        "family_name_kana": "ヤマダ",
        "given_name_kana": "ユウマ",
        "birth_date": BIRTH,
        "school": "熊本市立第一中学校",
    }
    return identity_of({**base, **values})


@pytest.mark.parametrize(
    ("family", "given"),
    [
        ("やまだ", "ゆうま"),  # hiragana
        ("ﾔﾏﾀﾞ", "ﾕｳﾏ"),  # half-width katakana
        ("ヤマダ", "ユウ　マ"),  # a full-width space inside the reading
        ("ヤマダ", "ユウ マ"),  # an ASCII space
        ("ヤ・マダ", "ユウマ"),  # a middle dot
        (" ヤマダ ", "ユウマ\t"),
    ],
    ids=["hiragana", "half-width", "full-width-space", "ascii-space", "middle-dot", "padding"],
)
def test_the_same_reading_however_it_was_typed(family: str, given: str) -> None:
    assert likeness(person(), person(family_name_kana=family, given_name_kana=given)) is (
        Likeness.SAME
    )


def test_a_different_birth_date_is_someone_else() -> None:
    assert likeness(person(), person(birth_date=date(2010, 4, 3))) is None


def test_a_different_reading_is_someone_else() -> None:
    assert likeness(person(), person(given_name="祐介", given_name_kana="ユウスケ")) is None


@pytest.mark.parametrize(
    "values",
    [{"given_name": "勇馬"}, {"school": "熊本市立第二中学校"}, {"given_name_kana": "ユウシン"}],
    ids=["other-kanji", "other-school", "other-reading-same-kanji"],
)
def test_one_difference_is_only_possibly_the_same(values: dict[str, Any]) -> None:
    assert likeness(person(), person(**values)) is Likeness.POSSIBLE


def test_without_a_reading_the_name_and_birth_date_decide() -> None:
    no_kana = {"family_name_kana": None, "given_name_kana": None}
    assert likeness(person(**no_kana), person(**no_kana, family_name="山田 ")) is Likeness.SAME
    assert likeness(person(**no_kana), person()) is Likeness.SAME
    assert likeness(person(**no_kana), person(**no_kana, given_name="優")) is None


def test_without_a_birth_date_nobody_is_matched() -> None:
    unknown = person(birth_date=None)
    assert not unknown.matchable
    assert likeness(unknown, unknown) is None


def _form_values(**values: Any) -> dict[str, Any]:
    return {
        "family_name": "山田",
        "given_name": "優真",
        "family_name_kana": "やまだ",
        "given_name_kana": "ゆう　ま",
        "birth_date": BIRTH,
        "school": "熊本市立第一中学校",
        "role": "youth",
        "resident": True,
        "status": "applied",
        **values,
    }


def test_the_form_offers_the_known_person_and_links_on_the_answer(db: Session) -> None:
    earlier = make_program(db, start_date=date(2024, 8, 1))
    known = make_participant(
        db, earlier, **_form_values(family_name_kana="ヤマダ", given_name_kana="ユウマ")
    )
    program = make_program(db, start_date=date(2025, 8, 1))
    with pytest.raises(operations.PersonChoiceNeeded) as asked:
        operations.person_to_link(db, program, _form_values(), "")
    assert [(m.person.id, m.likeness) for m in asked.value.matches] == [
        (known.person_id, Likeness.SAME)
    ]
    chosen = operations.person_to_link(db, program, _form_values(), str(known.person_id))
    assert chosen is not None and chosen.id == known.person_id
    operations.register_participant(db, program, _form_values(), None, chosen)
    db.commit()
    assert queries.participations_of(db) == queries.Participations(participations=2, persons=1)
    # What was typed is kept (as katakana), only the comparison leaves the space out.
    stored = db.scalar(select(Participant).where(Participant.program_id == program.id))
    assert stored is not None and stored.given_name_kana == "ユウ マ"


def test_the_form_offers_other_kanji_as_possible_never_links_it(db: Session) -> None:
    earlier = make_program(db, start_date=date(2024, 8, 1))
    make_participant(db, earlier, **_form_values(given_name="勇馬"))
    program = make_program(db)
    with pytest.raises(operations.PersonChoiceNeeded) as asked:
        operations.person_to_link(db, program, _form_values(), "")
    assert [m.likeness for m in asked.value.matches] == [Likeness.POSSIBLE]
    assert operations.person_to_link(db, program, _form_values(), "new") is None


def test_the_same_person_twice_on_one_programme_is_refused(db: Session) -> None:
    program = make_program(db)
    first = make_participant(
        db, program, **_form_values(family_name_kana="ヤマダ", given_name_kana="ユウマ")
    )
    with pytest.raises(operations.AlreadyRegistered):
        operations.person_to_link(db, program, _form_values(), "new")
    with pytest.raises(operations.AlreadyRegistered):
        operations.person_to_link(db, program, _form_values(given_name="x"), str(first.person_id))
    # ... and by the database, whatever writes it.
    db.add(
        Participant(
            program_id=program.id,
            person_id=first.person_id,
            role="youth",
            resident=True,
            status="applied",
        )
    )
    with pytest.raises(IntegrityError):
        db.flush()
    db.rollback()


def _row(program: str, **values: str) -> list[str]:
    row = {
        "program_external_id": program,
        "姓": "山田",
        "名": "優真",
        "姓（カナ）": "やまだ",
        "名（カナ）": "ゆうま",
        "生年月日": "2010-04-02",
        "学校名": "",
        "学年": "",
        "役割": "youth",
        "市内在住": "yes",
        "状況": "participated",
        "保護者氏名": "山田 花子",
        "保護者電話番号": "",
        "保護者同意日": "2024-06-01",
    }
    row.update(values)
    return [row[header] for header in PARTICIPANT_HEADERS]


def _file(*rows: list[str]) -> tuple[str, bytes]:
    """A Shift_JIS CSV of participant rows, as the office's spreadsheets save them."""
    return make_file("csv-cp932", PARTICIPANT_HEADERS, list(rows))


def _import(db: Session, *rows: list[str]) -> Any:
    return run_import(db, "participants", *_file(*rows))


def _persons(db: Session) -> int:
    return db.scalar(select(func.count(func.distinct(Participant.person_id)))) or 0


def test_a_reading_in_hiragana_one_year_and_spaced_katakana_the_next_is_one_person(
    db: Session, ctx: Any
) -> None:
    add_program(db, "YP-A")
    add_program(db, "YP-B")
    _import(db, _row("YP-A"))
    _import(db, _row("YP-B", **{"姓（カナ）": "ヤマダ", "名（カナ）": "ユウ　マ"}))
    assert db.scalar(select(func.count()).select_from(Participant)) == 2
    assert _persons(db) == 1


def test_rows_without_kana_are_the_same_person_by_name_and_birth_date(
    db: Session, ctx: Any
) -> None:
    add_program(db, "YP-A")
    add_program(db, "YP-B")
    no_kana = {"姓（カナ）": "", "名（カナ）": "", "姓": "肥後", "名": "一郎"}
    _import(db, _row("YP-A", **no_kana))
    _import(db, _row("YP-B", **{**no_kana, "姓": "肥後 "}))
    assert _persons(db) == 1


def test_the_same_reading_with_other_kanji_is_not_merged(db: Session, ctx: Any) -> None:
    add_program(db, "YP-A")
    add_program(db, "YP-B")
    _import(db, _row("YP-A"))
    _import(db, _row("YP-B", 名="勇馬"))
    assert _persons(db) == 2


def test_a_corrected_row_updates_its_participation_never_doubles_it(db: Session, ctx: Any) -> None:
    add_program(db, "YP-A")
    _import(db, _row("YP-A", **{"姓（カナ）": "", "名（カナ）": "", "状況": "selected"}))
    corrected = _row("YP-A", 学校名="熊本市立第一中学校")
    plan = plan_import(db, "participants", *_file(corrected))
    assert [row.action for row in plan.rows] == ["update"]
    _import(db, corrected)
    _import(db, corrected)
    stored = list(db.scalars(select(Participant)))
    assert len(stored) == 1
    assert (stored[0].family_name_kana, stored[0].status, stored[0].school) == (
        "ヤマダ",
        "participated",
        "熊本市立第一中学校",
    )
    assert db.scalar(select(func.count()).select_from(YouthPerson)) == 1
    again = plan_import(db, "participants", *_file(corrected))
    assert [row.action for row in again.rows] == ["unchanged"]


# --- merge and split ------------------------------------------------------------------------


def _two_programmes(db: Session) -> tuple[Any, Any]:
    return make_program(db, start_date=date(2024, 8, 1)), make_program(db)


def test_merging_two_persons_moves_the_participations_and_fixes_the_unique_count(
    client: Any, auth: Any, db: Session
) -> None:
    earlier, later = _two_programmes(db)
    first = make_participant(db, earlier, **_form_values(status="participated"))
    second = make_participant(db, later, **_form_values(given_name="勇馬", status="participated"))
    survivor_id, duplicate_id = first.person_id, second.person_id
    assert queries.participations_of(db) == queries.Participations(2, 2)
    auth.login("coordinator")
    page = client.get(f"/youth/persons/{survivor_id}").get_data(as_text=True)
    # The other registration (other kanji, same reading and birth date) is offered.
    assert f'name="other_person" value="{duplicate_id}"' in page
    response = client.post(
        f"/youth/persons/{survivor_id}/merge", data={"other_person": str(duplicate_id)}
    )
    assert response.status_code == 302
    db.expire_all()
    assert queries.participations_of(db) == queries.Participations(2, 1)
    assert db.get(YouthPerson, duplicate_id) is None
    assert db.get(Participant, second.id).person_id == survivor_id
    entries = db.scalars(select(AuditEntry).where(AuditEntry.entity_type == "participant"))
    assert any(e.changes == {"person_id": [duplicate_id, survivor_id]} for e in entries)


def test_a_merge_of_two_persons_on_the_same_programme_is_refused(
    client: Any, auth: Any, db: Session
) -> None:
    program = make_program(db)
    one = make_participant(db, program)
    other = make_participant(db, program)
    auth.login("coordinator")
    response = client.post(
        f"/youth/persons/{one.person_id}/merge",
        data={"other_person": str(other.person_id)},
        follow_redirects=True,
    )
    assert "同じ事業に登録されています" in response.get_data(as_text=True)
    db.expire_all()
    assert db.get(YouthPerson, other.person_id) is not None
    assert queries.participations_of(db).persons == 2


def test_splitting_a_wrongly_linked_participation_makes_a_new_person(
    client: Any, auth: Any, db: Session
) -> None:
    earlier, later = _two_programmes(db)
    first = make_participant(db, earlier)
    wrongly = make_participant(db, later, person=first.person)
    assert queries.participations_of(db) == queries.Participations(2, 1)
    auth.login("coordinator")
    response = client.post(f"/youth/participants/{wrongly.id}/split")
    assert response.status_code == 302
    db.expire_all()
    moved = db.get(Participant, wrongly.id)
    assert moved.person_id not in (None, first.person_id)
    assert response.headers["Location"].endswith(f"/youth/persons/{moved.person_id}")
    assert queries.participations_of(db) == queries.Participations(2, 2)
    # A person of its own is not split again.
    again = client.post(f"/youth/participants/{wrongly.id}/split", follow_redirects=True)
    assert "すでに単独の人として登録されています" in again.get_data(as_text=True)


def test_the_preview_says_who_each_new_row_is_linked_to_or_may_be(db: Session, ctx: Any) -> None:
    add_program(db, "YP-A")
    add_program(db, "YP-B")
    _import(db, _row("YP-A"))
    known = db.scalar(select(Participant.person_id))
    plan = plan_import(
        db,
        "participants",
        *_file(
            _row("YP-B", **{"名（カナ）": "ユウ　マ"}),
            _row("YP-B", 名="勇馬", 生年月日="2010-04-02", **{"姓（カナ）": "ヤマダ"}),
        ),
    )
    linked, possible = plan.rows
    assert plan.ok
    assert linked.notes == [f"人物番号 {known} に紐づけます（桂林市青少年交流 2024-08-01）。"]
    assert (linked.offers, linked.linked) == ([], None)
    assert possible.notes[0].startswith(f"人物番号 {known}（桂林市青少年交流 2024-08-01）の可能性")
    # Offered, not linked, until the user chooses.
    assert (possible.offers, possible.linked) == ([known], None)
    assert "1 行は、すでに登録されている人の可能性があります" in plan.warnings[-1].message
    assert "現在 0 行が紐づけ済み" in plan.warnings[-1].message


def _registered_by_the_command(app: Any, db: Session, tmp_path: Any) -> tuple[Any, int]:
    """Two programmes, and 山田 優真 imported on the first by ``flask import``: the runner
    and his person number."""
    add_program(db, "YP-A")
    add_program(db, "YP-B")
    db.commit()
    runner = app.test_cli_runner()
    first = tmp_path / "first.csv"
    first.write_bytes(_file(_row("YP-A"))[1])
    assert runner.invoke(args=["import", "participants", str(first)]).exit_code == 0
    known = db.scalar(select(Participant.person_id))
    assert known is not None
    return runner, known


def test_the_command_prints_who_each_new_row_is_linked_to_or_may_be(
    app: Any, db: Session, tmp_path: Any
) -> None:
    runner, known = _registered_by_the_command(app, db, tmp_path)
    second = tmp_path / "second.csv"
    second.write_bytes(
        _file(
            _row("YP-B", **{"名（カナ）": "ユウ　マ"}),
            _row("YP-B", 名="勇馬", 生年月日="2010-04-02", **{"姓（カナ）": "ヤマダ"}),
        )[1]
    )
    for args in (["--dry-run"], []):
        result = runner.invoke(args=["import", "participants", str(second), *args])
        assert result.exit_code == 0, result.output
        assert f"row 2: 山田 優真: 人物番号 {known} に紐づけます" in result.output
        assert f"row 3: 山田 勇馬: 人物番号 {known}（桂林市青少年交流 2024-08-01）の可能性" in (
            result.output
        )
    assert _persons(db) == 2


def test_the_command_links_the_suggested_persons_only_when_asked(
    app: Any, db: Session, tmp_path: Any
) -> None:
    runner, known = _registered_by_the_command(app, db, tmp_path)
    # Other kanji, the same reading and birth date: only possibly the same person.
    second = tmp_path / "second.csv"
    second.write_bytes(_file(_row("YP-B", 名="勇馬"))[1])
    dry = runner.invoke(args=["import", "participants", str(second), "--dry-run"])
    assert dry.exit_code == 0 and "linked to person" not in dry.output
    result = runner.invoke(args=["import", "participants", str(second), "--link-suggested"])
    assert result.exit_code == 0, result.output
    assert f"row 2: 山田 勇馬: linked to person {known}" in result.output
    db.expire_all()
    assert _persons(db) == 1
    assert db.scalar(select(func.count()).select_from(Participant)) == 2


def test_a_row_linked_in_the_preview_joins_the_person_it_was_offered(db: Session, ctx: Any) -> None:
    add_program(db, "YP-A")
    add_program(db, "YP-B")
    _import(db, _row("YP-A"))
    known = db.scalar(select(Participant.person_id))
    content = _file(_row("YP-B", 名="勇馬"))
    plan = plan_import(db, "participants", *content, links={2: known})
    assert plan.ok and plan.rows[0].linked == known
    assert "現在 1 行が紐づけ済み" in plan.warnings[-1].message
    apply_plan(db, plan)
    db.commit()
    assert _persons(db) == 1
    assert db.scalar(select(func.count()).select_from(YouthPerson)) == 1
    # A person the check did not offer is never linked, whatever the choice says.
    add_program(db, "YP-C")
    other = make_participant(
        db, db.scalar(select(YouthProgram).where(YouthProgram.external_id == "YP-C"))
    )
    stray = plan_import(
        db, "participants", *_file(_row("YP-C", 名="勇真")), links={2: other.person_id}
    )
    assert stray.rows[0].linked is None


@pytest.mark.parametrize(
    "change", [{"名": "勇馬"}, {"生年月日": "2010-04-12"}], ids=["kanji", "birth date"]
)
def test_a_row_that_may_correct_a_participation_on_its_programme_is_never_a_silent_second(
    db: Session, ctx: Any, change: dict[str, str]
) -> None:
    add_program(db, "YP-A")
    _import(db, _row("YP-A"))
    existing = db.scalar(select(Participant))
    plan = plan_import(db, "participants", *_file(_row("YP-A", **change)))
    (row,) = plan.rows
    assert (row.action, row.offers) == ("error", [])  # not offered: they are on it already
    (problem,) = plan.problems
    assert f"参加者 {existing.id} と同一人物の可能性" in problem.message
    # A roster number of its own says it is another person: a new participation.
    other = plan_import(db, "participants", *_numbered(("P-2", _row("YP-A", **change))))
    assert [r.action for r in other.rows] == ["create"]
    # The existing participation's roster number says it is a correction.
    existing.external_id = "P-1"
    db.commit()
    corrected = _numbered(("P-1", _row("YP-A", **change)))
    assert [r.action for r in plan_import(db, "participants", *corrected).rows] == ["update"]
    run_import(db, "participants", *corrected)
    assert db.scalar(select(func.count()).select_from(Participant)) == 1


def test_two_rows_linking_one_person_to_one_programme_are_refused(db: Session, ctx: Any) -> None:
    add_program(db, "YP-A")
    add_program(db, "YP-B")
    _import(db, _row("YP-A"))
    known = db.scalar(select(Participant.person_id))
    content = _file(_row("YP-B", 名="勇馬"), _row("YP-B", 名="勇真"))
    plan = plan_import(db, "participants", *content, links={2: known, 3: known})
    assert not plan.ok
    assert [(p.line, p.column) for p in plan.problems] == [(3, "family_name")]
    assert f"2 行目が人物番号 {known} を同じ事業に紐づけています" in plan.problems[0].message
    # Still offered, so the user can choose a new person for one of them.
    assert plan.rows[1].offers == [known]


def test_a_row_that_is_two_known_persons_is_a_problem_until_they_are_merged(
    db: Session, ctx: Any
) -> None:
    add_program(db, "YP-A")
    add_program(db, "YP-B")
    add_program(db, "YP-C")
    _import(db, _row("YP-A"))
    # The same person entered again by hand as someone new (the form allows it).
    again = make_participant(
        db,
        db.scalar(select(YouthProgram).where(YouthProgram.external_id == "YP-B")),
        **_form_values(status="participated", guardian_consent_on=date(2024, 6, 1)),
    )
    plan = plan_import(db, "participants", *_file(_row("YP-C")))
    assert not plan.ok
    assert [(p.line, p.column) for p in plan.problems] == [(2, "family_name")]
    assert str(again.person_id) in plan.problems[0].message


def test_the_web_preview_shows_the_person_notes(client: Any, auth: Any, db: Session) -> None:
    add_program(db, "YP-A")
    add_program(db, "YP-B")
    auth.login("coordinator")
    first = upload(client, "participants", *_file(_row("YP-A")))
    confirm(client, first.headers["Location"])
    known = db.scalar(select(Participant.person_id))
    second = upload(client, "participants", *_file(_row("YP-B", 名="勇馬")))
    page = client.get(second.headers["Location"]).get_data(as_text=True)
    assert f"人物番号 {known}（桂林市青少年交流 2024-08-01）の可能性があります" in page
    assert "1 行は、すでに登録されている人の可能性があります" in page
    assert f'name="link-2" id="link-2-{known}" value="{known}"' in page


def _preview_with_offers(client: Any, db: Session, *rows: list[str]) -> tuple[str, int]:
    add_program(db, "YP-A")
    add_program(db, "YP-B")
    first = upload(client, "participants", *_file(_row("YP-A")))
    confirm(client, first.headers["Location"])
    known = db.scalar(select(Participant.person_id))
    return upload(client, "participants", *_file(*rows)).headers["Location"], known


def test_choosing_a_link_in_the_web_preview_imports_the_row_as_that_person(
    client: Any, auth: Any, db: Session
) -> None:
    auth.login("coordinator")
    preview, known = _preview_with_offers(
        client, db, _row("YP-B", 名="勇馬"), _row("YP-B", 名="太郎", **{"名（カナ）": "たろう"})
    )
    chosen = client.post(
        f"{preview}/links", data={"link-lines": ["2", "3"], "link-2": str(known), "link-3": "new"}
    )
    assert chosen.status_code == 303 and chosen.headers["Location"] == preview
    page = client.get(preview).get_data(as_text=True)
    assert f'id="link-2-{known}" value="{known}" checked' in page
    assert "現在 1 行が紐づけ済み" in page
    confirm(client, preview)
    db.expire_all()
    persons = dict(db.execute(select(Participant.given_name, Participant.person_id)).all())
    assert persons["勇馬"] == known
    assert persons["太郎"] != known
    assert db.scalar(select(func.count()).select_from(YouthPerson)) == 2
    # The upload is gone once imported.
    assert client.get(preview).status_code == 404


def test_link_all_suggested_links_every_offered_row(client: Any, auth: Any, db: Session) -> None:
    auth.login("coordinator")
    preview, _known = _preview_with_offers(client, db, _row("YP-B", 名="勇馬"))
    client.post(f"{preview}/links", data={"link-all": "1"})
    page = client.get(preview).get_data(as_text=True)
    assert "現在 1 行が紐づけ済み" in page
    client.post(f"{preview}/links", data={"link-lines": ["2"], "link-2": "new"})
    assert "現在 0 行が紐づけ済み" in client.get(preview).get_data(as_text=True)
    client.post(f"{preview}/links", data={"link-all": "1"})
    confirm(client, preview)
    db.expire_all()
    assert _persons(db) == 1


# --- the roster's own number ------------------------------------------------------------------

NUMBERED_HEADERS = [*PARTICIPANT_HEADERS, "participant_external_id"]


def _numbered(*rows: tuple[str, list[str]]) -> tuple[str, bytes]:
    return make_file("csv-cp932", NUMBERED_HEADERS, [[*row, number] for number, row in rows])


def test_a_row_with_a_roster_number_finds_its_participation_by_it(
    db: Session, ctx: Any
) -> None:
    add_program(db, "YP-A")
    run_import(db, "participants", *_numbered(("P-1", _row("YP-A"))))
    stored = db.scalar(select(Participant))
    assert stored is not None and stored.external_id == "P-1"
    # The name was misspelt (another reading, so another person by the name alone):
    # the number says which participation the row corrects.
    corrected = _row("YP-A", 名="悠真", **{"名（カナ）": "ゆうしん"})
    plan = plan_import(db, "participants", *_numbered(("P-1", corrected)))
    assert [(row.action, row.record_id) for row in plan.rows] == [("update", stored.id)]
    apply_plan(db, plan)
    db.commit()
    db.expire_all()
    assert db.scalar(select(func.count()).select_from(Participant)) == 1
    assert db.scalar(select(Participant.given_name)) == "悠真"
    # A file without the number keeps it, and the row is found by programme and person.
    again = plan_import(db, "participants", *_file(corrected))
    assert [row.action for row in again.rows] == ["unchanged"]
    assert db.scalar(select(Participant.external_id)) == "P-1"


def test_a_number_on_an_unnumbered_participation_is_added_by_the_matching_row(
    db: Session, ctx: Any
) -> None:
    add_program(db, "YP-A")
    _import(db, _row("YP-A"))
    plan = plan_import(db, "participants", *_numbered(("P-7", _row("YP-A"))))
    assert [(row.action, row.changed) for row in plan.rows] == [
        ("update", ["participant_external_id"])
    ]


def test_one_number_twice_or_one_new_person_twice_on_a_programme_is_a_problem(
    db: Session, ctx: Any
) -> None:
    add_program(db, "YP-A")
    plan = plan_import(
        db,
        "participants",
        *_numbered(
            ("P-1", _row("YP-A")),
            ("P-1", _row("YP-A", 名="太郎", **{"名（カナ）": "たろう"})),
            ("P-2", _row("YP-A", **{"姓（カナ）": "ヤマダ"})),
        ),
    )
    assert not plan.ok
    problems = {p.line: (p.column, p.message) for p in plan.problems}
    assert set(problems) == {3, 4}
    assert problems[3][0] == "participant_external_id" and "P-1" in problems[3][1]
    assert problems[4][0] == "family_name" and "2 行目" in problems[4][1]


def test_the_rows_of_one_file_that_are_one_person_become_one_person_and_say_so(
    db: Session, ctx: Any
) -> None:
    for program in ("YP-A", "YP-B", "YP-C"):
        add_program(db, program)
    plan = plan_import(
        db,
        "participants",
        *_file(
            _row("YP-A"),
            _row("YP-B", **{"姓（カナ）": "ヤマダ", "名（カナ）": "ユウ　マ"}),
            # A school written only the third year: still the same person.
            _row("YP-C", 学校名="熊本市立第一中学校"),
        ),
    )
    assert plan.ok
    assert [row.notes for row in plan.rows] == [
        ["このファイルの 3, 4 行目と同じ人です。"],
        ["このファイルの 2, 4 行目と同じ人です。"],
        ["このファイルの 2, 3 行目と同じ人です。"],
    ]
    apply_plan(db, plan)
    db.commit()
    assert queries.participations_of(db) == queries.Participations(3, 1)


def test_rows_that_cannot_be_matched_are_never_merged(db: Session, ctx: Any) -> None:
    add_program(db, "YP-A")
    add_program(db, "YP-B")
    unmatchable = {"姓（カナ）": "", "名（カナ）": "", "生年月日": "", "状況": "applied"}
    plan = plan_import(
        db, "participants", *_file(_row("YP-A", **unmatchable), _row("YP-B", **unmatchable))
    )
    assert plan.ok and [row.notes for row in plan.rows] == [[], []]
    apply_plan(db, plan)
    db.commit()
    assert queries.participations_of(db) == queries.Participations(2, 2)


def test_rows_of_one_file_that_may_be_one_person_say_so_and_stay_two(
    db: Session, ctx: Any
) -> None:
    add_program(db, "YP-A")
    add_program(db, "YP-B")
    plan = plan_import(db, "participants", *_file(_row("YP-A"), _row("YP-B", 名="勇馬")))
    assert plan.ok
    assert [row.notes[0][:26] for row in plan.rows] == [
        "このファイルの 3 行目と同じ人の可能性があります（",
        "このファイルの 2 行目と同じ人の可能性があります（",
    ]
    apply_plan(db, plan)
    db.commit()
    assert queries.participations_of(db) == queries.Participations(2, 2)

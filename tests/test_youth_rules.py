"""Youth rules: indicator 5b at its edges, 延べ vs unique persons, consent, ages, input."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from exchange_app.youth import kind as youth
from exchange_app.youth import operations, queries
from exchange_app.youth.identity import Identity, Likeness, identity_of
from tests.factories import make_participant, make_program


def test_resident_youth_who_took_part_in_a_partner_exchange_counts(db: Session) -> None:
    program = make_program(db)
    counted = make_participant(db, program)
    assert queries.youth_5b_ids(db, 2025) == [counted.id]
    assert queries.youth_5b_count(db, 2025) == 1


@pytest.mark.parametrize(
    "values",
    [
        {"status": "withdrawn"},
        {"status": "applied"},
        {"status": "selected"},
        {"role": "chaperone"},
        {"role": "staff"},
        {"resident": False},
    ],
    ids=["withdrawn", "applied", "selected", "chaperone", "staff", "non-resident"],
)
def test_participations_5b_does_not_count(db: Session, values: dict) -> None:
    program = make_program(db)
    make_participant(db, program)
    make_participant(db, program, **values)
    assert queries.youth_5b_count(db, 2025) == 1


def test_international_conference_counts_without_partner_city(db: Session) -> None:
    conference = make_program(db, kind="international_conference", counterpart="Youth Summit")
    make_participant(db, conference)
    assert queries.youth_5b_count(db, 2025) == 1


def test_programme_of_kind_other_is_not_counted(db: Session) -> None:
    other = make_program(db, kind="other", partner_city=None)
    make_participant(db, other)
    other_with_city = make_program(db, kind="other")  # a city does not make it an exchange
    make_participant(db, other_with_city)
    assert queries.youth_5b_count(db, 2025) == 0


def test_march_31_belongs_to_the_previous_fiscal_year_and_april_1_to_the_next(db: Session) -> None:
    march = make_program(db, start_date=date(2026, 3, 31), end_date=date(2026, 4, 5))
    april = make_program(db, start_date=date(2026, 4, 1))
    in_march = make_participant(db, march)
    in_april = make_participant(db, april)
    assert queries.youth_5b_ids(db, 2025) == [in_march.id]
    assert queries.youth_5b_ids(db, 2026) == [in_april.id]
    first_day = make_program(db, start_date=date(2025, 4, 1))
    make_participant(db, first_day)
    assert queries.youth_5b_count(db, 2025) == 2
    assert queries.youth_5b_count(db, 2024) == 0


def test_repeat_participant_counts_twice_but_is_one_person(db: Session) -> None:
    summer = make_program(db, start_date=date(2025, 8, 1))
    winter = make_program(db, kind="international_conference", start_date=date(2026, 1, 10))
    first = make_participant(db, summer, given_name_kana="ハナコ")
    make_participant(db, winter, person=first.person, given_name_kana="ハナコ")
    make_participant(db, winter, given_name_kana="ジロウ")
    assert queries.youth_5b_count(db, 2025) == 3  # 延べ
    assert queries.youth_5b_unique_persons(db, 2025) == 2


def test_program_counts_by_status_role_and_residence(db: Session) -> None:
    program = make_program(db)
    for _ in range(7):
        make_participant(db, program)
    make_participant(db, program, status="withdrawn")
    make_participant(db, program, role="chaperone", guardian_consent_on=None)
    make_participant(db, program, role="chaperone", resident=False, guardian_consent_on=None)
    make_participant(db, program, status="applied", guardian_consent_on=None, resident=False)
    counts = queries.program_counts(db, [program.id])[program.id]
    assert counts.total == 11
    assert counts.by_status == {"applied": 1, "selected": 0, "participated": 9, "withdrawn": 1}
    assert counts.by_role == {"youth": 9, "chaperone": 2, "staff": 0}
    assert (counts.residents, counts.non_residents) == (9, 2)
    assert counts.counted_5b == queries.Participations(participations=7, persons=7)
    assert counts.registered == queries.Participations(participations=11, persons=11)


def test_database_refuses_a_selected_youth_without_consent(db: Session) -> None:
    program = make_program(db)
    with pytest.raises(IntegrityError):
        make_participant(db, program, status="selected", guardian_consent_on=None)
    db.rollback()


def test_chaperone_needs_no_guardian_consent(db: Session) -> None:
    program = make_program(db)
    chaperone = make_participant(db, program, role="chaperone", guardian_consent_on=None)
    assert chaperone.status == "participated"


def test_set_status_refuses_selection_without_consent(db: Session) -> None:
    program = make_program(db)
    applicant = make_participant(db, program, status="applied", guardian_consent_on=None)
    with pytest.raises(operations.ConsentRequired):
        operations.change_status(db, applicant, "selected", None)
    with pytest.raises(operations.ConsentRequired):
        operations.change_status(db, applicant, "participated", None)
    operations.change_status(db, applicant, "withdrawn", None)
    assert applicant.status == "withdrawn"


@pytest.mark.parametrize(
    ("birth", "day", "age", "band"),
    [
        (date(2010, 8, 1), date(2025, 8, 1), 15, "13-15"),
        (date(2010, 8, 2), date(2025, 8, 1), 14, "13-15"),
        (date(2008, 2, 29), date(2025, 2, 28), 16, "16-18"),
        (date(2013, 1, 1), date(2025, 8, 1), 12, "0-12"),
        (date(1980, 1, 1), date(2025, 8, 1), 45, "23+"),
    ],
)
def test_age_at_programme_start_and_its_band(birth: date, day: date, age: int, band: str) -> None:
    assert youth.age_on(birth, day) == age
    assert youth.age_band(age) == band


def test_age_band_is_stored_at_registration(db: Session) -> None:
    program = make_program(db, start_date=date(2025, 8, 1))
    participant = make_participant(db, program, birth_date=date(2011, 3, 3))
    assert participant.age_band == "13-15"


@pytest.mark.parametrize("value", ["クマモト", "くまもと", "ｸﾏﾓﾄ", "ヨシダ ハナ", "ミュー・ラー"])
def test_kana_accepted(value: str) -> None:
    assert youth.is_kana(value)


@pytest.mark.parametrize("value", ["熊本", "くま本", "Kumamoto", "クマモト1"])
def test_kana_with_kanji_or_latin_refused(value: str) -> None:
    assert not youth.is_kana(value)


def test_kana_is_stored_as_katakana() -> None:
    assert youth.normalise_kana(" くまもと ") == "クマモト"
    assert youth.normalise_kana("ｸﾏﾓﾄ") == "クマモト"


@pytest.mark.parametrize("value", ["096-123-4567", "０９６－１２３－４５６７", "+81 96 123 4567"])
def test_phone_accepted(value: str) -> None:
    assert youth.is_phone(value)


@pytest.mark.parametrize("value", ["096-abc-4567", "call me", "12"])
def test_phone_with_letters_refused(value: str) -> None:
    assert not youth.is_phone(value)


def test_matching_person_found_by_kana_and_birth_date(db: Session) -> None:
    first = make_program(db, start_date=date(2024, 8, 1))
    known = make_participant(
        db, first, family_name_kana="ヤマダ", given_name_kana="ハナ", birth_date=date(2010, 1, 2)
    )
    def looking_for(birth_date: date) -> Identity:
        return identity_of(
            {
                "family_name": known.family_name,
                "given_name": known.given_name,
                "family_name_kana": "ヤマダ",
                "given_name_kana": "ハナ",
                "birth_date": birth_date,
            }
        )

    found = queries.matching_persons(db, looking_for(date(2010, 1, 2)))
    assert [(m.person.id, m.likeness) for m in found] == [(known.person_id, Likeness.SAME)]
    assert queries.matching_persons(db, looking_for(date(2010, 1, 3))) == []

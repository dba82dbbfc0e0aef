"""Youth programmes and their participants, declared once: fields, limits, rules, imports.

The forms (``forms.py``), the imports and their templates, the participant list export,
the change history, the audit trail and the purge of personal data all read
``YOUTH_PROGRAMS`` and ``PARTICIPANTS``. A participant's personal fields are marked
``personal``: the purge removes exactly those, and the audit trail never writes their values.
"""

from __future__ import annotations

import dataclasses
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date
from itertools import combinations
from typing import Any

import email_validator
from flask import current_app, has_app_context
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from exchange_app.db import utcnow
from exchange_app.importing.bulk import KindImport, RowPlan, chunks
from exchange_app.importing.columns import (
    DATE_NOTE_EN,
    DATE_NOTE_JA,
    external_id_field,
)
from exchange_app.importing.normalise import clean_text
from exchange_app.importing.plan import Problem
from exchange_app.models import Participant, YouthPerson, YouthProgram
from exchange_app.partners.kind import (
    PARTNER_CITY,
    PARTNER_NOTE_EN,
    PARTNER_NOTE_JA,
    partner_city_field,
)
from exchange_app.records.fields import Field, FieldType, ImportColumn, Reference
from exchange_app.records.kind import BOOKKEEPING, RecordKind, RecordValues
from exchange_app.records.rules import end_not_before_start
from exchange_app.services.dates import today_in_japan
from exchange_app.settings import Config
from exchange_app.vocab import (
    TRAVELLING_STATUSES,
    Direction,
    EntityType,
    ParticipantRole,
    ParticipantStatus,
    YouthProgramKind,
)
from exchange_app.youth.identity import (
    Identity,
    Likeness,
    identity_of,
    likeness,
    may_be_a_correction,
    same_person_groups,
)
from exchange_app.youth.queries import KnownPersons, identities_born_on, likely_persons

# --- values: kana, phone numbers, ages ------------------------------------------------------

_KANA_RE = re.compile(r"^[\u3041-\u3096\u309d\u309e\u30a1-\u30fa\u30fb-\u30fe\s]+$")
_PHONE_RE = re.compile(r"^\+?[0-9()\- ]{6,}$")
_ROMAJI_RE = re.compile(r"^[A-Za-z][A-Za-z' \-.]*$")

AGE_BANDS = ((0, 12, "0-12"), (13, 15, "13-15"), (16, 18, "16-18"), (19, 22, "19-22"))
ADULT_BAND = "23+"


def normalise_kana(value: str | None) -> str:
    """Kana as stored: full-width katakana, no surrounding or doubled spaces."""
    text = unicodedata.normalize("NFKC", value or "").strip()
    text = "".join(chr(ord(c) + 0x60) if "\u3041" <= c <= "\u3096" else c for c in text)
    return " ".join(text.split())


def is_kana(value: str) -> bool:
    """Whether ``value`` is written only in hiragana/katakana (and spaces)."""
    return bool(_KANA_RE.match(unicodedata.normalize("NFKC", value)))


def normalise_phone(value: str | None) -> str:
    """A phone number with full-width digits and dashes made half-width."""
    text = unicodedata.normalize("NFKC", value or "").strip()
    return text.replace("ー", "-").replace("−", "-").replace("‐", "-")


def is_phone(value: str) -> bool:
    """Whether ``value`` looks like a phone number: digits, spaces, dashes, brackets, +."""
    return bool(_PHONE_RE.match(normalise_phone(value)))


def is_romaji(value: str) -> bool:
    """Whether ``value`` is written in Latin letters."""
    return bool(_ROMAJI_RE.match(unicodedata.normalize("NFKC", value).strip()))


def age_on(birth_date: date | None, day: date) -> int | None:
    """Age in whole years on ``day`` (None without a birth date)."""
    if birth_date is None:
        return None
    return day.year - birth_date.year - ((day.month, day.day) < (birth_date.month, birth_date.day))


def age_band(age: int | None) -> str | None:
    """The coarse age band kept after anonymisation (``13-15`` ...)."""
    if age is None:
        return None
    for low, high, label in AGE_BANDS:
        if low <= age <= high:
            return label
    return ADULT_BAND


def needs_consent(role: str | None, status: str | None, guardian_consent_on: date | None) -> bool:
    """Whether this breaks the rule that a youth is selected only with the guardian's consent."""
    return (
        role == ParticipantRole.YOUTH
        and status in TRAVELLING_STATUSES
        and guardian_consent_on is None
    )


def normalised(values: Mapping[str, Any]) -> dict[str, Any]:
    """A participant's values as stored: kana in katakana, phone numbers half-width.

    The form's save and the import both call this, so a name reads the same however it
    came in (and the same person is found again).
    """
    result = dict(values)
    for key in ("family_name_kana", "given_name_kana"):
        if result.get(key):
            result[key] = normalise_kana(result[key])
    if result.get("guardian_phone"):
        result["guardian_phone"] = normalise_phone(result["guardian_phone"])
    return result


# --- rules across fields (the form's and the import's) --------------------------------------


def partner_exchange_has_partner(values: RecordValues) -> Iterator[tuple[str, str]]:
    """An exchange with a partner city names the city."""
    if values.get("kind") == YouthProgramKind.PARTNER_EXCHANGE and not values.get(
        "partner_city_id"
    ):
        yield "partner_city_id", _("An exchange with a partner city needs its partner city.")


def kana_only(values: RecordValues) -> Iterator[tuple[str, str]]:
    """Reading names (フリガナ) are written in kana only."""
    for key in ("family_name_kana", "given_name_kana"):
        text = values.get(key)
        if text and not is_kana(text):
            yield key, _("Write this in kana (hiragana or katakana) only.")


def romaji_only(values: RecordValues) -> Iterator[tuple[str, str]]:
    """Names in romaji are written in Latin letters."""
    for key in ("family_name_romaji", "given_name_romaji"):
        text = values.get(key)
        if text and not is_romaji(text):
            yield key, _("Write this in Latin letters only.")


def phone_number(values: RecordValues) -> Iterator[tuple[str, str]]:
    """The guardian's phone number looks like a phone number."""
    text = values.get("guardian_phone")
    if text and not is_phone(text):
        yield (
            "guardian_phone",
            _("Enter a phone number with digits only (dashes, spaces and a leading + allowed)."),
        )


def email_address(values: RecordValues) -> Iterator[tuple[str, str]]:
    """The guardian's e-mail address is one (its form is checked, not its mailbox)."""
    text = values.get("guardian_email")
    if not text:
        return
    try:
        email_validator.validate_email(
            text, check_deliverability=False, allow_smtputf8=True, allow_empty_local=False
        )
    except email_validator.EmailNotValidError:
        yield "guardian_email", _("Enter a valid e-mail address.")


def birth_date_possible(values: RecordValues) -> Iterator[tuple[str, str]]:
    """A birth date is not in the future and not after the programme's start.

    A participant without one is kept (an old roster may not have it), but cannot be
    matched with the same person elsewhere: it is listed among the participants to check
    (``queries.not_matchable``).
    """
    birth = values.get("birth_date")
    if birth is None:
        return
    start = values.detail("program_id", "start_date")
    if birth > today_in_japan():
        yield "birth_date", _("The birth date cannot be in the future.")
    elif start is not None and birth > start:
        yield "birth_date", _("The birth date cannot be after the programme starts.")


def consent_date_not_future(values: RecordValues) -> Iterator[tuple[str, str]]:
    """The guardian's consent was received on a day that has come."""
    consent = values.get("guardian_consent_on")
    if consent is not None and consent > today_in_japan():
        yield "guardian_consent_on", _("The consent date cannot be in the future.")


def consent_before_selection(values: RecordValues) -> Iterator[tuple[str, str]]:
    """A young participant is selected or takes part only with the guardian's consent."""
    if needs_consent(values.get("role"), values.get("status"), values.get("guardian_consent_on")):
        yield (
            "guardian_consent_on",
            _(
                "A young participant cannot be selected or take part before the "
                "guardian's consent is received: enter the date it was received."
            ),
        )


def has_started(start: date) -> bool:
    """Whether a programme starting on ``start`` has started (today in Japan counts)."""
    return start <= today_in_japan()


def participated_only_once_started(values: RecordValues) -> Iterator[tuple[str, str]]:
    """Nobody has taken part in a programme that has not started yet."""
    start = values.detail("program_id", "start_date")
    if (
        values.get("status") == ParticipantStatus.PARTICIPATED
        and start is not None
        and not has_started(start)
    ):
        yield (
            "status",
            _(
                "The programme has not started yet: a participant can be marked as having "
                "taken part only from its start date."
            ),
        )


def youth_age_range() -> tuple[int, int]:
    """The ages (at a programme's start) of a youth participant: ``YOUTH_AGE_MIN``–``MAX``."""
    if has_app_context():
        return int(current_app.config["YOUTH_AGE_MIN"]), int(current_app.config["YOUTH_AGE_MAX"])
    return Config.YOUTH_AGE_MIN, Config.YOUTH_AGE_MAX


def age_outside_youth_range(role: str | None, birth: date | None, start: date | None) -> bool:
    """Whether a youth participant's age at the programme's start is outside the range."""
    if role != ParticipantRole.YOUTH or birth is None or start is None:
        return False
    age = age_on(birth, start)
    low, high = youth_age_range()
    return age is not None and not low <= age <= high


def youth_age_in_range(values: RecordValues) -> Iterator[tuple[str, str]]:
    """A youth outside the youth age range is registered so only on purpose (confirmed)."""
    start = values.detail("program_id", "start_date")
    birth = values.get("birth_date")
    if values.get("age_confirmed") or not age_outside_youth_range(
        values.get("role"), birth, start
    ):
        return
    low, high = youth_age_range()
    yield (
        "age_confirmed",
        _(
            "At the programme's start this participant is %(age)s, outside the youth range "
            "(%(low)s to %(high)s). Check the birth date and the role; if both are right, "
            "confirm the age.",
            age=age_on(birth, start),
            low=low,
            high=high,
        ),
    )


# --- the declarations ---------------------------------------------------------------------

# The audit trail names a programme's partner city by its id (as it always has).
PROGRAM_PARTNER_CITY = dataclasses.replace(PARTNER_CITY, audit_name=None)

YOUTH_PROGRAMS = RecordKind(
    key="youth-programs",
    entity_type=EntityType.YOUTH_PROGRAM,
    model=YouthProgram,
    label=_l("Youth programmes"),
    fields=(
        external_id_field(("管理番号", "事業番号", "整理番号", "id"), "YP-2024-01"),
        Field(
            "title", FieldType.TEXT, _l("Title"),
            required=True, max_length=200,
            import_column=ImportColumn(
                "title", ("件名", "事業名", "名称"), "事業名。", "Title of the programme.",
                "桂林市青少年交流派遣",
            ),
        ),
        Field(
            "kind", FieldType.CHOICE, _l("Kind"),
            required=True, vocabulary=YouthProgramKind,
            import_column=ImportColumn(
                "kind", ("種別", "事業種別"),
                "種別。partner_exchange（友好姉妹都市等との交流）は partner が必須。",
                "Kind. partner_exchange needs a partner city.",
                "友好姉妹都市等との交流",
            ),
        ),
        partner_city_field(
            reference=PROGRAM_PARTNER_CITY,
            audit_key="partner_city_id",
            export_header=None,
            blank_label=_l("(none)"),
            import_column=ImportColumn(
                "partner", ("相手都市", "都市", "友好姉妹都市等"),
                PARTNER_NOTE_JA,
                PARTNER_NOTE_EN,
                "guilin",
            ),
        ),
        Field(
            "direction", FieldType.CHOICE, _l("Direction"),
            required=True, vocabulary=Direction,
            import_column=ImportColumn(
                "direction", ("方向", "区分", "受入/派遣"),
                "受入（inbound）または派遣（outbound）。",
                "inbound (受入) or outbound (派遣).",
                "派遣",
            ),
        ),
        Field(
            "start_date", FieldType.DATE, _l("Start date"),
            required=True,
            import_column=ImportColumn(
                "start_date", ("開始日", "期間（開始）", "期間(開始)"),
                DATE_NOTE_JA,
                DATE_NOTE_EN,
                "R6.8.1",
            ),
        ),
        Field(
            "end_date", FieldType.DATE, _l("End date"),
            required=True,
            import_column=ImportColumn(
                "end_date", ("終了日", "期間（終了）", "期間(終了)"),
                DATE_NOTE_JA + "開始日以降。",
                DATE_NOTE_EN + " Not before start_date.",
                "R6.8.7",
            ),
        ),
        Field(
            "counterpart", FieldType.TEXT, _l("Counterpart (conference, organisation)"),
            max_length=200,
            import_column=ImportColumn(
                "counterpart", ("相手方", "相手先"),
                "相手方（任意）。",
                "Counterpart (optional).",
                "",
            ),
        ),
        Field(
            "description", FieldType.LONG_TEXT, _l("Description"),
            max_length=5000,
            import_column=ImportColumn(
                "description", ("内容", "概要"), "内容（任意）。", "Description (optional).", ""
            ),
        ),
    ),
    rules=(end_not_before_start, partner_exchange_has_partner),
)


def programme_label(title: str, start: date) -> str:
    """A programme as the import preview and its notes name it: title and start date."""
    return f"{title} {start.isoformat()}"


YOUTH_PROGRAM = Reference(
    model=YouthProgram,
    label=lambda program, _language: programme_label(program.title, program.start_date),
    external_id_prefix="youth-program",
    details=("start_date",),
    export_name="external_id",
    type_note=("青少年事業の管理番号", "youth programme external_id"),
    unknown_message=lambda value: _(
        "no youth programme has the external_id '%(value)s': import the programmes first",
        value=value,
    ),
)


def _personal_text(key: str, label: Any, max_length: int, **options: Any) -> Field:
    """A one-line personal field, exported under its label."""
    return Field(
        key,
        FieldType.TEXT,
        label,
        max_length=max_length,
        personal=True,
        export_header=label,
        **options,
    )


PARTICIPANTS = RecordKind(
    key="participants",
    entity_type=EntityType.PARTICIPANT,
    model=Participant,
    label=_l("Youth participants"),
    personal=True,
    fields=(
        Field(
            "program_id", FieldType.REFERENCE, _l("Programme"),
            required=True,
            reference=YOUTH_PROGRAM,
            relationship="program",
            in_form=False,  # a participant is registered from the programme's page
            import_column=ImportColumn(
                "program_external_id", ("事業管理番号", "事業番号", "プログラム番号"),
                "参加する事業の管理番号（青少年事業の external_id）。先に事業を取り込むこと。",
                "The external_id of the youth programme; import the programmes first.",
                "YP-2024-01",
            ),
        ),
        _personal_text(
            "family_name", _l("Family name"), 50,
            required=True,
            import_column=ImportColumn("family_name", ("姓", "氏"), "姓。", "Family name.", "熊本"),
        ),
        _personal_text(
            "given_name", _l("Given name"), 50,
            required=True,
            import_column=ImportColumn("given_name", ("名",), "名。", "Given name.", "花子"),
        ),
        _personal_text(
            "family_name_kana", _l("Family name (kana)"), 50,
            import_column=ImportColumn(
                "family_name_kana",
                ("姓（カナ）", "姓(カナ)", "セイ", "姓フリガナ", "姓（ふりがな）"),
                "姓のフリガナ（カナのみ）。ひらがなでもカタカナでもよい。ない行は氏名と生年月日で"
                "同じ人を探す。",
                "Family name in kana (kana only; hiragana or katakana). Without it the same person "
                "is looked for by name and birth date.",
                "クマモト",
                structured=True,
            ),
        ),
        _personal_text(
            "given_name_kana", _l("Given name (kana)"), 50,
            import_column=ImportColumn(
                "given_name_kana",
                ("名（カナ）", "名(カナ)", "メイ", "名フリガナ", "名（ふりがな）"),
                "名のフリガナ（カナのみ）。",
                "Given name in kana (kana only).",
                "ハナコ",
                structured=True,
            ),
        ),
        # The export shows both romaji names in one column (see PARTICIPANT_LIST_COLUMNS).
        Field(
            "family_name_romaji", FieldType.TEXT, _l("Family name (romaji)"),
            max_length=50, personal=True,
        ),
        Field(
            "given_name_romaji", FieldType.TEXT, _l("Given name (romaji)"),
            max_length=50, personal=True,
        ),
        Field(
            "birth_date", FieldType.DATE, _l("Birth date"),
            personal=True,
            export_header=_l("Birth date"),
            import_column=ImportColumn(
                "birth_date", ("生年月日",), DATE_NOTE_JA, DATE_NOTE_EN, "H21.5.3"
            ),
        ),
        _personal_text(
            "school", _l("School"), 100,
            import_column=ImportColumn(
                "school", ("学校名", "学校", "所属"), "学校名。", "School.", "熊本市立○○中学校"
            ),
        ),
        _personal_text(
            "grade", _l("Grade"), 20,
            import_column=ImportColumn(
                "grade", ("学年",), "学年。", "Grade.", "中学2年", structured=True
            ),
        ),
        Field(
            "role", FieldType.CHOICE, _l("Role"),
            required=True, vocabulary=ParticipantRole,
            export_header=_l("Role"),
            import_column=ImportColumn(
                "role", ("役割", "区分", "参加区分"),
                "役割: youth（青少年）、chaperone（引率者）、staff（スタッフ）。",
                "Role: youth, chaperone or staff.",
                "青少年",
            ),
        ),
        Field(
            "resident", FieldType.BOOLEAN, _l("Resident of Kumamoto City"),
            required=True,
            export_header=_l("Resident"),
            import_column=ImportColumn(
                "resident", ("市内在住", "在住", "市内"),
                "熊本市内在住か: はい/いいえ（yes/no、○/×）。",
                "Lives in the city: yes/no (はい/いいえ, ○/×).",
                "はい",
            ),
        ),
        Field(
            "status", FieldType.CHOICE, _l("Status"),
            required=True, vocabulary=ParticipantStatus,
            export_header=_l("Status"),
            import_column=ImportColumn(
                "status", ("状況", "状態", "参加状況"),
                "状況: applied（応募）、selected（選考通過）、participated（参加）、"
                "withdrawn（辞退）。",
                "Status: applied, selected, participated or withdrawn.",
                "参加",
            ),
        ),
        _personal_text(
            "guardian_name", _l("Guardian's name"), 100,
            import_column=ImportColumn(
                "guardian_name", ("保護者氏名", "保護者名", "保護者"),
                "保護者の氏名。",
                "Guardian's name.",
                "熊本 太郎",
            ),
        ),
        _personal_text(
            "guardian_phone", _l("Guardian's phone"), 30,
            import_column=ImportColumn(
                "guardian_phone", ("保護者電話番号", "保護者連絡先", "電話番号"),
                "保護者の電話番号（例: 096-328-2070）。",
                "Guardian's phone (e.g. 096-328-2070).",
                "096-328-2070",
                structured=True,
            ),
        ),
        _personal_text("guardian_email", _l("Guardian's e-mail"), 254),
        Field(
            "guardian_consent_on", FieldType.DATE, _l("Guardian's consent received on"),
            export_header=_l("Guardian's consent received on"),
            import_column=ImportColumn(
                "guardian_consent_on", ("保護者同意日", "同意日"),
                "保護者の同意日。青少年が選考通過・参加のときは必須。" + DATE_NOTE_JA,
                "Date of the guardian's consent; required for a young person who is selected "
                "or took part. " + DATE_NOTE_EN,
                "2024-06-20",
            ),
        ),
        _personal_text("emergency_contact", _l("Emergency contact"), 200),
        Field(
            "photo_consent", FieldType.BOOLEAN, _l("Photos and publication allowed"),
            export_header=_l("Photos and publication allowed"),
        ),
        Field("notes", FieldType.LONG_TEXT, _l("Notes"), max_length=5000, personal=True),
        Field(
            "withdrawal_reason", FieldType.LONG_TEXT, _l("Reason for withdrawal"),
            max_length=1000, personal=True,
            export_header=_l("Reason for withdrawal"),
            import_column=ImportColumn(
                "withdrawal_reason", ("辞退理由", "辞退の理由"),
                "辞退の理由（任意）。",
                "Reason for withdrawal (optional).",
                "",
            ),
        ),
        Field(
            "age_confirmed", FieldType.BOOLEAN, _l("Age outside the youth range confirmed"),
            export_header=_l("Age outside the youth range confirmed"),
            import_column=ImportColumn(
                "age_confirmed", ("年齢確認", "年齢確認済み"),
                "青少年の事業開始時の年齢が青少年の範囲外（既定 6～29 歳）でも青少年として"
                "登録するとき「はい」。空欄は「いいえ」。",
                "yes to register as youth someone whose age at the programme's start is outside "
                "the youth range (6-29 unless configured); blank means no.",
                "",
            ),
        ),
        Field(
            "external_id", FieldType.TEXT, _l("Participant external ID"),
            max_length=64, personal=True,  # it names a child: removed by the purge
            in_form=False,  # the number of the office's own roster, never typed here
            history=False,
            import_column=ImportColumn(
                "participant_external_id", ("参加者管理番号", "参加者番号", "参加者ID"),
                "任意。名簿での参加者の番号。あれば、取り込み直したときにこの番号で参加登録を"
                "探す（なければ事業と人で探す）。空欄は登録済みの番号を変えない。",
                "Optional. The participant's number in your roster: a row with one finds its "
                "participation by it first (without one, by programme and person). A blank "
                "cell keeps the number already stored.",
                "P-2024-001",
                structured=True,
            ),
        ),
    ),
    rules=(
        kana_only,
        romaji_only,
        phone_number,
        email_address,
        birth_date_possible,
        consent_date_not_future,
        consent_before_selection,
        participated_only_once_started,
        youth_age_in_range,
    ),
    # person_id: the person across programmes, set when registering (youth.identity),
    # never typed. age_band: derived from the birth date and the
    # programme's start, kept when the purge removes the birth date. anonymized_at: set
    # by the purge.
    not_declared=BOOKKEEPING | {"person_id", "age_band", "anonymized_at"},
)


# --- the participant list export -----------------------------------------------------------


@dataclass(frozen=True)
class ListColumn:
    """A column of the participant list export that is not one field: its header and value."""

    header: Any
    value: Callable[[Participant], Any]


def _romaji_name(participant: Participant) -> str:
    return " ".join(filter(None, [participant.given_name_romaji, participant.family_name_romaji]))


def _age_at_start(participant: Participant) -> int | None:
    return age_on(participant.birth_date, participant.program.start_date)


# The columns of a programme's participant list (xlsx): declared fields by key, in order.
PARTICIPANT_LIST_COLUMNS: tuple[str | ListColumn, ...] = (
    "family_name",
    "given_name",
    "family_name_kana",
    "given_name_kana",
    ListColumn(_l("Name (romaji)"), _romaji_name),
    "birth_date",
    ListColumn(_l("Age at start"), _age_at_start),
    "school",
    "grade",
    "role",
    "resident",
    "status",
    "guardian_name",
    "guardian_phone",
    "guardian_email",
    "guardian_consent_on",
    "emergency_contact",
    "photo_consent",
)


def participant_list_headers() -> list[str]:
    """The header row of the participant list, in the user's language."""
    return [
        str(
            column.header
            if isinstance(column, ListColumn)
            else PARTICIPANTS.field(column).export_header
        )
        for column in PARTICIPANT_LIST_COLUMNS
    ]


def _list_cell(item: Field, participant: Participant) -> Any:
    value = getattr(participant, item.model_attribute)
    if item.type is FieldType.BOOLEAN:
        return _("Yes") if value else _("No")
    if item.type is FieldType.CHOICE and item.vocabulary is not None and value is not None:
        return str(item.vocabulary.label_of(value))
    return value


def participant_list_rows(participants: Iterable[Participant]) -> list[list[Any]]:
    """One row per participant, coded values in words of the user's language."""
    return [
        [
            column.value(participant)
            if isinstance(column, ListColumn)
            else _list_cell(PARTICIPANTS.field(column), participant)
            for column in PARTICIPANT_LIST_COLUMNS
        ]
        for participant in participants
    ]


# --- imports ----------------------------------------------------------------------------


class YouthProgramImport(KindImport):
    """Youth programmes in bulk, in date order."""

    def export_order(self) -> list[Any]:
        table = YouthProgram.__table__
        return [table.c.start_date, table.c.id]


class ParticipantImport(KindImport):
    """The people registered on youth programmes (personal data).

    A row stands for one person on one programme; the same young person on another
    programme (the same person by ``identity.likeness``) is linked to the same youth person.
    """

    key_column = "family_name"

    def prepare_row(self, values: dict[str, Any]) -> None:
        values.update(normalised(values))
        if values.get("age_confirmed") is None:
            values["age_confirmed"] = False

    @staticmethod
    def identity(values: Mapping[str, Any]) -> Identity:
        """Who the row is, as compared on one programme (the school may be a correction)."""
        return dataclasses.replace(identity_of(values), school=None)

    def natural_key(self, values: dict[str, Any]) -> Any:
        return (
            values.get("program_external_id"),
            self.identity(values),
            values.get("participant_external_id"),
        )

    def keep_stored(self, values: dict[str, Any], stored: Mapping[str, Any]) -> None:
        # A blank roster number keeps the one stored (files from before it was kept).
        if values.get("participant_external_id") is None:
            values["participant_external_id"] = stored.get("participant_external_id")

    def key_text(self, values: dict[str, Any], raw: dict[str, Any]) -> str:
        return str(clean_text(raw.get("program_external_id")) or "")

    def label_text(self, values: dict[str, Any], raw: dict[str, Any]) -> str:
        names = [clean_text(raw.get("family_name")), clean_text(raw.get("given_name"))]
        return " ".join(n for n in names if n)

    def record_select(self) -> Any:
        return super().record_select().add_columns(Participant.__table__.c.person_id)

    def load_existing(self, session: Session, keys: list[Any]) -> dict[Any, dict[str, Any]]:
        """The participation each row stands for: the one with the row's roster number
        (``participant_external_id``), else the same person on the same programme.

        A row that adds a reading, or changes the status or the school, finds the
        participation it corrects (``likeness``), so importing it again updates that one.
        """
        program_ids = sorted({key[0] for key in keys if key[0] is not None})
        stored: dict[int, list[tuple[Identity, dict[str, Any]]]] = {}
        table = Participant.__table__
        numbered: dict[str, dict[str, Any]] = {}
        for part in chunks(sorted({key[2] for key in keys if key[2]})):
            for row in session.execute(
                self.record_select().where(
                    table.c.external_id.in_(part), table.c.anonymized_at.is_(None)
                )
            ):
                numbered[row.external_id] = {
                    "id": row.id, "version": row.version, "values": self.values_from_record(row)
                }
        for part in chunks(program_ids):
            for row in session.execute(
                self.record_select().where(
                    table.c.program_id.in_(part), table.c.anonymized_at.is_(None)
                )
            ):
                values = self.values_from_record(row)
                stored.setdefault(row.program_id, []).append(
                    (
                        self.identity(values),
                        {"id": row.id, "version": row.version, "values": values},
                    )
                )
        exact: dict[Any, dict[str, Any]] = {}
        for program_id, records in stored.items():
            for known, stored_record in records:
                exact.setdefault((program_id, known), stored_record)
        found: dict[Any, dict[str, Any]] = {}
        for key in keys:
            program_id, identity, number = key
            record: dict[str, Any] | None = (
                numbered.get(number)
                or exact.get((program_id, identity))
                or next(
                    (
                        r
                        for known, r in stored.get(program_id, [])
                        if likeness(identity, known) is Likeness.SAME
                    ),
                    None,
                )
            )
            if record is not None:
                found[key] = record
        return found

    def record_columns(self, values: dict[str, Any]) -> dict[str, Any]:
        # Rows carry the matched youth person and the age band under private keys.
        own = {k: v for k, v in values.items() if not k.startswith("_")}
        columns = super().record_columns(own)
        if "_person_id" in values:
            columns["person_id"] = values["_person_id"]
        if "_age_band" in values:
            columns["age_band"] = values["_age_band"]
        return columns

    def _set_age_bands(self, session: Session, rows: list[RowPlan]) -> None:
        """The age band at the programme's start, kept after anonymisation."""
        program_ids = {row.values["program_external_id"] for row in rows}
        starts: dict[int, date] = {}
        for part in chunks(sorted(program_ids)):
            starts.update(
                session.execute(
                    select(YouthProgram.id, YouthProgram.start_date).where(
                        YouthProgram.id.in_(part)
                    )
                ).all()
            )
        for row in rows:
            start = starts.get(row.values["program_external_id"])
            birth = row.values.get("birth_date")
            row.values["_age_band"] = age_band(age_on(birth, start)) if start and birth else None

    def insert(self, session: Session, rows: list[RowPlan], user_id: int | None) -> list[int]:
        persons = self._persons_for(session, [row for row in rows if row.linked is None])
        for row in rows:
            row.values["_person_id"] = row.linked or persons[row.line]
        self._set_age_bands(session, rows)
        return super().insert(session, rows, user_id)

    def update(self, session: Session, rows: list[RowPlan], user_id: int | None) -> list[int]:
        self._set_age_bands(session, rows)
        return super().update(session, rows, user_id)

    @staticmethod
    def _known_persons(session: Session, identities: Iterable[Identity]) -> KnownPersons:
        """The persons already registered born on the days of ``identities``."""
        births = [i.birth_date for i in identities if i.matchable and i.birth_date]
        return identities_born_on(session, births, Participant.person_id.is_not(None))

    def annotate(self, session: Session, plan: Any) -> None:
        """Say, for each new participation, which known person it is linked to or may be.

        Never silent: a person who is the same is linked and named; one who may be the
        same is offered (``row.offers``) and linked only when the user chose it in the
        preview (``plan.links``), else the row makes a new person; a row that is the same
        as two known persons is a problem until they are merged. A person already on the
        row's programme is never offered, and no two rows may link one person to one
        programme.
        """
        self._refuse_numbers_twice(plan)
        rows = [row for row in plan.rows if row.action == "create"]
        identities = {row.line: identity_of(row.values) for row in rows}
        keys = self._person_keys(identities)
        known = self._known_persons(session, identities.values())
        # The rows of the file that are one person are matched together, as the insert
        # makes them one person.
        members: dict[Any, list[Identity]] = {}
        lines_of: dict[Any, list[int]] = {}
        for line, key in keys.items():
            members.setdefault(key, []).append(identities[line])
            lines_of.setdefault(key, []).append(line)
        matches = {line: likely_persons(members[key], known) for line, key in keys.items()}
        # Rows that become a known person are offered to the others through that person.
        unknown = {
            line: identity
            for line, identity in identities.items()
            if Likeness.SAME not in matches[line].values()
        }
        possibly_same = self._possibly_same_rows(unknown, keys)
        programmes = self._programmes_of(
            session, sorted({pid for found in matches.values() for pid in found})
        )
        taken: dict[tuple[Any, Any], int] = {}  # (programme, person) -> the row putting them there
        on_programme = self._participations_on(
            session, sorted({row.values.get("program_external_id") for row in rows} - {None})
        )
        for row in rows:
            found = matches[row.line]
            program_id = row.values.get("program_external_id")
            already = [
                participation
                for participation, known in on_programme.get(program_id, [])
                if may_be_a_correction(identities[row.line], known)
            ]
            if already and not row.values.get("participant_external_id"):
                # Never a silent second participation: the row may correct one already
                # there (a name or birth date fixed), and only the user knows which.
                self._refuse(
                    plan,
                    row,
                    _(
                        "possibly participant %(numbers)s, already on this programme (the "
                        "name, reading, school or birth date differs): to correct that "
                        "participation, give this row its participant external ID, or "
                        "correct it on its page; if this is another person, give the row a "
                        "participant external ID of its own",
                        numbers=", ".join(
                            f"{number} ({external_id})" if external_id else str(number)
                            for number, external_id in already
                        ),
                    ),
                )
                continue
            group = keys[row.line]
            others = [line for line in lines_of[group] if line != row.line]
            if others:
                row.notes.append(
                    _(
                        "The same person as rows %(lines)s of this file.",
                        lines=", ".join(str(line) for line in others),
                    )
                )
            if possibly_same.get(row.line):
                row.notes.append(
                    _(
                        "Possibly the same person as rows %(lines)s of this file (the name, "
                        "reading or school differs): each is imported as a new person; if "
                        "they are one, merge them on the person page after the import.",
                        lines=", ".join(str(line) for line in possibly_same[row.line]),
                    )
                )
            same = [pid for pid, match in found.items() if match is Likeness.SAME]
            if len(same) > 1:
                self._refuse(
                    plan,
                    row,
                    _(
                        "the same as %(count)s persons already registered (numbers "
                        "%(numbers)s): merge them on their person page, then check the "
                        "file again",
                        count=len(same),
                        numbers=", ".join(str(pid) for pid in same),
                    ),
                )
                continue
            for person_id, match in found.items():
                text = ", ".join(title for _pid, title in programmes.get(person_id, []))
                if match is Likeness.SAME:
                    row.notes.append(
                        _(
                            "Linked to person %(number)s (%(programmes)s).",
                            number=person_id,
                            programmes=text,
                        )
                    )
                elif program_id not in {pid for pid, _title in programmes.get(person_id, [])}:
                    row.offers.append(person_id)
                    row.notes.append(
                        _(
                            "Possibly person %(number)s (%(programmes)s): the name, reading "
                            "or school differs. Choose below whether to link the row to them.",
                            number=person_id,
                            programmes=text,
                        )
                    )
            chosen = plan.links.get(row.line)
            if chosen in row.offers:
                row.linked = chosen
            person = row.linked or (same[0] if same else None)
            # Rows of one new person (numbered differently) would put them twice too.
            earlier = taken.setdefault((program_id, person or group), row.line)
            if earlier == row.line:
                continue
            if person is None:
                message = _(
                    "the same person as row %(line)s, on the same programme: one person is "
                    "on a programme once",
                    line=earlier,
                )
            else:
                message = _(
                    "row %(line)s links person %(number)s to the same programme: one "
                    "person is on a programme once",
                    line=earlier,
                    number=person,
                )
            self._refuse(plan, row, message)
        offered = [row for row in rows if row.offers and row.action == "create"]
        if offered:
            plan.warnings.append(
                Problem(
                    None,
                    None,
                    None,
                    _(
                        "%(count)s rows may be persons already registered (their rows say "
                        "who): choose for each whether to link it or make a new person, or "
                        "link all suggested. %(linked)s are linked so far.",
                        count=len(offered),
                        linked=sum(row.linked is not None for row in offered),
                    ),
                )
            )

    def _refuse_numbers_twice(self, plan: Any) -> None:
        """One roster number is one participation: a second row with it is a problem."""
        first: dict[str, int] = {}
        for row in plan.rows:
            number = row.values.get("participant_external_id")
            if row.action == "error" or not number:
                continue
            earlier = first.setdefault(number, row.line)
            if earlier != row.line:
                row.action = "error"
                plan.problems.append(
                    Problem(
                        row.line,
                        "participant_external_id",
                        None,
                        _(
                            "the participant external ID %(number)s is already on row "
                            "%(line)s of this file",
                            number=number,
                            line=earlier,
                        ),
                    )
                )

    def _participations_on(
        self, session: Session, program_ids: list[Any]
    ) -> dict[Any, list[tuple[tuple[int, str | None], Identity]]]:
        """The participations already on each programme ((id, roster number), who they are)."""
        table = Participant.__table__
        found: dict[Any, list[tuple[tuple[int, str | None], Identity]]] = {}
        for part in chunks(program_ids):
            for row in session.execute(
                self.record_select().where(
                    table.c.program_id.in_(part), table.c.anonymized_at.is_(None)
                )
            ):
                found.setdefault(row.program_id, []).append(
                    ((row.id, row.external_id), identity_of(self.values_from_record(row)))
                )
        return found

    @staticmethod
    def _refuse(plan: Any, row: RowPlan, message: str) -> None:
        row.action = "error"
        plan.problems.append(Problem(row.line, "family_name", None, message))

    @staticmethod
    def _programmes_of(session: Session, person_ids: list[int]) -> dict[int, list[tuple[int, str]]]:
        """Each person's programmes, as (id, title with its start date) in date order."""
        found: dict[int, list[tuple[int, str]]] = {}
        for part in chunks(person_ids):
            for person_id, program_id, title, start in session.execute(
                select(
                    Participant.person_id, YouthProgram.id, YouthProgram.title,
                    YouthProgram.start_date,
                )
                .join(YouthProgram, YouthProgram.id == Participant.program_id)
                .where(Participant.person_id.in_(part))
                .order_by(YouthProgram.start_date, YouthProgram.id)
            ):
                if person_id is not None:
                    found.setdefault(person_id, []).append(
                        (program_id, programme_label(title, start))
                    )
        return found

    @staticmethod
    def _possibly_same_rows(
        identities: Mapping[int, Identity], keys: Mapping[int, Any]
    ) -> dict[int, list[int]]:
        """For each new row, the other new rows of the file that may be the same person
        (``likeness`` POSSIBLE) without being one person with it."""
        by_birth: dict[date, list[int]] = {}
        for line, identity in identities.items():
            if identity.matchable and identity.birth_date is not None:
                by_birth.setdefault(identity.birth_date, []).append(line)
        found: dict[int, list[int]] = {}
        for lines in by_birth.values():
            for a, b in combinations(lines, 2):
                if keys[a] != keys[b] and (
                    likeness(identities[a], identities[b]) is Likeness.POSSIBLE
                ):
                    found.setdefault(a, []).append(b)
                    found.setdefault(b, []).append(a)
        return {line: sorted(others) for line, others in found.items()}

    @staticmethod
    def _person_keys(identities: Mapping[int, Identity]) -> dict[int, Any]:
        """Which rows (by line) are one person: the rows ``same_person_groups`` puts
        together share a key; a row that cannot be matched has one of its own."""
        groups: dict[Identity, Any] = same_person_groups(identities.values())
        return {line: groups.get(identity, ("row", line)) for line, identity in identities.items()}

    def _persons_for(self, session: Session, rows: list[RowPlan]) -> dict[int, int]:
        """The youth person of each row (by line): one known to be the same, or a new one.

        Only a person ``likeness`` calls the same is linked; one who may be the same is
        not merged silently (a new person is made, and the preview said so). The rows
        that are one person (``_person_keys``) get one person.
        """
        identities = {row.line: identity_of(row.values) for row in rows}
        keys = self._person_keys(identities)
        members: dict[Any, list[Identity]] = {}
        for line, key in keys.items():
            members.setdefault(key, []).append(identities[line])
        known = self._known_persons(session, identities.values())
        persons: dict[Any, int] = {}
        for key, group in members.items():
            same = [
                pid
                for pid, match in likely_persons(group, known).items()
                if match is Likeness.SAME
            ]
            if same:
                persons[key] = same[0]
        missing = [key for key in members if key not in persons]
        now = utcnow()
        new_ids: list[int] = []
        for part in chunks([{"created_at": now} for _person in missing], 1000):
            # New persons hold nothing but their id, so any id may go to any identity.
            new_ids.extend(
                session.connection()
                .execute(insert(YouthPerson).returning(YouthPerson.id), part)
                .scalars()
            )
        persons.update(zip(missing, new_ids, strict=True))
        return {line: persons[key] for line, key in keys.items()}

    def export_order(self) -> list[Any]:
        # Programmes as their own export orders them: ids differ between installations,
        # so an order by programme id would not survive a move to another one.
        return [*YOUTH_PROGRAM_IMPORT.export_order(), Participant.__table__.c.id]

    def export_values(self, session: Session) -> Iterable[dict[str, Any]]:
        """Every participant not yet anonymised (an anonymised one has nothing to re-import)."""
        table = Participant.__table__
        programs = YouthProgram.__table__
        rows = session.execute(
            self.record_select()
            .join(programs, programs.c.id == table.c.program_id)
            .where(table.c.anonymized_at.is_(None))
            .order_by(*self.export_order())
        )
        for row in rows:
            yield self.values_from_record(row)


YOUTH_PROGRAM_IMPORT = YouthProgramImport(YOUTH_PROGRAMS)
PARTICIPANT_IMPORT = ParticipantImport(PARTICIPANTS)

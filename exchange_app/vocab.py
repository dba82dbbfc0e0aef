"""The controlled vocabularies of the domain, each a ``StrEnum`` with translated labels.

Each enum is the single list of allowed values: the models' CHECK constraints
(``models.mixins.one_of``), the forms' choices, the imports and the exports all read
it from here. A member is its stored value (``Direction.INBOUND == "inbound"``) and
carries its label (``Direction.INBOUND.label``).
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any, Self

from flask import g, has_request_context
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l


class Vocabulary(StrEnum):
    """A vocabulary: members are declared as ``NAME = "stored value", _l("Label")``."""

    label: Any

    def __new__(cls, value: str, label: Any = None) -> Self:
        member = str.__new__(cls, value)
        member._value_ = value
        member.label = label if label is not None else value
        return member

    @classmethod
    def values(cls) -> tuple[str, ...]:
        """The stored values, in declaration order."""
        return tuple(member.value for member in cls)

    @classmethod
    def labels(cls) -> dict[str, Any]:
        """Each stored value's label, in declaration order."""
        return {member.value: member.label for member in cls}

    @classmethod
    def label_of(cls, value: Any) -> Any:
        """The label of a stored value; an unknown value is shown as it is.

        In a request the label is translated once per language and request (a list shows
        the same few labels on every row); elsewhere it stays lazy.
        """
        try:
            member = cls(value)
        except ValueError:
            return value
        if not has_request_context():
            return member.label
        translated: dict[tuple[str, str, str], str] = g.setdefault("vocabulary_labels", {})
        key = (str(get_locale()), cls.__name__, member.value)
        text = translated.get(key)
        if text is None:
            text = translated[key] = str(member.label)
        return text


class Role(Vocabulary):
    ADMIN = "admin", _l("Administrator")
    COORDINATOR = "coordinator", _l("Coordinator")
    STAFF = "staff", _l("Staff")
    VIEWER = "viewer", _l("Viewer")


class RelationshipType(Vocabulary):
    FRIENDSHIP = "friendship", _l("Friendship city")
    SISTER = "sister", _l("Sister city")
    FRIENDSHIP_COOPERATION = "friendship_cooperation", _l("Friendship and cooperation city")
    EXCHANGE = "exchange", _l("Exchange city")
    FRIENDSHIP_EXCHANGE = "friendship_exchange", _l("Friendship exchange city")


class DatePrecision(Vocabulary):
    YEAR = "year", _l("Year only")
    MONTH = "month", _l("Year and month")
    DAY = "day", _l("Exact day")


class EventDatePrecision(Vocabulary):
    """A step in a relationship's history may be known only to the decade ("the 1980s")."""

    DECADE = "decade", _l("Decade only")
    YEAR = "year", _l("Year only")
    MONTH = "month", _l("Year and month")
    DAY = "day", _l("Exact day")


class RelationshipEventKind(Vocabulary):
    SIGNED = "signed", _l("Agreement signed")
    INHERITED = "inherited", _l("Relationship taken over")
    RENEWED = "renewed", _l("Agreement renewed")
    ANNIVERSARY_HELD = "anniversary_held", _l("Anniversary held")
    CITIZENS_EXCHANGE = "citizens_exchange", _l("Citizens' exchange")
    GIFT = "gift", _l("Gift")
    OTHER = "other", _l("Other")


class ExchangeField(Vocabulary):
    YOUTH = "youth", _l("Youth")
    TOURISM = "tourism", _l("Tourism")
    EDUCATION = "education", _l("Education")
    CULTURE = "culture", _l("Culture")
    ECONOMY = "economy", _l("Economy")
    TECHNOLOGY = "technology", _l("Technology")
    MEDICAL = "medical", _l("Medical")
    SPORTS = "sports", _l("Sports")
    ENVIRONMENT = "environment", _l("Environment")
    ARTS = "arts", _l("Arts")
    ADMINISTRATION = "administration", _l("Administration")


class Direction(Vocabulary):
    INBOUND = "inbound", _l("Inbound (hosted)")
    OUTBOUND = "outbound", _l("Outbound (sent)")


class GiftDirection(Vocabulary):
    GIVEN = "given", _l("Given")
    RECEIVED = "received", _l("Received")


class YouthProgramKind(Vocabulary):
    PARTNER_EXCHANGE = "partner_exchange", _l("Exchange with a partner city")
    INTERNATIONAL_CONFERENCE = "international_conference", _l("International conference")
    OTHER = "other", _l("Other")


class ParticipantRole(Vocabulary):
    YOUTH = "youth", _l("Youth")
    CHAPERONE = "chaperone", _l("Chaperone")
    STAFF = "staff", _l("Staff member")


class ParticipantStatus(Vocabulary):
    APPLIED = "applied", _l("Applied")
    SELECTED = "selected", _l("Selected")
    PARTICIPATED = "participated", _l("Participated")
    WITHDRAWN = "withdrawn", _l("Withdrawn")


# Those who go (or went) on the trip: a young one needs the guardian's consent date, and a
# history counts them in the party; applicants and withdrawals are neither.
TRAVELLING_STATUSES = (ParticipantStatus.SELECTED, ParticipantStatus.PARTICIPATED)


class OrganizationKind(Vocabulary):
    INTERNATIONAL_ORGANIZATION = "international_organization", _l("International organisation")
    EMBASSY_CONSULATE = "embassy_consulate", _l("Embassy or consulate")
    OVERSEAS_OFFICE = "overseas_office", _l("City's overseas office")
    TOKYO_OFFICE = "tokyo_office", _l("City's Tokyo office")
    FOREIGN_CITY = "foreign_city", _l("Foreign city (not a partner)")
    OTHER = "other", _l("Other")


class PromotionChannel(Vocabulary):
    PARTNER_CITY = "partner_city", _l("Partner city")
    INTERNATIONAL_ORGANIZATION = "international_organization", _l("International organisation")
    EMBASSY_CONSULATE = "embassy_consulate", _l("Embassy or consulate")
    OVERSEAS_OFFICE = "overseas_office", _l("City's overseas office")
    TOKYO_OFFICE = "tokyo_office", _l("City's Tokyo office")
    INTERNATIONAL_CONFERENCE = "international_conference", _l("International conference")
    FOREIGN_CITY = "foreign_city", _l("Foreign city")


class PromotionTheme(Vocabulary):
    GROUNDWATER = "groundwater", _l("Groundwater / water brand")
    KUMAMOTO_CASTLE = "kumamoto_castle", _l("Kumamoto Castle")
    FOOD = "food", _l("Food")
    TOURISM = "tourism", _l("Tourism")
    CULTURE = "culture", _l("Culture")
    BUSINESS = "business", _l("Business")
    OTHER = "other", _l("Other")


class PromotionMedium(Vocabulary):
    EVENT = "event", _l("Event")
    EXHIBITION = "exhibition", _l("Exhibition")
    PRESENTATION = "presentation", _l("Presentation")
    PUBLICATION = "publication", _l("Publication")
    ONLINE = "online", _l("Online")
    MEDIA_COVERAGE = "media_coverage", _l("Media coverage")


class IndicatorBasis(Vocabulary):
    FISCAL = "fiscal", _l("Fiscal year")
    CALENDAR = "calendar", _l("Calendar year")


class IndicatorSource(Vocabulary):
    COMPUTED = "computed"
    ENTERED = "entered"


class IndicatorValueStatus(Vocabulary):
    DRAFT = "draft", _l("Draft")
    CONFIRMED = "confirmed", _l("Confirmed")


# A year with no figure yet is shown with this label beside the stored statuses.
MISSING_VALUE_LABEL = _l("Not entered")


class IndicatorUnit(Vocabulary):
    PEOPLE = "people", _l("people")
    PERCENT = "percent", _l("%")
    EVENTS = "events", _l("events")
    COMPANIES = "companies", _l("companies")
    CASES = "cases", _l("cases")


class IndicatorState(Vocabulary):
    ON_TRACK = "on_track", _l("On track")
    BEHIND = "behind", _l("Behind")


class AuditAction(Vocabulary):
    CREATE = "create", _l("Created")
    UPDATE = "update", _l("Updated")
    DELETE = "delete", _l("Deleted")
    VIEW = "view", _l("Viewed")
    EXPORT = "export", _l("Exported")
    IMPORT = "import", _l("Imported")
    PURGE = "purge", _l("Personal data removed")
    CONFIRM = "confirm", _l("Confirmed")


class EntityType(Vocabulary):
    """What an audit entry is about."""

    DELEGATION = "delegation", _l("Delegation")
    YOUTH_PROGRAM = "youth_program", _l("Youth programme")
    PARTICIPANT = "participant", _l("Participant")
    YOUTH_PERSON = "youth_person", _l("Young person")
    PROMOTION = "promotion", _l("Promotion")
    ORGANIZATION = "organization", _l("Organisation")
    COUNTERPART = "counterpart", _l("Counterpart person")
    PARTNER_CITY = "partner_city", _l("Partner city")
    INDICATOR_VALUE = "indicator_value", _l("Indicator figure")
    INDICATOR_YEAR = "indicator_year", _l("Indicator year")
    HISTORY_REPORT = "history_report", _l("Anniversary history")
    USER = "user", _l("User")
    API_TOKEN = "api_token", _l("API token")


class JobKind(Vocabulary):
    """Heavy work done by the job queue, never inside a web request."""

    IMPORT_CHECK = "import_check", _l("Checking an uploaded file")
    IMPORT_APPLY = "import_apply", _l("Importing a file")
    HISTORY_PDF = "history_pdf", _l("Laying out a history PDF")
    WORKBOOK_EXPORT = "workbook_export", _l("Writing the whole office's workbook")


class JobStatus(Vocabulary):
    QUEUED = "queued", _l("Waiting to start")
    RUNNING = "running", _l("Running")
    DONE = "done", _l("Finished")
    FAILED = "failed", _l("Failed")


class StoredFilePurpose(Vocabulary):
    """What a file kept in the database is for."""

    IMPORT_UPLOAD = "import_upload", _l("Uploaded file waiting for import")
    IMPORT_PLAN = "import_plan", _l("Checked import file")
    HISTORY_PDF = "history_pdf", _l("History PDF")
    WORKBOOK_EXPORT = "workbook_export", _l("Whole-office workbook waiting for download")


class HistoryLanguage(Vocabulary):
    """The languages an anniversary history is written in."""

    JA = "ja", _l("Japanese")
    EN = "en", _l("English")
    BOTH = "both", _l("Japanese and English")

INDICATOR_PILLAR_LABELS = {
    1: _l("Strategic overseas expansion"),
    2: _l("Local internationalisation"),
}
BASIC_POLICY_LABELS = {
    1: _l("Raising the city's brand and communicating it effectively"),
    2: _l("Promoting business with other countries"),
    3: _l("Raising the city's international presence through its international network"),
    4: _l("Promoting a multicultural society"),
    5: _l("Developing global talent and handing it on to the next generation"),
}


def indicator_value_status_label(status: str) -> Any:
    """The label of an indicator figure's status, ``missing`` (not entered) included."""
    return MISSING_VALUE_LABEL if status == "missing" else IndicatorValueStatus.label_of(status)

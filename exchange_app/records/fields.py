"""One field of a record kind, declared once: its type, label, limits and vocabulary.

The form's validators, the import's column and its checks, the exports, the change
history and the personal-data purge all read the same ``Field``, so a limit or a
label cannot differ between them. ``Field.check`` is the one function that says
whether a clean value is allowed; the form and the import show its message.
"""

from __future__ import annotations

import builtins
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from flask_babel import gettext as _

if TYPE_CHECKING:
    from exchange_app.vocab import Vocabulary


class FieldType(StrEnum):
    """How a field's value is held, entered, read from a file and shown."""

    TEXT = "text"  # one line
    LONG_TEXT = "long_text"  # several lines; the change history shows a word-level difference
    INTEGER = "int"
    DATE = "date"
    BOOLEAN = "bool"
    CHOICE = "choice"  # one value of a vocabulary
    CHOICES = "choices"  # a set of values of a vocabulary (order is no change)
    COUNTRY = "country"  # an ISO 3166 code, shown by its CLDR name
    REFERENCE = "reference"  # another record, by id
    REFERENCES = "references"  # a set of other records
    ROWS = "rows"  # repeatable child rows (members, courtesy calls, gifts)


TEXT_TYPES = frozenset({FieldType.TEXT, FieldType.LONG_TEXT})
SET_TYPES = frozenset({FieldType.CHOICES, FieldType.REFERENCES})


@dataclass(frozen=True)
class Reference:
    """The record a ``REFERENCE`` field points at, and how a file names it.

    ``names`` are the columns whose text identifies the record in an import file
    (compared after NFKC and case folding); ``external_id_prefix`` instead matches the
    record's ``external_id`` (or the ``<prefix>-<id>`` the export makes up). ``details``
    are the columns the kind's rules need (an organisation's kind, a programme's dates).
    """

    model: Any
    names: tuple[str, ...] = ()
    external_id_prefix: str | None = None
    details: tuple[str, ...] = ()
    audit_name: str | None = None  # the attribute written to the audit trail instead of the id
    export_name: str | None = None  # the attribute the import-format export writes
    merged_into: str | None = None  # a merged record stands for the one it was merged into
    extra_names: Callable[[str], Iterable[str]] | None = None  # e.g. 桂林 for 桂林市
    # The (id, label) choices a form offers, in order: ``options(session, language)``.
    options: Callable[[Any, str], Iterable[tuple[int, str]]] | None = None
    # The import template's notes: what the column holds (ja, en) and the values it takes.
    type_note: tuple[str, str] = ("", "")
    allowed_values: str = ""
    # Referenced records are put in this attribute's order (a set of leading projects).
    sort_key: str | None = None
    # How a referenced record is named on a page or in a list export: ``label(record, lang)``.
    label: Callable[[Any, str], str] | None = None
    unknown_message: Callable[[str], str] = lambda value: _(
        "'%(value)s' is not known.", value=value
    )
    # A form offers the records to choose from: a value not among them gets this message.
    not_offered_message: Any = None


@dataclass(frozen=True)
class ImportColumn:
    """How a field appears in an import file: its column key, accepted headers and notes.

    The notes are bilingual on purpose: they fill the template's notes sheet, which is
    read in Japanese and in English at once.
    """

    key: str
    aliases: tuple[str, ...] = ()
    note_ja: str = ""
    note_en: str = ""
    example: Any = None
    # Codes and readings (ids, kana, phone numbers) are fully NFKC-normalised; prose keeps
    # its Japanese punctuation.
    structured: bool = False


@dataclass(frozen=True)
class Field:
    """A field of a record kind."""

    key: str
    type: FieldType
    label: Any
    required: bool = False
    max_length: int | None = None
    minimum: int | None = None
    maximum: int | None = None
    vocabulary: builtins.type[Vocabulary] | None = None
    reference: Reference | None = None
    rows: RowKind | None = None
    personal: bool = False
    # The model attribute, where it differs from the key.
    attribute: str | None = None
    # For a reference: the relationship that holds the referenced record(s).
    relationship: str | None = None
    # The key of the value in the audit trail, where it differs from the key.
    audit_key: str | None = None
    # Whether changes of this field are shown in the change history.
    history: bool = True
    import_column: ImportColumn | None = None
    # The header of this field's column in the list export (None: not exported).
    export_header: str | None = None
    # Messages that say what to enter; a generic one is used when None.
    required_message: Any = None
    range_message: Any = None
    invalid_message: Any = None
    help: Any = None
    # For a reference shown as a select: the label of the empty choice.
    blank_label: Any = "—"
    # Whether the record's form edits this field (an external id is set by imports only).
    in_form: bool = True

    @property
    def model_attribute(self) -> str:
        """The attribute of the model (or row model) that holds the value."""
        return self.attribute or self.key

    @property
    def audit_name(self) -> str:
        """The key of this field in audit snapshots."""
        return self.audit_key or self.key

    def check(self, value: Any) -> str | None:
        """What is wrong with a clean ``value`` of this field, or None when it is allowed.

        Every path into the database (form, import, API, command) calls this, so the
        message is the same wherever the value came from.
        """
        if value is None or value == "" or value == []:
            if self.required:
                return str(self.required_message or _("This field is required."))
            return None
        if self.type in TEXT_TYPES:
            return self._check_text(str(value))
        if self.type is FieldType.INTEGER:
            return self._check_range(value)
        if self.type is FieldType.COUNTRY:
            from exchange_app.countries import is_country

            return None if is_country(str(value)) else _("Choose a country from the list.")
        allowed = self.vocabulary.values() if self.vocabulary is not None else None
        if self.type is FieldType.CHOICE and allowed is not None and value not in allowed:
            return _("Choose a value from the list.")
        if self.type is FieldType.CHOICES and allowed is not None and set(value) - set(allowed):
            return _("Choose values from the list.")
        return None

    def _check_text(self, text: str) -> str | None:
        if any(ord(c) < 32 and c not in "\n\r\t" for c in text) or "\x7f" in text:
            return _("This text contains characters that cannot be stored.")
        if self.type is FieldType.TEXT and ("\n" in text or "\r" in text):
            return _("This text must be on one line.")
        if self.max_length is not None and len(text) > self.max_length:
            return _("This text is too long: at most %(max)d characters.", max=self.max_length)
        return None

    def _check_range(self, value: Any) -> str | None:
        if not isinstance(value, int) or isinstance(value, bool):
            return str(self.invalid_message or _("Enter a whole number."))
        low, high = self.minimum, self.maximum
        if (low is not None and value < low) or (high is not None and value > high):
            if self.range_message is not None:
                return str(self.range_message)
            if low is not None and high is not None:
                return _("Enter a number from %(min)s to %(max)s.", min=f"{low:,}", max=f"{high:,}")
            if low is not None:
                return _("Enter a number of at least %(min)s.", min=f"{low:,}")
            return _("Enter a number of at most %(max)s.", max=f"{high:,}")
        return None


@dataclass(frozen=True)
class RowKind:
    """Repeatable child rows of a record (a delegation's members), each row's fields declared."""

    key: str
    model: Any
    label: Any
    fields: tuple[Field, ...]
    add_label: Any = None
    # Fields that do not make a row count as filled in (a select with a default).
    not_content: frozenset[str] = frozenset()
    # Model columns that are not declared fields (keys, the row's position).
    not_declared: frozenset[str] = frozenset({"id", "position"})
    # One row as a line of the list export.
    export_line: Callable[[Any], str] | None = None

    def field(self, key: str) -> Field:
        """The declared field called ``key``."""
        for item in self.fields:
            if item.key == key:
                return item
        raise KeyError(key)

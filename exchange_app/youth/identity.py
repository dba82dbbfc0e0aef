"""Who a participant is: the one comparison of young people across programmes and files.

The registration form, the participants import and the person pages all call
``identity_of`` and ``likeness``. Names are compared after NFKC normalisation, with
hiragana read as katakana and spaces and middle dots left out; what was typed is stored
as it was typed (``kind.normalised`` only tidies it).
"""

from __future__ import annotations

import enum
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from itertools import combinations
from typing import Any

import jaconv

# Spaces of every width and the middle dots that separate names (・ ･ · ‧).
_SEPARATORS = re.compile(r"[\s\u30fb\uff65\u00b7\u2027]+")


def comparable_text(*parts: str | None) -> str | None:
    """A name or school as compared: NFKC, without spaces or dots (None when empty)."""
    text = _SEPARATORS.sub("", unicodedata.normalize("NFKC", "".join(p or "" for p in parts)))
    return text.casefold() or None


def comparable_reading(*parts: str | None) -> str | None:
    """A reading (フリガナ) as compared: ``comparable_text`` in full-width katakana."""
    text = comparable_text(*parts)
    return jaconv.hira2kata(text) if text else None


@dataclass(frozen=True)
class Identity:
    """What tells one young person from another, in comparable form."""

    reading: str | None
    name: str | None
    birth_date: date | None
    school: str | None = None

    @property
    def matchable(self) -> bool:
        """Whether this can be compared at all: a birth date, and a reading or a name."""
        return self.birth_date is not None and bool(self.reading or self.name)


def identity_of(values: Mapping[str, Any]) -> Identity:
    """The identity of a participant's values (a form's, an import row's or a record's)."""
    return Identity(
        reading=comparable_reading(values.get("family_name_kana"), values.get("given_name_kana")),
        name=comparable_text(values.get("family_name"), values.get("given_name")),
        birth_date=values.get("birth_date"),
        school=comparable_text(values.get("school")),
    )


def identity_of_record(record: Any) -> Identity:
    """The identity of a stored participant (a model or a row with the same attributes)."""
    return identity_of(
        {
            key: getattr(record, key, None)
            for key in (
                "family_name_kana",
                "given_name_kana",
                "family_name",
                "given_name",
                "birth_date",
                "school",
            )
        }
    )


class Likeness(enum.StrEnum):
    """How sure a comparison is that two identities are one person."""

    SAME = "same"  # the same reading (or, without one, name), birth date, name and school
    POSSIBLE = "possible"  # the same birth date and reading or name, something else differs


def likeness(a: Identity, b: Identity) -> Likeness | None:
    """Whether ``a`` and ``b`` are the same person, possibly so, or not (None).

    The same reading and birth date with a different name (kanji) or school is only
    possibly the same person: someone must decide. Without a reading on either side,
    the name and birth date decide.
    """
    if not (a.matchable and b.matchable) or a.birth_date != b.birth_date:
        return None
    schools_agree = not a.school or not b.school or a.school == b.school
    if a.reading and b.reading:
        if a.reading == b.reading:
            return Likeness.SAME if a.name == b.name and schools_agree else Likeness.POSSIBLE
        # Two readings of one written name: a typing slip, or two people.
        return Likeness.POSSIBLE if a.name and a.name == b.name else None
    if a.name and a.name == b.name:
        return Likeness.SAME if schools_agree else Likeness.POSSIBLE
    return None


def may_be_a_correction(row: Identity, known: Identity) -> bool:
    """Whether ``row`` may be ``known`` with a detail corrected: possibly the same person
    (``likeness``), or the same reading and name with another birth date. Said of a new
    row and a participation already on the row's programme, which are never the same
    person silently (the one person is on a programme once)."""
    match = likeness(row, known)
    if match is Likeness.POSSIBLE:
        return True
    if match is Likeness.SAME or not (row.reading or row.name):
        return False
    if row.birth_date == known.birth_date:
        return False
    same_reading = bool(row.reading and known.reading and row.reading == known.reading)
    same_name = bool(row.name and known.name and row.name == known.name)
    no_reading = not (row.reading and known.reading)
    return (same_reading and (same_name or not (row.name and known.name))) or (
        no_reading and same_name
    )


def same_person_groups(identities: Iterable[Identity]) -> dict[Identity, Identity]:
    """Each matchable identity's group, named by one of its members: identities that
    ``likeness`` calls the same (directly or through another) are one person. The new
    rows of one file that are one person become one new person."""
    by_birth: dict[date, list[Identity]] = {}
    for identity in dict.fromkeys(identities):
        if identity.matchable and identity.birth_date is not None:
            by_birth.setdefault(identity.birth_date, []).append(identity)
    parent = {identity: identity for group in by_birth.values() for identity in group}

    def root(identity: Identity) -> Identity:
        while parent[identity] != identity:
            identity = parent[identity]
        return identity

    for group in by_birth.values():
        for a, b in combinations(group, 2):
            if likeness(a, b) is Likeness.SAME:
                parent[root(b)] = root(a)
    return {identity: root(identity) for identity in parent}

#!/usr/bin/env python3
"""Translation catalogs: fill English from the source strings, report gaps in Japanese.

python scripts/i18n.py fill-en     # English msgstr = msgid (the source language)
python scripts/i18n.py missing     # list msgids without a Japanese translation
python scripts/i18n.py apply FILE  # merge a JSON {msgid: japanese} into the ja catalog
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
CATALOGS = ROOT / "exchange_app" / "translations"


def _load(locale: str):
    path = CATALOGS / locale / "LC_MESSAGES" / "messages.po"
    with path.open("rb") as handle:
        return path, read_po(handle, locale=locale)


def _save(path: Path, catalog) -> None:
    with path.open("wb") as handle:
        write_po(handle, catalog, omit_header=False, no_location=True, sort_output=True, width=76)


def fill_en() -> None:
    path, catalog = _load("en")
    for message in catalog:
        if not message.id:
            continue
        if isinstance(message.id, tuple):
            message.string = tuple(message.id)
        else:
            message.string = message.id
        message.flags.discard("fuzzy")
    _save(path, catalog)


def missing() -> int:
    _path, catalog = _load("ja")
    gaps = [
        m.id
        for m in catalog
        if m.id
        and (
            not m.string
            or "fuzzy" in m.flags
            or (isinstance(m.string, tuple) and not all(m.string))
        )
    ]
    for gap in gaps:
        print(gap)
    return 1 if gaps else 0


def apply(json_file: str) -> None:
    path, catalog = _load("ja")
    translations = json.loads(Path(json_file).read_text("utf-8"))
    for message in catalog:
        if message.id and not isinstance(message.id, tuple) and message.id in translations:
            message.string = translations[message.id]
            message.flags.discard("fuzzy")
    _save(path, catalog)


if __name__ == "__main__":
    command = sys.argv[1] if len(sys.argv) > 1 else "missing"
    if command == "fill-en":
        fill_en()
    elif command == "apply":
        apply(sys.argv[2])
    else:
        sys.exit(missing())

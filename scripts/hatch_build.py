"""Build hook: compile the translation catalogues (.po) into the wheel (.mo).

The compiled catalogues are not kept in the repository. A wheel gets freshly compiled ones, so
an install without ``make`` still shows Japanese; an editable install compiles them in place
(``exchange_app/translations/<lang>/LC_MESSAGES/messages.mo``, git-ignored).
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from hatchling.builders.hooks.plugin.interface import BuildHookInterface

TRANSLATIONS = Path("exchange_app") / "translations"


def compile_catalogues(source_root: Path, target_root: Path) -> list[Path]:
    """Compile every ``<lang>/LC_MESSAGES/*.po`` under ``source_root`` into ``target_root``.

    Fuzzy entries are kept, as ``pybabel compile --use-fuzzy`` does (``make translations``).
    """
    written = []
    for po_path in sorted(source_root.glob("*/LC_MESSAGES/*.po")):
        relative = po_path.relative_to(source_root).with_suffix(".mo")
        mo_path = target_root / relative
        mo_path.parent.mkdir(parents=True, exist_ok=True)
        with po_path.open("rb") as handle:
            catalog = read_po(handle, locale=relative.parts[0])
        with mo_path.open("wb") as handle:
            write_mo(handle, catalog, use_fuzzy=True)
        written.append(relative)
    if not written:
        raise RuntimeError(f"no translation catalogues under {source_root}")
    return written


class TranslationsBuildHook(BuildHookInterface):  # type: ignore[type-arg]
    """Compiles the catalogues before the wheel is assembled."""

    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        source = Path(self.root) / TRANSLATIONS
        if version == "editable":
            compile_catalogues(source, source)
            return
        self._compiled = tempfile.TemporaryDirectory(prefix="exchange-app-mo-")
        target = Path(self._compiled.name)
        for relative in compile_catalogues(source, target):
            build_data["force_include"][str(target / relative)] = str(TRANSLATIONS / relative)

    def finalize(self, version: str, build_data: dict[str, Any], artifact_path: str) -> None:
        compiled = getattr(self, "_compiled", None)
        if compiled is not None:
            compiled.cleanup()

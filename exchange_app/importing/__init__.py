"""The import engine: spreadsheets in, checked whole, written all or nothing; and back out.

It knows no feature: each feature declares its kinds (``RecordKind`` with import
columns) and hands a ``KindImport`` to these functions.

- ``readers``: the uploaded file to a table (xlsx values, or CSV in UTF-8 / cp932);
- ``normalise``: cell values to clean values (NFKC, 和暦, vocabularies, lists);
- ``columns``: header matching and the notes all templates share;
- ``bulk``: a kind's rows read and written in bulk from its declaration;
- ``plan``: checking a whole file, then writing all rows or none;
- ``spreadsheets``: templates and exports; ``uploads``: files kept between the steps.
"""

from exchange_app.importing.bulk import KindImport, RowPlan
from exchange_app.importing.plan import (
    ImportPlan,
    ImportRefused,
    Problem,
    apply_plan,
    plan_import,
)

__all__ = [
    "ImportPlan",
    "ImportRefused",
    "KindImport",
    "Problem",
    "RowPlan",
    "apply_plan",
    "plan_import",
]

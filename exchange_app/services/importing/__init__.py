"""Bulk import and export of delegations, youth programmes, participants and promotions.

- ``readers``: the uploaded file to a table (xlsx values, or CSV in UTF-8 / cp932);
- ``normalise``: cell values to clean values (NFKC, 和暦, vocabularies, lists);
- ``columns`` and ``kinds``: each kind's columns, rules, and bulk reads and writes;
- ``rules``: row rules owned by other features, in one replaceable place;
- ``plan``: checking a whole file, then writing all rows or none;
- ``spreadsheets``: templates and exports; ``uploads``: files kept between the steps.
"""

from exchange_app.services.importing.kinds import KINDS, get_kind
from exchange_app.services.importing.plan import (
    ImportPlan,
    ImportRefused,
    Problem,
    apply_plan,
    plan_import,
)

__all__ = [
    "KINDS",
    "ImportPlan",
    "ImportRefused",
    "Problem",
    "apply_plan",
    "get_kind",
    "plan_import",
]

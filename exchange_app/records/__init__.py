"""Record kinds: each kind of record declared once, and what reads the declaration.

- ``fields``: a field's type, label, limits, vocabulary, import column and export header;
- ``kind``: a kind's fields and its rules across fields; snapshots for the audit trail;
- ``forms``: WTForms forms built from a kind; ``operations``: create, update, delete;
- ``history``: the change history of any record; ``exports``: the list export;
- ``filters``: the one parser of every list's query-string filters.
"""

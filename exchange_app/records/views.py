"""The request flow every record's pages share: found or 404, create once, save, delete, export.

A feature's view loads its form and its record, then hands the submission to one of these,
so that a stale form is refused (409) the same way, a creation form sent twice creates one
record, and every save ends in one commit and a redirect.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any, TypeVar

from flask import abort, flash, make_response, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from exchange_app import current_language
from exchange_app.db import begin_write, get_session
from exchange_app.records.exports import export_headers, export_rows
from exchange_app.records.filters import legacy_query
from exchange_app.records.forms import KindForm
from exchange_app.records.kind import RecordKind
from exchange_app.records.operations import RecordRefused
from exchange_app.services import audit, exports, form_tokens
from exchange_app.services.form_tokens import ALREADY_SAVED
from exchange_app.services.records import version_conflict
from exchange_app.vocab import AuditAction

T = TypeVar("T")
F = TypeVar("F", bound=KindForm)
ViewResult = str | Response | tuple[str, int]


def no_store(response: Any) -> Response:
    """The response, marked never to be stored by a browser or proxy (personal data)."""
    response = make_response(response)
    response.headers["Cache-Control"] = "no-store"
    response.headers["Pragma"] = "no-cache"
    return response


def found(record: T | None) -> T:
    """The record, or a 404 when there is none."""
    if record is None:
        abort(404)
    return record


def record_form(form_class: type[F], record: Any = None, **options: Any) -> F:
    """A kind's edit form: shown with ``record``'s values, or with what was typed when it
    comes back submitted; its reference fields offer what they may point at."""
    form = form_class(obj=None if request.method == "POST" else record, **options)
    form.set_reference_choices(get_session(), current_language())
    if record is not None and not form.is_submitted():
        form.load_record(record)
    return form


def legacy_redirect(endpoint: str, **values: Any) -> Response | None:
    """A 301 to the current spelling of a link with an old one (``partner=<id>``)."""
    legacy = legacy_query(get_session(), request.args)
    if legacy is None:
        return None
    return redirect(f"{url_for(endpoint, **values)}?{legacy}", 301)


def add_errors(form: Any, errors: Mapping[str, str]) -> None:
    """Show a refused operation's messages on the form's fields."""
    for name, message in errors.items():
        field = form._fields.get(name)
        if field is not None:
            field.errors = [*field.errors, message]


def create_once(
    kind: RecordKind, form: Any, create: Callable[[], int], message: str, endpoint: str, key: str
) -> Response | None:
    """Create the record of a valid form once per form token, commit and show it.

    None when the operation refused the values (the form then shows why).
    """
    session = get_session()
    try:
        record_id, created = form_tokens.create_once(
            session, form.form_token.data, kind.entity_type, create, current_user.id
        )
    except RecordRefused as refused:
        add_errors(form, refused.errors)
        return None
    session.commit()
    if created:
        flash(message, "success")
    else:
        flash(str(ALREADY_SAVED), "info")
    values: dict[str, Any] = {key: record_id}
    return redirect(url_for(endpoint, **values))


def save_changes(
    record: Any, form: Any, update: Callable[[], Any], render: Callable[[bool], str], done: str
) -> ViewResult | None:
    """Save a submitted edit form: 409 over a newer version, else update, commit, redirect.

    None when the form is invalid or the operation refused it (the form then shows why).
    """
    valid = form.validate()
    if version_conflict(record, form.version.data):
        return render(True), 409
    if not valid:
        return None
    try:
        changes = update()
    except RecordRefused as refused:
        add_errors(form, refused.errors)
        return None
    get_session().commit()
    flash(_("Saved.") if changes else _("Nothing was changed."), "success")
    return redirect(done)


def confirm_delete(
    record: Any,
    form: Any,
    delete: Callable[[], None],
    render: Callable[[bool], str],
    message: str,
    done: str,
) -> ViewResult:
    """Ask, then delete on a confirmed POST; refused (409) if the record changed meanwhile."""
    if not form.is_submitted():
        form.version.data = str(record.version)
    if not form.validate_on_submit():
        return render(False)
    if version_conflict(record, form.version.data):
        return render(True), 409
    delete()
    get_session().commit()
    flash(message, "success")
    return redirect(done)


def export_list(
    kind: RecordKind,
    records: Iterable[Any],
    *,
    basename: str,
    sheet_title: str,
    audit_entry: Callable[[str, int], Mapping[str, Any]],
) -> Response:
    """The list as xlsx or CSV (UTF-8 with BOM, or cp932), its making audited.

    ``audit_entry(file_format, row count)`` gives the audit entry's summary and changes.
    """
    session = get_session()
    file_format = "csv" if request.args.get("format") == "csv" else "xlsx"
    encoding = "cp932" if request.args.get("encoding") == "cp932" else "utf-8-sig"
    rows = export_rows(kind, records)
    substituted: list[exports.Unencodable] = []
    # Built before the audit entry: an export refused (Shift_JIS) is not recorded as made.
    response = exports.table_download(
        export_headers(kind),
        rows,
        basename=basename,
        file_format=file_format,
        encoding=encoding,
        sheet_title=sheet_title,
        substitute=exports.substitution_requested(request.args),
        substitutions=substituted,
    )
    entry = dict(audit_entry(file_format, len(rows)))
    entry["changes"] = {**entry.get("changes", {}), **exports.substitution_audit(substituted)}
    begin_write(session)
    audit.record(session, AuditAction.EXPORT, kind.entity_type, None, **entry)
    session.commit()
    return response

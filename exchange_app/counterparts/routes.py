"""Counterpart pages: the directory, one person's page, new, edit, merge, delete.

Business contacts are seen by everyone who reads records; private contacts only by
coordinators and admins, and each page that shows them is logged and never cached.
"""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from exchange_app import current_language
from exchange_app.auth.permissions import (
    PERSONAL_DATA,
    READ_RECORDS,
    WRITE_RECORDS,
    can,
    log_personal_data_access,
    requires,
)
from exchange_app.counterparts import bp, operations, queries
from exchange_app.counterparts.forms import (
    CounterpartBusinessForm,
    CounterpartForm,
    DeleteForm,
    MergeForm,
)
from exchange_app.counterparts.kind import COUNTERPARTS
from exchange_app.db import get_session
from exchange_app.models import Counterpart
from exchange_app.records.forms import KindForm
from exchange_app.records.history import change_history
from exchange_app.records.views import (
    ViewResult,
    confirm_delete,
    create_once,
    found,
    no_store,
    record_form,
    save_changes,
)
from exchange_app.services import partners
from exchange_app.services.counterparts import active_counterparts
from exchange_app.services.pagination import paginate
from exchange_app.services.records import version_conflict


def _form_class() -> type[KindForm]:
    return CounterpartForm if can(PERSONAL_DATA) else CounterpartBusinessForm


def _private(response: ViewResult, counterpart: Counterpart | None) -> ViewResult:
    """A page that holds private contacts: logged and never cached, for those who see them."""
    if not can(PERSONAL_DATA):
        return response
    log_personal_data_access(counterpart_id=counterpart.id if counterpart else None)
    if isinstance(response, tuple):
        return no_store(response[0]), response[1]  # type: ignore[return-value]
    return no_store(response)


def _render_form(form: KindForm, counterpart: Counterpart | None, conflict: bool = False) -> str:
    return render_template(
        "counterparts/form.html",
        form=form,
        counterpart=counterpart,
        conflict=conflict,
        posts_template=form.row_template("posts"),
    )


@bp.route("/")
@requires(READ_RECORDS)
def index() -> str:
    """The directory: search by name or post, filter by partner city, sorted."""
    session = get_session()
    filters = queries.parse_filters(request.args)
    page = paginate(session, queries.list_statement(filters), request.args.get("page"))
    return render_template(
        "counterparts/index.html",
        page=page,
        filters=filters,
        last_met=queries.last_met(session, [c.id for c in page.items]),
        cities=partners.list_partner_cities(session),
    )


@bp.route("/new", methods=["GET", "POST"])
@requires(WRITE_RECORDS)
def new() -> ViewResult:
    """Add a person to the directory."""
    session = get_session()
    form = record_form(_form_class())
    if not form.is_submitted():
        city = partners.get_partner_city_by_slug(session, request.args.get("city", ""))
        if city is not None:
            form.partner_city_id.data = str(city.id)
        form.add_row("posts")
    elif not form.apply_row_action(request.form.get("row_action", "")) and form.validate():
        saved = create_once(
            COUNTERPARTS,
            form,
            lambda: operations.create_counterpart(session, form.values(), current_user.id).id,
            _("The person has been added to the directory."),
            "counterparts.detail",
            "counterpart_id",
        )
        if saved is not None:
            return saved
    return _private(_render_form(form, None), None)


@bp.route("/<int:counterpart_id>")
@requires(READ_RECORDS)
def detail(counterpart_id: int) -> ViewResult:
    """A person: posts over the years, contacts, every visit, meeting and gift."""
    session = get_session()
    counterpart = found(queries.get_counterpart(session, counterpart_id))
    if counterpart.merged_into_id is not None:
        flash(_("This record was merged into another one: its page is shown."), "info")
        return redirect(url_for("counterparts.detail", counterpart_id=counterpart.merged_into_id))
    met = queries.encounters(session, counterpart.id)
    page = render_template(
        "counterparts/detail.html",
        counterpart=counterpart,
        encounters=met,
        visits=queries.visits_of(met),
        duplicates=queries.possible_duplicates(session, counterpart),
        history=change_history(session, COUNTERPARTS, counterpart.id),
    )
    return _private(page, counterpart)


@bp.route("/<int:counterpart_id>/edit", methods=["GET", "POST"])
@requires(WRITE_RECORDS)
def edit(counterpart_id: int) -> ViewResult:
    """Change a person; a save over someone else's newer change is refused (409)."""
    session = get_session()
    counterpart = found(queries.get_counterpart(session, counterpart_id))
    if counterpart.merged_into_id is not None:
        flash(_("This record was merged into another one and can no longer be edited."), "warning")
        return redirect(url_for("counterparts.detail", counterpart_id=counterpart.id))
    form = record_form(_form_class(), counterpart)
    if form.is_submitted() and not form.apply_row_action(request.form.get("row_action", "")):
        saved = save_changes(
            counterpart,
            form,
            lambda: operations.update_counterpart(
                session, counterpart, form.values(), current_user.id
            ),
            lambda conflict: _render_form(form, counterpart, conflict),
            url_for("counterparts.detail", counterpart_id=counterpart.id),
        )
        if saved is not None:
            return _private(saved, counterpart)
    return _private(_render_form(form, counterpart), counterpart)


@bp.route("/<int:counterpart_id>/merge", methods=["GET", "POST"])
@requires(WRITE_RECORDS)
def merge(counterpart_id: int) -> ViewResult:
    """Merge a duplicate with this person; the user chooses which record stays."""
    session = get_session()
    counterpart = found(queries.get_counterpart(session, counterpart_id))
    if counterpart.merged_into_id is not None:
        flash(_("This record has already been merged."), "warning")
        return redirect(url_for("counterparts.detail", counterpart_id=counterpart.id))
    form = MergeForm()
    form.load_choices(active_counterparts(session), counterpart, current_language())
    if not form.is_submitted():
        form.version.data = str(counterpart.version)
        other = request.args.get("other", "")
        if other.isdigit() and len(other) <= 10:
            form.other_id.data = int(other)
    if form.validate_on_submit():
        other_record = session.get(Counterpart, form.other_id.data)
        if version_conflict(counterpart, form.version.data) or other_record is None:
            return render_template(
                "counterparts/merge.html", form=form, counterpart=counterpart, conflict=True
            ), 409
        survivor, duplicate = (
            (counterpart, other_record)
            if form.survivor.data == "this"
            else (other_record, counterpart)
        )
        try:
            result = operations.merge_counterparts(session, survivor, duplicate, current_user.id)
        except operations.MergeRefused as refused:
            form.other_id.errors = [*form.other_id.errors, refused.message]
        else:
            session.commit()
            flash(
                _(
                    "Merged. %(count)s visits now link to %(name)s.",
                    count=len(result.moved_delegation_ids),
                    name=survivor.name_local,
                ),
                "success",
            )
            return redirect(url_for("counterparts.detail", counterpart_id=survivor.id))
    return render_template(
        "counterparts/merge.html", form=form, counterpart=counterpart, conflict=False
    )


@bp.route("/<int:counterpart_id>/delete", methods=["GET", "POST"])
@requires(WRITE_RECORDS)
def delete(counterpart_id: int) -> ViewResult:
    """Ask, then delete a person; the visits keep their rows, no longer linked."""
    session = get_session()
    counterpart = found(queries.get_counterpart(session, counterpart_id))
    form = DeleteForm()
    met = queries.encounters(session, counterpart.id)
    return confirm_delete(
        counterpart,
        form,
        lambda: operations.delete_counterpart(session, counterpart, current_user.id),
        lambda conflict: render_template(
            "counterparts/delete.html",
            form=form,
            counterpart=counterpart,
            visits=queries.visits_of(met),
            conflict=conflict,
        ),
        _("The person has been deleted from the directory."),
        url_for("counterparts.index"),
    )

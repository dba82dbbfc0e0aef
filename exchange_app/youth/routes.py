"""Youth programme and participant pages.

Names, contacts and birth dates are shown only to users with ``PERSONAL_DATA``;
every other user sees programmes with their counts. Pages that carry personal
data are never cached, and every look at a participant's details is audited.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import (
    abort,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from exchange_app.auth.permissions import ADMINISTER, PERSONAL_DATA, WRITE_RECORDS, can, requires
from exchange_app.db import begin_write, get_db, get_session
from exchange_app.models import Participant, YouthProgram
from exchange_app.records import filters as list_filters
from exchange_app.records.history import change_history
from exchange_app.records.views import (
    add_errors,
    confirm_delete,
    create_once,
    found,
    legacy_redirect,
    no_store,
    record_form,
    save_changes,
)
from exchange_app.services import exports, partners
from exchange_app.services.dates import fiscal_year_of, today_in_japan
from exchange_app.services.pagination import paginate
from exchange_app.vocab import EntityType, ParticipantStatus
from exchange_app.youth import bp, operations, queries
from exchange_app.youth.forms import (
    DeleteForm,
    MergePersonForm,
    ParticipantDeleteForm,
    ParticipantForm,
    ProgramForm,
    PurgeForm,
    SplitForm,
    StatusForm,
)
from exchange_app.youth.identity import identity_of_record
from exchange_app.youth.kind import (
    PARTICIPANTS,
    YOUTH_PROGRAMS,
    age_on,
    age_outside_youth_range,
    has_started,
    participant_list_headers,
    participant_list_rows,
    youth_age_range,
)


def personal_data_view(view: Callable[..., Any]) -> Callable[..., Any]:
    """A view that shows minors' personal data: coordinators and admins only, never cached."""

    @requires(PERSONAL_DATA)
    @wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Response:
        return no_store(view(*args, **kwargs))

    return wrapped


# --- Programmes -------------------------------------------------------------------------


@bp.route("/")
def programs() -> str | Response:
    """Programmes, searchable and filterable, with their counts and the year's 5b figure."""
    legacy = legacy_redirect("youth.programs")
    if legacy is not None:
        return legacy
    session = get_session()
    filters = queries.parse_filters(request.args)
    page = paginate(session, queries.list_statement(filters), request.args.get("page"))
    fiscal_year = filters.fiscal_year or fiscal_year_of(today_in_japan())
    return render_template(
        "youth/programs.html",
        page=page,
        counts=queries.program_counts(session, [program.id for program in page.items]),
        filters=filters,
        cities=partners.list_partner_cities(session),
        fiscal_year=fiscal_year,
        counted_5b=queries.youth_5b_participations(session, fiscal_year),
        fiscal_years=list_filters.fiscal_years_recorded(session, YouthProgram.start_date),
        needs_checking=queries.not_matchable_count(session) if can(PERSONAL_DATA) else None,
    )


def _render_program_form(form: Any, program: YouthProgram | None, conflict: bool = False) -> str:
    return render_template("youth/program_form.html", form=form, program=program, conflict=conflict)


@bp.route("/new", methods=["GET", "POST"])
@requires(WRITE_RECORDS)
def program_new() -> str | Response:
    """Create a programme."""
    form = record_form(ProgramForm)
    if form.validate_on_submit():
        session = get_session()
        saved = create_once(
            YOUTH_PROGRAMS,
            form,
            lambda: operations.create_program(session, form.values(), current_user.id).id,
            _("The programme has been created."),
            "youth.program_detail",
            "program_id",
        )
        if saved is not None:
            return saved
    return _render_program_form(form, None)


@bp.route("/<int:program_id>")
def program_detail(program_id: int) -> Any:
    """A programme with its counts; its participants by name for coordinators and admins."""
    session = get_session()
    program = found(queries.get_program(session, program_id))
    counts = queries.program_counts(session, [program.id])[program.id]
    if not can(PERSONAL_DATA):
        return render_template(
            "youth/program_detail.html",
            program=program,
            counts=counts,
            participants=None,
            history=change_history(session, YOUTH_PROGRAMS, program.id),
        )
    page = paginate(
        session,
        queries.program_participants_statement(program.id),
        request.args.get("page"),
        size=queries.PARTICIPANTS_PER_PAGE,
    )
    participants = page.items
    if participants:
        begin_write(session)
        operations.record_view(
            session,
            EntityType.YOUTH_PROGRAM,
            program.id,
            summary=(
                f"participant list ({len(participants)} records, "
                f"page {page.number} of {page.pages})"
            ),
        )
        session.commit()
    return no_store(
        render_template(
            "youth/program_detail.html",
            program=program,
            counts=counts,
            participants=participants,
            page=page,
            ages={p.id: age_on(p.birth_date, program.start_date) for p in participants},
            started=has_started(program.start_date),
            status_form=StatusForm(),
            history=change_history(session, YOUTH_PROGRAMS, program.id),
        )
    )


@bp.route("/<int:program_id>/edit", methods=["GET", "POST"])
@requires(WRITE_RECORDS)
def program_edit(program_id: int) -> str | Response | tuple[str, int]:
    """Edit a programme; a save over someone else's newer change is refused (409)."""
    session = get_session()
    program = found(queries.get_program(session, program_id))
    form = record_form(ProgramForm, program)
    if form.is_submitted():
        saved = save_changes(
            program,
            form,
            lambda: operations.update_program(session, program, form.values(), current_user.id),
            lambda conflict: _render_program_form(form, program, conflict),
            url_for("youth.program_detail", program_id=program.id),
        )
        if saved is not None:
            return saved
    return _render_program_form(form, program)


@bp.route("/<int:program_id>/delete", methods=["GET", "POST"])
@requires(WRITE_RECORDS)
def program_delete(program_id: int) -> str | Response | tuple[str, int]:
    """Delete a programme; one with participants only by coordinators and admins."""
    session = get_session()
    program = found(queries.get_program(session, program_id))
    counts = queries.program_counts(session, [program.id])[program.id]
    if counts.total and not can(PERSONAL_DATA):
        abort(403)
    form = DeleteForm()
    return confirm_delete(
        program,
        form,
        lambda: operations.delete_program(session, program),
        lambda conflict: render_template(
            "youth/program_delete.html",
            form=form,
            program=program,
            counts=counts,
            conflict=conflict,
        ),
        _("The programme has been deleted."),
        url_for("youth.programs"),
    )


# --- Participants (personal data) -------------------------------------------------------


def _render_participant_form(
    form: Any,
    program: YouthProgram,
    participant: Participant | None,
    matches: list[queries.PersonMatch] | None = None,
    conflict: bool = False,
) -> str:
    return render_template(
        "youth/participant_form.html",
        form=form,
        program=program,
        participant=participant,
        matches=matches or [],
        conflict=conflict,
        age_range=youth_age_range(),
    )


@bp.route("/<int:program_id>/participants/new", methods=["GET", "POST"])
@personal_data_view
def participant_new(program_id: int) -> Any:
    """Register a participant; offers to link a person already known by kana and birth date."""
    session = get_session()
    program = found(queries.get_program(session, program_id))
    form = ParticipantForm(program=program)
    if not form.is_submitted():
        form.resident.data = True
    matches: list[queries.PersonMatch] = []
    if form.validate_on_submit():
        values = form.values()
        try:
            person = operations.person_to_link(
                session, program, values, form.person_choice.data or ""
            )
        except operations.AlreadyRegistered as refused:
            add_errors(form, refused.errors)
        except operations.PersonChoiceNeeded as question:
            matches = question.matches  # ask: the person already known, or someone new?
        else:
            operations.register_participant(session, program, values, current_user.id, person)
            session.commit()
            flash(_("The participant has been registered."), "success")
            return redirect(url_for("youth.program_detail", program_id=program.id))
    return _render_participant_form(form, program, None, matches)


@bp.route("/participants/<int:participant_id>")
@personal_data_view
def participant_detail(participant_id: int) -> Any:
    """One participant's details (each view is audited) and the record's history."""
    session = get_session()
    participant = found(queries.get_participant(session, participant_id))
    begin_write(session)
    operations.record_view(session, EntityType.PARTICIPANT, participant.id)
    session.commit()
    return render_template(
        "youth/participant_detail.html",
        participant=participant,
        program=participant.program,
        age=age_on(participant.birth_date, participant.program.start_date),
        age_outside=age_outside_youth_range(
            participant.role, participant.birth_date, participant.program.start_date
        ),
        age_range=youth_age_range(),
        matchable=identity_of_record(participant).matchable,
        history=change_history(session, PARTICIPANTS, participant.id),
    )


@bp.route("/participants/<int:participant_id>/edit", methods=["GET", "POST"])
@personal_data_view
def participant_edit(participant_id: int) -> Any:
    """Edit a participant's registration; a stale save is refused (409)."""
    session = get_session()
    participant = found(queries.get_participant(session, participant_id))
    program = participant.program
    if participant.anonymized_at is not None:
        flash(_("This record has been anonymised and can no longer be edited."), "warning")
        return redirect(url_for("youth.participant_detail", participant_id=participant.id))
    form = record_form(ParticipantForm, participant, program=program)
    if not form.is_submitted():
        # From the programme page's "withdrawn": the form asks for the reason.
        if request.args.get("status") in ParticipantStatus.values():
            form.status.data = request.args["status"]
        begin_write(session)
        operations.record_view(session, EntityType.PARTICIPANT, participant.id, "edit form")
        session.commit()
        return _render_participant_form(form, program, participant)
    saved = save_changes(
        participant,
        form,
        lambda: operations.update_participant(session, participant, form.values(), current_user.id),
        lambda conflict: _render_participant_form(form, program, participant, conflict=conflict),
        url_for("youth.participant_detail", participant_id=participant.id),
    )
    if saved is not None:
        return saved
    return _render_participant_form(form, program, participant)


@bp.route("/participants/<int:participant_id>/delete", methods=["GET", "POST"])
@personal_data_view
def participant_delete(participant_id: int) -> str | Response | tuple[str, int]:
    """Delete a wrongly entered participant, with a reason (audited)."""
    session = get_session()
    participant = found(queries.get_participant(session, participant_id))
    form = ParticipantDeleteForm()
    return confirm_delete(
        participant,
        form,
        lambda: operations.delete_participant(session, participant, form.reason.data or ""),
        lambda conflict: render_template(
            "youth/participant_delete.html",
            form=form,
            participant=participant,
            program=participant.program,
            conflict=conflict,
        ),
        _("The participant has been deleted."),
        url_for("youth.program_detail", program_id=participant.program_id),
    )


@bp.route("/participants/<int:participant_id>/status", methods=["POST"])
@personal_data_view
def participant_status(participant_id: int) -> Any:
    """One click on the programme page: change one participant's status."""
    session = get_session()
    participant = found(queries.get_participant(session, participant_id))
    list_page = request.form.get("page", "")
    back = url_for(
        "youth.program_detail",
        program_id=participant.program_id,
        page=int(list_page) if list_page.isdigit() and int(list_page) > 1 else None,
        _anchor=f"p{participant.id}",
    )
    form = StatusForm()
    if not form.validate_on_submit():
        flash(_("Unknown status."), "danger")
        return redirect(back)
    try:
        changes = operations.change_status(
            session, participant, form.status.data or "", current_user.id
        )
    except operations.ConsentRequired:
        flash(
            _(
                "A young participant cannot be selected or take part before the guardian's "
                "consent is received. Enter the date of consent first."
            ),
            "danger",
        )
        return redirect(back)
    except operations.StatusRefused as refused:
        flash(str(refused), "danger")
        return redirect(back)
    if changes:
        session.commit()
        flash(
            _(
                "Status changed to %(status)s.",
                status=ParticipantStatus.label_of(participant.status),
            ),
            "success",
        )
    return redirect(back)


@bp.route("/<int:program_id>/participants.xlsx")
@personal_data_view
def participants_export(program_id: int) -> Any:
    """The programme's participant list as xlsx (audited: who exported whose data)."""
    session = get_session()
    program = found(queries.get_program(session, program_id))
    participants = queries.program_participants(session, program.id)
    rows = participant_list_rows(participants)
    begin_write(session)
    operations.record_participant_export(session, program, participants)
    session.commit()
    return exports.table_download(
        participant_list_headers(),
        rows,
        basename=f"participants-{program.start_date.isoformat()}-{program.id}",
        file_format="xlsx",
        sheet_title=_("Participants"),
    )


@bp.route("/persons/<int:person_id>")
@personal_data_view
def person_detail(person_id: int) -> Any:
    """One young person's history across programmes (each view is audited)."""
    session = get_session()
    person = queries.get_person(session, person_id)
    if person is None:
        abort(404)
    begin_write(session)
    operations.record_view(session, EntityType.YOUTH_PERSON, person.id)
    session.commit()
    return render_template(
        "youth/person_detail.html",
        person=person,
        age_on=age_on,
        duplicates=queries.possible_duplicates(session, person),
        merge_form=MergePersonForm(),
        split_form=SplitForm(),
    )


@bp.route("/persons/<int:person_id>/merge", methods=["POST"])
@personal_data_view
def person_merge(person_id: int) -> Response:
    """Merge another person into this one (its participations move here)."""
    session = get_session()
    person = found(queries.get_person(session, person_id))
    form = MergePersonForm()
    back = url_for("youth.person_detail", person_id=person.id)
    if not form.validate_on_submit():
        for errors in form.errors.values():
            for message in errors:
                flash(str(message), "danger")
        return redirect(back)
    other = queries.get_person(session, form.other_person.data or 0)
    if other is None:
        flash(
            _("There is no person with the number %(number)s.", number=form.other_person.data),
            "danger",
        )
        return redirect(back)
    try:
        moved = operations.merge_persons(session, person, other, current_user.id)
    except operations.PersonChangeRefused as refused:
        session.rollback()
        flash(str(refused), "danger")
        return redirect(back)
    session.commit()
    flash(_("Merged: %(count)s participations moved to this person.", count=moved), "success")
    return redirect(back)


@bp.route("/participants/<int:participant_id>/split", methods=["POST"])
@personal_data_view
def participant_split(participant_id: int) -> Response:
    """Split a wrongly linked participation out into a person of its own."""
    session = get_session()
    participant = found(queries.get_participant(session, participant_id))
    back = url_for("youth.person_detail", person_id=participant.person_id)
    if not SplitForm().validate_on_submit():
        abort(400)
    try:
        person = operations.split_participation(session, participant, current_user.id)
    except operations.PersonChangeRefused as refused:
        session.rollback()
        flash(str(refused), "danger")
        return redirect(back)
    session.commit()
    flash(_("The participation is now a person of its own."), "success")
    return redirect(url_for("youth.person_detail", person_id=person.id))


@bp.route("/needs-checking")
@personal_data_view
def needs_checking() -> Any:
    """Participants the same person cannot be looked for with (no birth date): kept, and
    listed here until someone adds what is missing (each page shown is audited)."""
    session = get_session()
    filters = queries.parse_not_matchable_filters(request.args)
    page = paginate(
        session,
        queries.not_matchable_statement(filters),
        request.args.get("page"),
        size=queries.PARTICIPANTS_PER_PAGE,
    )
    if page.items:
        begin_write(session)
        operations.record_list_view(
            session,
            f"needs-checking list ({len(page.items)} records, page {page.number} of {page.pages})",
            page.items,
        )
        session.commit()
    return render_template(
        "youth/needs_checking.html",
        page=page,
        filters=filters,
        fiscal_years=list_filters.fiscal_years_recorded(session, YouthProgram.start_date),
    )


# --- Retention --------------------------------------------------------------------------


@bp.route("/purge", methods=["GET", "POST"])
@requires(ADMINISTER)
def purge() -> Any:
    """Anonymise participants of programmes that ended before a date, after confirmation."""
    session = get_session()
    form = PurgeForm()
    preview = None
    if form.validate_on_submit():
        preview = queries.purge_preview(session, form.before.data)
        if form.confirm.data == "yes" and preview.anything:
            count = operations.purge_personal_data(session, form.before.data)
            session.commit()
            operations.compact_storage(get_db().engine)
            flash(
                _(
                    "Personal data removed from %(count)s participant records and the private "
                    "contacts of %(counterparts)s counterparts.",
                    count=count,
                    counterparts=preview.counterparts,
                ),
                "success",
            )
            return redirect(url_for("youth.purge"))
        form.confirm.data = "yes"
    return no_store(render_template("youth/purge.html", form=form, preview=preview))

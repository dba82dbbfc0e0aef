"""Youth programme and participant pages.

Names, contacts and birth dates are shown only to users with ``PERSONAL_DATA``;
every other user sees programmes with their counts. Pages that carry personal
data are never cached, and every look at a participant's details is audited.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from functools import wraps
from typing import Any

from flask import abort, flash, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from werkzeug.wrappers import Response

from exchange_app import current_language, vocab
from exchange_app.auth.permissions import (
    ADMINISTER,
    PERSONAL_DATA,
    WRITE_RECORDS,
    can,
    requires,
)
from exchange_app.db import begin_write, get_db, get_session
from exchange_app.models import Participant, YouthProgram
from exchange_app.services import audit, exports, partners, youth
from exchange_app.services.dates import fiscal_year_of
from exchange_app.services.pagination import paginate
from exchange_app.services.records import version_conflict
from exchange_app.youth import bp
from exchange_app.youth.forms import (
    DeleteForm,
    ParticipantForm,
    ProgramForm,
    PurgeForm,
    StatusForm,
)


def no_store(response: Any) -> Response:
    """The response, marked never to be stored by a browser or proxy."""
    response = make_response(response)
    response.headers["Cache-Control"] = "no-store"
    response.headers["Pragma"] = "no-cache"
    return response


def personal_data_view(view: Callable[..., Any]) -> Callable[..., Any]:
    """A view that shows minors' personal data: coordinators and admins only, never cached."""

    @requires(PERSONAL_DATA)
    @wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Response:
        return no_store(view(*args, **kwargs))

    return wrapped


def _program_or_404(program_id: int) -> YouthProgram:
    program = youth.get_program(get_session(), program_id)
    if program is None:
        abort(404)
    return program


def _participant_or_404(participant_id: int) -> Participant:
    participant = youth.get_participant(get_session(), participant_id)
    if participant is None:
        abort(404)
    return participant


# --- Programmes -------------------------------------------------------------------------


@bp.route("/")
def programs() -> str:
    """Programmes, searchable and filterable, with their counts and the year's 5b figure."""
    session = get_session()
    filters = youth.program_filters_from(request.args)
    page = paginate(session, youth.programs_statement(filters), request.args.get("page"))
    counts = youth.program_counts(session, [program.id for program in page.items])
    fiscal_year = filters.fiscal_year or fiscal_year_of(date.today())
    return render_template(
        "youth/programs.html",
        page=page,
        counts=counts,
        filters=filters,
        cities=partners.list_partner_cities(session),
        fiscal_year=fiscal_year,
        count_5b=youth.youth_5b_count(session, fiscal_year),
        unique_5b=youth.youth_5b_unique_persons(session, fiscal_year),
        fiscal_years=youth.program_fiscal_years(session),
    )


def _program_form(program: YouthProgram | None = None) -> ProgramForm:
    form = ProgramForm(obj=program)
    form.set_cities(partners.list_partner_cities(get_session()), current_language())
    if program is not None and not form.is_submitted():
        form.version.data = str(program.version)
        form.partner_city_id.data = str(program.partner_city_id or "")
    return form


@bp.route("/new", methods=["GET", "POST"])
@requires(WRITE_RECORDS)
def program_new() -> str | Response:
    """Create a programme."""
    form = _program_form()
    if form.validate_on_submit():
        session = get_session()
        program = YouthProgram()
        form.populate_program(program)
        session.add(program)
        session.flush()
        audit.record(
            session,
            "create",
            "youth_program",
            program.id,
            changes=audit.diff({}, audit.snapshot(program)),
        )
        session.commit()
        flash(_("The programme has been created."), "success")
        return redirect(url_for("youth.program_detail", program_id=program.id))
    return render_template("youth/program_form.html", form=form, program=None, conflict=False)


@bp.route("/<int:program_id>")
def program_detail(program_id: int) -> Any:
    """A programme with its counts; its participants by name for coordinators and admins."""
    session = get_session()
    program = _program_or_404(program_id)
    counts = youth.program_counts(session, [program.id])[program.id]
    if not can(PERSONAL_DATA):
        return render_template(
            "youth/program_detail.html", program=program, counts=counts, participants=None
        )
    page = paginate(
        session,
        youth.program_participants_statement(program.id),
        request.args.get("page"),
        size=youth.PARTICIPANTS_PER_PAGE,
    )
    participants = page.items
    if participants:
        begin_write(session)
        audit.record(
            session,
            "view",
            "youth_program",
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
            ages={p.id: youth.age_on(p.birth_date, program.start_date) for p in participants},
            status_form=StatusForm(),
        )
    )


@bp.route("/<int:program_id>/edit", methods=["GET", "POST"])
@requires(WRITE_RECORDS)
def program_edit(program_id: int) -> str | Response | tuple[str, int]:
    """Edit a programme."""
    session = get_session()
    program = _program_or_404(program_id)
    form = _program_form(program)
    if form.validate_on_submit():
        if version_conflict(program, form.version.data):
            return render_template(
                "youth/program_form.html", form=form, program=program, conflict=True
            ), 409
        before = audit.snapshot(program)
        form.populate_program(program)
        for participant in program.participants:
            youth.refresh_age_band(participant, program)
        audit.record(
            session,
            "update",
            "youth_program",
            program.id,
            changes=audit.diff(before, audit.snapshot(program)),
        )
        session.commit()
        flash(_("Saved."), "success")
        return redirect(url_for("youth.program_detail", program_id=program.id))
    return render_template("youth/program_form.html", form=form, program=program, conflict=False)


@bp.route("/<int:program_id>/delete", methods=["GET", "POST"])
@requires(WRITE_RECORDS)
def program_delete(program_id: int) -> str | Response | tuple[str, int]:
    """Delete a programme; one with participants only by coordinators and admins."""
    session = get_session()
    program = _program_or_404(program_id)
    counts = youth.program_counts(session, [program.id])[program.id]
    if counts.total and not can(PERSONAL_DATA):
        abort(403)
    form = DeleteForm()
    if not form.is_submitted():
        form.version.data = str(program.version)
    if form.validate_on_submit():
        if version_conflict(program, form.version.data):
            return render_template(
                "youth/program_delete.html",
                form=form,
                program=program,
                counts=counts,
                conflict=True,
            ), 409
        audit.record(
            session,
            "delete",
            "youth_program",
            program.id,
            summary=f"{program.title} ({counts.total} participant records deleted with it)",
            changes=audit.diff(audit.snapshot(program), {}),
        )
        session.delete(program)
        session.commit()
        flash(_("The programme has been deleted."), "success")
        return redirect(url_for("youth.programs"))
    return render_template(
        "youth/program_delete.html", form=form, program=program, counts=counts, conflict=False
    )


# --- Participants (personal data) -------------------------------------------------------


def _person_matches(form: ParticipantForm) -> list[Any]:
    return youth.matching_persons(
        get_session(),
        youth.normalise_kana(form.family_name_kana.data),
        youth.normalise_kana(form.given_name_kana.data),
        form.birth_date.data,
    )


@bp.route("/<int:program_id>/participants/new", methods=["GET", "POST"])
@personal_data_view
def participant_new(program_id: int) -> Any:
    """Register a participant; offers to link a person already known by kana and birth date."""
    session = get_session()
    program = _program_or_404(program_id)
    form = ParticipantForm(program=program)
    matches: list[Any] = []
    if form.validate_on_submit():
        family_kana = youth.normalise_kana(form.family_name_kana.data)
        given_kana = youth.normalise_kana(form.given_name_kana.data)
        matches = _person_matches(form)
        choice = form.person_choice.data or ""
        person = None
        if choice.isdigit():
            person = next((m for m in matches if m.id == int(choice)), None)
            if person is None:
                form.person_choice.data = ""
                choice = ""
        if youth.duplicate_on_program(
            session,
            program.id,
            family_kana=family_kana,
            given_kana=given_kana,
            birth_date=form.birth_date.data,
            person_id=person.id if person else None,
        ):
            form.family_name_kana.errors.append(
                _("This person is already registered on this programme.")
            )
            matches = []
        elif matches and choice == "":
            pass  # ask: link to the person already known, or register someone new?
        else:
            participant = Participant()
            form.populate_participant(participant)
            youth.register_participant(session, program, participant, person)
            audit.record(
                session,
                "create",
                "participant",
                participant.id,
                changes=youth.participant_changes({}, audit.snapshot(participant)),
                summary=f"registered on programme {program.id}"
                + (f", linked to person {person.id}" if person else ""),
            )
            session.commit()
            flash(_("The participant has been registered."), "success")
            return redirect(url_for("youth.program_detail", program_id=program.id))
    return render_template(
        "youth/participant_form.html",
        form=form,
        program=program,
        participant=None,
        matches=matches,
        conflict=False,
    )


@bp.route("/participants/<int:participant_id>")
@personal_data_view
def participant_detail(participant_id: int) -> Any:
    """One participant's details (each view is audited)."""
    session = get_session()
    participant = _participant_or_404(participant_id)
    begin_write(session)
    audit.record(session, "view", "participant", participant.id)
    session.commit()
    history = audit.history_of(session, "participant", participant.id)
    return render_template(
        "youth/participant_detail.html",
        participant=participant,
        program=participant.program,
        age=youth.age_on(participant.birth_date, participant.program.start_date),
        history=history,
    )


@bp.route("/participants/<int:participant_id>/edit", methods=["GET", "POST"])
@personal_data_view
def participant_edit(participant_id: int) -> Any:
    """Edit a participant's registration."""
    session = get_session()
    participant = _participant_or_404(participant_id)
    program = participant.program
    if participant.anonymized_at is not None:
        flash(_("This record has been anonymised and can no longer be edited."), "warning")
        return redirect(url_for("youth.participant_detail", participant_id=participant.id))
    form = ParticipantForm(obj=participant, program=program)
    if not form.is_submitted():
        form.version.data = str(participant.version)
        audit.record(session, "view", "participant", participant.id, summary="edit form")
        session.commit()
    if form.validate_on_submit():
        if version_conflict(participant, form.version.data):
            return render_template(
                "youth/participant_form.html",
                form=form,
                program=program,
                participant=participant,
                matches=[],
                conflict=True,
            ), 409
        if youth.duplicate_on_program(
            session,
            program.id,
            family_kana=youth.normalise_kana(form.family_name_kana.data),
            given_kana=youth.normalise_kana(form.given_name_kana.data),
            birth_date=form.birth_date.data,
            exclude_id=participant.id,
        ):
            form.family_name_kana.errors.append(
                _("This person is already registered on this programme.")
            )
        else:
            before = audit.snapshot(participant)
            form.populate_participant(participant)
            youth.refresh_age_band(participant, program)
            audit.record(
                session,
                "update",
                "participant",
                participant.id,
                changes=youth.participant_changes(before, audit.snapshot(participant)),
            )
            session.commit()
            flash(_("Saved."), "success")
            return redirect(url_for("youth.participant_detail", participant_id=participant.id))
    return render_template(
        "youth/participant_form.html",
        form=form,
        program=program,
        participant=participant,
        matches=[],
        conflict=False,
    )


@bp.route("/participants/<int:participant_id>/status", methods=["POST"])
@personal_data_view
def participant_status(participant_id: int) -> Any:
    """One click on the programme page: change one participant's status."""
    session = get_session()
    participant = _participant_or_404(participant_id)
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
    before = participant.status
    try:
        youth.set_status(participant, form.status.data or "")
    except youth.ConsentRequired:
        flash(
            _(
                "A young participant cannot be selected or take part before the guardian's "
                "consent is received. Enter the date of consent first."
            ),
            "danger",
        )
        return redirect(back)
    if before != participant.status:
        audit.record(
            session,
            "update",
            "participant",
            participant.id,
            changes={"status": [before, participant.status]},
        )
        session.commit()
        flash(
            _(
                "Status changed to %(status)s.",
                status=vocab.PARTICIPANT_STATUS_LABELS[participant.status],
            ),
            "success",
        )
    return redirect(back)


EXPORT_COLUMNS = (
    _l("Family name"),
    _l("Given name"),
    _l("Family name (kana)"),
    _l("Given name (kana)"),
    _l("Name (romaji)"),
    _l("Birth date"),
    _l("Age at start"),
    _l("School"),
    _l("Grade"),
    _l("Role"),
    _l("Resident"),
    _l("Status"),
    _l("Guardian's name"),
    _l("Guardian's phone"),
    _l("Guardian's e-mail"),
    _l("Guardian's consent received on"),
    _l("Emergency contact"),
    _l("Photos and publication allowed"),
)


def _export_label(kind: str, value: Any) -> str:
    """Words for coded values in the export, in the user's language."""
    if kind == "yes_no":
        return _("Yes") if value else _("No")
    labels = {"role": vocab.PARTICIPANT_ROLE_LABELS, "status": vocab.PARTICIPANT_STATUS_LABELS}
    return str(labels[kind][value])


@bp.route("/<int:program_id>/participants.xlsx")
@personal_data_view
def participants_export(program_id: int) -> Any:
    """The programme's participant list as xlsx (audited: who exported whose data)."""
    session = get_session()
    program = _program_or_404(program_id)
    participants = youth.program_participants(session, program.id)
    rows = youth.personal_rows(participants, program, label=_export_label)
    audit.record(
        session,
        "export",
        "youth_program",
        program.id,
        summary=f"participant list exported as xlsx ({len(participants)} records)",
        changes={"participant_ids": [p.id for p in participants]},
    )
    session.commit()
    return exports.table_download(
        [str(column) for column in EXPORT_COLUMNS],
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
    person = youth.get_person(session, person_id)
    if person is None:
        abort(404)
    begin_write(session)
    audit.record(session, "view", "youth_person", person.id)
    session.commit()
    return render_template("youth/person_detail.html", person=person, age_on=youth.age_on)


# --- Retention --------------------------------------------------------------------------


@bp.route("/purge", methods=["GET", "POST"])
@requires(ADMINISTER)
def purge() -> Any:
    """Anonymise participants of programmes that ended before a date, after confirmation."""
    session = get_session()
    form = PurgeForm()
    preview = None
    if form.validate_on_submit():
        preview = youth.purge_preview(session, form.before.data)
        if form.confirm.data == "yes" and preview.participants:
            count = youth.purge_personal_data(session, form.before.data)
            session.commit()
            youth.compact_storage(get_db().engine)
            flash(
                _("Personal data removed from %(count)s participant records.", count=count),
                "success",
            )
            return redirect(url_for("youth.purge"))
        form.confirm.data = "yes"
    return no_store(render_template("youth/purge.html", form=form, preview=preview))

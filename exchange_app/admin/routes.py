"""User administration (admins only)."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, or_, select
from werkzeug.wrappers import Response

from exchange_app import vocab
from exchange_app.admin import bp, operations
from exchange_app.admin.forms import EditUserForm, NewUserForm, ResetPasswordForm
from exchange_app.auth.permissions import ADMINISTER, requires
from exchange_app.db import get_session
from exchange_app.models import User
from exchange_app.security_log import security_event
from exchange_app.services import accounts
from exchange_app.services.pagination import paginate
from exchange_app.services.passwords_messages import password_policy_message
from exchange_app.services.records import version_conflict


def _user_or_404(user_id: int) -> User:
    user = get_session().get(User, user_id)
    if user is None:
        abort(404)
    return user


@bp.route("/users")
@requires(ADMINISTER)
def users() -> str:
    """All users, searchable by name or e-mail, filterable by role."""
    query = request.args.get("q", "").strip()
    role = request.args.get("role", "")
    statement = select(User)
    if query:
        pattern = f"%{query.lower()}%"
        statement = statement.where(
            or_(func.lower(User.email).like(pattern), func.lower(User.display_name).like(pattern))
        )
    if role in vocab.Role.values():
        statement = statement.where(User.role == role)
    page = paginate(get_session(), statement.order_by(User.email), request.args.get("page"))
    return render_template("admin/users.html", page=page, q=query, role=role)


@bp.route("/users/new", methods=["GET", "POST"])
@requires(ADMINISTER)
def new_user() -> str | Response:
    """Create an account."""
    form = NewUserForm()
    if form.validate_on_submit():
        db = get_session()
        if accounts.find_user_by_email(db, form.email.data or "") is not None:
            form.email.errors.append(_("A user with this e-mail address already exists."))
        else:
            try:
                operations.create_account(
                    db,
                    email=form.email.data or "",
                    display_name=form.display_name.data or "",
                    role=form.role.data or "viewer",
                    password=form.password.data or "",
                )
            except accounts.PasswordPolicyError as error:
                form.password.errors.append(password_policy_message(str(error)))
            else:
                db.commit()
                flash(_("The user has been created."), "success")
                return redirect(url_for("admin.users"))
    return render_template("admin/user_new.html", form=form)


@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
@requires(ADMINISTER)
def edit_user(user_id: int) -> str | Response | tuple[str, int]:
    """Change a user's role, name or whether they may sign in."""
    db = get_session()
    user = _user_or_404(user_id)
    form = EditUserForm(obj=user)
    password_form = ResetPasswordForm(prefix="pw")
    if not form.is_submitted():
        form.version.data = str(user.version)
        password_form.version.data = str(user.version)
    if form.validate_on_submit():
        if version_conflict(user, form.version.data):
            return render_template(
                "admin/user_edit.html",
                form=form,
                password_form=password_form,
                user=user,
                conflict=True,
            ), 409
        if user.id == current_user.id and (not form.active.data or form.role.data != "admin"):
            form.role.errors.append(_("You cannot remove your own administrator access."))
        else:
            changes = operations.update_account(
                db,
                user,
                display_name=form.display_name.data or "",
                role=form.role.data or user.role,
                active=bool(form.active.data),
            )
            db.commit()
            if {"role", "active"} & set(changes):
                security_event(
                    "account_changed",
                    user_id=current_user.id,
                    target_user_id=user.id,
                    changes={k: v for k, v in changes.items() if k in ("role", "active")},
                )
            flash(_("Saved."), "success")
            return redirect(url_for("admin.users"))
    return render_template(
        "admin/user_edit.html", form=form, password_form=password_form, user=user, conflict=False
    )


@bp.route("/users/<int:user_id>/password", methods=["POST"])
@requires(ADMINISTER)
def reset_password(user_id: int) -> str | Response | tuple[str, int]:
    """Set a new password for a user; every session of that user ends."""
    db = get_session()
    user = _user_or_404(user_id)
    form = EditUserForm(obj=user, formdata=None)
    form.version.data = str(user.version)
    password_form = ResetPasswordForm(prefix="pw")
    if password_form.validate_on_submit():
        try:
            operations.reset_password(db, user, password_form.password.data or "")
        except accounts.PasswordPolicyError as error:
            password_form.password.errors.append(password_policy_message(str(error)))
        else:
            db.commit()
            security_event("password_reset", user_id=current_user.id, target_user_id=user.id)
            flash(_("The password has been set. The user's sessions have been ended."), "success")
            return redirect(url_for("admin.users"))
    return render_template(
        "admin/user_edit.html", form=form, password_form=password_form, user=user, conflict=False
    ), 400

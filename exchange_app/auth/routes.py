"""Sign-in, sign-out and password change."""

from __future__ import annotations

import math
from urllib.parse import urlsplit

from flask import current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user
from werkzeug.wrappers import Response

from exchange_app.auth import bp
from exchange_app.auth.forms import ChangePasswordForm, LoginForm
from exchange_app.db import get_session, utcnow
from exchange_app.security_log import security_event
from exchange_app.services import accounts
from exchange_app.services.passwords_messages import password_policy_message

SESSION_TOKEN_KEY = "login_token"
LAST_SEEN_KEY = "last_seen"


def safe_next_url(target: str | None) -> str | None:
    """``target`` if it is a path on this site, otherwise None (no open redirects)."""
    if not target:
        return None
    target = target.strip()
    if "\\" in target or any(ord(c) < 32 for c in target):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    return target


def wait_message(seconds: int) -> str:
    """How long a throttled sign-in must wait, in seconds or (from two minutes) minutes."""
    if seconds < 120:
        return _(
            "Too many failed attempts. Please wait %(seconds)s seconds and try again.",
            seconds=seconds,
        )
    return _(
        "Too many failed attempts. Please wait %(minutes)s minutes and try again.",
        minutes=math.ceil(seconds / 60),
    )


@bp.route("/login", methods=["GET", "POST"])
def login() -> str | Response | tuple[str, int] | tuple[str, int, dict[str, str]]:
    """Show the sign-in form; on success start a fresh server-side session."""
    if current_user.is_authenticated:
        return redirect(url_for("main.home"))
    form = LoginForm()
    next_url = safe_next_url(request.values.get("next"))
    if form.validate_on_submit():
        db = get_session()
        result = accounts.authenticate(
            db,
            form.email.data or "",
            form.password.data or "",
            remote_addr=request.remote_addr,
            throttle=accounts.Throttle.from_config(current_app.config),
        )
        if result.user is None:
            db.commit()
            security_event(
                "login_failed",
                email=form.email.data,
                throttled=bool(result.wait_seconds),
                wait_seconds=result.wait_seconds,
            )
            if result.wait_seconds:
                form.email.errors.append(wait_message(result.wait_seconds))
                page = render_template("auth/login.html", form=form, next=next_url)
                return page, 429, {"Retry-After": str(result.wait_seconds)}
            form.password.errors.append(_("The e-mail address or password is not correct."))
            return render_template("auth/login.html", form=form, next=next_url), 401
        token = accounts.start_session(
            db, result.user, remote_addr=request.remote_addr, user_agent=request.user_agent.string
        )
        db.commit()
        language = session.get("lang")
        session.clear()  # a new session on sign-in: nothing of the anonymous one carries over
        if language:
            session["lang"] = language
        session.permanent = True
        session[SESSION_TOKEN_KEY] = token
        session[LAST_SEEN_KEY] = utcnow().timestamp()
        login_user(result.user)
        security_event("login", user_id=result.user.id)
        return redirect(next_url or url_for("main.home"))
    return render_template("auth/login.html", form=form, next=next_url)


@bp.route("/logout", methods=["POST"])
def logout() -> Response:
    """End the session on the server and in the browser."""
    token = session.get(SESSION_TOKEN_KEY)
    if token:
        db = get_session()
        accounts.end_session(db, token)
        db.commit()
    user_id = current_user.id if current_user.is_authenticated else None
    logout_user()
    language = session.get("lang")
    session.clear()
    if language:
        session["lang"] = language
    security_event("logout", user_id=user_id)
    flash(_("You have signed out."), "info")
    return redirect(url_for("auth.login"))


@bp.route("/password", methods=["GET", "POST"])
@login_required
def change_password() -> str | Response:
    """Change one's own password; every other session of the user ends."""
    form = ChangePasswordForm()
    if form.validate_on_submit():
        db = get_session()
        user = current_user._get_current_object()
        if not accounts.verify_password(user.password_hash, form.current_password.data or ""):
            form.current_password.errors.append(_("The current password is not correct."))
        else:
            try:
                accounts.set_password(db, user, form.new_password.data or "")
            except accounts.PasswordPolicyError as error:
                form.new_password.errors.append(password_policy_message(str(error)))
            else:
                # set_password ended every session; open a new one for this browser.
                token = accounts.start_session(
                    db,
                    user,
                    remote_addr=request.remote_addr,
                    user_agent=request.user_agent.string,
                )
                db.commit()
                session[SESSION_TOKEN_KEY] = token
                security_event("password_changed", user_id=user.id)
                flash(_("Your password has been changed."), "success")
                return redirect(url_for("main.home"))
    return render_template("auth/change_password.html", form=form)

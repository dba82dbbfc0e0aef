"""exchange_app: Kumamoto City's partner-city exchanges, youth programmes and indicators."""

from __future__ import annotations

import contextlib
import importlib
import logging
import os
import secrets
import uuid
from typing import Any
from urllib.parse import urlencode

from flask import (
    Flask,
    abort,
    flash,
    g,
    has_request_context,
    jsonify,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask.globals import request_ctx
from flask_babel import Babel, get_locale
from flask_babel import gettext as _
from flask_login import LoginManager, current_user, logout_user
from flask_wtf.csrf import CSRFError, CSRFProtect
from markupsafe import Markup
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.exceptions import HTTPException
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.wrappers import Response

from exchange_app import converters, paths, settings
from exchange_app import db as database

# Feature blueprints, each a package with ``bp`` in its __init__.
BLUEPRINTS = (
    "auth",
    "main",
    "partners",
    "admin",
    "promotions",
    "delegations",
    "counterparts",
    "youth",
    "indicators",
    "api",
    "imports",
    "history",
    "jobs",
)

# Endpoints that answer without signing in.
PUBLIC_ENDPOINTS = frozenset({"auth.login", "static", "main.font", "main.favicon"})
# Public files that browsers may keep (every other page signed in is never cached).
CACHEABLE_ENDPOINTS = frozenset({"static", "main.font", "main.favicon"})

csrf = CSRFProtect()
babel = Babel()
login_manager = LoginManager()


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    """Application factory: configuration, database, extensions, blueprints, commands."""
    app = Flask(
        __name__,
        template_folder=paths.resource("templates"),
        static_folder=paths.resource("static"),
        instance_path=str(paths.instance_path()),
    )
    if test_config is None:
        app.config.from_object(settings.Config)
    else:
        app.config.from_object(settings.TestConfig)
        app.config.update(test_config)
    os.makedirs(app.instance_path, exist_ok=True)
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = _instance_secret_key(app)
    if app.config.get("TRUSTED_HOSTS"):
        app.config["TRUSTED_HOSTS"] = list(app.config["TRUSTED_HOSTS"])

    if app.config.get("TRUSTED_PROXY_COUNT"):
        # The client's address (sign-in throttling, audit, logs) from the proxies' headers;
        # without trusted proxies X-Forwarded-For is ignored: anyone can send it.
        count = int(app.config["TRUSTED_PROXY_COUNT"])
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=count, x_proto=count)  # type: ignore[method-assign]
    database.init_app(app)
    from exchange_app import jobs

    jobs.init_app(app)
    csrf.init_app(app)
    babel.init_app(
        app,
        locale_selector=_select_locale,
        default_translation_directories=os.path.join(os.path.dirname(__file__), "translations"),
    )
    _init_login(app)
    _init_request_hooks(app)
    _init_error_handlers(app)
    _init_templates(app)

    converters.init_app(app)  # before any route is registered
    for name in BLUEPRINTS:
        module = importlib.import_module(f"exchange_app.{name}")
        app.register_blueprint(module.bp)

    from exchange_app import cli

    cli.init_app(app)
    logging.getLogger("exchange_app").setLevel(logging.INFO)
    _init_security_log()
    return app


def _init_security_log() -> None:
    """Security events go to stderr (the server's error log) as one JSON object a line."""
    logger = logging.getLogger("exchange_app.security")
    if not any(getattr(h, "exchange_app_security", False) for h in logger.handlers):
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(message)s"))
        handler.exchange_app_security = True  # type: ignore[attr-defined]
        logger.addHandler(handler)
        logger.propagate = True


def _instance_secret_key(app: Flask) -> str:
    """The secret key kept in the instance folder, created once with mode 0600."""
    path = os.path.join(app.instance_path, "secret_key")
    if not os.path.exists(path):
        key = secrets.token_hex(32)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass  # another worker created it first
        else:
            with os.fdopen(fd, "w") as handle:
                handle.write(key)
    with open(path) as handle:
        return handle.read().strip()


def _select_locale() -> str:
    if not has_request_context():
        return "ja"  # commands print in the default language
    lang = session.get("lang")
    return lang if lang in ("ja", "en") else "ja"


def current_language() -> str:
    """The language of the current page: ``ja`` or ``en``."""
    locale = get_locale()
    return locale.language if locale is not None else "ja"


def _init_login(app: Flask) -> None:
    from exchange_app.auth.routes import SESSION_TOKEN_KEY
    from exchange_app.models import User
    from exchange_app.services import accounts, api_tokens

    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.session_protection = None  # sessions are checked on the server instead

    @login_manager.user_loader
    def load_user(user_id: str) -> User | None:
        token = session.get(SESSION_TOKEN_KEY)
        if not token or not user_id.isdigit():
            return None
        live = accounts.find_live_session(
            database.get_session(), token, int(user_id), app.config["SESSION_ABSOLUTE_TIMEOUT"]
        )
        if live is None or not live.user.active:
            return None
        return live.user

    @login_manager.request_loader
    def load_user_from_token(req: Any) -> User | None:
        header = req.headers.get("Authorization", "")
        if not header.startswith("Bearer ") or not req.path.startswith("/api/"):
            return None
        api_token = api_tokens.live_token(
            database.get_session(), header.removeprefix("Bearer ").strip()
        )
        if api_token is None:
            return None
        # Only this marks a request as signed in by token; a header alone proves nothing.
        g.signed_in_by_token = True
        g.api_token = api_token
        return api_token.user


def _init_request_hooks(app: Flask) -> None:
    from exchange_app.auth.routes import LAST_SEEN_KEY
    from exchange_app.services import accounts

    @app.before_request
    def refuse_untrusted_host() -> None:
        # Flask leaves the request without a URL adapter when TRUSTED_HOSTS refuses the Host.
        if request_ctx.url_adapter is None:
            abort(400)

    @app.before_request
    def refuse_nul_characters() -> None:
        # No text column can hold U+0000 (PostgreSQL refuses it outright): such input is
        # never legitimate, so it is refused before it reaches a query.
        fields = [*request.args.items(multi=True), *request.form.items(multi=True)]
        if any("\x00" in key or "\x00" in value for key, value in fields):
            abort(400)

    @app.before_request
    def remember_language() -> None:
        lang = request.args.get("lang")
        if lang in app.config["LANGUAGES"]:
            session["lang"] = lang

    @app.before_request
    def require_login() -> Response | tuple[Response, int] | None:
        if request.endpoint in PUBLIC_ENDPOINTS:
            return None
        if current_user.is_authenticated:
            if g.get("signed_in_by_token"):
                return None  # a token request has no cookie session to keep alive
            now = database.utcnow()
            if accounts.session_expired_by_idle(
                session.get(LAST_SEEN_KEY), now, app.config["SESSION_IDLE_TIMEOUT"]
            ):
                logout_user()
                lang = session.get("lang")
                session.clear()
                if lang:
                    session["lang"] = lang
                flash(_("Your session has expired. Please sign in again."), "warning")
                return redirect(url_for("auth.login"))
            if accounts.last_seen_is_due(session.get(LAST_SEEN_KEY), now):
                session[LAST_SEEN_KEY] = now.timestamp()
            return None
        if request.path.startswith("/api/"):
            return jsonify(error="authentication required"), 401
        target = request.full_path if request.query_string else request.path
        return redirect(url_for("auth.login", next=target))

    @app.after_request
    def security_headers(response: Response) -> Response:
        response.headers.setdefault(
            "Content-Security-Policy",
            "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
            "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; "
            "form-action 'self'; frame-ancestors 'none'",
        )
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        if app.config.get("HSTS_ENABLED"):
            response.headers.setdefault(
                "Strict-Transport-Security", "max-age=31536000; includeSubDomains"
            )
        if current_user.is_authenticated and request.endpoint not in CACHEABLE_ENDPOINTS:
            # Pages behind sign-in may show personal data: never keep them in any cache.
            response.headers["Cache-Control"] = "no-store"
        response.vary.add("Cookie")
        return response


def _init_error_handlers(app: Flask) -> None:
    from exchange_app.security_log import security_event

    def render_error(status: int, message: str | None = None, incident: str | None = None) -> Any:
        if request_ctx.url_adapter is None:
            # The Host header was refused (TRUSTED_HOSTS): no URL can be built, so no page.
            return Response(f"{status}\n", status=status, mimetype="text/plain")
        if request.path.startswith("/api/"):
            return jsonify(error=status, message=message, incident=incident), status
        return (
            render_template("errors/error.html", status=status, message=message, incident=incident),
            status,
        )

    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError) -> Any:
        security_event("csrf_failure", reason=error.description)
        return render_error(
            400, _("The form has expired or was not sent from this site. Please try again.")
        )

    @app.errorhandler(StaleDataError)
    def stale_data(_error: StaleDataError) -> Any:
        database.get_session().rollback()
        return render_error(
            409,
            _(
                "Someone else changed this record while you were editing it. "
                "Nothing was saved. Reload the record to see the other change."
            ),
        )

    @app.errorhandler(IntegrityError)
    def integrity_error(error: IntegrityError) -> Any:
        database.get_session().rollback()
        app.logger.warning("integrity error: %s", error.orig)
        return render_error(
            409,
            _(
                "The change conflicts with data already recorded and was not saved. "
                "Please check the values and try again."
            ),
        )

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException) -> Any:
        if error.code == 403:
            security_event(
                "forbidden",
                user_id=current_user.id if current_user.is_authenticated else None,
            )
        return render_error(error.code or 500)

    @app.errorhandler(Exception)
    def unexpected_error(error: Exception) -> Any:
        incident = uuid.uuid4().hex[:12]
        app.logger.exception("incident %s", incident)
        # The original error is what matters; a failing rollback must not hide it.
        with contextlib.suppress(Exception):
            database.get_session().rollback()
        return render_error(500, incident=incident)


def _init_templates(app: Flask) -> None:
    from exchange_app import vocab
    from exchange_app.auth.permissions import can
    from exchange_app.countries import country_choices, country_name
    from exchange_app.services import dates

    @app.context_processor
    def template_globals() -> dict[str, Any]:
        from exchange_app.navigation import NAV_ITEMS, active_item

        return {
            "can": can,
            "vocab": vocab,
            "lang": current_language(),
            "url_for_lang": url_for_lang,
            "nav_items": [item for item in NAV_ITEMS if item.endpoint in app.view_functions],
            "active_nav": active_item(request.endpoint) if has_request_context() else None,
        }

    app.jinja_env.filters["wareki"] = dates.wareki
    app.jinja_env.filters["fiscal_year"] = lambda fy: dates.fiscal_year_label(
        fy, current_language()
    )
    app.jinja_env.filters["fiscal_year_of"] = dates.fiscal_year_of
    app.jinja_env.filters["date"] = lambda d, precision="day": dates.format_date(
        d, current_language(), precision
    )
    app.jinja_env.filters["number"] = lambda n: "" if n is None else f"{n:,}"
    app.jinja_env.filters["datetime"] = lambda moment: dates.format_datetime(
        moment, current_language()
    )
    app.jinja_env.filters["country"] = lambda code: country_name(code, current_language())

    def date_cell(day: Any, precision: str = "day", era: bool = True) -> Markup:
        """A date for a list: Western and 和暦 parts, each kept on one line."""
        western, wareki_part = dates.format_date_parts(day, current_language(), precision)
        html = Markup('<span class="date-part">{}</span>').format(western)
        if era and wareki_part:
            era_text = wareki_part
            html += Markup(' <span class="date-part date-era">{}</span>').format(era_text)
        return html

    app.jinja_env.filters["date_cell"] = date_cell
    app.jinja_env.globals["country_choices"] = lambda: country_choices(current_language())


def url_for_lang(language: str) -> str:
    """The current page's URL with the language switched (other query values kept)."""
    if request.method != "GET":
        return url_for("main.home", lang=language)
    args = request.args.copy()
    args["lang"] = language
    return f"{request.path}?{urlencode(list(args.items(multi=True)))}"

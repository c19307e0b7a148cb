"""Interface language and time zone: Bahasa Indonesia by default, English selectable."""

from flask import current_app, has_request_context, request, session
from flask_babel import format_date, format_datetime
from flask_login import current_user

from .extensions import babel


def select_locale():
    languages = current_app.config["LANGUAGES"]
    if not has_request_context():  # CLI commands speak the default language
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    if current_user and current_user.is_authenticated and current_user.locale in languages:
        return current_user.locale
    chosen = session.get("lang")
    if chosen in languages:
        return chosen
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def select_timezone():
    return current_app.config["TIMEZONE"]


def init_i18n(app):
    babel.init_app(
        app,
        locale_selector=select_locale,
        timezone_selector=select_timezone,
        default_translation_directories=str(app.root_path + "/translations"),
    )
    app.jinja_env.globals["LANGUAGES"] = app.config["LANGUAGES"]
    # format_datetime shows the value in the instance's zone; naive values are taken as UTC.
    app.jinja_env.filters["datetime"] = lambda v, fmt="medium": format_datetime(v, fmt) if v else ""
    app.jinja_env.filters["date"] = lambda v, fmt="medium": format_date(v, fmt) if v else ""

    @app.context_processor
    def _language():
        return {"current_language": select_locale(), "request_path": request.path}

"""Interface language and time zone: Bahasa Indonesia by default, English selectable."""

from babel.dates import format_datetime as babel_format_datetime
from babel.dates import get_timezone
from flask import current_app, has_request_context, request, session
from flask_babel import format_date, format_datetime, get_locale
from flask_babel.speaklater import LazyString
from flask_login import current_user
from markupsafe import escape

from .extensions import babel


def _escaped_html(self):
    return escape(str(self))


# Flask-Babel's lazy strings declare themselves HTML (`__html__` returns the text as it is), so a
# message such as _l("%(email)s is not valid", email=typed) would reach the page unescaped. No
# message in this product is HTML: a lazy string is text, escaped like any other, whatever it
# interpolates and wherever it ends up (form errors, flashes, templates).
LazyString.__html__ = _escaped_html


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


def zone_abbreviation(value):
    """WIB, WITA or WIT: the Indonesian name of the instance's zone, in every interface language."""
    zone = get_timezone(current_app.config["TIMEZONE"])
    return babel_format_datetime(value, "z", tzinfo=zone, locale="id")


def local_datetime(value):
    """'2 Des 2026, 13.00 WITA': four-digit year, the instance's zone named (never '02/12/26')."""
    time_part = "HH.mm" if str(get_locale() or "id").startswith("id") else "HH:mm"
    zone = zone_abbreviation(value).replace("'", "")
    return format_datetime(value, f"d MMM y, {time_part} '{zone}'")


def local_date(value, fmt=None):
    """'2 Des 2026' ('long' spells the month: '2 Desember 2026')."""
    return format_date(value, "d MMMM y" if fmt == "long" else "d MMM y")


def init_i18n(app):
    babel.init_app(
        app,
        locale_selector=select_locale,
        timezone_selector=select_timezone,
        default_translation_directories=str(app.root_path + "/translations"),
    )
    app.jinja_env.globals["LANGUAGES"] = app.config["LANGUAGES"]
    # format_datetime shows the value in the instance's zone; naive values are taken as UTC.
    app.jinja_env.filters["datetime"] = lambda v, fmt=None: local_datetime(v) if v else ""
    app.jinja_env.filters["date"] = lambda v, fmt=None: local_date(v, fmt) if v else ""

    @app.context_processor
    def _language():
        return {"current_language": select_locale(), "request_path": request.path}

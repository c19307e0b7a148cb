"""Interface language and time zone: Bahasa Indonesia by default, English selectable."""

from datetime import timedelta

from babel import Locale
from babel.dates import format_datetime as babel_format_datetime
from babel.dates import format_timedelta as babel_format_timedelta
from babel.dates import get_timezone, parse_pattern
from flask import current_app, has_request_context, request, session
from flask_babel import format_date, format_datetime, get_locale
from flask_babel.speaklater import LazyString
from flask_login import current_user
from markupsafe import escape

from .extensions import babel
from .timeutil import local_time


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


def moment_formatter():
    """local_datetime for many values (the rows of an export): the same text, with the locale,
    the zone and the pattern looked up once instead of for every cell (about 10 times faster)."""
    locale = Locale.parse(str(get_locale() or current_app.config["BABEL_DEFAULT_LOCALE"]))
    time_part = "HH.mm" if locale.language == "id" else "HH:mm"
    patterns = {}  # by UTC offset: the zone's name is part of the pattern

    def fmt(value):
        if not value:
            return ""
        local = local_time(value)
        offset = local.utcoffset()
        pattern = patterns.get(offset)
        if pattern is None:
            name = zone_abbreviation(local).replace("'", "")
            pattern = patterns[offset] = parse_pattern(f"d MMM y, {time_part} '{name}'")
        return pattern.apply(local, locale)

    return fmt


def date_formatter():
    """local_date for many values (the rows of an export), the pattern parsed once."""
    locale = Locale.parse(str(get_locale() or current_app.config["BABEL_DEFAULT_LOCALE"]))
    pattern = parse_pattern("d MMM y")
    return lambda value: pattern.apply(value, locale) if value else ""


_EXACT = 10**9  # a threshold no amount reaches: Babel then keeps the unit asked for


def duration(minutes):
    """A length of time in words, from Babel's unit names: '4 jam 15 menit', '4 hours 15 minutes',
    '45 menit', '1 jam'. The units are CLDR's, so each language gets its own plural forms."""
    minutes = max(0, int(minutes or 0))
    hours, rest = divmod(minutes, 60)
    locale = get_locale() or current_app.config["BABEL_DEFAULT_LOCALE"]
    parts = []
    if hours:
        parts.append(
            babel_format_timedelta(
                timedelta(hours=hours), granularity="hour", threshold=_EXACT, locale=locale
            )
        )
    if rest or not hours:
        parts.append(
            babel_format_timedelta(
                timedelta(minutes=rest), granularity="minute", threshold=_EXACT, locale=locale
            )
        )
    return " ".join(parts)


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
    app.jinja_env.globals["duration"] = duration

    @app.context_processor
    def _language():
        return {"current_language": select_locale(), "request_path": request.path}

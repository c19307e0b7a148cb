"""Interface language and time zone: Bahasa Indonesia by default, English selectable."""

from contextlib import suppress
from datetime import datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from babel import Locale
from babel.dates import format_datetime as babel_format_datetime
from babel.dates import format_timedelta as babel_format_timedelta
from babel.dates import parse_pattern
from flask import current_app, g, has_request_context, request, session
from flask_babel import get_locale, get_translations
from flask_babel.speaklater import LazyString
from flask_login import current_user
from jinja2 import pass_context
from markupsafe import Markup, escape
from sqlalchemy.exc import SQLAlchemyError

from .api.problems import is_api_request
from .extensions import babel, db
from .timeutil import as_utc


def _escaped_html(self):
    return escape(str(self))


# Flask-Babel's lazy strings declare themselves HTML (`__html__` returns the text as it is), so a
# message such as _l("%(email)s is not valid", email=typed) would reach the page unescaped. No
# message in this product is HTML: a lazy string is text, escaped like any other, whatever it
# interpolates and wherever it ends up (form errors, flashes, templates).
LazyString.__html__ = _escaped_html


def select_locale():
    """The signed-in person's language, else the session's, else the default. Never raises:
    the page saying the database is unavailable must still find its language."""
    languages = current_app.config["LANGUAGES"]
    if not has_request_context():  # CLI commands speak the default language
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    if is_api_request():  # tokens, no session: the client's Accept-Language
        return (
            request.accept_languages.best_match(languages)
            or current_app.config["BABEL_DEFAULT_LOCALE"]
        )
    user_locale = _signed_in_locale()
    if user_locale in languages:
        return user_locale
    chosen = session.get("lang")
    if chosen in languages:
        return chosen
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def _signed_in_locale():
    if g.get("db_unavailable"):  # set by the 503 page (elearn/web.py): ask nothing of the DB
        return None
    try:
        if current_user and current_user.is_authenticated:
            return current_user.locale
    except SQLAlchemyError as exc:
        # Loading the signed-in user needs the database; without it, the session decides.
        g.db_unavailable = True
        current_app.logger.warning("language of the signed-in user unknown: %s", exc)
        with suppress(SQLAlchemyError):
            db.session.rollback()
    return None


def select_timezone():
    return current_app.config["TIMEZONE"]


def _locale_name():
    return str(get_locale() or current_app.config["BABEL_DEFAULT_LOCALE"])


@lru_cache(maxsize=32)
def _moment_format(locale_name, zone_name):
    """The formatter behind local_datetime for one language and zone, built once per process:
    the locale parsed and each pattern (one per UTC offset: the zone's name is part of it)
    compiled once, instead of for every value shown (pages, exports)."""
    locale = Locale.parse(locale_name)
    zone = ZoneInfo(zone_name)
    time_part = "HH.mm" if locale.language == "id" else "HH:mm"
    patterns = {}

    def fmt(value):
        if not value:
            return ""
        local = as_utc(value).astimezone(zone)
        offset = local.utcoffset()
        pattern = patterns.get(offset)
        if pattern is None:
            # WIB, WITA or WIT: the zone's Indonesian name, in every interface language.
            name = babel_format_datetime(local, "z", tzinfo=zone, locale="id").replace("'", "")
            pattern = patterns[offset] = parse_pattern(f"d MMM y, {time_part} '{name}'")
        return pattern.apply(local, locale)

    return fmt


@lru_cache(maxsize=32)
def _date_format(locale_name, zone_name, long=False):
    """The formatter behind local_date for one language and zone, built once per process."""
    locale = Locale.parse(locale_name)
    zone = ZoneInfo(zone_name)
    pattern = parse_pattern("d MMMM y" if long else "d MMM y")

    def fmt(value):
        if not value:
            return ""
        if isinstance(value, datetime):  # a moment: its day on the instance's clock
            value = as_utc(value).astimezone(zone).date()
        return pattern.apply(value, locale)

    return fmt


def moment_formatter():
    """local_datetime as a function of one value, for many values (the rows of an export)."""
    return _moment_format(_locale_name(), current_app.config["TIMEZONE"])


def date_formatter(fmt=None):
    """local_date as a function of one value, for many values (the rows of an export)."""
    return _date_format(_locale_name(), current_app.config["TIMEZONE"], fmt == "long")


def local_datetime(value):
    """'2 Des 2026, 13.00 WITA': four-digit year, the instance's zone named (never '02/12/26');
    '' for no value. Naive values are taken as UTC (SQLite)."""
    return moment_formatter()(value)


def local_date(value, fmt=None):
    """'2 Des 2026' ('long' spells the month: '2 Desember 2026'); '' for no value."""
    return date_formatter(fmt)(value)


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
    # Dates in the instance's zone, with the year and the zone named; naive values are UTC.
    app.jinja_env.filters["datetime"] = lambda v, fmt=None: local_datetime(v)
    app.jinja_env.filters["date"] = local_date
    app.jinja_env.globals["duration"] = duration
    _install_template_gettext(app)

    @app.context_processor
    def _language():
        return {"current_language": select_locale(), "request_path": request.path}


# Templates' gettext -----------------------------------------------------------------------------
# Flask-Babel's template callables look the translations up again for every message (the
# request's Babel namespace three times, the locale's name built), ~20 times per page. These
# keep them in Flask-Babel's own per-request slot, `babel_translations`, which its
# force_locale() and refresh() reset; the rest is Jinja's newstyle gettext unchanged.
def _translations():
    ns = g.get("_flask_babel") if g else None
    translations = getattr(ns, "babel_translations", None)
    if translations is None:
        translations = get_translations()
        if ns is not None:
            ns.babel_translations = translations
    return translations


@pass_context
def _template_gettext(context, string, **variables):
    rv = _translations().ugettext(string)
    if context.eval_ctx.autoescape:
        rv = Markup(rv)  # noqa: S704 (the catalog's text, as Jinja does; values are escaped)
    return rv % variables  # always a format string, as in Jinja's newstyle gettext


@pass_context
def _template_ngettext(context, singular, plural, num, **variables):
    variables.setdefault("num", num)
    rv = _translations().ungettext(singular, plural, num)
    if context.eval_ctx.autoescape:
        rv = Markup(rv)  # noqa: S704 (the catalog's text, as Jinja does; values are escaped)
    return rv % variables


def _install_template_gettext(app):
    app.jinja_env.globals.update(
        _=_template_gettext, gettext=_template_gettext, ngettext=_template_ngettext
    )

"""The API's blueprints, each set up alike: a bearer token before every view, RFC 9457
problems for every error, no CSRF (no cookies are read), a rate limit per token."""

from flask import current_app
from flask_babel import gettext as _
from flask_smorest import Blueprint
from werkzeug.exceptions import HTTPException

from ..extensions import csrf, limiter
from .auth import authenticate, rate_key
from .pagination import BadCursor
from .problems import ApiProblem, problem


def _titles():
    return {
        400: _("Bad request"),
        404: _("Not found"),
        405: _("Not allowed"),
        413: _("Request too large"),
        415: _("Send JSON"),
        422: _("Invalid request"),
    }


def _http_problem(error):
    data = getattr(error, "data", None) or {}
    status = error.code or 500
    title = _titles().get(status, error.name)
    if "messages" in data:  # webargs: the query or the body
        errors = {}
        for fields in data["messages"].values():
            errors.update(fields if isinstance(fields, dict) else {"body": fields})
        errors = {str(k): _texts(v) for k, v in errors.items()}
        return problem(status, title, _("Some values are not valid."), errors=errors)
    return problem(status, title, "" if status in _titles() else (error.description or ""))


def _texts(messages):
    """marshmallow's messages of one field as a list of plain texts (they may be lazy
    translations, nested per list item or per key)."""
    if isinstance(messages, dict):
        return [f"{k}: {t}" for k, v in messages.items() for t in _texts(v)]
    if isinstance(messages, (list, tuple)):
        return [t for m in messages for t in _texts(m)]
    return [str(messages)]


def _bad_cursor(error):
    return problem(400, _("Invalid cursor"), str(error))


def api_blueprint(name, description):
    blp = Blueprint(name, __name__, url_prefix="/api/v1", description=description)
    blp.before_request(authenticate)
    blp.register_error_handler(ApiProblem, lambda e: e.response())
    blp.register_error_handler(BadCursor, _bad_cursor)
    blp.register_error_handler(HTTPException, _http_problem)
    csrf.exempt(blp)  # bearer tokens only: a cookie never signs an API request in
    limiter.limit(lambda: current_app.config["API_RATE_LIMIT"], key_func=rate_key)(blp)
    return blp

"""Bearer tokens on every API request: who the caller is, what they may see (the web's scope
rules for a person's token; the whole instance for a service's) and what they may do."""

import functools
import hashlib

from flask import g, request
from flask_babel import gettext as _
from flask_limiter.util import get_remote_address

from ..extensions import db
from ..models.user import Role
from .problems import problem
from .tokens import token_for_secret, touch


class ServiceViewer:
    """The viewer of a service's token (an HR system, a data warehouse): everyone in the
    instance, like an administrator, and no person behind it."""

    id = None

    def __init__(self, token):
        self.token = token

    def has_role(self, *roles):
        return Role.ADMIN in roles

    def can_see(self, person):
        return True


def bearer_secret():
    scheme, _sep, secret = request.headers.get("Authorization", "").partition(" ")
    return secret.strip() if scheme.lower() == "bearer" else ""


def rate_key():
    """The per-token rate limit's key: a hash of the bearer secret (the token, without a
    database lookup before the limit), else the address."""
    secret = bearer_secret()
    if secret:
        return "api:" + hashlib.sha256(secret.encode()).hexdigest()[:32]
    return "api-anonymous:" + get_remote_address()


def _unauthorized(detail, error):
    challenge = f'Bearer realm="elearn", error="{error}"' if error else 'Bearer realm="elearn"'
    return problem(401, _("Authentication required"), detail, {"WWW-Authenticate": challenge})


def authenticate():
    """The API blueprint's before_request: a usable token, or a 401 problem."""
    secret = bearer_secret()
    if not secret:
        return _unauthorized(
            _("Send an API token in the Authorization header: Bearer <token>."), ""
        )
    token = token_for_secret(secret)
    owner = token.owner if token is not None else None
    if token is None or (token.owner_id is not None and (owner is None or not owner.active)):
        db.session.rollback()
        return _unauthorized(
            _("The token is unknown, expired or revoked. Ask an administrator for a new one."),
            "invalid_token",
        )
    if touch(token):
        db.session.commit()
    g.api_token = token
    g.api_viewer = owner if owner is not None else ServiceViewer(token)
    return None


def viewer():
    return g.api_viewer


def requires(scope):
    """The view needs a token with `scope`; otherwise a 403 problem naming it."""

    def decorator(view):
        @functools.wraps(view)
        def wrapped(*args, **kwargs):
            if scope not in (g.api_token.scopes or []):
                return problem(
                    403,
                    _("Not allowed"),
                    _("This token does not have the scope %(scope)s.", scope=scope),
                )
            return view(*args, **kwargs)

        return wrapped

    return decorator

"""Flask-Login wiring: how a session cookie maps back to an active account."""

import functools
import hashlib
import secrets

from flask import request
from flask.sessions import SecureCookieSessionInterface
from flask_babel import lazy_gettext as _l
from sqlalchemy import bindparam, select, update
from sqlalchemy.orm import joinedload

from ..api.problems import is_api_request
from ..extensions import db, login_manager
from ..timeutil import utcnow

# Answers that never write the session cookie. A browser (its service worker above all) fetches
# these in the background; the cookie such a request was sent with is often older than a sign-in
# or sign-out that finished meanwhile, and writing it back would undo that. The API (bearer
# tokens) never writes one either.
COOKIELESS_ENDPOINTS = frozenset(
    {"static", "offline.service_worker", "offline.offline_page", "offline.quiz_offline_page",
     "offline.manifest"}
)  # fmt: skip


class CookieSessionInterface(SecureCookieSessionInterface):
    """Flask's signed cookie session, left alone by the background answers above."""

    def save_session(self, app, session, response):
        if request.endpoint in COOKIELESS_ENDPOINTS or is_api_request():
            return
        super().save_session(app, session, response)


def init_login(app):
    app.session_interface = CookieSessionInterface()
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Please sign in to open this page.")
    login_manager.login_message_category = "info"

    @login_manager.user_loader
    def load_user(user_id):
        ident, _, rest = user_id.partition(".")
        version, _, sid = rest.partition(".")
        if not ident.isdigit() or not version.isdigit() or not sid:
            return None
        # The user, their roles and their live session in one query, on every request: a
        # signed-out (ended) session, a changed password (new session_version) or a deactivated
        # account ends the session at once, and a role taken away is gone from the next page.
        params = {"user_id": int(ident), "token_hash": _token_hash(sid)}
        user = db.session.execute(_user_with_roles(), params).unique().scalar_one_or_none()
        if user is None or user.session_version != int(version) or not user.active:
            return None
        user.current_sid = sid
        return user


@functools.cache
def _user_with_roles():
    """The statement of load_user, built once per process: building it costs about as much as
    running it."""
    from ..models import User, UserSession

    return (
        select(User)
        .join(UserSession, UserSession.user_id == User.id)
        .options(joinedload(User.role_rows))
        .where(
            User.id == bindparam("user_id"),
            UserSession.token_hash == bindparam("token_hash"),
            UserSession.ended_at.is_(None),
        )
    )


def _token_hash(token):
    return hashlib.sha256(token.encode()).hexdigest()


def start_session(user):
    """A new server-side session for `user` (call before login_user)."""
    from ..models import UserSession

    token = secrets.token_urlsafe(24)
    db.session.add(UserSession(user_id=user.id, token_hash=_token_hash(token)))
    user.current_sid = token
    return token


def end_session(user):
    """End the session `user` was loaded for (sign-out); other devices stay signed in."""
    from ..models import UserSession

    sid = getattr(user, "current_sid", None)
    if not sid:
        return
    db.session.execute(
        update(UserSession)
        .where(UserSession.token_hash == _token_hash(sid), UserSession.ended_at.is_(None))
        .values(ended_at=utcnow())
    )

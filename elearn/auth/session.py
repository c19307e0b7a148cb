"""Flask-Login wiring: how a session cookie maps back to an active account."""

import hashlib
import secrets

from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update

from ..extensions import db, login_manager
from ..timeutil import utcnow


def init_login(app):
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Please sign in to open this page.")
    login_manager.login_message_category = "info"

    @login_manager.user_loader
    def load_user(user_id):
        from ..models import User, UserSession

        ident, _, rest = user_id.partition(".")
        version, _, sid = rest.partition(".")
        if not ident.isdigit() or not version.isdigit() or not sid:
            return None
        # The user and their live session in one query: a signed-out (ended) session, a
        # changed password (new session_version) or a deactivated account ends the session.
        user = db.session.scalar(
            select(User)
            .join(UserSession, UserSession.user_id == User.id)
            .where(
                User.id == int(ident),
                UserSession.token_hash == _token_hash(sid),
                UserSession.ended_at.is_(None),
            )
        )
        if user is None or user.session_version != int(version) or not user.active:
            return None
        user.current_sid = sid
        return user


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

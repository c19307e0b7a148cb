"""Flask-Login wiring: how a session cookie maps back to an active account."""

from flask_babel import lazy_gettext as _l

from ..extensions import db, login_manager


def init_login(app):
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Please sign in to open this page.")
    login_manager.login_message_category = "info"

    @login_manager.user_loader
    def load_user(user_id):
        from ..models import User

        ident, _, version = user_id.partition(".")
        if not ident.isdigit() or not version.isdigit():
            return None
        user = db.session.get(User, int(ident))
        # A changed password (new session_version) or a deactivated account ends the session.
        if user is None or user.session_version != int(version) or not user.active:
            return None
        return user

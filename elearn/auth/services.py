"""Account logic: authentication, password changes and reset tokens."""

from urllib.parse import urlsplit

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import func, select
from werkzeug.security import check_password_hash, generate_password_hash

from ..extensions import db
from ..models import User
from ..nip import clean_nip
from ..timeutil import utcnow

_DUMMY_HASH = None


def find_account(identifier):
    """The user with this NIP or email (case-insensitive), or None."""
    identifier = (identifier or "").strip()
    if "@" in identifier:
        stmt = select(User).where(func.lower(User.email) == identifier.lower())
    else:
        stmt = select(User).where(User.nip == clean_nip(identifier))
    return db.session.scalar(stmt)


def authenticate(identifier, password):
    """Return (user, problem): problem is None, 'invalid' or 'inactive'."""
    global _DUMMY_HASH
    user = find_account(identifier)
    if user is None or not user.password_hash:
        # Spend the same time as a real check so that timing does not reveal accounts.
        if _DUMMY_HASH is None:
            _DUMMY_HASH = generate_password_hash("not-a-password")
        check_password_hash(_DUMMY_HASH, password)
        return None, "invalid"
    if not user.check_password(password):
        return None, "invalid"
    if not user.active:
        return None, "inactive"
    user.last_login_at = utcnow()
    return user, None


def account_key(identifier):
    """The key sign-in attempts are throttled by: the account itself (its id) whatever was typed
    (NIP or email, any spelling), so that switching identifier gains no guesses. Unknown
    identifiers are throttled by their normalized spelling."""
    identifier = (identifier or "").strip()
    user_id = None
    if identifier:
        if "@" in identifier:
            stmt = select(User.id).where(func.lower(User.email) == identifier.lower())
        else:
            stmt = select(User.id).where(User.nip == clean_nip(identifier))
        user_id = db.session.scalar(stmt)
    if user_id is not None:
        return f"user:{user_id}"
    return identifier.lower() if "@" in identifier else clean_nip(identifier)


def is_safe_next(target):
    """Only same-site paths are followed after sign-in (no scheme, host or '//')."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return False
    parts = urlsplit(target)
    return not parts.scheme and not parts.netloc


def _serializer():
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="password-reset")


def make_reset_token(user):
    # The session version changes with the password, so a used link cannot be used again.
    return _serializer().dumps({"u": user.id, "v": user.session_version})


def make_setup_token(user):
    """A link an administrator sends to a new person: valid longer (SETUP_LINK_MAX_AGE), since
    invitations are often read days later; still single-use like a reset link."""
    return _serializer().dumps({"u": user.id, "v": user.session_version, "p": "setup"})


def user_for_reset_token(token):
    cfg = current_app.config
    try:
        data = _serializer().loads(token, max_age=cfg["SETUP_LINK_MAX_AGE"])
        if data.get("p") != "setup":  # a reset link: the short lifetime
            data = _serializer().loads(token, max_age=cfg["PASSWORD_RESET_MAX_AGE"])
    except (SignatureExpired, BadSignature):
        return None
    user = db.session.get(User, data.get("u"))
    if user is None or not user.active or user.session_version != data.get("v"):
        return None
    return user

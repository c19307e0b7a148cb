"""API tokens: issue (the secret is returned once, only its sha256 is stored), look up a
bearer secret, revoke. Services flush, never commit; the caller commits."""

import hashlib
import secrets
from datetime import timedelta

from sqlalchemy import select

from ..extensions import db
from ..models.api_token import SCOPES, ApiToken
from ..models.user import audit
from ..timeutil import utcnow

PREFIX = "elr_"
LAST_USED_STEP = timedelta(minutes=1)


def hash_secret(secret):
    return hashlib.sha256(secret.encode()).hexdigest()


def issue_token(actor, name, scopes, owner=None, service_name="", days=90):
    """Create a token; returns (token, secret). The secret is never stored."""
    unknown = set(scopes) - set(SCOPES)
    if unknown or not scopes:
        raise ValueError(f"unknown scopes: {sorted(unknown)}")
    if (owner is None) == (not service_name):
        raise ValueError("a token belongs to a person or to a service, not both")
    secret = PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(
        name=name,
        owner=owner,
        service_name=service_name,
        scopes=sorted(scopes),
        prefix=secret[:10],
        token_hash=hash_secret(secret),
        created_by=actor,
        expires_at=utcnow() + timedelta(days=days) if days else None,
    )
    db.session.add(token)
    db.session.flush()
    audit(actor, "api_token.create", token, name=name, scopes=token.scopes)
    return token, secret


def token_for_secret(secret, now=None):
    """The usable token of a bearer secret, else None (unknown, expired or revoked)."""
    if not secret or not secret.startswith(PREFIX):
        return None
    token = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == hash_secret(secret)))
    now = now or utcnow()
    if token is None or token.revoked_at is not None:
        return None
    if token.expires_at is not None and token.expires_at <= now:
        return None
    return token


def touch(token, now=None):
    """Stamp the token as used now (at most once a minute: not a write on every request);
    True when it changed (the caller commits)."""
    now = now or utcnow()
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_STEP:
        token.last_used_at = now
        return True
    return False


def revoke_token(actor, token):
    if token.revoked_at is None:
        token.revoked_at = utcnow()
        audit(actor, "api_token.revoke", token, name=token.name)

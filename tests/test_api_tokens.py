"""API token lifecycle: shown once, only a hash at rest, expiry, revocation, audit."""

from datetime import timedelta

from sqlalchemy import select

from elearn.api.tokens import hash_secret, issue_token, revoke_token, token_for_secret
from elearn.extensions import db
from elearn.models import AuditLog
from elearn.timeutil import utcnow


def test_token_lifecycle(make_user):
    admin = make_user(roles=("admin",))
    token, secret = issue_token(admin, "HR sync", ["people:sync"], service_name="simpeg")
    db.session.commit()
    assert secret.startswith("elr_")
    assert token.token_hash == hash_secret(secret) and secret not in token.token_hash
    assert token_for_secret(secret).id == token.id
    assert token_for_secret(secret + "x") is None
    assert token_for_secret(secret, now=utcnow() + timedelta(days=91)) is None
    revoke_token(admin, token)
    db.session.commit()
    assert token_for_secret(secret) is None
    actions = db.session.scalars(select(AuditLog.action).order_by(AuditLog.id)).all()
    assert actions == ["api_token.create", "api_token.revoke"]

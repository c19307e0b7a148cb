"""Certificates of the people the caller may see, and the verification of any number."""

from flask_babel import gettext as _
from sqlalchemy import select

from ..certificates.services import (
    canonical_number,
    find_by_number,
    public_view,
    verification_url,
)
from ..credentials.services import certificate_check, credential_url
from ..extensions import db
from ..models import Certificate, Course, User
from ..supervision.services import scope_condition
from . import schemas as s
from .auth import requires, viewer
from .blueprint import api_blueprint
from .filters import in_unit, not_found, period
from .pagination import keyset, page_body

blp = api_blueprint("api_certificates", "Certificates.")


def _out(c, slug):
    return {
        "number": c.number,
        "nip": c.nip,
        "full_name": c.full_name,
        "course": slug,
        "course_title": c.course_title,
        "version": c.version_number,
        "jp": c.jp,
        "completed_at": c.completed_at,
        "issued_at": c.issued_at,
        "revoked_at": c.revoked_at,
        "revoked_reason": c.revoked_reason or None,
        "verify_url": verification_url(c.number),
        "credential_url": credential_url(c),
    }


def _listed():
    return (
        select(Certificate, Course.slug)
        .join(User, User.id == Certificate.user_id)
        .join(Course, Course.id == Certificate.course_id)
        .where(scope_condition(viewer()))
    )


@blp.route("/certificates")
@blp.arguments(s.PeriodArgs, location="query")
@blp.response(200, s.CertificatePage)
@requires("reports:read")
def certificates(args):
    """Certificates issued in a period (revoked ones too, with the reason)."""
    start, end = period(args["from_"], args["to"])
    stmt = _listed().where(Certificate.issued_at >= start, Certificate.issued_at < end)
    stmt = in_unit(stmt, args["unit"])
    rows, cursor = keyset(stmt, [Certificate.id], args["cursor"], args["limit"],
                          lambda r: [r[0].id])  # fmt: skip
    return page_body([_out(c, slug) for c, slug in rows], cursor)


@blp.route("/certificates/<string:number>")
@blp.response(200, s.CertificateOut)
@requires("reports:read")
def certificate(number):
    """A certificate of somebody the token's owner may see."""
    canonical = canonical_number(number)
    row = canonical and db.session.execute(_listed().where(Certificate.number == canonical)).first()
    if not row:
        raise not_found(_("There is no certificate %(number)s that you may see.", number=number))
    return _out(*row)


@blp.route("/certificates/<string:number>/verification")
@blp.response(200, s.Verification)
@requires("reports:read")
def verification(number):
    """What the public verification page says of any number, with the Open Badges
    credential's signature checked."""
    found = find_by_number(canonical_number(number))
    if found is None:
        raise not_found(_("There is no certificate with the number %(number)s.", number=number))
    view = public_view(found)
    view["signature_valid"] = bool(certificate_check(found)["signature_valid"])
    view["verify_url"] = verification_url(found.number)
    return view

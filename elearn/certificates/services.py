"""Certificates: issue exactly once per completion, look up, revoke, reissue, make the PDF.

Services flush and never commit; they read settings but never `request` or `current_user`.
"""

import math
import re
import secrets
from pathlib import Path

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import or_, select, update

from ..dbutil import insert_if_absent
from ..extensions import db
from ..models import REISSUED, Certificate, Course, Partner, audit
from ..notifications.services import notify_certificate
from ..timeutil import local_time, utcnow
from ..urls import public_url
from .pdf import render_pdf

# Numbers read ELN-2026-7K3Q-9XPM-H4TD: prefix, year of issue, three groups of four symbols
# drawn with `secrets` from an alphabet without the look-alikes 0/O, 1/I/L.
ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
GROUPS, GROUP_SIZE = 3, 4
NUMBER_BITS = GROUPS * GROUP_SIZE * math.log2(len(ALPHABET))  # about 59.4
_TYPED = re.compile(rf"([A-Z]*)(\d{{4}})([A-Z0-9]{{{GROUPS * GROUP_SIZE}}})")
_NUMBER_ATTEMPTS = 5

ROOT = Path(__file__).resolve().parent.parent.parent


class Refused(Exception):
    """The action does not apply to this certificate; `message` says why, for the admin."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


# Numbers -----------------------------------------------------------------------------------------
def generate_number(prefix, year):
    symbols = "".join(secrets.choice(ALPHABET) for _ in range(GROUPS * GROUP_SIZE))
    groups = [symbols[i : i + GROUP_SIZE] for i in range(0, len(symbols), GROUP_SIZE)]
    return "-".join([prefix, f"{year:04d}", *groups])


def normalize_number(typed, default_prefix="ELN"):
    """The canonical form of a number as people type it (any case, spaces, dots or no dashes,
    prefix left out), or None when it cannot be a certificate number."""
    compact = re.sub(r"[^0-9A-Za-z]", "", (typed or "")[:100]).upper()
    match = _TYPED.fullmatch(compact)
    if match is None:
        return None
    prefix, year, symbols = match.groups()
    if any(c not in ALPHABET for c in symbols):
        return None
    groups = [symbols[i : i + GROUP_SIZE] for i in range(0, len(symbols), GROUP_SIZE)]
    return "-".join([prefix or default_prefix, year, *groups])


def canonical_number(typed):
    return normalize_number(typed, current_app.config["CERTIFICATE_NUMBER_PREFIX"])


# Issue -------------------------------------------------------------------------------------------
def live_certificate(completion_id):
    return db.session.scalar(
        select(Certificate).where(
            Certificate.completion_id == completion_id, Certificate.revoked_at.is_(None)
        )
    )


def issue_certificate(completion, replaces=None):
    """The certificate in force for `completion`, issued now (with snapshots) if there is none.

    Exactly once under concurrency: the insert is ON CONFLICT DO NOTHING against the unique
    index on live certificates per completion, so of two requests issuing at once one inserts
    and the other finds that row. The same statement skips a number already taken (a
    collision has odds of about 2^-59 per pair), in which case another number is drawn."""
    existing = live_certificate(completion.id)
    if existing is not None:
        return existing
    cfg = current_app.config
    user, version = completion.user, completion.version
    issued_at = utcnow()
    values = {
        "completion_id": completion.id,
        "user_id": completion.user_id,
        "course_id": completion.course_id,
        "version_id": completion.version_id,
        "full_name": user.full_name,
        "nip": user.nip,
        "course_title": version.title,
        "version_number": version.number,
        "version_label": version.version_label or "",
        "jp": completion.jp,
        "jp_minutes": cfg["JP_MINUTES"],
        "completed_at": completion.completed_at,
        "final_score": completion.final_score,
        "institution": cfg["INSTANCE_NAME"],
        "co_organiser": _partner_name(completion.course_id),
        "signatory_name": cfg["CERTIFICATE_SIGNATORY_NAME"],
        "signatory_title": cfg["CERTIFICATE_SIGNATORY_TITLE"],
        "signatory_nip": cfg["CERTIFICATE_SIGNATORY_NIP"],
        "issued_at": issued_at,
        "revoked_reason": "",
        "replaces_id": replaces.id if replaces is not None else None,
    }
    year = local_time(issued_at).year
    for _attempt in range(_NUMBER_ATTEMPTS):
        values["number"] = generate_number(cfg["CERTIFICATE_NUMBER_PREFIX"], year)
        # No conflict target: any unique index (live per completion, or number) skips the row.
        if insert_if_absent(Certificate, values, None):
            break
        existing = live_certificate(completion.id)
        if existing is not None:
            return existing
    else:  # pragma: no cover (five collisions in a row: the random source is broken)
        raise RuntimeError("could not draw an unused certificate number")
    issued = live_certificate(completion.id)
    notify_certificate(issued)  # only the request that inserted it gets here
    return issued


# Look-ups ----------------------------------------------------------------------------------------
def find_by_number(number):
    """The certificate with this canonical number, or None."""
    if not number:
        return None
    return db.session.scalar(select(Certificate).where(Certificate.number == number))


def certificate_for(user_id, course_id):
    """The certificate in force of a learner for a course, or None."""
    return db.session.scalar(
        select(Certificate)
        .where(
            Certificate.user_id == user_id,
            Certificate.course_id == course_id,
            Certificate.revoked_at.is_(None),
        )
        .order_by(Certificate.issued_at.desc())
        .limit(1)
    )


def numbers_for(completion_ids):
    """{completion_id: number} of the certificates in force, in one query (for exports)."""
    ids = list(completion_ids)
    if not ids:
        return {}
    rows = db.session.execute(
        select(Certificate.completion_id, Certificate.number).where(
            Certificate.completion_id.in_(ids), Certificate.revoked_at.is_(None)
        )
    )
    return dict(rows.all())


def user_certificates_query(user_id):
    return (
        select(Certificate)
        .where(Certificate.user_id == user_id)
        .order_by(Certificate.issued_at.desc(), Certificate.id.desc())
    )


def admin_query(search="", status=""):
    """Certificates for the admin list: by number (whole or part) or holder's name, newest first."""
    stmt = select(Certificate)
    search = (search or "").strip()
    if search:
        number = canonical_number(search)
        if number:
            stmt = stmt.where(Certificate.number == number)
        else:
            like = "%" + re.sub(r"([\\%_])", r"\\\1", search) + "%"
            stmt = stmt.where(
                or_(
                    Certificate.full_name.ilike(like, escape="\\"),
                    Certificate.number.ilike(like, escape="\\"),
                    Certificate.nip.like(like, escape="\\"),
                )
            )
    if status == "valid":
        stmt = stmt.where(Certificate.revoked_at.is_(None))
    elif status == "revoked":
        stmt = stmt.where(Certificate.revoked_at.is_not(None))
    return stmt.order_by(Certificate.issued_at.desc(), Certificate.id.desc())


def replaced_by(certificate):
    """The certificate issued to replace this one, if any."""
    return db.session.scalar(select(Certificate).where(Certificate.replaces_id == certificate.id))


# Revoke and reissue ------------------------------------------------------------------------------
def _mark_revoked(certificate, actor, reason):
    """Revoke if still in force; False when another request revoked it first."""
    result = db.session.execute(
        update(Certificate)
        .where(Certificate.id == certificate.id, Certificate.revoked_at.is_(None))
        .values(
            revoked_at=utcnow(),
            revoked_reason=reason[:500],
            revoked_by_id=actor.id if actor is not None else None,
        )
        .execution_options(synchronize_session=False)
    )
    db.session.refresh(certificate)
    return result.rowcount == 1


def _audit_name(certificate):
    return f"{certificate.number} · {certificate.full_name}"


def revoke_certificate(actor, certificate, reason):
    reason = (reason or "").strip()
    if not reason:
        raise Refused(_l("Give the reason for revoking the certificate."))
    if not _mark_revoked(certificate, actor, reason):
        raise Refused(_l("This certificate has already been revoked."))
    audit(
        actor,
        "certificate.revoke",
        certificate,
        name=_audit_name(certificate),
        number=certificate.number,
        reason=reason,
    )
    return certificate


def reissue_certificate(actor, certificate):
    """Revoke `certificate` (reason "reissued") and issue a new number with fresh snapshots,
    e.g. after a correction of the holder's name. Returns the new certificate."""
    current = live_certificate(certificate.completion_id)
    if current is not None and current.id != certificate.id:
        raise Refused(
            _l("Certificate %(number)s replaces this one already.", number=current.number)
        )
    if current is not None and not _mark_revoked(certificate, actor, REISSUED):
        raise Refused(_l("Someone else revoked or reissued this certificate in the meantime."))
    new = issue_certificate(certificate.completion, replaces=certificate)
    audit(
        actor,
        "certificate.reissue",
        new,
        name=_audit_name(new),
        number=new.number,
        old_number=certificate.number,
    )
    return new


# Public view -------------------------------------------------------------------------------------
def mask_nip(nip):
    """The NIP with all but its last four digits hidden: **************1001.

    Enough for a checker to match the NIP they have, without publishing the birth date (the
    first eight digits, birth year included) and the appointment date that a full NIP carries."""
    if not nip:
        return None
    if len(nip) <= 8:
        return "*" * len(nip)
    return "*" * (len(nip) - 4) + nip[-4:]


def public_view(certificate):
    """What anyone checking a certificate may see (the JSON answer and the public page)."""
    revoked = certificate.revoked_at is not None
    return {
        "number": certificate.number,
        "status": "revoked" if revoked else "valid",
        "valid": not revoked,
        "name": certificate.full_name,
        "nip": mask_nip(certificate.nip),
        "course": certificate.course_title,
        "jp": certificate.jp,
        "jp_minutes": certificate.jp_minutes,
        "completed_on": local_time(certificate.completed_at).date().isoformat(),
        "institution": certificate.institution,
        "co_organiser": co_organiser_of(certificate),
        "issued_on": local_time(certificate.issued_at).date().isoformat(),
        "revoked_on": local_time(certificate.revoked_at).date().isoformat() if revoked else None,
        "revoked_reason": certificate.revoked_reason if revoked else None,
    }


# PDF ---------------------------------------------------------------------------------------------
def verification_url(number):
    """The public address of a certificate, as printed in its QR code (under PUBLIC_BASE_URL)."""
    return public_url("certificates.verify_number", number=number)


def logo_path():
    """The configured logo: absolute, or relative to the instance folder, then the project."""
    value = current_app.config.get("CERTIFICATE_LOGO") or ""
    if not value:
        return None
    path = Path(value)
    if path.is_absolute():
        return path if path.is_file() else None
    for base in (Path(current_app.instance_path), ROOT):
        if (base / path).is_file():
            return base / path
    current_app.logger.warning("certificate logo not found: %s", value)
    return None


def _partner_name(course_id):
    """The name of the partner co-organising the course now ("" when none), for the snapshot."""
    name = db.session.scalar(
        select(Partner.name)
        .join(Course, Course.partner_id == Partner.id)
        .where(Course.id == course_id)
    )
    return name or ""


def co_organiser_of(certificate):
    """The partner named on the certificate when it was issued, or None: a later change of the
    course's co-organiser leaves certificates already issued as they were."""
    return certificate.co_organiser or None


def certificate_pdf(certificate, verify_url=None):
    return render_pdf(
        certificate,
        verify_url or verification_url(certificate.number),
        logo=logo_path(),
        timezone=current_app.config["TIMEZONE"],
        co_organiser=co_organiser_of(certificate),
    )

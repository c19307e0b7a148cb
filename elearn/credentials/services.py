"""Certificates as Open Badges 3.0 credentials: issuer DID, credential, status list, verification.

The status list is computed from the certificates' own revocation state, so revoking or reissuing
a certificate shows in the published list at once, without a hook in the revocation service."""

import base64
import gzip
import hashlib
import json
import secrets
from urllib.parse import quote, urlsplit

from flask import current_app
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from ..extensions import db
from ..models import Certificate, Course, CourseVersion
from ..models.open_badge import OpenBadge
from ..urls import public_base, public_url
from . import keys, proof

STATUS_LIST_BITS = 131072  # 16 KiB, the minimum the Bitstring Status List spec asks for
DID_CONTEXTS = ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1"]


def _iso(dt):
    return dt.strftime("%Y-%m-%dT%H:%M:%SZ")


# Issuer ------------------------------------------------------------------------------------------
def issuer_did():
    """did:web of PUBLIC_BASE_URL (host, port as %3A, path segments joined by ':')."""
    parts = urlsplit(public_base())
    did = "did:web:" + quote(parts.netloc or "localhost", safe="")
    for segment in [s for s in parts.path.split("/") if s]:
        did += ":" + quote(segment, safe="")
    return did


def verification_method():
    return issuer_did() + "#key-1"


def did_document():
    did = issuer_did()
    method = verification_method()
    return {
        "@context": DID_CONTEXTS,
        "id": did,
        "verificationMethod": [
            {
                "id": method,
                "type": "Multikey",
                "controller": did,
                "publicKeyMultibase": keys.public_key_multibase(),
            }
        ],
        "assertionMethod": [method],
        "authentication": [method],
    }


def issuer_profile():
    return {
        "id": issuer_did(),
        "type": ["Profile"],
        "name": (
            current_app.config.get("CREDENTIALS_ISSUER_NAME") or current_app.config["INSTANCE_NAME"]
        ),
        "url": public_base() + "/",
    }


# Credential --------------------------------------------------------------------------------------
def badge_for(certificate):
    """The certificate's Open Badges row (status bit, salt), created on first use."""
    badge = db.session.scalar(select(OpenBadge).where(OpenBadge.certificate_id == certificate.id))
    for _ in range(5):
        if badge is not None:
            return badge
        index = (db.session.scalar(select(func.max(OpenBadge.status_index))) or -1) + 1
        if index >= STATUS_LIST_BITS:
            raise RuntimeError("The status list is full.")
        badge = OpenBadge(
            certificate_id=certificate.id, status_index=index, salt=secrets.token_hex(16)
        )
        try:
            with db.session.begin_nested():
                db.session.add(badge)
            db.session.commit()
        except IntegrityError:  # another request took the index or made the row first
            badge = db.session.scalar(
                select(OpenBadge).where(OpenBadge.certificate_id == certificate.id)
            )
    raise RuntimeError("Could not allocate a status list index.")


def identity_hash(nip, salt):
    return "sha256$" + hashlib.sha256((nip + salt).encode("utf-8")).hexdigest()


def credential_url(certificate):
    return public_url("credentials.credential", number=certificate.number)


def status_list_url():
    return public_url("credentials.status_list", list_id=1)


def build_credential(certificate):
    badge = badge_for(certificate)
    version = db.session.get(CourseVersion, certificate.version_id)
    course = db.session.get(Course, certificate.course_id)
    competencies = [link.competency.name for link in (version.competency_links if version else [])]
    summary = (version.summary if version else "") or certificate.course_title
    subject = {
        "type": ["AchievementSubject"],
        "name": certificate.full_name,
        "achievement": {
            "id": public_url("catalog.course", slug=course.slug)
            if course is not None
            else credential_url(certificate) + "#achievement",
            "type": ["Achievement"],
            "achievementType": "Course",
            "name": certificate.course_title,
            "description": summary,
            "criteria": {
                "narrative": f"Completed the course {certificate.course_title} "
                f"(version {certificate.version_number}) on elearn: {certificate.jp} JP of "
                f"{certificate.jp_minutes} minutes."
            },
            "creditsAvailable": certificate.jp,
            "tag": competencies,
        },
    }
    if certificate.nip:
        subject["identifier"] = [
            {
                "type": "IdentityObject",
                "identityHash": identity_hash(certificate.nip, badge.salt),
                "identityType": "identifier",
                "hashed": True,
                "salt": badge.salt,
            }
        ]
    document = {
        "@context": [proof.VC_V2, proof.OB_V3],
        "id": credential_url(certificate),
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": certificate.course_title,
        "issuer": issuer_profile(),
        "validFrom": _iso(certificate.issued_at),
        "credentialSubject": subject,
        "credentialStatus": {
            "id": f"{status_list_url()}#{badge.status_index}",
            "type": "BitstringStatusListEntry",
            "statusPurpose": "revocation",
            "statusListIndex": str(badge.status_index),
            "statusListCredential": status_list_url(),
        },
    }
    return proof.sign(
        document, keys.private_key(), verification_method(), _iso(certificate.issued_at)
    )


# Status list -------------------------------------------------------------------------------------
def revoked_indexes():
    return set(
        db.session.scalars(
            select(OpenBadge.status_index)
            .join(Certificate, Certificate.id == OpenBadge.certificate_id)
            .where(Certificate.revoked_at.is_not(None))
        )
    )


def is_revoked(index):
    """Whether the certificate holding status-list bit `index` is revoked."""
    return bool(
        db.session.scalar(
            select(OpenBadge.id)
            .join(Certificate, Certificate.id == OpenBadge.certificate_id)
            .where(OpenBadge.status_index == index, Certificate.revoked_at.is_not(None))
            .limit(1)
        )
    )


def encode_bits(indexes, size=STATUS_LIST_BITS):
    bits = bytearray(size // 8)
    for i in indexes:
        bits[i // 8] |= 0x80 >> (i % 8)  # bit 0 is the left-most bit of the first byte
    compressed = gzip.compress(bytes(bits), mtime=0)
    return "u" + base64.urlsafe_b64encode(compressed).decode("ascii").rstrip("=")


_signed_lists = {}  # the last signed list of this process, by what it was made of


def build_status_list():
    """The signed revocation list: one query for the revoked bits; signing (canonicalisation
    and Ed25519) only when the bits, the address or the key changed since the last call."""
    revoked = sorted(revoked_indexes())
    private = keys.private_key()
    key = (status_list_url(), issuer_did(), keys.public_key_multibase(private.public_key()),
           hashlib.sha256(json.dumps(revoked).encode()).hexdigest())  # fmt: skip
    if key not in _signed_lists:
        _signed_lists.clear()
        _signed_lists[key] = _signed_status_list(revoked, private)
    return json.loads(json.dumps(_signed_lists[key]))  # a copy: callers may change theirs


def _signed_status_list(revoked, private):
    url = status_list_url()
    document = {
        "@context": [proof.VC_V2],
        "id": url,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": issuer_did(),
        "credentialSubject": {
            "id": url + "#list",
            "type": "BitstringStatusList",
            "statusPurpose": "revocation",
            "encodedList": encode_bits(revoked),
        },
    }
    created = "2026-01-01T00:00:00Z"
    return proof.sign(document, private, verification_method(), created)


# Verification ------------------------------------------------------------------------------------
def verify_credential(data):
    """Check a credential (JSON text or parsed): proof by this instance's key, then its status.

    Returns {"signature_valid", "revoked", "valid", "errors"}."""
    errors = []
    try:
        document = json.loads(data) if isinstance(data, (str, bytes)) else data
    except ValueError:
        return {"signature_valid": False, "revoked": None, "valid": False, "errors": ["json"]}
    public = keys.public_key()
    signature_valid = proof.check(document, public, verification_method())
    if not signature_valid:
        errors.append("signature")
    revoked = None
    status = document.get("credentialStatus") if isinstance(document, dict) else None
    if isinstance(status, dict) and status.get("statusListCredential") == status_list_url():
        # The list is this instance's own: read the one bit from the revocation state it is
        # made of, instead of building and signing the whole list to check it again.
        try:
            revoked = is_revoked(int(status.get("statusListIndex")))
        except (TypeError, ValueError):
            errors.append("status")
        if revoked:
            errors.append("revoked")
    else:
        errors.append("status")
    return {
        "signature_valid": signature_valid,
        "revoked": revoked,
        "valid": not errors,
        "errors": errors,
    }


def certificate_check(certificate):
    """For the public verification page: the certificate's credential, checked as a verifier
    would (signature by the published key, status bit), and where to download it."""
    result = verify_credential(json.loads(json.dumps(build_credential(certificate))))
    return {**result, "url": credential_url(certificate)}

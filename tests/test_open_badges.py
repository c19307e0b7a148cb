"""Certificates as Open Badges 3.0 credentials: signed with the instance key, verified by an
independent check on a freshly parsed copy, tampering detected, revocation in the status list."""

import base64
import copy
import gzip
import hashlib
import json
import os
import stat

import base58
import pytest
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from pyld import jsonld
from test_certificates import NIP, complete, course, learner  # noqa: F401

from elearn.certificates.services import revoke_certificate
from elearn.credentials import keys, proof, services
from elearn.extensions import db


@pytest.fixture
def config_overrides(tmp_path):
    return {
        "PUBLIC_BASE_URL": "https://elearn.example.go.id",
        "CREDENTIALS_KEY_PATH": str(tmp_path / "keys" / "ed25519.pem"),
    }


@pytest.fixture
def cert(app, learner, course):  # noqa: F811
    return complete(learner, course)


def _canon(document):
    return jsonld.normalize(
        document,
        {
            "algorithm": "URDNA2015",
            "format": "application/n-quads",
            "documentLoader": proof.document_loader,
        },
    )


def independent_check(document, did_doc):
    """Re-canonicalise with PyLD and check the Ed25519 signature with the published key."""
    document = copy.deepcopy(document)
    prf = document.pop("proof")
    assert prf["type"] == "DataIntegrityProof" and prf["cryptosuite"] == "eddsa-rdfc-2022"
    method = next(m for m in did_doc["verificationMethod"] if m["id"] == prf["verificationMethod"])
    raw = base58.b58decode(method["publicKeyMultibase"][1:])
    assert raw[:2] == b"\xed\x01"
    public = Ed25519PublicKey.from_public_bytes(raw[2:])
    config = {k: v for k, v in prf.items() if k != "proofValue"}
    config["@context"] = document["@context"]
    data = (
        hashlib.sha256(_canon(config).encode()).digest()
        + hashlib.sha256(_canon(document).encode()).digest()
    )
    try:
        public.verify(base58.b58decode(prf["proofValue"][1:]), data)
    except InvalidSignature:
        return False
    return True


def test_credential_download_is_a_signed_open_badge(client, cert):
    response = client.get(f"/certificates/{cert.number}/credential.json")
    assert response.status_code == 200
    assert response.mimetype == "application/ld+json"
    credential = json.loads(response.get_data(as_text=True))
    did_doc = client.get("/.well-known/did.json").get_json()

    assert credential["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    assert credential["issuer"]["id"] == "did:web:elearn.example.go.id" == did_doc["id"]
    assert credential["id"].startswith("https://elearn.example.go.id/certificates/")
    subject = credential["credentialSubject"]
    assert subject["achievement"]["name"] == "Etika dan Integritas ASN"
    assert subject["achievement"]["creditsAvailable"] == 6
    identity = subject["identifier"][0]
    assert identity["hashed"] is True and NIP not in json.dumps(credential)
    assert (
        identity["identityHash"]
        == "sha256$" + hashlib.sha256((NIP + identity["salt"]).encode()).hexdigest()
    )
    assert credential["credentialStatus"]["statusListCredential"] == (
        "https://elearn.example.go.id/credentials/status/1"
    )

    fresh = json.loads(json.dumps(credential))
    assert independent_check(fresh, did_doc)
    result = services.verify_credential(json.dumps(credential))
    assert result == {"signature_valid": True, "revoked": False, "valid": True, "errors": []}


@pytest.mark.parametrize(
    "tamper",
    [
        lambda c: c["credentialSubject"].update(name="Orang Lain"),
        lambda c: c["credentialSubject"]["achievement"].update(creditsAvailable=60),
        lambda c: c.update(validFrom="2020-01-01T00:00:00Z"),
    ],
)
def test_a_tampered_credential_fails(client, cert, tamper):
    credential = json.loads(client.get(f"/certificates/{cert.number}/credential.json").data)
    did_doc = client.get("/.well-known/did.json").get_json()
    tamper(credential)
    assert not independent_check(credential, did_doc)
    result = services.verify_credential(credential)
    assert result["signature_valid"] is False and not result["valid"]


def test_revocation_flips_the_status_bit(client, app, cert, make_user):
    credential = json.loads(client.get(f"/certificates/{cert.number}/credential.json").data)
    index = int(credential["credentialStatus"]["statusListIndex"])
    did_doc = client.get("/.well-known/did.json").get_json()

    def bit():
        status = client.get("/credentials/status/1")
        assert status.headers["Cache-Control"] == "no-store"
        status_list = status.get_json()
        assert independent_check(status_list, did_doc)
        encoded = status_list["credentialSubject"]["encodedList"]
        assert encoded.startswith("u")
        bits = gzip.decompress(base64.urlsafe_b64decode(encoded[1:] + "=" * (-len(encoded) % 4)))
        assert len(bits) >= 16 * 1024
        return bool(bits[index // 8] & (0x80 >> (index % 8)))

    assert bit() is False
    admin = make_user(roles=("admin",))
    revoke_certificate(admin, cert, "Data peserta salah")
    db.session.commit()
    assert bit() is True
    result = services.verify_credential(credential)
    assert result["signature_valid"] is True
    assert result["revoked"] is True and not result["valid"]


def test_did_document_and_key_file(client, app):
    did_doc = client.get("/.well-known/did.json")
    assert did_doc.mimetype == "application/did+json"
    doc = did_doc.get_json()
    method = doc["verificationMethod"][0]
    assert method["type"] == "Multikey"
    assert method["id"] == "did:web:elearn.example.go.id#key-1"
    assert method["controller"] == doc["id"]
    assert method["publicKeyMultibase"].startswith("z6Mk")
    assert doc["assertionMethod"] == [method["id"]]
    with app.app_context():
        path = keys.key_path()
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600


def test_hosts_sharing_one_configured_key_publish_and_verify_alike(client, app, cert):
    """Several app hosts sign with the key of ELEARN_CREDENTIALS_KEY, not each its own file."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    before = client.get("/.well-known/did.json").get_json()["verificationMethod"][0]
    shared = Ed25519PrivateKey.generate().private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()  # fmt: skip
    app.config["CREDENTIALS_KEY"] = shared.strip().replace("\n", "\\n")  # one line, as in a file
    after = client.get("/.well-known/did.json").get_json()["verificationMethod"][0]
    assert after["publicKeyMultibase"] != before["publicKeyMultibase"]
    with app.app_context():
        expected = keys.public_key_multibase(
            serialization.load_pem_private_key(shared.encode(), None).public_key()
        )
    assert after["publicKeyMultibase"] == expected


def test_loader_serves_only_bundled_contexts():
    assert proof.document_loader(proof.VC_V2)["document"]["@context"]
    with pytest.raises(jsonld.JsonLdError):
        proof.document_loader("https://example.org/context.json")
    doc = {"@context": "https://example.org/evil.json", "name": "x"}
    with pytest.raises(jsonld.JsonLdError):
        proof.canonicalize(doc)


def test_verification_page_shows_signature_and_download_link(client, cert):
    page = client.get(f"/verify/{cert.number}", headers={"Accept-Language": "en"})
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Digital signature valid" in html or "Tanda tangan digital sah" in html
    assert f"https://elearn.example.go.id/certificates/{cert.number}/credential.json" in html


def test_pdf_carries_the_credential(app, client, cert):
    import io

    from pypdf import PdfReader

    from elearn.certificates.services import certificate_pdf

    data = certificate_pdf(cert)
    attachments = PdfReader(io.BytesIO(data)).attachments
    name = f"{cert.number}-open-badge.json"
    assert name in attachments
    credential = json.loads(attachments[name][0])
    did_doc = client.get("/.well-known/did.json").get_json()
    assert independent_check(credential, did_doc)
    assert services.verify_credential(credential)["valid"]


def test_every_term_is_defined_by_the_bundled_contexts(client, cert):
    """No property falls through to the VC context's issuer-dependent @vocab."""
    credential = json.loads(client.get(f"/certificates/{cert.number}/credential.json").data)
    credential.pop("proof")
    nquads = _canon(credential)
    assert "issuer-dependent" not in nquads
    assert "https://purl.imsglobal.org/spec/vc/ob/vocab.html#identityHash" in nquads
    status_list = client.get("/credentials/status/1").get_json()
    status_list.pop("proof")
    assert "issuer-dependent" not in _canon(status_list)

"""Data Integrity proofs (cryptosuite eddsa-rdfc-2022) over JSON-LD canonicalised by PyLD.

The document loader serves only the contexts bundled in contexts/: nothing is fetched from the
network, and any other address is an error."""

import copy
import hashlib
import json
from pathlib import Path

import base58
from cryptography.exceptions import InvalidSignature
from pyld import jsonld

CONTEXTS_DIR = Path(__file__).parent / "contexts"
VC_V2 = "https://www.w3.org/ns/credentials/v2"
OB_V3 = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
BUNDLED = {
    VC_V2: "credentials-v2.jsonld",
    OB_V3: "ob-v3p0-context-3.0.3.json",
}
CRYPTOSUITE = "eddsa-rdfc-2022"
_cache = {}


class UnknownContext(jsonld.JsonLdError):
    pass


def document_loader(url, options=None):
    """PyLD document loader: the bundled contexts, nothing else."""
    name = BUNDLED.get(url)
    if name is None:
        raise UnknownContext(
            f"Context {url} is not bundled with elearn.",
            "jsonld.LoadDocumentError",
            {"url": url},
            code="loading document failed",
        )
    if url not in _cache:
        _cache[url] = json.loads((CONTEXTS_DIR / name).read_text(encoding="utf-8"))
    return {"contextUrl": None, "documentUrl": url, "document": copy.deepcopy(_cache[url])}


def canonicalize(document):
    """RDFC-1.0 (URDNA2015) N-Quads of a JSON-LD document."""
    return jsonld.normalize(
        document,
        {
            "algorithm": "URDNA2015",
            "format": "application/n-quads",
            "documentLoader": document_loader,
            "safe": True,
        },
    )


def hash_data(document, proof_config):
    """sha256(canonical proof config) + sha256(canonical document), as eddsa-rdfc-2022."""
    config_hash = hashlib.sha256(canonicalize(proof_config).encode("utf-8")).digest()
    doc_hash = hashlib.sha256(canonicalize(document).encode("utf-8")).digest()
    return config_hash + doc_hash


def _proof_config(document, proof):
    config = {k: v for k, v in proof.items() if k != "proofValue"}
    config["@context"] = document["@context"]
    return config


def sign(document, private_key, verification_method, created):
    """A copy of `document` with a DataIntegrityProof."""
    unsigned = {k: v for k, v in document.items() if k != "proof"}
    proof = {
        "type": "DataIntegrityProof",
        "cryptosuite": CRYPTOSUITE,
        "created": created,
        "verificationMethod": verification_method,
        "proofPurpose": "assertionMethod",
    }
    signature = private_key.sign(hash_data(unsigned, _proof_config(unsigned, proof)))
    proof["proofValue"] = "z" + base58.b58encode(signature).decode("ascii")
    return {**unsigned, "proof": proof}


def check(document, public_key, verification_method):
    """True when `document` carries a valid eddsa-rdfc-2022 proof by `public_key`."""
    proof = document.get("proof") if isinstance(document, dict) else None
    if not isinstance(proof, dict):
        return False
    if (
        proof.get("type") != "DataIntegrityProof"
        or proof.get("cryptosuite") != CRYPTOSUITE
        or proof.get("verificationMethod") != verification_method
        or proof.get("proofPurpose") != "assertionMethod"
    ):
        return False
    value = proof.get("proofValue")
    if not isinstance(value, str) or not value.startswith("z"):
        return False
    try:
        signature = base58.b58decode(value[1:])
        unsigned = {k: v for k, v in document.items() if k != "proof"}
        public_key.verify(signature, hash_data(unsigned, _proof_config(unsigned, proof)))
    except (InvalidSignature, ValueError, jsonld.JsonLdError):
        return False
    return True

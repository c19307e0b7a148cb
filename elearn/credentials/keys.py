"""The instance's Ed25519 key that signs the credentials.

CREDENTIALS_KEY (the PEM text, e.g. from ELEARN_CREDENTIALS_KEY) comes first: several app hosts
must sign with one key, so production sets it like the secret key. Without it, the key file
(CREDENTIALS_KEY_PATH, default instance/ed25519_key.pem) is read, and generated on first use
(owner-readable only, written whole before it appears, so a second worker never reads half)."""

import os
from pathlib import Path

import base58
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from flask import current_app

ED25519_PUB_MULTICODEC = b"\xed\x01"


def key_path():
    configured = current_app.config.get("CREDENTIALS_KEY_PATH")
    return Path(configured) if configured else Path(current_app.instance_path) / "ed25519_key.pem"


def private_key():
    pem = current_app.config.get("CREDENTIALS_KEY")
    if pem:  # an environment file may carry the PEM's line breaks as \n
        pem = pem.strip().replace("\\n", "\n")
        return serialization.load_pem_private_key(pem.encode("ascii"), password=None)
    path = key_path()
    if not path.exists():
        key = Ed25519PrivateKey.generate()
        pem = key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as fh:
            fh.write(pem)
        try:
            os.link(tmp, path)  # atomic; fails when another worker's key is already there
        except FileExistsError:
            pass
        finally:
            tmp.unlink()
    return serialization.load_pem_private_key(path.read_bytes(), password=None)


def public_key():
    return private_key().public_key()


def public_key_multibase(key=None):
    raw = (key or public_key()).public_bytes(
        serialization.Encoding.Raw, serialization.PublicFormat.Raw
    )
    return "z" + base58.b58encode(ED25519_PUB_MULTICODEC + raw).decode("ascii")

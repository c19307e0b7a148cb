"""The instance's Ed25519 key: generated on first use into instance/ (owner-readable only)."""

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
    path = key_path()
    if not path.exists():
        key = Ed25519PrivateKey.generate()
        pem = key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:  # another worker wrote it first
            pass
        else:
            with os.fdopen(fd, "wb") as fh:
                fh.write(pem)
    return serialization.load_pem_private_key(path.read_bytes(), password=None)


def public_key():
    return private_key().public_key()


def public_key_multibase(key=None):
    raw = (key or public_key()).public_bytes(
        serialization.Encoding.Raw, serialization.PublicFormat.Raw
    )
    return "z" + base58.b58encode(ED25519_PUB_MULTICODEC + raw).decode("ascii")

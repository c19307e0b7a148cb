"""Links that leave the application (mails, QR codes, exports, API): always built from the
configured public address (PUBLIC_BASE_URL), never from the request's Host or forwarded headers,
which an attacker controls."""

from urllib.parse import urlsplit

from flask import current_app


def public_base():
    return (current_app.config.get("PUBLIC_BASE_URL") or "").rstrip("/")


def public_url(endpoint, **values):
    """The absolute address of `endpoint` under PUBLIC_BASE_URL (with its path prefix, if any)."""
    base = public_base()
    parts = urlsplit(base)
    adapter = current_app.url_map.bind(
        parts.netloc or "localhost",
        script_name=parts.path or "/",
        url_scheme=parts.scheme or "http",
    )
    return adapter.build(endpoint, values, force_external=True)

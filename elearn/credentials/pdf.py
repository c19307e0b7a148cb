"""The certificate's Open Badges credential, attached to its PDF (hook in certificates/pdf.py)."""

import json

from flask import has_app_context

from ..models import Certificate


def embed_credential(pdf, cert):
    """Attach the signed credential JSON to the fpdf2 document; nothing for a stand-in cert."""
    if not has_app_context() or not isinstance(cert, Certificate) or cert.id is None:
        return
    from .services import build_credential

    data = json.dumps(build_credential(cert), ensure_ascii=False, indent=2).encode("utf-8")
    pdf.embed_file(
        bytes=data,
        basename=f"{cert.number}-open-badge.json",
        desc="Open Badges 3.0 credential (OpenBadgeCredential)",
        mime_type="application/ld+json",
        compress=True,
    )
    pdf.set_keywords(f"OpenBadgeCredential {cert.number}")

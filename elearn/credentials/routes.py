"""Public addresses of the credentials: DID document, status list, a certificate's credential."""

import json

from flask import Blueprint, Response, abort

from ..certificates.routes import verify_limit
from ..certificates.services import canonical_number, find_by_number
from . import services

bp = Blueprint("credentials", __name__)
LD_JSON = "application/ld+json"


def _json(document, mimetype="application/json", cache="no-store"):
    response = Response(json.dumps(document, ensure_ascii=False, indent=2), mimetype=mimetype)
    response.headers["Cache-Control"] = cache
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response


@bp.route("/.well-known/did.json")
def did_document():
    return _json(services.did_document(), "application/did+json", "public, max-age=300")


@bp.route("/credentials/status/<int:list_id>")
def status_list(list_id):
    if list_id != 1:
        abort(404)
    return _json(services.build_status_list(), LD_JSON)  # no-store: a revocation shows at once


@bp.route("/certificates/<number>/credential.json")
@verify_limit
def credential(number):
    cert = find_by_number(canonical_number(number))
    if cert is None:
        abort(404)
    response = _json(services.build_credential(cert), LD_JSON)
    response.headers["Content-Disposition"] = f'attachment; filename="{cert.number}.json"'
    return response

"""Errors of the JSON API as RFC 9457 problem details (application/problem+json), in the
language of the request (elearn/i18n.py: Accept-Language under /api/)."""

from flask import current_app, request

API_PREFIX = "/api/"
PROBLEM_MIMETYPE = "application/problem+json"


def is_api_request():
    return request.path.startswith(API_PREFIX)


def problem(status, title, detail="", headers=None, **members):
    """A problem response. `type` stays about:blank: `title` and `status` say what happened,
    `detail` says it for this request, extension members (e.g. `errors`) carry the rest."""
    body = {"type": "about:blank", "title": str(title), "status": status}
    if detail:
        body["detail"] = str(detail)
    body["instance"] = request.path
    body.update(members)
    response = current_app.json.response(body)
    response.status_code = status
    response.mimetype = PROBLEM_MIMETYPE
    response.headers["Cache-Control"] = "no-store"
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


class ApiProblem(Exception):
    """Raised by a view: answered as problem(status, title, detail, **members)."""

    def __init__(self, status, title, detail="", **members):
        super().__init__(detail or title)
        self.status, self.title, self.detail, self.members = status, title, detail, members

    def response(self):
        return problem(self.status, self.title, self.detail, **self.members)

"""Walk every route of the app for every role: nobody reaches what their role does not allow,
and no POST is accepted without a CSRF token."""

import pytest
from conftest import login

# Routes anyone may open without signing in.
PUBLIC = {
    "static",
    "auth.login",
    "auth.reset_request",
    "auth.reset_password",
    "healthz",
    # Open Badges credentials: public like the certificate verification.
    "credentials.did_document",
    "credentials.status_list",
    "credentials.credential",
    "main.set_language",
    "certificates.verify",
    "certificates.verify_number",
    "certificates.verify_json",
    # What installs and what shows offline carries nothing of a user.
    "offline.manifest",
    "offline.service_worker",
    "offline.offline_page",
    "offline.quiz_offline_page",
    # The API's description (no data): what an HR system's developer reads first.
    "api-docs.openapi_json",
}
# The JSON API: a bearer token, never a session (tests/test_api.py).
API_BLUEPRINTS = ("api_people.", "api_learning.", "api_certificates.")
ROLES = ["learner", "instructor", "supervisor", "admin"]


def _url(app, rule):
    values = {}
    for arg in rule.arguments:
        converter = rule._converters[arg]
        values[arg] = 999999 if converter.__class__.__name__ == "IntegerConverter" else "x"
    with app.test_request_context():
        from flask import url_for

        return url_for(rule.endpoint, **values)


def _rules(app, method):
    return [r for r in app.url_map.iter_rules() if method in r.methods]


def test_every_route_is_public_or_needs_sign_in(app, client):
    for rule in _rules(app, "GET"):
        if rule.endpoint in PUBLIC:
            continue
        response = client.get(_url(app, rule))
        if rule.endpoint.startswith(API_BLUEPRINTS):
            assert response.status_code == 401, rule.endpoint
            assert response.mimetype == "application/problem+json", rule.endpoint
            continue
        assert response.status_code == 302, rule.endpoint
        assert response.headers["Location"].startswith("/login"), rule.endpoint


@pytest.mark.parametrize("role", ROLES)
def test_role_protected_routes_refuse_other_roles(app, client, make_user, role):
    user = make_user(roles=[role])
    assert login(client, user.email).status_code == 302
    checked = 0
    for rule in _rules(app, "GET"):
        view = app.view_functions[rule.endpoint]
        required = getattr(view, "required_roles", None)
        if required is None or rule.endpoint in PUBLIC:
            continue
        status = client.get(_url(app, rule)).status_code
        if role in required:
            assert status != 403, f"{role} refused {rule.endpoint}"
        else:
            assert status == 403, f"{role} reached {rule.endpoint} ({status})"
        checked += 1
    assert checked > 0


def test_every_post_route_needs_a_csrf_token(app, client, make_user):
    user = make_user(roles=ROLES)
    assert login(client, user.email).status_code == 302
    posts = _rules(app, "POST")
    assert posts
    for rule in posts:
        response = client.post(_url(app, rule), data={"anything": "1"})
        assert response.status_code == 400, rule.endpoint

"""The OpenAPI document is valid, and the API, fuzzed against it with schemathesis, never
answers 5xx and always answers what the document says (status, content type, schema)."""

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.specs.openapi import checks as openapi_checks
from test_supervision_helpers import build_agency, complete

from elearn.api.tokens import issue_token
from elearn.extensions import db


@pytest.fixture
def api_schema(app):
    app.config["API_RATE_LIMIT"] = "100000 per minute"
    return schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)


@pytest.fixture
def bearer(app, make_unit, make_user, tmp_path):
    agency = build_agency(make_unit, make_user, tmp_path)  # answers with items to check
    complete(agency.agus, agency.course)
    complete(agency.dewi, agency.other_course)
    _token, secret = issue_token(
        agency.admin, "fuzz", ["reports:read", "people:sync"], service_name="fuzz"
    )
    db.session.commit()
    # identity: schemathesis's WSGI transport hands the body over as it came, undecompressed.
    return {"Authorization": f"Bearer {secret}", "Accept-Encoding": "identity"}


CHECKS = [
    schemathesis.checks.not_a_server_error,
    openapi_checks.status_code_conformance,
    openapi_checks.content_type_conformance,
    openapi_checks.response_schema_conformance,
]


def test_fuzzed_requests_get_documented_answers(api_schema, bearer):
    # Each operation in turn, with hypothesis directly: schemathesis's pytest plugin does not
    # run under this pytest (9), its engine does.
    api_schema.validate()  # against the OpenAPI 3.1 meta-schema schemathesis bundles
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert len(operations) >= 14
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(
            max_examples=25,
            deadline=None,
            suppress_health_check=list(HealthCheck),
            derandomize=True,
            database=None,
        )
        def run(case):
            case.call_and_validate(headers=bearer, checks=CHECKS)

        run()

"""The JSON API under /api/v1: bearer tokens, the web's scope rules for a token's owner,
cursor pages that stay stable under inserts, the people sync by NIP, JP from the one JP
function, SIASN rows, certificates, RFC 9457 problems in the client's language."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select
from test_supervision_helpers import build_agency, complete, count_queries

from elearn.api.tokens import issue_token, revoke_token
from elearn.extensions import db
from elearn.models import AuditLog, Role, User
from elearn.models.api_token import ApiToken
from elearn.timeutil import utcnow

NEW_NIP = "198703152010011002"


@pytest.fixture
def agency(app, make_unit, make_user, tmp_path):
    app.config["PUBLIC_BASE_URL"] = "https://elearn.example.go.id"
    return build_agency(make_unit, make_user, tmp_path)


def token_for(agency, owner=None, scopes=("reports:read",), service=""):
    _token, secret = issue_token(
        agency.admin, "uji", list(scopes), owner=owner, service_name=service
    )
    db.session.commit()
    return secret


def call(client, secret, path, method="GET", **kw):
    headers = kw.pop("headers", {})
    if secret:
        headers["Authorization"] = f"Bearer {secret}"
    return client.open(path, method=method, headers=headers, **kw)


def nips(response):
    return {p["nip"] for p in response.get_json()["items"]}


# Tokens ------------------------------------------------------------------------------------------
def test_no_token_unknown_or_revoked_token_is_a_401_problem(client, agency):
    secret = token_for(agency, owner=agency.admin)
    for header in ({}, {"Authorization": "Bearer elr_nope"}, {"Authorization": "Basic eDp5"}):
        answer = client.get("/api/v1/people", headers=header)
        assert answer.status_code == 401
        assert answer.mimetype == "application/problem+json"
        assert answer.headers["WWW-Authenticate"].startswith("Bearer")
        body = answer.get_json()
        assert body["status"] == 401 and body["instance"] == "/api/v1/people"
        assert "Set-Cookie" not in answer.headers
    assert call(client, secret, "/api/v1/people").status_code == 200
    assert db.session.scalar(select(ApiToken.last_used_at)) is not None  # the admin list shows it
    revoke_token(agency.admin, db.session.scalar(select(ApiToken)))
    db.session.commit()
    assert call(client, secret, "/api/v1/people").status_code == 401


def test_a_deactivated_owner_token_stops_working(client, agency):
    secret = token_for(agency, owner=agency.sup_a)
    assert call(client, secret, "/api/v1/people").status_code == 200
    agency.sup_a.active = False
    db.session.commit()
    assert call(client, secret, "/api/v1/people").status_code == 401


def test_problems_speak_the_clients_language(client, agency):
    answer = client.get("/api/v1/people", headers={"Accept-Language": "en"})
    assert answer.get_json()["title"] == "Authentication required"
    answer = client.get("/api/v1/people")  # no header: Indonesian
    assert answer.get_json()["title"] == "Autentikasi diperlukan"
    answer = client.get("/api/v1/nothing-here", headers={"Accept-Language": "id"})
    assert answer.status_code == 404 and answer.mimetype == "application/problem+json"


def test_a_session_cookie_is_no_way_in(client, agency, login_as):
    login_as(agency.admin)
    assert client.get("/api/v1/people").status_code == 401


def test_scopes_are_enforced(client, agency):
    sync_only = token_for(agency, service="simpeg", scopes=("people:sync",))
    answer = call(client, sync_only, "/api/v1/people")
    assert answer.status_code == 403 and "reports:read" in answer.get_json()["detail"]
    read_only = token_for(agency, service="gudang-data")
    body = {"full_name": "Rina", "email": "rina@example.go.id"}
    answer = call(client, read_only, f"/api/v1/people/{NEW_NIP}", "PUT", json=body)
    assert answer.status_code == 403
    assert db.session.scalar(select(User).where(User.nip == NEW_NIP)) is None


# Scope -------------------------------------------------------------------------------------------
def test_a_supervisors_token_never_returns_people_outside_scope(client, agency):
    complete(agency.agus, agency.course)
    complete(agency.budi, agency.course)
    secret = token_for(agency, owner=agency.sup_a)
    inside = {agency.sup_a.nip, agency.agus.nip, agency.dewi.nip}
    assert nips(call(client, secret, "/api/v1/people")) == inside
    assert call(client, secret, f"/api/v1/people/{agency.budi.nip}").status_code == 404
    assert call(client, secret, f"/api/v1/people/{agency.budi.nip}/jp").status_code == 404
    assert call(client, secret, f"/api/v1/people/{agency.budi.nip}/enrolments").status_code == 404
    lists = ["/api/v1/completions", "/api/v1/enrolments", "/api/v1/jp", "/api/v1/siasn",
             "/api/v1/certificates"]  # fmt: skip
    for path in lists:
        answer = call(client, secret, path)
        assert answer.status_code == 200, path
        found = {i.get("nip") for i in answer.get_json()["items"]}
        assert agency.budi.nip not in found and found <= inside, path
    assert call(client, secret, "/api/v1/people?unit=DINAS-B").status_code == 404
    codes = {u["code"] for u in call(client, secret, "/api/v1/units").get_json()["items"]}
    assert codes == {"DINAS-A", "A1"}


def test_a_learners_token_sees_only_themselves(client, agency):
    secret = token_for(agency, owner=agency.agus)
    assert nips(call(client, secret, "/api/v1/people")) == {agency.agus.nip}
    assert call(client, secret, "/api/v1/units").get_json()["items"] == []


def test_a_service_token_sees_the_whole_instance(client, agency):
    secret = token_for(agency, service="gudang-data")
    everyone = set(db.session.scalars(select(User.nip)).all())
    assert nips(call(client, secret, "/api/v1/people")) == everyone
    answer = call(client, secret, "/api/v1/people?unit=DINAS-A")
    assert nips(answer) == {agency.sup_a.nip, agency.agus.nip, agency.dewi.nip}


# Pages -------------------------------------------------------------------------------------------
def test_cursor_pages_stay_stable_under_inserts(client, agency, make_user):
    secret = token_for(agency, service="gudang-data")
    first = call(client, secret, "/api/v1/people?limit=3").get_json()
    assert len(first["items"]) == 3 and first["next_cursor"]
    assert first["next"].startswith("https://elearn.example.go.id/api/v1/people?")
    assert "limit=3" in first["next"]
    late = make_user(full_name="Datang Belakangan")  # inserted between two pages
    seen = [p["nip"] for p in first["items"]]
    cursor = first["next_cursor"]
    while cursor:
        page = call(client, secret, f"/api/v1/people?limit=3&cursor={cursor}").get_json()
        seen += [p["nip"] for p in page["items"]]
        cursor = page["next_cursor"]
    assert len(seen) == len(set(seen))  # nobody twice, nobody skipped
    assert set(seen) == set(db.session.scalars(select(User.nip)).all())
    assert seen[-1] == late.nip


def test_a_foreign_cursor_or_bad_limit_is_a_clear_problem(client, agency):
    secret = token_for(agency, service="gudang-data")
    answer = call(client, secret, "/api/v1/people?cursor=bukan-kursor")
    assert answer.status_code == 400 and answer.mimetype == "application/problem+json"
    answer = call(client, secret, "/api/v1/people?limit=0", headers={"Accept-Language": "en"})
    assert answer.status_code == 422
    assert "limit" in answer.get_json()["errors"]


# People sync -------------------------------------------------------------------------------------
def test_upsert_by_nip_is_idempotent_and_audited(client, agency):
    secret = token_for(agency, service="simpeg", scopes=("people:sync",))
    body = {
        "full_name": "Rina Wulandari",
        "email": "rina@example.go.id",
        "unit": "A1",
        "position": "Analis Kebijakan",
        "grade": "III/b",
        "supervisor_nip": agency.sup_a.nip,
    }
    answer = call(client, secret, f"/api/v1/people/{NEW_NIP}", "PUT", json=body)
    assert answer.status_code == 201, answer.get_json()
    assert answer.headers["Location"] == f"https://elearn.example.go.id/api/v1/people/{NEW_NIP}"
    created = answer.get_json()
    assert created["created"] is True and created["unit"] == "A1"
    again = call(client, secret, f"/api/v1/people/{NEW_NIP}", "PUT", json=body)
    assert again.status_code == 200 and again.get_json()["changed"] == []
    people = db.session.scalars(select(User).where(User.nip == NEW_NIP)).all()
    assert len(people) == 1 and people[0].roles == {Role.LEARNER}
    assert people[0].password_hash is None  # signs in after an emailed setup link
    moved = call(client, secret, f"/api/v1/people/{NEW_NIP}", "PUT", json=body | {"unit": "B"})
    assert moved.status_code == 422  # no unit B: the code is DINAS-B
    moved = call(client, secret, f"/api/v1/people/{NEW_NIP}", "PUT",
                 json=body | {"unit": "DINAS-B"})  # fmt: skip
    assert moved.status_code == 200 and moved.get_json()["changed"] == ["unit"]
    actions = db.session.scalars(select(AuditLog.action).order_by(AuditLog.id)).all()
    assert actions.count("user.create") == 1 and actions.count("user.update") == 1


def test_upsert_keeps_roles_and_refuses_bad_data_whole(client, agency):
    secret = token_for(agency, owner=agency.admin, scopes=("people:sync", "reports:read"))
    sup = agency.sup_a
    body = {"full_name": sup.full_name, "email": sup.email, "unit": "DINAS-A"}
    answer = call(client, secret, f"/api/v1/people/{sup.nip}", "PUT", json=body)
    assert answer.status_code == 200
    db.session.expire_all()
    assert db.session.get(User, sup.id).roles == {Role.SUPERVISOR, Role.LEARNER}
    bad = {"full_name": "Salah", "email": "bukan-email", "grade": "IX/z"}
    answer = call(client, secret, f"/api/v1/people/{NEW_NIP}", "PUT", json=bad,
                  headers={"Accept-Language": "id"})  # fmt: skip
    assert answer.status_code == 422
    errors = answer.get_json()["errors"]
    assert {"email", "grade"} <= set(errors)
    assert db.session.scalar(select(func.count()).where(User.nip == NEW_NIP)) == 0
    answer = call(client, secret, "/api/v1/people/123", "PUT", json=body | {"email": "x@y.id"})
    assert answer.status_code == 422 and "nip" in answer.get_json()["errors"]


def test_only_an_admin_or_a_service_syncs_people(client, agency):
    secret = token_for(agency, owner=agency.sup_a, scopes=("people:sync",))
    body = {"full_name": "Rina", "email": "rina@example.go.id"}
    assert call(client, secret, f"/api/v1/people/{NEW_NIP}", "PUT", json=body).status_code == 403


# Learning data -----------------------------------------------------------------------------------
def test_courses_enrolments_completions_and_jp(client, agency):
    complete(agency.agus, agency.course)
    complete(agency.agus, agency.other_course)
    secret = token_for(agency, owner=agency.sup_a)
    courses = call(client, secret, "/api/v1/courses").get_json()["items"]
    assert {c["slug"] for c in courses} == {"etika", "arsip"}
    etika = call(client, secret, "/api/v1/courses/etika").get_json()
    assert etika["jp"] == 4 and [v["number"] for v in etika["versions"]] == [1]
    assert etika["url"] == "https://elearn.example.go.id/courses/etika"
    mine = call(client, secret, f"/api/v1/people/{agency.agus.nip}/enrolments").get_json()
    assert {(e["course"], e["status"]) for e in mine["items"]} == {
        ("etika", "completed"),
        ("arsip", "completed"),
    }
    done = call(client, secret, "/api/v1/completions?course=etika").get_json()["items"]
    assert [(d["nip"], d["jp"]) for d in done] == [(agency.agus.nip, 4)]
    assert done[0]["certificate_number"]
    jp = call(client, secret, f"/api/v1/people/{agency.agus.nip}/jp").get_json()
    assert jp["total"] == 10 and jp["courses"] == 10 and jp["target"] == 20
    per_person = call(client, secret, "/api/v1/jp?unit=DINAS-A").get_json()["items"]
    assert {p["nip"]: p["total"] for p in per_person}[agency.agus.nip] == 10
    last_year = utcnow().year - 1
    jp = call(client, secret, f"/api/v1/people/{agency.agus.nip}/jp?year={last_year}")
    assert jp.get_json()["total"] == 0


def test_periods_filter_completions(client, agency):
    complete(agency.agus, agency.course, when=utcnow() - timedelta(days=400))
    secret = token_for(agency, service="gudang-data")
    assert call(client, secret, "/api/v1/completions").get_json()["items"] == []
    old = (utcnow() - timedelta(days=400)).date()
    path = f"/api/v1/completions?from={old - timedelta(days=1)}&to={old + timedelta(days=1)}"
    assert len(call(client, secret, path).get_json()["items"]) == 1
    answer = call(client, secret, f"/api/v1/completions?from={old}&to={old - timedelta(days=5)}")
    assert answer.status_code == 422 and "to" in answer.get_json()["errors"]


def test_siasn_rows_as_the_export_and_pages_never_split_a_person(client, agency):
    complete(agency.agus, agency.course)
    complete(agency.agus, agency.other_course)
    complete(agency.dewi, agency.course)
    secret = token_for(agency, service="bkd")
    first = call(client, secret, "/api/v1/siasn?limit=1").get_json()
    assert {r["nip"] for r in first["items"]} == {agency.agus.nip}
    assert len(first["items"]) == 2  # both of Agus's records, though the limit is 1
    record = first["items"][0]
    assert record["jumlahJam"] in (4, 6) and record["jenisDiklatId"] in (3, "3")
    assert record["tanggalSelesaiKursus"].count("-") == 2
    second = call(client, secret, f"/api/v1/siasn?limit=1&cursor={first['next_cursor']}")
    assert {r["nip"] for r in second.get_json()["items"]} == {agency.dewi.nip}
    assert second.get_json()["next"] is None


def test_certificates_and_their_verification(client, agency):
    _completion, cert = complete(agency.agus, agency.course)
    _c, other = complete(agency.budi, agency.course)
    secret = token_for(agency, owner=agency.sup_a)
    listed = call(client, secret, "/api/v1/certificates").get_json()["items"]
    assert [c["number"] for c in listed] == [cert.number]
    assert listed[0]["verify_url"].startswith("https://elearn.example.go.id/")
    assert call(client, secret, f"/api/v1/certificates/{other.number}").status_code == 404
    check = call(client, secret, f"/api/v1/certificates/{other.number}/verification").get_json()
    assert check["valid"] is True and check["signature_valid"] is True
    assert check["nip"].startswith("*") and agency.budi.nip not in str(check)
    answer = call(client, secret, "/api/v1/certificates/ELN-2026-XXXX-XXXX-XXXX/verification")
    assert answer.status_code == 404


def test_rate_limit_per_token(app, client, agency):
    app.config["API_RATE_LIMIT"] = "3 per minute"
    one = token_for(agency, service="satu")
    two = token_for(agency, service="dua")
    for _ in range(3):
        assert call(client, one, "/api/v1/units").status_code == 200
    limited = call(client, one, "/api/v1/units")
    assert limited.status_code == 429 and limited.mimetype == "application/problem+json"
    assert int(limited.headers["Retry-After"]) >= 1
    assert call(client, two, "/api/v1/units").status_code == 200  # another token: its own


def test_openapi_document_is_3_1_and_describes_every_endpoint(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    assert spec["openapi"] == "3.1.0"
    paths = set(spec["paths"])
    for path in ("/api/v1/people", "/api/v1/people/{nip}", "/api/v1/units", "/api/v1/courses",
                 "/api/v1/courses/{slug}", "/api/v1/enrolments", "/api/v1/completions",
                 "/api/v1/jp", "/api/v1/siasn", "/api/v1/certificates",
                 "/api/v1/certificates/{number}/verification"):  # fmt: skip
        assert path in paths
    assert spec["components"]["securitySchemes"]["bearer"]["scheme"] == "bearer"
    assert "put" in spec["paths"]["/api/v1/people/{nip}"]


@pytest.mark.parametrize(
    "path",
    ["/api/v1/people", "/api/v1/jp", "/api/v1/enrolments", "/api/v1/completions",
     "/api/v1/certificates", "/api/v1/siasn"],
)  # fmt: skip
def test_a_page_costs_the_same_queries_whatever_the_data(client, agency, make_user, path):
    secret = token_for(agency, owner=agency.sup_a)
    complete(agency.agus, agency.course)
    call(client, secret, path)  # token last-used stamp written
    with count_queries() as few:
        assert call(client, secret, path).status_code == 200
    for n in range(12):
        person = make_user(unit=agency.a, full_name=f"Tambahan {n}")
        complete(person, agency.course if n % 2 else agency.other_course)
    with count_queries() as many:
        answer = call(client, secret, path)
    assert len(answer.get_json()["items"]) > 3
    assert len(many) == len(few) <= 6, "\n".join(s[:60] for s in many)


def test_a_nul_character_is_refused_before_the_database(client, agency):
    secret = token_for(agency, service="simpeg", scopes=("reports:read", "people:sync"))
    for path in ("/api/v1/courses/%00", "/api/v1/enrolments?course=%00",
                 "/api/v1/people?unit=A%001"):  # fmt: skip
        answer = call(client, secret, path)
        assert answer.status_code == 400, path
        assert answer.mimetype == "application/problem+json"
    body = {"full_name": "Rina\x00", "email": "rina@example.go.id"}
    answer = call(client, secret, f"/api/v1/people/{NEW_NIP}", "PUT", json=body,
                  headers={"Accept-Language": "id"})  # fmt: skip
    assert answer.status_code == 422
    assert answer.get_json()["errors"]["full_name"] == ["Karakter NUL tidak diperbolehkan."]
    assert db.session.scalar(select(func.count()).where(User.nip == NEW_NIP)) == 0

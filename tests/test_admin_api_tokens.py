"""The admin pages of the API tokens: list, create (the secret shown once), revoke."""

import re

import pytest
from conftest import csrf_token
from sqlalchemy import func, select

from elearn.api.tokens import hash_secret, issue_token, token_for_secret
from elearn.extensions import db
from elearn.models import AuditLog
from elearn.models.api_token import ApiToken

NEW = "/admin/api-tokens/new"
LIST = "/admin/api-tokens"
SECRET_RE = re.compile(r'id="token-secret" type="text" value="([^"]+)" readonly')


def text(response):
    return response.get_data(as_text=True)


def count_tokens():
    return db.session.scalar(select(func.count(ApiToken.id)))


def token_form(**fields):
    data = {
        "name": "Dashboard BKPSDM",
        "kind": "personal",
        "owner": "",
        "service_name": "",
        "scopes": ["reports:read"],
        "days": "90",
    }
    data.update(fields)
    return {k: v for k, v in data.items() if v is not None}


def create(client, **fields):
    return client.post(NEW, data={**token_form(**fields), "csrf_token": csrf_token(client, NEW)})


def secret_of(response):
    match = SECRET_RE.search(text(response))
    assert match, "no secret on the page"
    return match.group(1)


@pytest.fixture
def admin(make_user, login_as):
    user = make_user(roles=["admin"], full_name="Admin Satu", email="admin@example.go.id")
    login_as(user)
    return user


@pytest.fixture
def person(make_user):
    return make_user(full_name="Rina Kartika", nip="198609262015051001", email="rina@example.go.id")


# Access -----------------------------------------------------------------------------------------
@pytest.mark.parametrize("role", ["learner", "supervisor", "instructor"])
def test_other_roles_are_refused(client, make_user, login_as, role):
    login_as(make_user(roles=[role]))
    assert client.get(LIST).status_code == 403
    assert client.get(NEW).status_code == 403


def test_anonymous_is_sent_to_sign_in(client):
    for url in (LIST, NEW):
        response = client.get(url)
        assert response.status_code == 302
        assert response.headers["Location"].startswith("/login")


def test_the_admin_index_links_to_the_tokens(client, admin):
    assert 'href="/admin/api-tokens"' in text(client.get("/admin/"))


# Creating ---------------------------------------------------------------------------------------
def test_a_personal_token_shows_its_secret_once_and_stores_only_its_hash(client, admin, person):
    response = create(client, owner="rina@example.go.id", scopes=["reports:read", "people:sync"])
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    page = text(response)
    secret = secret_of(response)
    assert secret.startswith("elr_")
    assert f"Authorization: Bearer {secret}" in page
    assert 'for="token-secret"' in page  # the input has a label
    assert "tidak akan ditampilkan lagi" in page

    token = db.session.scalars(select(ApiToken)).one()
    assert token.owner_id == person.id and token.service_name == ""
    assert token.scopes == ["people:sync", "reports:read"]
    assert token.token_hash == hash_secret(secret)
    assert secret not in (token.prefix, token.token_hash, token.name)
    assert token_for_secret(secret).id == token.id
    assert 80 <= (token.expires_at - token.created_at).days <= 90
    assert db.session.scalar(
        select(func.count(AuditLog.id)).where(AuditLog.action == "api_token.create")
    )

    listing = client.get(LIST)
    assert secret not in text(listing)
    assert f"{token.prefix}…" in text(listing)
    assert "Rina Kartika" in text(listing) and "198609262015051001" in text(listing)
    # Nothing of the secret survives in the session: the next page does not show it.
    assert secret not in text(client.get(NEW))


def test_the_owner_can_be_given_by_nip(client, admin, person):
    response = create(client, owner="19860926 201505 1 001", days="30")
    secret_of(response)
    token = db.session.scalars(select(ApiToken)).one()
    assert token.owner_id == person.id
    assert 25 <= (token.expires_at - token.created_at).days <= 30


def test_a_service_token(client, admin):
    response = create(client, kind="service", service_name="SIASN sync", scopes=["people:sync"])
    secret = secret_of(response)
    token = db.session.scalars(select(ApiToken)).one()
    assert token.owner_id is None and token.service_name == "SIASN sync"
    assert token_for_secret(secret).id == token.id
    listing = text(client.get(LIST))
    assert "SIASN sync" in listing and secret not in listing


def test_unknown_or_inactive_owner_is_refused(client, admin, make_user):
    make_user(email="gone@example.go.id", active=False)
    for owner in ("nobody@example.go.id", "gone@example.go.id", "199901012020011999"):
        response = create(client, owner=owner)
        assert response.status_code == 200
        assert "Tidak ada pegawai aktif dengan NIP atau email ini." in text(response)
    assert "Isikan NIP atau email pegawai." in text(create(client, owner=""))
    assert count_tokens() == 0


def test_bad_input_shows_the_form_again_and_saves_nothing(client, admin, person):
    page = text(create(client, owner="rina@example.go.id", scopes=None))
    assert "Pilih paling sedikit satu izin." in page
    page = text(create(client, kind="service", service_name="  "))
    assert "Isikan nama layanan." in page
    page = text(create(client, owner="rina@example.go.id", name=""))
    assert "Isian ini wajib diisi." in page
    page = text(create(client, owner="rina@example.go.id", name="x" * 101))
    assert "Paling banyak 100 karakter." in page
    page = text(create(client, owner="rina@example.go.id", days="1000"))
    assert 'id="token-secret"' not in page
    assert count_tokens() == 0


def test_post_without_csrf_is_refused(client, admin, person):
    response = client.post(NEW, data=token_form(owner="rina@example.go.id"))
    assert response.status_code == 400
    assert count_tokens() == 0


# Listing and revoking ---------------------------------------------------------------------------
def test_the_list_shows_states_newest_first(client, admin, person):
    issue_token(admin, "Old one", ["reports:read"], owner=person)
    issue_token(admin, "New one", ["people:sync"], service_name="SIASN")
    db.session.commit()
    page = text(client.get(LIST))
    assert page.index("New one") < page.index("Old one")
    assert "Sinkronisasi data pegawai" in page and "Membaca laporan" in page
    assert "Admin Satu" in page


def test_revoking_a_token(client, admin, person):
    token, secret = issue_token(admin, "Dashboard", ["reports:read"], owner=person)
    db.session.commit()
    url = f"/admin/api-tokens/{token.id}/revoke"
    assert client.post(url).status_code == 400  # no CSRF token
    assert token_for_secret(secret) is not None

    response = client.post(url, data={"csrf_token": csrf_token(client, LIST)})
    assert response.status_code == 302 and response.headers["Location"] == LIST
    assert token_for_secret(secret) is None
    page = text(client.get(LIST))
    assert "Dicabut" in page
    assert f'action="{url}"' not in page  # no revoke button on a revoked token
    assert db.session.scalar(
        select(func.count(AuditLog.id)).where(AuditLog.action == "api_token.revoke")
    )


def test_revoking_an_unknown_token_is_404(client, admin):
    response = client.post(
        "/admin/api-tokens/999999/revoke", data={"csrf_token": csrf_token(client, LIST)}
    )
    assert response.status_code == 404


def test_expired_tokens_show_as_expired(client, admin):
    token, _ = issue_token(admin, "Short", ["reports:read"], service_name="X", days=30)
    token.expires_at = token.created_at.replace(year=token.created_at.year - 1)
    db.session.commit()
    page = text(client.get(LIST))
    assert "Kedaluwarsa" in page
    assert f"/admin/api-tokens/{token.id}/revoke" not in page


def test_the_list_is_paginated(client, admin):
    for n in range(26):
        issue_token(admin, f"Token {n:02d}", ["reports:read"], service_name="S")
    db.session.commit()
    first = text(client.get(LIST))
    assert "Token 25" in first and "Token 00" not in first
    assert 'rel="next"' in first
    assert "Token 00" in text(client.get(f"{LIST}?page=2"))

"""Sign-in, sign-out, password change and reset, as a user meets them through HTTP."""

import re

import pytest
from conftest import PASSWORD, csrf_token, login

from elearn.extensions import db
from elearn.models import User

GENERIC_ERROR = "NIP/email atau kata sandi salah."


def test_login_by_nip_and_by_email(client, make_user):
    user = make_user(nip="198609262015051001", email="Rina@Example.go.id")
    assert login(client, "198609262015051001").status_code == 302
    assert client.get("/").status_code == 200
    client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
    # Email is matched without regard to case; spaces typed inside a NIP are ignored.
    assert login(client, "rina@example.go.id").status_code == 302
    client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
    assert login(client, "19860926 201505 1 001").status_code == 302
    assert db.session.get(User, user.id).last_login_at is not None


def test_wrong_password_and_unknown_account_say_the_same(client, make_user):
    make_user(email="ada@example.go.id")
    wrong = login(client, "ada@example.go.id", "not-the-password")
    unknown = login(client, "nobody@example.go.id", "not-the-password")
    assert wrong.status_code == unknown.status_code == 200
    assert GENERIC_ERROR in wrong.get_data(as_text=True)
    assert GENERIC_ERROR in unknown.get_data(as_text=True)
    assert client.get("/").status_code == 302  # still signed out


def test_inactive_user_cannot_sign_in(client, make_user):
    make_user(email="gone@example.go.id", active=False)
    response = login(client, "gone@example.go.id")
    assert response.status_code == 200
    assert "dinonaktifkan" in response.get_data(as_text=True)
    assert client.get("/").status_code == 302


def test_deactivation_ends_an_open_session(client, make_user, login_as):
    user = make_user()
    login_as(user)
    user.active = False
    db.session.commit()
    assert client.get("/").status_code == 302


@pytest.fixture
def config_overrides():
    return {"LOGIN_LIMIT_PER_ACCOUNT": "3 per 15 minutes", "LOGIN_LIMIT_PER_IP": "6 per 15 minutes"}


def test_rate_limit_per_account_trips_after_failures(client, make_user):
    make_user(email="target@example.go.id")
    for _ in range(3):
        assert login(client, "target@example.go.id", "guess").status_code == 200
    blocked = login(client, "target@example.go.id", PASSWORD)  # even the right password now
    assert blocked.status_code == 429
    assert "Terlalu banyak percobaan" in blocked.get_data(as_text=True)
    # Another account from the same address is not yet blocked.
    make_user(email="other@example.go.id")
    assert login(client, "other@example.go.id").status_code == 302


def test_rate_limit_per_ip_across_accounts(client, make_user):
    for i in range(6):
        assert login(client, f"spray{i}@example.go.id", "guess").status_code == 200
    assert login(client, "spray99@example.go.id", "guess").status_code == 429


def test_successful_logins_do_not_count_against_the_limit(client, make_user):
    user = make_user()
    for _ in range(5):
        assert login(client, user.email).status_code == 302
        client.post("/logout", data={"csrf_token": csrf_token(client, "/")})


def test_post_without_csrf_token_is_refused(client, make_user):
    make_user(email="a@example.go.id")
    response = client.post("/login", data={"identifier": "a@example.go.id", "password": PASSWORD})
    assert response.status_code == 400
    assert "token" in response.get_data(as_text=True)
    assert client.get("/").status_code == 302


def test_logout_requires_post_with_token(client, make_user, login_as):
    login_as(make_user())
    assert client.get("/logout").status_code == 405
    assert client.post("/logout").status_code == 400
    assert client.get("/").status_code == 200
    client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
    assert client.get("/").status_code == 302


@pytest.mark.parametrize(
    "target,expected",
    [
        ("/admin/users", "/admin/users"),
        ("https://evil.example/phish", "/"),
        ("//evil.example/phish", "/"),
        ("/\\evil.example", "/"),
    ],
)
def test_next_redirect_is_same_site_only(client, make_user, target, expected):
    user = make_user(roles=["admin"])
    token = csrf_token(client)
    response = client.post(
        "/login",
        data={"identifier": user.email, "password": PASSWORD, "csrf_token": token, "next": target},
    )
    assert response.status_code == 302
    assert response.headers["Location"] == expected


def test_change_password_ends_other_sessions(app, make_user):
    user = make_user()
    phone, office = app.test_client(), app.test_client()
    assert login(phone, user.email).status_code == 302
    assert login(office, user.email).status_code == 302
    page = "/account/password"
    response = office.post(
        page,
        data={
            "current_password": PASSWORD,
            "new_password": "a-new-secret-42",
            "confirm": "a-new-secret-42",
            "csrf_token": csrf_token(office, page),
        },
    )
    assert response.status_code == 302
    assert office.get("/").status_code == 200  # this session goes on
    assert phone.get("/").status_code == 302  # the other one ended
    assert login(phone, user.email, "a-new-secret-42").status_code == 302


def test_change_password_checks_current_and_length(client, make_user, login_as):
    login_as(make_user())
    page = "/account/password"
    data = {"current_password": "wrong", "new_password": "short", "confirm": "short"}
    html = client.post(page, data={**data, "csrf_token": csrf_token(client, page)}).get_data(
        as_text=True
    )
    assert "Gunakan minimal 10 karakter." in html
    assert 'aria-invalid="true"' in html


def _reset_link(message):
    body = message.get_payload(decode=True).decode()
    return re.search(r"http://localhost(/reset/\S+)", body).group(1)


def test_password_reset_by_emailed_link(app, make_user, smtp_server):
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=smtp_server.port)
    client = app.test_client()
    user = make_user(email="lupa@example.go.id")
    response = client.post(
        "/reset", data={"email": "lupa@example.go.id", "csrf_token": csrf_token(client, "/reset")}
    )
    assert response.status_code == 302
    assert len(smtp_server.messages) == 1
    mail = smtp_server.messages[0]
    assert mail["To"] == "lupa@example.go.id"
    link = _reset_link(mail)
    new = {"new_password": "brand-new-pass-1", "confirm": "brand-new-pass-1"}
    response = client.post(link, data={**new, "csrf_token": csrf_token(client, link)})
    assert response.status_code == 302
    assert login(client, user.email, "brand-new-pass-1").status_code == 302
    # The link works once only.
    client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
    assert client.get(link).status_code == 302
    assert "tidak valid" in client.get(link, follow_redirects=True).get_data(as_text=True)


def test_password_reset_for_unknown_address_sends_nothing(app, smtp_server):
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=smtp_server.port)
    client = app.test_client()
    response = client.post(
        "/reset",
        data={"email": "nobody@example.go.id", "csrf_token": csrf_token(client, "/reset")},
        follow_redirects=True,
    )
    assert "Jika ada akun" in response.get_data(as_text=True)
    assert smtp_server.messages == []


def test_expired_reset_link_is_refused(app, client, make_user):
    from elearn.auth.services import make_reset_token

    user = make_user()
    token = make_reset_token(user)
    app.config["PASSWORD_RESET_MAX_AGE"] = -1
    assert client.get(f"/reset/{token}").status_code == 302

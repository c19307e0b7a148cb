"""App-wide behaviour: configuration layers, secret key, security headers, health check."""

import pytest

from elearn import create_app


def test_security_headers_on_every_response(client):
    for url in ["/login", "/static/css/app.css", "/healthz", "/no-such-page"]:
        headers = client.get(url).headers
        csp = headers["Content-Security-Policy"]
        assert "script-src 'self'" in csp
        assert "unsafe-inline" not in csp
        assert "frame-ancestors 'none'" in csp
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["Referrer-Policy"] == "same-origin"


def test_pages_have_no_inline_script_or_style(client):
    html = client.get("/login").get_data(as_text=True)
    assert "<script>" not in html and "<script " not in html.replace('<script src="', "")
    assert " style=" not in html
    assert " onclick=" not in html


def test_session_cookie_is_httponly_and_samesite(client, make_user):
    user = make_user()
    from conftest import login

    response = login(client, user.email)
    cookie = response.headers.get("Set-Cookie")
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie


def test_healthz_answers_when_the_database_answers(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": "ok"}


def test_healthz_is_503_when_the_database_is_down(tmp_path):
    app = create_app(
        {
            "SECRET_KEY": "x",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/missing-dir/db.sqlite3",
        }
    )
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.get_json()["status"] == "error"


def test_unknown_page_is_a_friendly_404_in_indonesian(client):
    response = client.get("/no-such-page")
    assert response.status_code == 404
    assert "Halaman tidak ditemukan" in response.get_data(as_text=True)


def test_secret_key_is_generated_once_into_instance(tmp_path, monkeypatch):
    import elearn

    monkeypatch.setattr(elearn, "ROOT", tmp_path)
    monkeypatch.delenv("ELEARN_SECRET_KEY", raising=False)
    (tmp_path / "instance").mkdir()
    first = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://"}).config["SECRET_KEY"]
    second = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://"}).config["SECRET_KEY"]
    key_file = tmp_path / "instance" / "secret_key"
    assert first == second == key_file.read_text()
    assert len(first) >= 64
    assert key_file.stat().st_mode & 0o077 == 0  # readable by the owner only


def test_production_refuses_to_start_without_a_secret(tmp_path, monkeypatch):
    import elearn

    monkeypatch.setattr(elearn, "ROOT", tmp_path)
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app({"PRODUCTION": True, "SQLALCHEMY_DATABASE_URI": "sqlite://"})


def test_production_marks_cookies_secure():
    app = create_app(
        {
            "PRODUCTION": True,
            "SECRET_KEY": "s" * 64,
            "SQLALCHEMY_DATABASE_URI": "sqlite://",
            "PUBLIC_BASE_URL": "https://elearn.example.go.id",
        }
    )
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["REMEMBER_COOKIE_SECURE"] is True


def test_environment_overrides_instance_defaults(monkeypatch):
    monkeypatch.setenv("ELEARN_JP_MINUTES", "60")
    monkeypatch.setenv("ELEARN_YEARLY_JP_TARGET", "24")
    monkeypatch.setenv("ELEARN_INSTANCE_NAME", "BPSDM Provinsi Contoh")
    monkeypatch.setenv("ELEARN_SECRET_KEY", "from-env")
    monkeypatch.setenv("ELEARN_DATABASE_URL", "sqlite:////tmp/elearn-env-test.sqlite3")
    app = create_app()
    assert app.config["JP_MINUTES"] == 60
    assert app.config["YEARLY_JP_TARGET"] == 24
    assert app.config["INSTANCE_NAME"] == "BPSDM Provinsi Contoh"
    assert app.config["SECRET_KEY"] == "from-env"
    assert app.config["SQLALCHEMY_DATABASE_URI"] == "sqlite:////tmp/elearn-env-test.sqlite3"


def test_sqlite_runs_in_wal_mode_with_busy_timeout(app):
    from sqlalchemy import text

    from elearn.extensions import db

    if db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite pragmas; this run uses PostgreSQL")
    assert db.session.execute(text("PRAGMA journal_mode")).scalar() == "wal"
    assert db.session.execute(text("PRAGMA busy_timeout")).scalar() == 30000


def test_postgresql_uses_psycopg3_with_pre_ping(app):
    from elearn.extensions import db

    if db.engine.dialect.name != "postgresql":
        pytest.skip("PostgreSQL settings; this run uses SQLite")
    assert db.engine.dialect.driver == "psycopg"
    assert db.engine.pool._pre_ping is True


def test_english_can_be_chosen_and_indonesian_is_default(client):
    from conftest import csrf_token

    assert "Masuk" in client.get("/login").get_data(as_text=True)
    client.post(
        "/language", data={"lang": "en", "next": "/login", "csrf_token": csrf_token(client)}
    )
    html = client.get("/login").get_data(as_text=True)
    assert "Sign in" in html and '<html lang="en">' in html


@pytest.fixture
def proxied_app(app):
    from werkzeug.middleware.proxy_fix import ProxyFix

    app.config.update(LOGIN_LIMIT_PER_IP="2 per 15 minutes", LOGIN_LIMIT_PER_ACCOUNT="50/hour")
    app.wsgi_app = ProxyFix(app.wsgi_app, x_for=1, x_proto=1, x_host=1)
    return app


def test_trusted_proxy_setting_wraps_the_app():
    app = create_app(
        {"SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": "sqlite://", "TRUSTED_PROXIES": 1}
    )
    assert type(app.wsgi_app).__name__ == "ProxyFix"
    plain = create_app({"SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    assert type(plain.wsgi_app).__name__ != "ProxyFix"


def test_behind_a_proxy_limits_count_per_client_address(proxied_app):
    from conftest import csrf_token

    client = proxied_app.test_client()

    def attempt(ip):
        token = csrf_token(client)
        return client.post(
            "/login",
            data={"identifier": "x@example.go.id", "password": "wrong", "csrf_token": token},
            headers={"X-Forwarded-For": ip},
        ).status_code

    assert [attempt("10.1.1.1"), attempt("10.1.1.1")] == [200, 200]
    assert attempt("10.1.1.1") == 429
    assert attempt("10.2.2.2") == 200  # another employee behind the same proxy

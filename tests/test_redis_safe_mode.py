"""Sign-in limits in Redis fail closed: while Redis cannot be reached, no sign-in gets through
(503 and a message in Indonesian, never a 500), signed-in pages keep working, and the limits
count again as soon as Redis is back, without a restart. A real redis-server on loopback; the
same with two app hosts behind nginx is in tests/test_two_hosts.py."""

import pytest
from conftest import PASSWORD, login
from test_two_hosts import REDIS_SERVER, Redis

from elearn.extensions import db

pytestmark = pytest.mark.skipif(
    not REDIS_SERVER, reason="needs redis-server (scripts/system-deps.sh installs it)"
)
SAFE_MODE = "Layanan masuk sedang terganggu; coba lagi beberapa saat lagi."


@pytest.fixture
def redis(tmp_path):
    server = Redis(tmp_path).start()
    yield server
    server.stop()


@pytest.fixture
def config_overrides(redis):
    return {
        "RATELIMIT_STORAGE_URI": redis.url(1),
        "LOGIN_LIMIT_PER_ACCOUNT": "3 per 15 minutes",
        "LOGIN_LIMIT_PER_IP": "20 per 15 minutes",
    }


def test_redis_down_refuses_sign_in_keeps_sessions_and_recovers(app, client, make_user, redis):
    ani, budi = make_user(full_name="Ani Lestari"), make_user()
    reader = app.test_client()
    assert login(reader, ani.email).status_code == 302

    redis.stop()
    # Signed-in people go on working.
    page = reader.get("/")
    assert page.status_code == 200 and "Ani Lestari" in page.get_data(as_text=True)
    # Nobody signs in, not even with the right password, and the page says why.
    refused = login(client, budi.email)
    assert refused.status_code == 503
    assert SAFE_MODE in refused.get_data(as_text=True)
    assert refused.headers["Retry-After"] == "30"
    assert 'name="identifier"' in refused.get_data(as_text=True)  # the form, to try again
    assert client.get("/").status_code == 302  # not signed in
    db.session.refresh(budi)
    assert budi.last_login_at is None
    # Guessing gains nothing while nothing can count.
    for _ in range(5):
        assert login(client, budi.email, "guess").status_code == 503

    redis.start()  # the same address, empty (no persistence here)
    assert login(client, budi.email, PASSWORD).status_code == 302
    # The limit counts again in Redis: three failures lock the account, even the right password.
    other = app.test_client()
    for _ in range(3):
        assert login(other, ani.email, "guess").status_code == 200
    assert login(other, ani.email, PASSWORD).status_code == 429


def test_a_redis_that_stops_between_check_and_count_costs_no_error(
    app, client, make_user, redis, monkeypatch
):
    """The attempt checked while Redis answered gets its normal answer even when the count
    after it fails; the next attempt is refused until Redis is back."""
    from elearn.auth import throttle

    user = make_user()
    original = throttle.SignInThrottle.wait_seconds

    def check_then_stop(self):
        wait = original(self)
        redis.stop()
        return wait

    monkeypatch.setattr(throttle.SignInThrottle, "wait_seconds", check_then_stop)
    response = login(client, user.email, "guess")
    assert response.status_code == 200
    assert "salah" in response.get_data(as_text=True)  # "NIP/email atau kata sandi salah"
    monkeypatch.setattr(throttle.SignInThrottle, "wait_seconds", original)
    assert login(client, user.email).status_code == 503

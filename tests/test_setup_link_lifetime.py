"""A setup link sent by an administrator stays valid for days (invitations are read late); a
password-reset link a person asks for stays short-lived. Both work only once."""

import pytest
from conftest import csrf_token

from elearn.auth.services import make_reset_token, make_setup_token, user_for_reset_token


@pytest.fixture
def config_overrides():
    return {"PASSWORD_RESET_MAX_AGE": -1}  # every reset link has already expired


def test_a_setup_link_outlives_the_reset_lifetime(app, make_user):
    person = make_user(roles=["learner"])
    with app.test_request_context():
        assert user_for_reset_token(make_reset_token(person)) is None
        assert user_for_reset_token(make_setup_token(person)).id == person.id


def test_a_setup_link_sets_the_password_once(app, client, make_user):
    person = make_user(roles=["learner"])
    with app.test_request_context():
        url = f"/reset/{make_setup_token(person)}"
    new = "Sandi-Baru-2026!"
    response = client.post(
        url,
        data={"csrf_token": csrf_token(client, url), "new_password": new, "confirm": new},
    )
    assert response.status_code == 302
    again = client.get(url, follow_redirects=True).get_data(as_text=True)
    assert 'name="new_password"' not in again

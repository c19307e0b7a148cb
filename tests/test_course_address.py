"""A new course's address is made from its title when the instructor leaves it empty."""

import pytest
from conftest import csrf_token
from sqlalchemy import select

from elearn.extensions import db
from elearn.models import Course


@pytest.fixture
def instructor_client(client, make_user, login_as):
    login_as(make_user(roles=["instructor"]))
    return client


def create(client, title, slug=""):
    return client.post(
        "/teach/new",
        data={
            "csrf_token": csrf_token(client, "/teach/new"),
            "slug": slug,
            "title": title,
            "summary": "Kode etik dan perilaku ASN.",
            "jp": "2",
            "level": "dasar",
            "competencies-0-name": "Integritas",
            "competencies-0-kind": "manajerial",
            "competencies-0-level": "2",
        },
    )


def test_the_address_field_is_optional_and_explained_in_indonesian(instructor_client):
    html = instructor_client.get("/teach/new").get_data(as_text=True)
    assert "Alamat kursus (opsional)" in html
    assert "Slug" not in html


def test_an_empty_address_is_made_from_the_title_and_kept_unique(instructor_client):
    first = create(instructor_client, "Etika & Integritas ASN")
    second = create(instructor_client, "Etika & Integritas ASN")
    assert first.status_code == second.status_code == 302
    slugs = set(db.session.scalars(select(Course.slug)))
    assert slugs == {"etika-integritas-asn", "etika-integritas-asn-2"}
    assert second.headers["Location"].endswith("/teach/etika-integritas-asn-2/")


def test_a_chosen_address_is_kept_and_a_bad_one_is_refused_in_indonesian(instructor_client):
    assert create(instructor_client, "Etika ASN", slug="etika-dasar").status_code == 302
    assert db.session.scalar(select(Course.slug)) == "etika-dasar"
    html = create(instructor_client, "Etika ASN", slug="Etika Dasar!").get_data(as_text=True)
    assert "huruf kecil" in html
    assert db.session.scalar(select(Course.id).where(Course.slug == "etika-asn")) is None

"""Certificate administration can be found: from the navigation and the Sertifikat page (for
admins only) and from a person's admin page, which lists their certificates."""

import re

import pytest
from conftest import login
from factories_course import import_course, write_course
from test_certificates import complete

from elearn.extensions import db


def text(response):
    return response.get_data(as_text=True)


def nav_links(html):
    nav = html.split('id="site-nav"')[1].split("</ul>")[0]
    return {label: href for href, label in re.findall(r'href="([^"]+)"[^>]*>([^<]+)</a>', nav)}


@pytest.fixture
def certified(app, make_user, tmp_path):
    path = write_course(
        tmp_path, "etika", title="Etika dan Integritas ASN", jp=6, lessons=1, final_exam=True
    )
    course = import_course(path)
    person = make_user(full_name="Ni Luh Putu Ayu Wulandari, S.Kom.")
    cert = complete(person, course)
    db.session.commit()
    return person, cert


def test_admins_find_certificate_administration_in_the_navigation(client, make_user):
    admin = make_user(roles=["admin", "learner"])
    assert login(client, admin.email).status_code == 302
    links = nav_links(text(client.get("/")))
    assert links["Administrasi"] == "/admin/"
    hub = text(client.get(links["Administrasi"]))
    assert 'href="/certificates/admin"' in hub and "Kelola sertifikat" in hub
    page = text(client.get("/certificates"))
    assert 'href="/certificates/admin"' in page
    assert "Kelola semua sertifikat (cabut, terbitkan ulang)" in page
    assert client.get("/certificates/admin").status_code == 200


@pytest.mark.parametrize("role", ["learner", "instructor", "supervisor"])
def test_others_see_no_certificate_administration(client, make_user, role):
    user = make_user(roles=[role])
    assert login(client, user.email).status_code == 302
    assert "Administrasi" not in nav_links(text(client.get("/")))
    assert "/certificates/admin" not in text(client.get("/certificates"))


def test_a_persons_page_lists_their_certificates_with_revoke_and_reissue(
    client, make_user, certified
):
    person, cert = certified
    admin = make_user(roles=["admin"])
    assert login(client, admin.email).status_code == 302
    page = text(client.get(f"/admin/users/{person.id}"))
    assert "Sertifikat Ni Luh Putu Ayu Wulandari, S.Kom." in page
    assert cert.number in page and "Etika dan Integritas ASN" in page
    detail = f"/certificates/admin/{cert.number}"
    assert f'href="{detail}"' in page
    assert "Cabut atau terbitkan ulang" in page
    # The link leads to the page where the certificate is revoked or reissued.
    detail_page = text(client.get(detail))
    assert f'action="{detail}/revoke"' in detail_page
    assert f'action="{detail}/reissue"' in detail_page
    # And the certificate list, filtered to this person, finds it.
    link = re.search(r'href="(/certificates/admin\?q=[^"]+)"', page).group(1)
    assert cert.number in text(client.get(link.replace("&amp;", "&")))


def test_a_person_without_certificates_says_so(client, make_user):
    admin = make_user(roles=["admin"])
    other = make_user()
    assert login(client, admin.email).status_code == 302
    page = text(client.get(f"/admin/users/{other.id}"))
    assert "Belum ada sertifikat." in page

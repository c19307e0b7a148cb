"""GET /media/<course>/v<N>/<path>: course files for signed-in users, with safe headers."""

import pytest
from test_content_package import MINIMAL, PACKAGES, PNG, package_files, write_package

from elearn.content import import_package, load_package
from elearn.extensions import db

BASE = "/media/contoh-lengkap/v1"


@pytest.fixture
def course(app):
    package, problems = load_package(PACKAGES / "complete")
    assert problems == []
    result = import_package(package)
    db.session.commit()
    return result.course


@pytest.fixture
def signed_in(client, make_user, login_as, course):
    login_as(make_user())
    return client


def test_images_are_served_inline_and_cached(signed_in):
    response = signed_in.get(f"{BASE}/01-pengantar/images/alur.png")
    assert response.status_code == 200
    assert response.mimetype == "image/png"
    assert response.data.startswith(b"\x89PNG")
    assert "attachment" not in response.headers.get("Content-Disposition", "")
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Cache-Control"] == "private, max-age=31536000, immutable"
    assert (
        response.headers["ETag"].strip('"')
        and "sandbox" in response.headers["Content-Security-Policy"]
    )


def test_other_files_are_downloads(signed_in):
    pdf = signed_in.get(f"{BASE}/01-pengantar/files/panduan.pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    assert pdf.headers["Content-Disposition"].startswith("attachment")
    assert "panduan.pdf" in pdf.headers["Content-Disposition"]


def test_svg_is_never_shown_inline(signed_in):
    svg = signed_in.get(f"{BASE}/02-praktik/diagram.svg")
    assert svg.status_code == 200 and svg.mimetype == "image/svg+xml"
    assert svg.headers["Content-Disposition"].startswith("attachment")
    assert svg.headers["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert svg.headers["X-Content-Type-Options"] == "nosniff"


def test_unknown_types_are_octet_stream_downloads(app, client, make_user, login_as, tmp_path):
    files = package_files(**{"01-modul/files/data.bin": b"\x00\x01", "01-modul/images/a.png": PNG})
    package, problems = load_package(write_package(tmp_path / "pkg", files))
    assert problems == []
    import_package(package)
    db.session.commit()
    login_as(make_user())
    response = client.get("/media/uji/v1/01-modul/files/data.bin")
    assert response.mimetype == "application/octet-stream"
    assert response.headers["Content-Disposition"].startswith("attachment")


def test_conditional_requests(signed_in):
    first = signed_in.get(f"{BASE}/images/sampul.png")
    etag = first.headers["ETag"]
    second = signed_in.get(f"{BASE}/images/sampul.png", headers={"If-None-Match": etag})
    assert second.status_code == 304 and second.data == b""
    assert second.headers["Cache-Control"].endswith("immutable")


def test_range_requests(signed_in):
    response = signed_in.get(
        f"{BASE}/01-pengantar/files/panduan.pdf", headers={"Range": "bytes=0-3"}
    )
    assert response.status_code == 206 and response.data == b"%PDF"


@pytest.mark.parametrize(
    "url",
    [
        f"{BASE}/images/tidak-ada.png",
        "/media/contoh-lengkap/v2/images/sampul.png",
        "/media/tidak-ada/v1/images/sampul.png",
        f"{BASE}/course.yml",  # sources are not media
        f"{BASE}/01-pengantar/01-selamat-datang.md",
        f"{BASE}/../contoh-lengkap/v1/images/sampul.png",
        "/media/contoh-lengkap/vx/images/sampul.png",
    ],
)
def test_missing_files_are_404(signed_in, url):
    assert signed_in.get(url).status_code == 404


def test_old_versions_stay_available(app, signed_in, tmp_path):
    files = dict(MINIMAL)
    files["01-modul/images/a.png"] = PNG
    package, _ = load_package(write_package(tmp_path / "a", files))
    import_package(package)
    files["01-modul/01-pelajaran.md"] = "---\ntitle: P\n---\nBerubah.\n"
    package, _ = load_package(write_package(tmp_path / "b", files))
    import_package(package)
    db.session.commit()
    assert signed_in.get("/media/uji/v1/01-modul/images/a.png").status_code == 200
    assert signed_in.get("/media/uji/v2/01-modul/images/a.png").status_code == 200


def test_signed_in_users_only(client, course):
    response = client.get(f"{BASE}/images/sampul.png")
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]

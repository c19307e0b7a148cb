"""Images for slow links: wide package images are shown scaled down (the original stays
downloadable), every lesson image carries its size (no layout shift), loads lazily and decodes
asynchronously, and restricted courses keep their files to their own learners."""

import io
import re

import pytest
from factories_course import enrol
from PIL import Image
from test_content_package import MINIMAL, PNG, write_package

from elearn.content import import_package, load_package
from elearn.content.exporter import export_version
from elearn.extensions import db
from elearn.models import Asset, AssetBlob, Enrollment, Lesson

BIG = "01-modul/images/peta-besar.png"
SMALL = "01-modul/images/ikon.png"
LESSON = """\
---
title: Pelajaran Satu
---
Peta wilayah kerja:

![Peta wilayah kerja](images/peta-besar.png)

Ikon ![ikon](images/ikon.png) dan foto ![Foto kantor](images/foto.jpg){width=400}.
"""


def png(width, height):
    """A picture with some detail (a gradient), as a screenshot or a photo would have."""
    img = Image.linear_gradient("L").resize((width, height)).convert("RGB")
    buf = io.BytesIO()
    img.save(buf, "PNG")
    return buf.getvalue()


def jpeg(width, height, orientation=None):
    img = Image.linear_gradient("L").resize((width, height)).convert("RGB")
    exif = Image.Exif()
    if orientation:
        exif[0x0112] = orientation
    buf = io.BytesIO()
    img.save(buf, "JPEG", quality=90, exif=exif.tobytes())
    return buf.getvalue()


BIG_PNG = png(3000, 2000)
# A phone photo taken upright: stored 2400 x 1800 with "rotate 90°" in its EXIF.
PHOTO = jpeg(2400, 1800, orientation=6)


def files(**changes):
    out = dict(MINIMAL)
    out["01-modul/01-pelajaran.md"] = LESSON
    out[BIG] = BIG_PNG
    out[SMALL] = PNG
    out["01-modul/images/foto.jpg"] = PHOTO
    out.update(changes)
    return out


@pytest.fixture
def course(app, tmp_path):
    package, problems = load_package(write_package(tmp_path / "pkg", files()))
    assert problems == [] and package.warnings == []
    result = import_package(package)
    db.session.commit()
    return result.course


@pytest.fixture
def learner(client, make_user, login_as, course):
    user = make_user()
    login_as(user)
    enrol(client, "uji")
    return user


def lesson_html():
    return db.session.scalar(select_lesson())


def select_lesson():
    return db.select(Lesson.body_html).where(Lesson.key == "modul/pelajaran")


def img_tag(html, src_part):
    return next(t for t in re.findall(r"<img [^>]*>", html) if src_part in t)


def asset(path):
    return db.session.scalar(db.select(Asset).where(Asset.path == path))


def test_a_3000_px_image_is_stored_scaled_to_1280_with_its_size(course):
    big = asset(BIG)
    assert (big.width, big.height) == (3000, 2000)
    assert (big.display_width, big.display_height) == (1280, 853)
    copy = db.session.get(AssetBlob, big.display_sha256)
    assert copy.size < len(BIG_PNG) / 3
    with Image.open(io.BytesIO(copy.data)) as img:
        assert img.format == "PNG" and img.size == (1280, 853)


def test_lesson_images_carry_size_lazy_loading_and_async_decoding(course):
    html = lesson_html()
    tag = img_tag(html, "peta-besar.png")
    assert 'width="1280"' in tag and 'height="853"' in tag
    assert 'loading="lazy"' in tag and 'decoding="async"' in tag
    small = img_tag(html, "ikon.png")
    assert 'width="1"' in small and 'height="1"' in small and 'loading="lazy"' in small
    # The author's width is kept, the height follows the photo's (upright) proportions.
    photo = img_tag(html, "foto.jpg")
    assert 'width="400"' in photo and 'height="533"' in photo


def test_the_original_is_linked_under_a_scaled_image_only(course):
    html = lesson_html()
    links = re.findall(r'<a class="image-original" href="([^"]+)"[^>]*>([^<]+)</a>', html)
    assert links == [
        ("/media/uji/v1/01-modul/images/peta-besar.png?original=1",
         "Unduh gambar asli (3000 \u00d7 2000 piksel, " + f"{round(len(BIG_PNG) / 1024)} KB)"),
        ("/media/uji/v1/01-modul/images/foto.jpg?original=1",
         "Unduh gambar asli (1800 \u00d7 2400 piksel, " + f"{round(len(PHOTO) / 1024)} KB)"),
    ]  # fmt: skip


def test_the_page_gets_the_small_copy_and_the_original_downloads(learner, client):
    url = "/media/uji/v1/" + BIG
    shown = client.get(url)
    assert shown.status_code == 200 and shown.mimetype == "image/png"
    assert "attachment" not in shown.headers.get("Content-Disposition", "")
    with Image.open(io.BytesIO(shown.data)) as img:
        assert img.size == (1280, 853)
    original = client.get(url + "?original=1")
    assert original.status_code == 200 and original.data == BIG_PNG
    assert original.headers["Content-Disposition"].startswith("attachment")
    assert "peta-besar.png" in original.headers["Content-Disposition"]
    assert original.headers["ETag"] != shown.headers["ETag"]
    again = client.get(url, headers={"If-None-Match": shown.headers["ETag"]})
    assert again.status_code == 304


def test_a_rotated_phone_photo_is_scaled_upright(learner, client):
    photo = asset("01-modul/images/foto.jpg")
    assert (photo.width, photo.height) == (1800, 2400)  # as the browser shows it
    assert (photo.display_width, photo.display_height) == (1280, 1707)
    shown = client.get("/media/uji/v1/01-modul/images/foto.jpg")
    with Image.open(io.BytesIO(shown.data)) as img:
        assert img.format == "JPEG" and img.size == (1280, 1707)
        assert img.getexif().get(0x0112) is None  # already turned: no rotation left to apply


def test_the_lesson_page_shows_the_sized_image(learner, client):
    html = client.get("/learn/uji/modul/pelajaran").get_data(as_text=True)
    tag = img_tag(html, "peta-besar.png")
    assert 'width="1280"' in tag and 'height="853"' in tag and 'loading="lazy"' in tag
    assert "?original=1" in html


def test_images_of_a_restricted_course_follow_its_access_rule(course, client, make_user, login_as):
    course.restricted = True
    db.session.commit()
    outsider = make_user()
    login_as(outsider)
    url = "/media/uji/v1/" + BIG
    assert client.get(url).status_code == 404
    assert client.get(url + "?original=1").status_code == 404
    db.session.add(
        Enrollment(user_id=outsider.id, course_id=course.id, version_id=course.current_version_id)
    )
    db.session.commit()
    assert client.get(url).status_code == 200
    assert client.get(url + "?original=1").status_code == 200


def test_signed_out_visitors_get_no_image(course, client):
    response = client.get("/media/uji/v1/" + BIG + "?original=1")
    assert response.status_code in (302, 401)


def test_export_writes_the_originals_back(course, tmp_path):
    written = export_version(course.current_version, tmp_path / "ekspor")
    assert (written / BIG).read_bytes() == BIG_PNG
    assert (written / "01-modul/images/foto.jpg").read_bytes() == PHOTO


def test_a_new_version_reuses_the_scaled_copies(course, tmp_path):
    blobs = db.session.scalar(db.select(db.func.count()).select_from(AssetBlob))
    changed = files(**{"01-modul/01-pelajaran.md": LESSON + "\nSatu kalimat lagi.\n"})
    package, _problems = load_package(write_package(tmp_path / "v2", changed))
    result = import_package(package)
    db.session.commit()
    assert result.version.number == 2
    assert db.session.scalar(db.select(db.func.count()).select_from(AssetBlob)) == blobs
    new = db.session.scalar(
        db.select(Asset).where(Asset.version_id == result.version.id, Asset.path == BIG)
    )
    assert new.display_sha256 == asset_in_version(1, BIG).display_sha256


def asset_in_version(number, path):
    from elearn.models import CourseVersion

    return db.session.scalar(
        db.select(Asset)
        .join(CourseVersion, CourseVersion.id == Asset.version_id)
        .where(CourseVersion.number == number, Asset.path == path)
    )


class TestConfiguredWidth:
    @pytest.fixture
    def config_overrides(self):
        return {"CONTENT_IMAGE_MAX_WIDTH": 800}

    def test_the_width_is_a_setting(self, course):
        big = asset(BIG)
        assert (big.display_width, big.display_height) == (800, 533)
        assert 'width="800"' in img_tag(lesson_html(), "peta-besar.png")


def test_an_image_that_cannot_be_read_is_refused(tmp_path):
    broken = PNG[:16] + b"\x00" * 8  # a PNG signature, then nothing readable
    package, problems = load_package(write_package(tmp_path / "p", files(**{SMALL: broken})))
    assert package is None
    assert [str(p) for p in problems] == [
        "01-modul/images/ikon.png: berkas gambar tidak dapat dibaca (rusak atau terpotong)"
    ]


def test_a_decompression_bomb_is_refused(tmp_path):
    img = Image.new("1", (10000, 8000))  # 80 megapixels in a few kilobytes
    buf = io.BytesIO()
    img.save(buf, "PNG")
    package, problems = load_package(
        write_package(tmp_path / "p", files(**{SMALL: buf.getvalue()}))
    )
    assert package is None
    assert [str(p) for p in problems] == [
        "01-modul/images/ikon.png: gambar terlalu besar (10000 \u00d7 8000 piksel; "
        "batas 60 megapiksel)"
    ]


def test_images_never_overflow_the_page_and_keep_their_proportions():
    """With width/height on the tag, this rule reserves the image's box before it loads."""
    from pathlib import Path

    css = (Path(__file__).resolve().parent.parent / "static/css/app.css").read_text()
    assert "img { max-width: 100%; height: auto; }" in css

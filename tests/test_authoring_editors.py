"""The authoring editors as an instructor uses them: an image uploaded while a lesson is being
written keeps the unsaved text and lands where the cursor was; the preview resolves links to
the draft's lessons and quizzes as publishing does; the publish page lists the warnings."""

import html
import io
import re

import pytest
from conftest import login
from sqlalchemy import select
from test_authoring import (
    SLUG,
    add_lesson,
    add_module,
    add_question,
    add_quiz,
    create_course,
    form_state,
    post,
    publish,
    question_data,
)
from test_authoring_upload import PNG

from elearn.extensions import db
from elearn.models import DraftFile

LESSON = "01-nilai-dasar/01-alur.md"


@pytest.fixture
def lesson_url(client, make_user):
    login(client, make_user(roles=["instructor"]).email)
    create_course(client)
    add_module(client)
    return add_lesson(client, "nilai-dasar", "Alur", "Teks tersimpan.")


def lesson_text():
    return db.session.scalar(select(DraftFile.text).where(DraftFile.path == LESSON))


def images():
    return set(db.session.scalars(select(DraftFile.path).where(DraftFile.sha256.is_not(None))))


def textarea(page, name="body"):
    match = re.search(rf'<textarea[^>]*name="{name}"[^>]*>(.*?)</textarea>', page, re.S)
    return html.unescape(match.group(1)).replace("\r\n", "\n").lstrip("\n")


def upload_in_lesson(client, url, body, name, data, cursor=None, title="Alur baru"):
    fields = {
        "title": title,
        "duration": "15",
        "required": "y",
        "body": body,
        "action": "upload",
        "upload": (io.BytesIO(data), name),
        **form_state(client, url),
    }
    if cursor is not None:
        fields["cursor"] = str(cursor)
    return post(client, url, fields, content_type="multipart/form-data")


def test_an_upload_while_writing_keeps_the_text_and_inserts_the_image_at_the_cursor(
    client, lesson_url
):
    typed = "Baris satu 🙂.\r\nBaris dua."
    # The cursor at the start of the second line: 14 characters, the line break counting one.
    response = upload_in_lesson(client, lesson_url, typed, "Bagan Alur.PNG", PNG, cursor=14)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    # On a paragraph of its own, so that it is not rendered inside the sentence after it.
    assert textarea(page) == "Baris satu 🙂.\n\n![bagan_alur](images/bagan_alur.png)\n\nBaris dua."
    assert 'value="Alur baru"' in page  # the other fields as typed, too
    assert "images/bagan_alur.png" in page and "telah diunggah" in page
    # The image is in the draft; the lesson file waits for Save.
    assert images() == {"01-nilai-dasar/images/bagan_alur.png"}
    assert "Teks tersimpan." in lesson_text() and "bagan_alur" not in lesson_text()
    # Saving the text as it came back keeps it, with the image.
    state = {
        name: re.search(rf'name="{name}" type="hidden" value="([^"]*)"', page).group(1)
        for name in ("revision", "fingerprint")
    }
    fields = {"title": "Alur baru", "duration": "15", "required": "y", "body": textarea(page)}
    saved = post(client, lesson_url, {**fields, **state})
    assert saved.status_code == 302
    assert "Baris satu 🙂.\n\n![bagan_alur](images/bagan_alur.png)\n\nBaris dua." in lesson_text()


def test_without_javascript_the_image_goes_at_the_end(client, lesson_url):
    response = upload_in_lesson(client, lesson_url, "Paragraf.\r\n", "foto.jpg", JPEG)
    assert textarea(response.get_data(as_text=True)) == "Paragraf.\n\n![foto](images/foto.jpg)"


JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01" + b"\x00" * 64 + b"\xff\xd9"


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("catatan.png", b"ini hanya teks, bukan gambar", "bukan berkas .png yang sah"),
        ("besar.png", PNG + b"\0" * 400, "terlalu besar"),
        ("halaman.html", b"<html></html>", "Halaman web (HTML) tidak diterima"),
    ],
)
def test_a_refused_file_keeps_the_text_and_changes_nothing(
    app, client, lesson_url, name, data, message
):
    app.config["CONTENT_MAX_FILE_BYTES"] = 300
    response = upload_in_lesson(client, lesson_url, "Teks yang belum disimpan.", name, data)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert message in page
    assert textarea(page) == "Teks yang belum disimpan."
    assert images() == set()
    assert lesson_text().count("Teks tersimpan.") == 1


def test_upload_without_a_file_says_so(client, lesson_url):
    fields = {"title": "Alur", "duration": "10", "body": "Belum disimpan.", "action": "upload"}
    response = post(client, lesson_url, fields, content_type="multipart/form-data")
    page = response.get_data(as_text=True)
    assert "Pilih gambar yang akan diunggah" in page
    assert textarea(page) == "Belum disimpan."


def test_an_upload_into_a_new_lesson_creates_no_lesson(client, lesson_url):
    new_url = f"/teach/{SLUG}/modules/nilai-dasar/lessons/new"
    response = upload_in_lesson(client, new_url, "Draf pelajaran kedua.", "peta.png", PNG, 0)
    assert (
        textarea(response.get_data(as_text=True))
        == "![peta](images/peta.png)\n\nDraf pelajaran kedua."
    )
    paths = set(db.session.scalars(select(DraftFile.path)))
    assert "01-nilai-dasar/images/peta.png" in paths
    assert not any(p.endswith("02-alur-baru.md") for p in paths)


def test_the_lesson_form_posts_files(client, lesson_url):
    page = client.get(lesson_url).get_data(as_text=True)
    form = re.search(r"<form[^>]*class=\"card editor\"[^>]*>", page).group(0)
    assert 'enctype="multipart/form-data"' in form
    assert 'name="action" value="upload"' in page and "Unggah gambar" in page
    assert 'name="cursor"' in page


# Preview links ----------------------------------------------------------------------------------
LINKS = (
    "Lihat [pelajaran kedua](02-kedua.md), [bagian](02-kedua.md#inti), "
    "[modul lain](../02-lanjutan/01-tiga.md#awal), [kuis](03-kuis.md) "
    "dan [yang hilang](tidak-ada.md)."
)


def test_the_preview_links_lessons_and_quizzes_of_the_draft(client, lesson_url):
    add_lesson(client, "nilai-dasar", "Kedua", "## Inti\n\nIsi.")
    quiz_url = add_quiz(client, "nilai-dasar", "Kuis")
    add_module(client, title="Lanjutan")
    add_lesson(client, "lanjutan", "Tiga", "Isi.")
    fields = {"title": "Alur", "duration": "10", "body": LINKS, "action": "preview"}
    page = post(client, lesson_url, fields).get_data(as_text=True)
    prose = page[page.index('<div class="prose">') :]
    assert f'href="/teach/{SLUG}/lessons/nilai-dasar/kedua"' in prose
    assert f'href="/teach/{SLUG}/lessons/nilai-dasar/kedua#u-inti"' in prose
    assert f'href="/teach/{SLUG}/lessons/lanjutan/tiga#u-awal"' in prose
    assert f'href="{quiz_url}"' in prose
    # Only the missing file is listed, with the package check's own words.
    missing = re.findall(r'<ul class="missing error"[^>]*>(.*?)</ul>', page, re.S)[0]
    assert "berkas yang ditautkan tidak ada di paket: tidak-ada.md" in missing
    assert "kedua" not in missing and "kuis" not in missing
    # The same in the preview pane that JavaScript fills.
    json = post(client, f"/teach/{SLUG}/preview", {"text": LINKS, "base": "01-nilai-dasar"}).json
    assert json["problems"] == ["berkas yang ditautkan tidak ada di paket: tidak-ada.md"]
    assert json["missing"] == ["tidak-ada.md"]


def test_a_question_preview_uses_the_same_links(client, lesson_url):
    quiz_url = add_quiz(client, "nilai-dasar", "Kuis")
    data = question_data(
        "true_false",
        "Baca [alur](01-alur.md) dulu.",
        tf_answer="true",
        explanation="Lihat ![x](images/hilang.png).",
    )
    data["action"] = "preview"
    page = post(client, quiz_url + "/add-question", data).get_data(as_text=True)
    assert f'href="/teach/{SLUG}/lessons/nilai-dasar/alur"' in page
    assert "berkas yang ditautkan tidak ada di paket: images/hilang.png" in page
    add_question(client, quiz_url, {**data, "action": "save", "explanation": ""})


# The publish page --------------------------------------------------------------------------------
def save_lesson(client, url, fields):
    response = post(client, url, {**fields, **form_state(client, url)})
    assert response.status_code == 302


def test_the_publish_page_lists_warnings_that_do_not_block(client, lesson_url):
    save_lesson(
        client,
        lesson_url,
        {
            "title": "Alur",
            "duration": "10",
            "body": "Paragraf.\n\n![logo](https://contoh.example/logo.png)",
        },
    )
    quiz_url = add_quiz(client, "nilai-dasar", "Kuis")
    add_question(client, quiz_url, question_data("true_false", "Benar?", key="b", tf_answer="true"))
    line = next(n for n, t in enumerate(lesson_text().splitlines(), 1) if "logo" in t)
    page = client.get(f"/teach/{SLUG}/publish").get_data(as_text=True)
    warnings = page[page.index('id="warnings-title"') :]
    assert "gambar dari luar paket tidak ditampilkan" in warnings
    assert f"baris {line}:" in warnings
    assert f"{LESSON}:{line}: peringatan:" in warnings  # as the command line shows it
    assert f'href="/teach/{SLUG}/lessons/nilai-dasar/alur"' in warnings
    assert "Terbitkan" in page and "tidak dapat diterbitkan" not in page
    # Publishing goes ahead, and tells the warnings once more.
    response = publish(client)
    assert response.status_code == 302
    versions = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "1 peringatan" in versions
    assert f"({LESSON}:{line}): gambar dari luar paket" in versions


def test_warnings_are_listed_apart_from_errors(client, lesson_url):
    save_lesson(
        client,
        lesson_url,
        {
            "title": "Alur",
            "duration": "10",
            "body": "![logo](https://contoh.example/logo.png) [x](hilang.pdf)",
        },
    )
    response = publish(client)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    errors = page[: page.index('id="warnings-title"')]
    warnings = page[page.index('id="warnings-title"') :]
    assert "hilang.pdf" in errors and "contoh.example" not in errors
    assert "contoh.example" in warnings


def test_the_quiz_introduction_takes_an_image_the_same_way(client, lesson_url):
    quiz_url = add_quiz(client, "nilai-dasar", "Kuis")
    fields = {
        "title": "Kuis",
        "pass_mark": "70",
        "attempts": "0",
        "time_limit": "0",
        "draw": "0",
        "show_answers": "after_submit",
        "scoring": "all_or_nothing",
        "intro": "Baca dulu.",
        "action": "upload",
        "upload": (io.BytesIO(PNG), "soal.png"),
        **form_state(client, quiz_url),
    }
    response = post(client, quiz_url, fields, content_type="multipart/form-data")
    assert textarea(response.get_data(as_text=True), "intro") == (
        "Baca dulu.\n\n![soal](images/soal.png)"
    )
    assert images() == {"01-nilai-dasar/images/soal.png"}

"""Authoring through the browser's forms (HTTP): an instructor creates a course with a lesson and
a quiz holding every question type, publishes it, and a learner takes it; drafts stay invisible
to learners until published; invalid drafts publish nothing; export and import round-trip."""

import io
import re
import zipfile

import pytest
from conftest import csrf_token
from factories_course import enrol, import_course, mark_done, write_course
from sqlalchemy import func, select

from elearn.content import load_package
from elearn.extensions import db
from elearn.models import (
    Attempt,
    AttemptAnswer,
    Completion,
    Course,
    CourseDraft,
    CourseVersion,
    DraftFile,
    Lesson,
    Question,
)

SLUG = "etika-asn"


# Steps, as an instructor's browser does them -----------------------------------------------------
def token(client):
    return csrf_token(client, "/teach/new")


def post(client, url, data=None, **kwargs):
    data = {"csrf_token": token(client), **(data or {})}
    return client.post(url, data=data, **kwargs)


def form_state(client, url):
    """The hidden revision and fingerprint an edit form was loaded with."""
    html = client.get(url).get_data(as_text=True)
    revision = re.search(r'name="revision" type="hidden" value="([^"]*)"', html).group(1)
    fingerprint = re.search(r'name="fingerprint" type="hidden" value="([^"]*)"', html).group(1)
    return {"revision": revision, "fingerprint": fingerprint}


def create_course(client, slug=SLUG, title="Etika ASN"):
    response = post(
        client,
        "/teach/new",
        {
            "slug": slug,
            "title": title,
            "summary": "Kode etik dan perilaku ASN.",
            "jp": "2",
            "level": "dasar",
            "category": "Etika",
            "competencies-0-name": "Integritas",
            "competencies-0-kind": "manajerial",
            "competencies-0-level": "2",
        },
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    return response


def add_module(client, slug=SLUG, title="Nilai Dasar", module_slug=""):
    response = post(client, f"/teach/{slug}/add-module", {"title": title, "slug": module_slug})
    assert response.status_code == 302, response.get_data(as_text=True)


def add_lesson(client, module, title, body, slug=SLUG, lesson_slug="", duration="10"):
    response = post(
        client,
        f"/teach/{slug}/modules/{module}/lessons/new",
        {
            "title": title,
            "slug": lesson_slug,
            "duration": duration,
            "required": "y",
            "body": body,
            "action": "save",
        },
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    return response.headers["Location"]


def add_quiz(client, module, title, slug=SLUG, **settings):
    data = {
        "title": title,
        "pass_mark": "70",
        "attempts": "0",
        "time_limit": "0",
        "draw": "0",
        "show_answers": "after_submit",
        "scoring": "all_or_nothing",
        "required": "y",
    }
    data.update(settings)
    response = post(client, f"/teach/{slug}/modules/{module}/quizzes/new", data)
    assert response.status_code == 302, response.get_data(as_text=True)
    return response.headers["Location"]


def question_data(qtype, text, key="", points="1", **fields):
    data = {
        "type": qtype,
        "text": text,
        "key": key,
        "points": points,
        "body": "",
        "explanation": "",
        "action": "save",
    }
    for n in range(4):
        data[f"options-{n}-text"] = ""
    data.update(fields)
    return data


def add_question(client, quiz_url, data):
    response = post(client, quiz_url + "/add-question", data)
    assert response.status_code == 302, response.get_data(as_text=True)
    return response


EVERY_TYPE = [
    question_data(
        "single",
        "Apa singkatan ASN?",
        key="singkatan",
        **{
            "options-0-text": "Aparatur Sipil Negara",
            "options-0-correct": "y",
            "options-1-text": "Abdi Sipil Negara",
        },
        explanation="ASN menurut UU 20/2023.",
    ),
    question_data(
        "multiple",
        "Pilih nilai dasar BerAKHLAK.",
        key="nilai",
        points="2",
        **{
            "options-0-text": "Akuntabel",
            "options-0-correct": "y",
            "options-1-text": "Harmonis",
            "options-1-correct": "y",
            "options-2-text": "Santai",
        },
    ),
    question_data(
        "true_false", "Gratifikasi boleh diterima.", key="gratifikasi", tf_answer="false"
    ),
    question_data(
        "short",
        "Kepanjangan KKN?",
        key="kkn",
        accepted="Korupsi, Kolusi, dan Nepotisme\nkorupsi kolusi nepotisme",
    ),
    question_data("numeric", "Berapa JP minimal per tahun?", key="jp", value="20", tolerance="0"),
]


def build_course(client):
    """The course of these tests, made through the forms: one lesson, one quiz of every type."""
    create_course(client)
    add_module(client)
    add_lesson(client, "nilai-dasar", "Mengenal BerAKHLAK", "## BerAKHLAK\n\nNilai dasar **ASN**.")
    quiz_url = add_quiz(client, "nilai-dasar", "Kuis Nilai Dasar")
    for data in EVERY_TYPE:
        add_question(client, quiz_url, data)
    return quiz_url


def publish(client, slug=SLUG):
    return post(client, f"/teach/{slug}/publish")


@pytest.fixture
def instructor(make_user):
    return make_user(roles=["instructor"], full_name="Dr. Ratna Sari")


@pytest.fixture
def teacher(client, login_as, instructor):
    return login_as(instructor)


# The learner's side ------------------------------------------------------------------------------
def take_quiz(client, slug, quiz_key, answers):
    """Start an attempt and submit `answers` ({question key: [values]}); the attempt's id."""
    response = client.post(
        f"/quizzes/{slug}/{quiz_key}",
        data={"csrf_token": csrf_token(client, f"/quizzes/{slug}/{quiz_key}")},
    )
    assert response.status_code == 302
    html = client.get(f"/quizzes/{slug}/{quiz_key}").get_data(as_text=True)
    attempt_id = int(re.search(r"/attempts/(\d+)/submit", html).group(1))
    questions = {q.key: q for q in db.session.scalars(select(Question))}
    data = {"csrf_token": csrf_token(client, f"/quizzes/{slug}/{quiz_key}")}
    for key, values in answers.items():
        question = max((q for q in questions.values() if q.key == key), key=lambda q: q.id)
        data[f"q-{question.id}"] = values
    response = client.post(f"/attempts/{attempt_id}/submit", data=data)
    assert response.status_code == 302, response.get_data(as_text=True)
    return attempt_id


def option_keys(question, *texts):
    from elearn.content.quizparse import option_key

    return [option_key(t) for t in texts]


# Tests -------------------------------------------------------------------------------------------
def test_instructor_builds_publishes_and_a_learner_completes(app, client, teacher, make_user):
    quiz_url = build_course(client)
    page = client.get(quiz_url).get_data(as_text=True)
    for text in ("Apa singkatan ASN?", "Pilih nilai dasar BerAKHLAK.", "Kepanjangan KKN?"):
        assert text in page

    # Not published yet: the catalog does not know it.
    response = publish(client)
    assert response.status_code == 302, response.get_data(as_text=True)
    course = db.session.scalar(select(Course).where(Course.slug == SLUG))
    version = course.current_version
    assert version.number == 1
    assert version.published_by.full_name == "Dr. Ratna Sari"
    assert version.published_at is not None
    assert db.session.scalar(select(func.count()).select_from(CourseDraft)) == 0
    questions = {q.key: q for q in db.session.scalars(select(Question))}
    assert {k: q.type for k, q in questions.items()} == {
        "singkatan": "single",
        "nilai": "multiple",
        "gratifikasi": "true_false",
        "kkn": "short",
        "jp": "numeric",
    }
    assert questions["nilai"].points == 2
    assert questions["jp"].answer == {"value": "20", "tolerance": "0"}
    assert questions["kkn"].answer["accepted"] == [
        "Korupsi, Kolusi, dan Nepotisme",
        "korupsi kolusi nepotisme",
    ]
    assert "UU 20/2023" in questions["singkatan"].explanation_html

    # The version history lists it with who published it.
    history = client.get(f"/teach/{SLUG}/versions").get_data(as_text=True)
    assert "Dr. Ratna Sari" in history and f"/teach/{SLUG}/versions/1.zip" in history

    # A learner enrols, reads the lesson, passes the quiz: the course is complete.
    client.post("/logout", data={"csrf_token": token(client)})
    learner = make_user()
    client.post(
        "/login",
        data={
            "identifier": learner.email,
            "password": "correct-horse-9",
            "csrf_token": csrf_token(client),
        },
    )
    assert enrol(client, SLUG).status_code == 302
    lesson_page = client.get(f"/learn/{SLUG}/nilai-dasar/mengenal-berakhlak")
    assert "Nilai dasar <strong>ASN</strong>" in lesson_page.get_data(as_text=True)
    assert mark_done(client, SLUG, "nilai-dasar/mengenal-berakhlak").status_code == 302
    q = questions
    take_quiz(
        client,
        SLUG,
        "nilai-dasar/kuis-nilai-dasar",
        {
            "singkatan": option_keys(q, "Aparatur Sipil Negara"),
            "nilai": option_keys(q, "Akuntabel", "Harmonis"),
            "gratifikasi": option_keys(q, "Salah"),
            "kkn": ["Korupsi kolusi nepotisme"],
            "jp": ["20"],
        },
    )
    attempt = db.session.scalar(select(Attempt))
    assert attempt.passed and attempt.score_percent == 100
    assert db.session.scalar(select(func.count()).select_from(AttemptAnswer)) == 5
    completion = db.session.scalar(select(Completion).where(Completion.user_id == learner.id))
    assert completion is not None and completion.jp == 2


def test_draft_changes_are_invisible_to_learners_until_published(app, client, teacher, make_user):
    build_course(client)
    assert publish(client).status_code == 302
    lesson_url = f"/teach/{SLUG}/lessons/nilai-dasar/mengenal-berakhlak"
    assert post(client, f"/teach/{SLUG}/draft/start").status_code == 302
    state = form_state(client, lesson_url)
    response = post(
        client,
        lesson_url,
        {
            **state,
            "title": "Mengenal BerAKHLAK",
            "duration": "12",
            "required": "y",
            "body": "Teks **baru**.",
            "action": "save",
        },
    )
    assert response.status_code == 302

    learner = make_user()
    other = app.test_client()
    if True:
        other.post(
            "/login",
            data={
                "identifier": learner.email,
                "password": "correct-horse-9",
                "csrf_token": csrf_token(other),
            },
        )
        enrol(other, SLUG)
        page = other.get(f"/learn/{SLUG}/nilai-dasar/mengenal-berakhlak").get_data(as_text=True)
        assert (
            "Nilai dasar <strong>ASN</strong>" in page and "Teks <strong>baru</strong>" not in page
        )
        assert mark_done(other, SLUG, "nilai-dasar/mengenal-berakhlak").status_code == 302

        assert publish(client).status_code == 302
        page = other.get(f"/learn/{SLUG}/nilai-dasar/mengenal-berakhlak").get_data(as_text=True)
        assert "Teks <strong>baru</strong>." in page
    # The learner's progress carried over by the lesson's stable key.
    lessons = db.session.scalars(
        select(Lesson).where(Lesson.key == "nilai-dasar/mengenal-berakhlak")
    )
    assert sorted(lesson.duration_minutes for lesson in lessons) == [10, 12]
    course = db.session.scalar(select(Course).where(Course.slug == SLUG))
    assert course.current_version.number == 2


def test_publishing_an_invalid_draft_shows_the_problems_and_publishes_nothing(client, teacher):
    create_course(client)
    add_module(client)
    add_lesson(client, "nilai-dasar", "Pelajaran", "Lihat ![bagan](images/tidak-ada.png).")
    add_quiz(client, "nilai-dasar", "Kuis Kosong")
    add_module(client, title="Modul Kosong")
    response = publish(client)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "Nothing was published" in html or "Tidak ada yang diterbitkan" in html
    # Each problem sits next to the part it concerns, with a link to edit it.
    assert "berkas yang ditautkan tidak ada di paket: images/tidak-ada.png" in html
    assert f'href="/teach/{SLUG}/lessons/nilai-dasar/pelajaran"' in html
    assert "kuis tidak berisi soal" in html
    assert f'href="/teach/{SLUG}/quizzes/nilai-dasar/kuis-kosong"' in html
    assert "modul tidak berisi pelajaran atau kuis" in html
    assert f'href="/teach/{SLUG}/modules/modul-kosong"' in html
    assert db.session.scalar(select(func.count()).select_from(CourseVersion)) == 0
    assert db.session.scalar(select(func.count()).select_from(CourseDraft)) == 1
    # The check page (GET) shows the same problems without trying.
    assert "kuis tidak berisi soal" in client.get(f"/teach/{SLUG}/publish").get_data(as_text=True)


def test_a_stale_edit_is_refused_and_the_text_kept(app, client, teacher, make_user):
    build_course(client)
    lesson_url = f"/teach/{SLUG}/lessons/nilai-dasar/mengenal-berakhlak"
    mine = form_state(client, lesson_url)

    colleague = make_user(roles=["instructor"], full_name="Budi Santoso")
    course = db.session.scalar(select(Course).where(Course.slug == SLUG))
    course.owners.append(colleague)
    db.session.commit()
    other = app.test_client()
    if True:
        other.post(
            "/login",
            data={
                "identifier": colleague.email,
                "password": "correct-horse-9",
                "csrf_token": csrf_token(other),
            },
        )
        theirs = form_state(other, lesson_url)
        response = post(
            other,
            lesson_url,
            {
                **theirs,
                "title": "Mengenal BerAKHLAK",
                "duration": "10",
                "required": "y",
                "body": "Versi Budi.",
                "action": "save",
            },
        )
        assert response.status_code == 302

    data = {
        **mine,
        "title": "Mengenal BerAKHLAK",
        "duration": "10",
        "required": "y",
        "body": "Versi Ratna yang panjang.",
        "action": "save",
    }
    response = post(client, lesson_url, data)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Budi Santoso" in html
    assert "Versi Ratna yang panjang." in html  # the form keeps my text
    assert "Versi Budi." in html  # and shows the version saved meanwhile
    draft = db.session.scalar(select(CourseDraft))
    lesson = db.session.scalar(
        select(DraftFile).where(
            DraftFile.draft_id == draft.id, DraftFile.path.like("%berakhlak.md")
        )
    )
    assert "Versi Budi." in lesson.text

    # Saving again, now knowingly, replaces the colleague's version.
    state = dict(re.findall(r'name="(revision|fingerprint)" type="hidden" value="([^"]*)"', html))
    assert post(client, lesson_url, {**data, **state}).status_code == 302
    db.session.refresh(lesson)
    assert "Versi Ratna yang panjang." in lesson.text


def test_questions_of_one_quiz_merge_but_the_same_question_conflicts(app, client, teacher):
    quiz_url = build_course(client)
    first = form_state(client, quiz_url + "/questions/singkatan")
    second = form_state(client, quiz_url + "/questions/jp")
    edit = question_data("numeric", "Berapa JP minimal per tahun bagi PNS?", key="jp", value="20")
    assert post(client, quiz_url + "/questions/jp", {**second, **edit}).status_code == 302
    # Another question of the same quiz, opened before: saved without a conflict.
    edit = question_data(
        "single",
        "Apa kepanjangan ASN?",
        key="singkatan",
        **{
            "options-0-text": "Aparatur Sipil Negara",
            "options-0-correct": "y",
            "options-1-text": "Abdi Sipil Negara",
        },
    )
    assert post(client, quiz_url + "/questions/singkatan", {**first, **edit}).status_code == 302
    # The same question, with the state loaded before the first save: a conflict.
    edit = question_data("numeric", "JP?", key="jp", value="21")
    response = post(client, quiz_url + "/questions/jp", {**second, **edit})
    assert response.status_code == 200
    assert "Berapa JP minimal per tahun bagi PNS?" in response.get_data(as_text=True)
    text = db.session.scalar(select(DraftFile.text).where(DraftFile.path.like("%kuis%")))
    assert "## Apa kepanjangan ASN? {#singkatan}" in text
    assert "## Berapa JP minimal per tahun bagi PNS? {#jp}" in text
    assert "= 21" not in text


def test_editing_one_question_keeps_the_others_as_written(app, client, teacher, instructor):
    course = import_course("tests/data/packages/complete")
    course.owners.append(instructor)
    db.session.commit()
    slug = course.slug
    assert post(client, f"/teach/{slug}/draft/start").status_code == 302
    draft = db.session.scalar(select(CourseDraft))
    path = "01-pengantar/02-kuis-pengantar.md"
    before = db.session.scalar(select(DraftFile.text).where(DraftFile.path == path))
    quiz_url = f"/teach/{slug}/quizzes/pengantar/kuis-pengantar"
    html = client.get(quiz_url + "/questions/pi").get_data(as_text=True)
    assert 'value="3.14"' in html and 'value="0.01"' in html
    state = form_state(client, quiz_url + "/questions/pi")
    edit = question_data(
        "numeric",
        "Berapa nilai pi dengan dua angka desimal?",
        key="pi",
        value="3.14",
        tolerance="0.005",
    )
    assert post(client, quiz_url + "/questions/pi", {**state, **edit}).status_code == 302
    after = db.session.scalar(select(DraftFile.text).where(DraftFile.path == path))
    head = before[: before.index("## Berapa nilai pi")]
    assert after.startswith(head.rstrip())  # front matter, intro and questions 1-5 untouched
    assert "= 3.14 ± 0.005" in after
    # Unchanged files keep their bytes: the package's hash moves only for the quiz.
    files = {f.path: f.revision for f in draft.files}
    assert sorted(p for p, r in files.items() if r > 1) == [path]


def test_reordering_renumbers_files_and_keeps_slugs(client, teacher):
    create_course(client)
    add_module(client, title="Satu")
    add_module(client, title="Dua")
    add_lesson(client, "satu", "Alpha", "A.")
    add_lesson(client, "satu", "Beta", "B.")
    assert post(client, f"/teach/{SLUG}/modules/dua/move", {"direction": "up"}).status_code == 302
    assert (
        post(client, f"/teach/{SLUG}/items/satu/beta/move", {"direction": "up"}).status_code == 302
    )
    paths = set(db.session.scalars(select(DraftFile.path)))
    assert {
        "01-dua/module.yml",
        "02-satu/module.yml",
        "02-satu/01-beta.md",
        "02-satu/02-alpha.md",
    } <= paths
    page = client.get(f"/teach/{SLUG}/").get_data(as_text=True)
    assert page.index("Dua") < page.index("Satu") and page.index("Beta") < page.index("Alpha")
    # Moving the first one up changes nothing.
    assert post(client, f"/teach/{SLUG}/modules/dua/move", {"direction": "up"}).status_code == 302
    assert "01-dua/module.yml" in set(db.session.scalars(select(DraftFile.path)))


def test_preview_renders_with_the_sanitizing_renderer(client, teacher):
    create_course(client)
    add_module(client)
    response = post(
        client,
        f"/teach/{SLUG}/preview",
        {
            "text": "**Tebal** <script>alert(1)</script> ![x](images/nope.png)",
            "base": "01-nilai-dasar",
        },
    )
    assert response.status_code == 200
    assert "<strong>Tebal</strong>" in response.json["html"]
    assert "<script" not in response.json["html"]
    assert response.json["missing"] == ["images/nope.png"]
    # Without JavaScript: the same preview, on the edit page, nothing saved.
    response = post(
        client,
        f"/teach/{SLUG}/modules/nilai-dasar/lessons/new",
        {
            "title": "P",
            "duration": "5",
            "body": "Hai _dunia_ <iframe></iframe>",
            "action": "preview",
        },
    )
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Hai <em>dunia</em>" in html and "<iframe" not in html
    assert db.session.scalar(select(func.count()).select_from(DraftFile)) == 2


def test_export_then_import_round_trips(app, client, teacher, tmp_path):
    build_course(client)
    assert publish(client).status_code == 302
    response = client.get(f"/teach/{SLUG}/versions/1.zip")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].startswith("attachment")
    data = response.data
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        assert f"{SLUG}/course.yml" in zf.namelist()
        package, problems = load_package(zf)
    assert not problems
    assert package.content_hash == db.session.scalar(select(CourseVersion.content_hash))
    # The same bytes as `flask content export`.
    runner = app.test_cli_runner()
    out = str(tmp_path / "export-test.zip")
    result = runner.invoke(args=["content", "export", SLUG, out, "--force"])
    assert result.exit_code == 0, result.output
    with open(out, "rb") as fh:
        assert fh.read() == data

    response = post(
        client,
        "/teach/import",
        {"file": (io.BytesIO(data), "etika.zip"), "action": "import"},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    assert db.session.scalar(select(func.count()).select_from(CourseVersion)) == 1
    assert "identik" in client.get(response.headers["Location"]).get_data(as_text=True)


def test_import_lists_problems_and_writes_nothing(client, teacher):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for path in ("course.yml", "pretest.md", "01-dasar/module.yml"):
            with open(f"tests/data/packages/broken/{path}", "rb") as fh:
                zf.writestr(path, fh.read())
    response = post(
        client,
        "/teach/import",
        {"file": (io.BytesIO(buf.getvalue()), "b.zip"), "action": "import"},
        content_type="multipart/form-data",
    )
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "course.yml:" in html  # file:line: message
    assert db.session.scalar(select(func.count()).select_from(Course)) == 0


def test_an_instructor_who_imports_a_new_course_owns_it(client, teacher, instructor, tmp_path):
    path = write_course(tmp_path, "impor-baru")
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for file in path.rglob("*"):
            if file.is_file():
                zf.write(file, file.relative_to(path).as_posix())
    response = post(
        client,
        "/teach/import",
        {"file": (io.BytesIO(buf.getvalue()), "c.zip"), "action": "check"},
        content_type="multipart/form-data",
    )
    assert response.status_code == 200
    assert db.session.scalar(select(func.count()).select_from(Course)) == 0
    buf.seek(0)
    response = post(
        client,
        "/teach/import",
        {"file": (buf, "c.zip"), "action": "import"},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    course = db.session.scalar(select(Course).where(Course.slug == "impor-baru"))
    assert [o.id for o in course.owners] == [instructor.id]
    assert course.current_version.published_by_id == instructor.id


def test_publishing_an_unchanged_draft_changes_nothing(client, teacher):
    build_course(client)
    assert publish(client).status_code == 302
    assert post(client, f"/teach/{SLUG}/draft/start").status_code == 302
    assert publish(client).status_code == 302
    assert db.session.scalar(select(func.count()).select_from(CourseVersion)) == 1
    assert db.session.scalar(select(func.count()).select_from(CourseDraft)) == 0


def test_course_settings_round_trip_through_course_yml(client, teacher):
    build_course(client)
    url = f"/teach/{SLUG}/settings"
    html = client.get(url).get_data(as_text=True)
    assert 'value="Integritas"' in html
    state = form_state(client, url)
    response = post(
        client,
        url,
        {
            **state,
            "title": "Etika dan Integritas ASN",
            "summary": "Ringkas: kode etik.",
            "description": "Kursus **wajib**.\n\n![Sampul](images/tidak-ada.png)",
            "jp": "3",
            "level": "menengah",
            "language": "id",
            "version": "1.10",
            "category": "Etika",
            "authors": "Dr. Ratna Sari\nBudi Santoso",
            "competencies-0-name": "Integritas",
            "competencies-0-kind": "manajerial",
            "competencies-0-level": "3",
            "competencies-1-name": "Perekat Bangsa",
            "competencies-1-kind": "sosial_kultural",
            "competencies-1-level": "",
            "action": "save",
        },
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    text = db.session.scalar(select(DraftFile.text).where(DraftFile.path == "course.yml"))
    assert "version: '1.10'" in text and "slug: etika-asn" in text
    assert "description: |" in text
    # The broken image in the description is reported against the course settings.
    response = publish(client)
    assert response.status_code == 422
    assert f'href="/teach/{SLUG}/settings"' in response.get_data(as_text=True)
    # Preview of the description without JavaScript: nothing saved.
    response = post(
        client,
        url,
        {
            **form_state(client, url),
            "title": "X",
            "summary": "Y",
            "jp": "1",
            "description": "Hanya *pratinjau*",
            "action": "preview",
        },
    )
    assert "Hanya <em>pratinjau</em>" in response.get_data(as_text=True)
    # Without competencies the settings are refused, field by field.
    response = post(
        client,
        url,
        {**form_state(client, url), "title": "X", "summary": "Y", "jp": "1", "action": "save"},
    )
    assert response.status_code == 200
    assert "minimal satu kompetensi" in response.get_data(as_text=True)
    text = db.session.scalar(select(DraftFile.text).where(DraftFile.path == "course.yml"))
    assert "Etika dan Integritas ASN" in text


def test_pretest_and_final_exam(client, teacher):
    build_course(client)
    for role in ("pretest", "final"):
        response = post(client, f"/teach/{SLUG}/exams/new", {"role": role})
        assert response.status_code == 302
        add_question(
            client,
            f"/teach/{SLUG}/quizzes/_/{role}",
            question_data("true_false", f"Pernyataan {role}.", tf_answer="true"),
        )
    html = client.get(f"/teach/{SLUG}/quizzes/_/pretest/questions/pernyataan-pretest")
    assert '<input checked id="tf_answer-0"' in html.get_data(as_text=True)
    assert publish(client).status_code == 302
    version = db.session.scalar(select(CourseVersion))
    assert version.pretest.title and not version.pretest.required
    assert version.final_exam.required
    # Deleting the final exam in a new draft takes it out of course.yml too.
    post(client, f"/teach/{SLUG}/draft/start")
    assert post(client, f"/teach/{SLUG}/items/_/final/delete").status_code == 302
    text = db.session.scalar(select(DraftFile.text).where(DraftFile.path == "course.yml"))
    assert "final_exam" not in text and "pretest: pretest.md" in text


def test_quiz_settings_and_invalid_questions(client, teacher):
    quiz_url = build_course(client)
    state = form_state(client, quiz_url)
    response = post(
        client,
        quiz_url,
        {
            **state,
            "title": "Kuis",
            "pass_mark": "80",
            "attempts": "2",
            "time_limit": "0",
            "draw": "9",
            "show_answers": "never",
            "scoring": "partial",
            "action": "save",
        },
    )
    assert response.status_code == 200
    assert "(5)" in response.get_data(as_text=True)  # cannot draw 9 of 5
    response = post(
        client,
        quiz_url,
        {
            **state,
            "title": "Kuis",
            "pass_mark": "80",
            "attempts": "2",
            "time_limit": "0",
            "draw": "3",
            "show_answers": "never",
            "scoring": "partial",
            "required": "y",
            "action": "save",
        },
    )
    assert response.status_code == 302
    text = db.session.scalar(select(DraftFile.text).where(DraftFile.path.like("%kuis%")))
    assert "draw: 3" in text and "show_answers: never" in text
    assert text.count("## ") == 5  # the questions are untouched

    # The package validator's own messages explain what is wrong with a question.
    bad = question_data(
        "single",
        "Dua jawaban benar?",
        **{
            "options-0-text": "A",
            "options-0-correct": "y",
            "options-1-text": "B",
            "options-1-correct": "y",
        },
    )
    response = post(client, quiz_url + "/add-question", bad)
    assert response.status_code == 200
    assert "tepat satu pilihan benar" in response.get_data(as_text=True)
    assert 'value="Dua jawaban benar?"' in response.get_data(as_text=True)
    duplicate = question_data("numeric", "Lagi?", key="jp", value="1")
    response = post(client, quiz_url + "/add-question", duplicate)
    assert "sudah memakai id ini" in response.get_data(as_text=True)
    bad_number = question_data("numeric", "Angka?", value="1.500.000")
    response = post(client, quiz_url + "/add-question", bad_number)
    assert "angka &#39;1.500.000&#39; tidak sah" in response.get_data(as_text=True)

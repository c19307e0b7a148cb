"""Links between lessons of a package: relative `.md` links open the lesson in the app, quiz
files the quiz, `/` paths start at the package root; broken ones are refused with file:line in
Indonesian; external links stay external; videos become link cards, never frames."""

import re
import textwrap

import pytest
from factories_course import enrol
from test_content_package import PNG, write_package

from elearn.content import import_package, load_package
from elearn.content.exporter import export_version
from elearn.content.importer import UNCHANGED
from elearn.content.render import render_markdown
from elearn.extensions import db
from elearn.models import Lesson, Question, Quiz


def _d(text):
    return textwrap.dedent(text)


COURSE = _d(
    """\
    slug: tautan
    title: Kursus Tautan
    summary: Pelajaran yang saling menautkan.
    jp: 2
    pretest: pretest.md
    description: |
      Mulai dari [pengantar](01-dasar/01-pengantar.md).
    competencies:
      - name: Literasi Digital
        kind: teknis
    """
)
INTRO = _d(
    """\
    ---
    title: Pengantar
    ---
    ## Tujuan Belajar

    Baca [surel dinas](02-surel.md), lalu [cara mengirim](02-surel.md#mengirim-surel).
    Kerjakan [kuis modul](03-kuis.md) dan [pre-test](../pretest.md).
    Modul berikutnya: [arsip](../02-lanjut/01-arsip.md).
    Unduh [panduan](/files/panduan.pdf) dan lihat ![Alur kerja](/images/alur.png).
    Kembali ke [atas](#tujuan-belajar). Baca juga [situs BKN](https://www.bkn.go.id/).

    <a href="/files/panduan.pdf">panduan (HTML)</a>
    """
)
FILES = {
    "course.yml": COURSE,
    "01-dasar/module.yml": "title: Dasar\n",
    "01-dasar/01-pengantar.md": INTRO,
    "01-dasar/02-surel.md": "---\ntitle: Surel Dinas\n---\n## Mengirim Surel\n\nIsi.\n",
    "01-dasar/03-kuis.md": _d(
        """\
        ---
        type: quiz
        title: Kuis Dasar
        ---
        ## Apa isi [pelajaran surel](02-surel.md#mengirim-surel)?

        - [x] [Cara mengirim](02-surel.md)
        - [ ] Tidak ada

        > Ulangi [pengantar](/01-dasar/01-pengantar.md).
        """
    ),
    "02-lanjut/module.yml": "title: Lanjut\n",
    "02-lanjut/01-arsip.md": _d(
        """\
        ---
        title: Arsip
        ---
        Kembali ke [tujuan](../01-dasar/01-pengantar.md#tujuan-belajar).
        """
    ),
    "pretest.md": "---\ntype: quiz\ntitle: Pre-test\n---\n## Siap?\n\n- [x] Ya\n- [ ] Tidak\n",
    "files/panduan.pdf": b"%PDF-1.4\n%%EOF\n",
    "images/alur.png": PNG,
}


def files_with(**changes):
    files = dict(FILES)
    files.update({path.replace("__", "/"): text for path, text in changes.items()})
    return files


def problems_of(tmp_path, files):
    package, problems = load_package(write_package(tmp_path / "pkg", files))
    assert package is None, "expected problems"
    return [str(p) for p in problems]


def lesson_with(body):
    """The first lesson with another body (its heading stays: the other lesson links to it)."""
    return {
        "01-dasar/01-pengantar.md": f"---\ntitle: Pengantar\n---\n{body}\n\n## Tujuan Belajar\n"
    }


@pytest.fixture
def course(app, tmp_path):
    package, problems = load_package(write_package(tmp_path / "pkg", FILES))
    assert problems == [] and package.warnings == []
    result = import_package(package)
    db.session.commit()
    return result.course


def body_of(key):
    return db.session.scalar(db.select(Lesson.body_html).where(Lesson.key == key))


def hrefs(html):
    return re.findall(r'href="([^"]+)"', html)


# Validation ---------------------------------------------------------------------------------------
def test_a_package_of_lessons_linking_each_other_is_valid(tmp_path):
    package, problems = load_package(write_package(tmp_path / "pkg", FILES))
    assert problems == []
    assert package.warnings == []


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        pytest.param(
            lesson_with("Teks.\n\nLihat [bab lain](09-tidak-ada.md)."),
            "01-dasar/01-pengantar.md:6: berkas yang ditautkan tidak ada di paket: 09-tidak-ada.md",
            id="missing-lesson",
        ),
        pytest.param(
            lesson_with("[kembali](../02-lanjut/02-hilang.md#bagian)"),
            "01-dasar/01-pengantar.md:4: berkas yang ditautkan tidak ada di paket: "
            "../02-lanjut/02-hilang.md#bagian",
            id="missing-lesson-up-a-folder",
        ),
        pytest.param(
            lesson_with("Satu.\n\n![diagram](/images/tidak-ada.png)"),
            "01-dasar/01-pengantar.md:6: berkas yang ditautkan tidak ada di paket: "
            "/images/tidak-ada.png (jalur yang diawali / dibaca dari akar paket",
            id="missing-root-image",
        ),
        pytest.param(
            lesson_with("[panduan](/01-dasar/files/panduan.pdf)"),
            "01-dasar/01-pengantar.md:4: berkas yang ditautkan tidak ada di paket: "
            "/01-dasar/files/panduan.pdf (jalur yang diawali / dibaca dari akar paket",
            id="root-path-is-not-relative",
        ),
        pytest.param(
            lesson_with('Teks.\n\n<img src="/images/hilang.png" alt="x">'),
            "01-dasar/01-pengantar.md:6: berkas yang ditautkan tidak ada di paket: "
            "/images/hilang.png",
            id="missing-root-image-in-raw-html",
        ),
        pytest.param(
            lesson_with("[naik](../../luar.md)"),
            "01-dasar/01-pengantar.md:4: tautan keluar dari paket: ../../luar.md",
            id="outside",
        ),
        pytest.param(
            lesson_with("[pengaturan](/course.yml)"),
            "01-dasar/01-pengantar.md:4: tautan ke berkas Markdown/YAML tidak didukung: "
            "/course.yml",
            id="yaml",
        ),
        pytest.param(
            lesson_with("![surel](02-surel.md)"),
            "01-dasar/01-pengantar.md:4: yang ditampilkan sebagai gambar bukan berkas gambar: "
            "02-surel.md",
            id="lesson-as-image",
        ),
        pytest.param(
            {"01-dasar/03-kuis.md": FILES["01-dasar/03-kuis.md"].replace("02-surel.md)", "x.md)")},
            "01-dasar/03-kuis.md:7: berkas yang ditautkan tidak ada di paket: x.md",
            id="missing-in-quiz-option",
        ),
    ],
)
def test_a_broken_link_is_an_error_with_file_and_line(tmp_path, changes, expected):
    problems = problems_of(tmp_path, files_with(**changes))
    assert any(p.startswith(expected) for p in problems), problems


def test_an_anchor_that_matches_no_heading_is_a_warning_naming_the_headings(tmp_path):
    arsip = "---\ntitle: Arsip\n---\n[x](../01-dasar/01-pengantar.md#tujuan)\n"
    files = files_with(**{"02-lanjut/01-arsip.md": arsip})
    package, problems = load_package(write_package(tmp_path / "pkg", files))
    assert problems == []
    assert [str(w) for w in package.warnings] == [
        "02-lanjut/01-arsip.md:4: peringatan: bagian '#tujuan' tidak ada di "
        "01-dasar/01-pengantar.md (bagian yang ada: #tujuan-belajar); tautan membuka awal halaman"
    ]


def test_a_same_page_anchor_to_no_heading_is_a_warning(tmp_path):
    files = files_with(**lesson_with("## Ringkasan\n\nKe [atas](#ringkas)."))
    package, _problems = load_package(write_package(tmp_path / "pkg", files))
    assert [str(w) for w in package.warnings] == [
        "01-dasar/01-pengantar.md:6: peringatan: bagian '#ringkas' tidak ada di halaman ini "
        "(bagian yang ada: #ringkasan, #tujuan-belajar); tautan membuka awal halaman"
    ]


def test_errors_and_warnings_are_listed_together(tmp_path):
    files = files_with(**lesson_with("![luar](https://example.com/a.png)\n\n[x](hilang.md)"))
    problems = problems_of(tmp_path, files)
    assert problems == [
        "01-dasar/01-pengantar.md:4: peringatan: gambar dari luar paket tidak ditampilkan, hanya "
        "tautannya: https://example.com/a.png (simpan gambarnya di paket agar tampil)",
        "01-dasar/01-pengantar.md:6: berkas yang ditautkan tidak ada di paket: hilang.md",
    ]


# Import: in-app URLs -----------------------------------------------------------------------------
def test_lesson_links_become_the_lessons_urls_with_heading_anchors(course):
    links = hrefs(body_of("dasar/pengantar"))
    assert "/learn/tautan/dasar/surel" in links
    assert "/learn/tautan/dasar/surel#u-mengirim-surel" in links
    assert "/learn/tautan/lanjut/arsip" in links
    assert "#u-tujuan-belajar" in links
    assert 'id="u-mengirim-surel"' in body_of("dasar/surel")  # where the anchor lands
    assert "/learn/tautan/dasar/pengantar#u-tujuan-belajar" in hrefs(body_of("lanjut/arsip"))


def test_quiz_files_become_quiz_urls_and_root_paths_media_urls(course):
    html = body_of("dasar/pengantar")
    links = hrefs(html)
    assert "/quizzes/tautan/dasar/kuis" in links
    assert "/quizzes/tautan/pretest" in links
    assert links.count("/media/tautan/v1/files/panduan.pdf") == 2  # Markdown and raw HTML
    assert 'src="/media/tautan/v1/images/alur.png"' in html
    assert ".md" not in html


def test_links_in_quiz_questions_and_the_course_description(course):
    question = db.session.scalar(db.select(Question).join(Quiz).where(Quiz.key == "dasar/kuis"))
    assert "/learn/tautan/dasar/surel#u-mengirim-surel" in question.prompt_html
    assert any("/learn/tautan/dasar/surel" in o["html"] for o in question.options)
    assert "/learn/tautan/dasar/pengantar" in question.explanation_html
    assert "/learn/tautan/dasar/pengantar" in course.current_version.description_html


def test_every_link_of_a_lesson_page_opens_for_an_enrolled_learner(
    course, client, make_user, login_as
):
    login_as(make_user())
    enrol(client, "tautan")
    page = client.get("/learn/tautan/dasar/pengantar")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    lesson_html = html[html.index('class="prose"') :]
    inside = [u for u in hrefs(lesson_html) if u.startswith(("/learn/", "/quizzes/", "/media/"))]
    assert len(inside) >= 6
    for url in inside:
        response = client.get(url.split("#")[0])
        assert response.status_code == 200, url
    surel = client.get("/learn/tautan/dasar/surel").get_data(as_text=True)
    assert 'id="u-mengirim-surel"' in surel


def test_external_links_stay_external_with_rel(course):
    html = body_of("dasar/pengantar")
    assert '<a href="https://www.bkn.go.id/" rel="noopener noreferrer">situs BKN</a>' in html
    assert "target=" not in html  # same tab, as every link of the app


def test_export_then_import_is_unchanged_and_byte_identical(course, tmp_path):
    written = export_version(course.current_version, tmp_path / "ekspor")
    for path, content in FILES.items():
        data = (written / path).read_bytes()
        assert data == (content if isinstance(content, bytes) else content.encode())
    package, problems = load_package(written)
    assert problems == []
    assert import_package(package).status == UNCHANGED


def test_a_course_under_a_prefix_links_under_it(app, tmp_path):
    app.config["APPLICATION_ROOT"] = "/elearn"
    package, _problems = load_package(write_package(tmp_path / "pkg", FILES))
    import_package(package)
    db.session.commit()
    links = hrefs(body_of("dasar/pengantar"))
    assert "/elearn/learn/tautan/dasar/surel" in links
    assert "/elearn/quizzes/tautan/pretest" in links
    assert "/elearn/media/tautan/v1/files/panduan.pdf" in links


# External media -----------------------------------------------------------------------------------
VIDEO_LESSON = _d(
    """\
    ---
    title: Video
    ---
    Tonton materinya:

    [Rapat koordinasi SPBE](https://www.youtube.com/watch?v=dQw4w9WgXcQ)

    [![Cuplikan webinar](https://img.youtube.com/vi/dQw4w9WgXcQ/0.jpg)](https://youtu.be/dQw4w9WgXcQ)

    https://vimeo.com/76979871

    Atau lihat [di YouTube](https://youtu.be/abc) sambil membaca.
    """
)


def test_video_links_become_cards_that_say_they_leave_the_app(app, tmp_path):
    files = files_with(**{"02-lanjut/01-arsip.md": VIDEO_LESSON})
    package, problems = load_package(write_package(tmp_path / "pkg", files))
    assert problems == [] and package.warnings == []  # a video thumbnail is no warning
    import_package(package)
    db.session.commit()
    html = body_of("lanjut/arsip")
    assert "<iframe" not in html and "<img" not in html and "img.youtube.com" not in html
    cards = re.findall(r'<a class="media-card" href="([^"]+)"[^>]*>(.*?)</a>', html)
    assert [url for url, _ in cards] == [
        "https://www.youtube.com/watch?v=dQw4w9WgXcQ",
        "https://youtu.be/dQw4w9WgXcQ",
        "https://vimeo.com/76979871",
    ]
    texts = [re.sub(r"<[^>]+>", "", inner) for _, inner in cards]
    assert texts == [
        "Rapat koordinasi SPBE Video YouTube · membuka di luar aplikasi",
        "Cuplikan webinar Video YouTube · membuka di luar aplikasi",
        "Video Vimeo Video Vimeo · membuka di luar aplikasi",
    ]
    assert (
        '<a class="media-link" href="https://youtu.be/abc" rel="noopener noreferrer">di YouTube '
        '<span class="media-card-note">(Video YouTube, membuka di luar aplikasi)</span></a>'
    ) in html


def test_an_english_course_says_it_in_english():
    from elearn.content.links import AppUrls, LinkMap

    links = LinkMap({}, language="en")
    with links.scope("", None):
        html = render_markdown("[Talk](https://youtu.be/x)")
    assert "YouTube video · opens outside the app" in html
    assert AppUrls("k", 2).lesson("m/l") == "/learn/k/m/l"


def test_an_external_image_is_a_warning_with_its_line_and_shown_as_a_link(app, tmp_path):
    body = "Gambar:\n\n![Struktur organisasi](https://example.com/org.png)\n"
    files = files_with(**{"02-lanjut/01-arsip.md": f"---\ntitle: Arsip\n---\n{body}"})
    package, problems = load_package(write_package(tmp_path / "pkg", files))
    assert problems == []
    assert [str(w) for w in package.warnings] == [
        "02-lanjut/01-arsip.md:6: peringatan: gambar dari luar paket tidak ditampilkan, hanya "
        "tautannya: https://example.com/org.png (simpan gambarnya di paket agar tampil)"
    ]
    import_package(package)
    db.session.commit()
    html = body_of("lanjut/arsip")
    assert "<img" not in html
    assert (
        '<a class="media-link" href="https://example.com/org.png" rel="noopener noreferrer">'
        'Struktur organisasi <span class="media-card-note">(gambar dari example.com, membuka '
        "di luar aplikasi)</span></a>"
    ) in html


def test_the_command_line_prints_warnings_and_still_imports(app, runner, tmp_path):
    body = "![Peta](https://example.com/peta.png)\n"
    files = files_with(**{"02-lanjut/01-arsip.md": f"---\ntitle: Arsip\n---\n{body}"})
    path = write_package(tmp_path / "pkg", files)
    result = runner.invoke(args=["content", "import", str(path)])
    assert result.exit_code == 0, result.output
    assert f"{path}/02-lanjut/01-arsip.md:4: peringatan: gambar dari luar paket" in result.output
    assert "1 peringatan (paket tetap dapat diimpor)" in result.output
    assert "tautan: kursus baru dibuat (versi 1)" in result.output


def test_authoring_preview_resolves_root_paths(app):
    """The authoring preview (its own resolver) reads `/` paths from the package root too."""
    from elearn.content.package import package_link_target

    assert package_link_target("01-dasar", "/images/a.png#x") == ("images/a.png", "x")
    assert package_link_target("01-dasar", "../images/a.png") == ("images/a.png", "")
    assert package_link_target("01-dasar", "../../a.png") == (None, "")

"""Course packages: parsing every setting and question type, and every validation problem
reported as file:line: message. Pure code: no database, no app."""

import textwrap
from pathlib import Path

import pytest

from elearn.content import load_package
from elearn.content.package import content_hash
from elearn.content.quizparse import option_key, parse_number, slugify

PACKAGES = Path(__file__).parent / "data" / "packages"
PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00"
    b"\x90wS\xde\x00\x00\x00\x0cIDATx\x9cc\xf8\xcf\xc0\x00\x00\x03\x01\x01\x00\xc9\xfe\x92\xef"
    b"\x00\x00\x00\x00IEND\xaeB`\x82"
)

_MINIMAL = {
    "course.yml": """\
        slug: uji
        title: Kursus Uji
        summary: Ringkasan kursus uji.
        jp: 2
        competencies:
          - name: Literasi Digital
            kind: teknis
            level: 2
        """,
    "01-modul/module.yml": "title: Modul Satu\n",
    "01-modul/01-pelajaran.md": """\
        ---
        title: Pelajaran Satu
        ---
        Isi pelajaran.
        """,
    "01-modul/02-kuis.md": """\
        ---
        type: quiz
        title: Kuis Satu
        ---
        ## Soal satu? {#satu}

        - [x] Ya
        - [ ] Tidak
        """,
}
MINIMAL = {path: textwrap.dedent(text) for path, text in _MINIMAL.items()}


def write_package(root, files):
    """Write `files` (path -> str or bytes; None skips) as a package folder at `root`."""
    root.mkdir(parents=True, exist_ok=True)
    for path, content in files.items():
        if content is None:
            continue
        target = root / path
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            target.write_bytes(content)
        else:
            target.write_bytes(content.encode("utf-8"))
    return root


def package_files(**changes):
    """MINIMAL with some files replaced, added, or removed (None)."""
    files = dict(MINIMAL)
    files.update(changes)
    return files


def problems_of(tmp_path, files):
    package, problems = load_package(write_package(tmp_path / "pkg", files))
    assert package is None, "expected problems"
    return [str(p) for p in problems]


# Parsing -------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def complete():
    package, problems = load_package(PACKAGES / "complete")
    assert problems == []
    return package


def test_course_metadata(complete):
    p = complete
    assert p.slug == "contoh-lengkap"
    assert p.title == "Contoh Paket Lengkap"
    assert p.jp == 3 and p.level == "dasar" and p.language == "id"
    assert p.version_label == "1.10"  # kept as written, not the float 1.1
    assert p.category == "Pengujian"
    assert p.authors == ["Dr. Ratna Sari Dewi", "Budi Santoso"]
    assert [(c.name, c.kind, c.level) for c in p.competencies] == [
        ("Literasi Digital", "teknis", 2),
        ("Komunikasi", "manajerial", 1),
        ("Perekat Bangsa", "sosial_kultural", None),
    ]
    assert "![Sampul](images/sampul.png)" in p.description
    assert p.counts() == {"modules": 2, "lessons": 3, "quizzes": 3, "questions": 11, "assets": 4}
    assert len(p.content_hash) == 64


def test_modules_lessons_and_order(complete):
    first, second = complete.modules
    assert (first.slug, first.position, first.title) == ("pengantar", 1, "Pengantar")
    assert first.summary == "Apa yang dipelajari di modul ini."
    assert [(i.kind, i.key, i.position) for i in first.items] == [
        ("lesson", "pengantar/selamat-datang", 1),
        ("quiz", "pengantar/kuis-pengantar", 2),
    ]
    lesson = first.items[0]
    assert (lesson.title, lesson.duration, lesson.required) == ("Selamat Datang", 15, True)
    assert lesson.body.startswith("## Tujuan")
    assert lesson.body_line == 5
    practice = second.lessons[0]
    assert (practice.duration, practice.required) == (20, False)
    assert second.lessons[1].duration == 10  # default


def test_quiz_settings_and_defaults(complete):
    final = complete.final_exam
    assert (final.key, final.role, final.title) == ("final", "final", "Ujian Akhir")
    assert (final.pass_mark, final.attempts, final.time_limit) == (80, 2, 30)
    assert final.shuffle_questions and final.shuffle_options
    assert (final.draw, final.show_answers, final.scoring) == (2, "after_last_attempt", "partial")
    assert final.required

    module_quiz = complete.modules[0].quizzes[0]
    assert (module_quiz.pass_mark, module_quiz.attempts, module_quiz.time_limit) == (70, 3, 0)
    assert not module_quiz.shuffle_questions and not module_quiz.shuffle_options
    assert (module_quiz.draw, module_quiz.show_answers, module_quiz.scoring) == (
        0,
        "after_submit",
        "all_or_nothing",
    )
    assert module_quiz.intro == "Kuis singkat tentang modul pengantar."

    pretest = complete.pretest
    assert (pretest.key, pretest.role, pretest.show_answers) == ("pretest", "pretest", "never")
    assert pretest.required is False  # pre-tests are never required


def test_every_question_type(complete):
    quiz = complete.modules[0].quizzes[0]
    q = {question.key: question for question in quiz.questions}
    assert list(q) == [
        "kepanjangan-spbe",
        "pilih-yang-termasuk-layanan-spbe",
        "kata-sandi-boleh-dibagikan-kepada-rekan-kerja",
        "singkatan-asn",
        "anggaran",
        "pi",
    ]
    single = q["kepanjangan-spbe"]
    assert single.type == "single" and single.points == 1 and single.line == 10
    assert [o.correct for o in single.options] == [False, True, False]
    # An indented line continues the option above it.
    assert single.options[2].text == "Sistem Perencanaan Birokrasi Elektronik"
    assert "Perhatikan gambar berikut." in single.prompt
    assert single.prompt.startswith("Apa kepanjangan SPBE?")
    assert single.explanation == "SPBE diatur dalam Perpres 95/2018."

    multiple = q["pilih-yang-termasuk-layanan-spbe"]
    assert multiple.type == "multiple" and multiple.points == 3
    assert [o.correct for o in multiple.options] == [True, False]  # "* [X]" works too

    true_false = q["kata-sandi-boleh-dibagikan-kepada-rekan-kerja"]
    assert true_false.type == "true_false"
    assert [(o.text, o.correct) for o in true_false.options] == [("Benar", False), ("Salah", True)]

    short = q["singkatan-asn"]
    assert short.type == "short" and short.accepted == ["ASN", "A.S.N."]
    assert short.answer == {"accepted": ["ASN", "A.S.N."]}

    numeric = q["anggaran"]
    assert numeric.type == "numeric"
    assert numeric.answer == {"value": "1000000", "tolerance": "1000"}
    pi = q["pi"]
    assert (pi.type, pi.value, pi.tolerance) == ("numeric", "3.14", "0.01")
    # A "## " inside a fenced code block of the explanation is not a new question.
    assert "## bukan soal" in pi.explanation

    final = {question.key: question for question in complete.final_exam.questions}
    assert final["jp-minimal"].type == "numeric" and final["jp-minimal"].value == "20"
    assert final["perpres-spbe"].type == "short"  # type: short, although "95/2018" has digits
    assert final["prinsip-keamanan"].points == 2


def test_code_fences_in_lessons_are_not_questions(complete):
    practice = complete.modules[1].lessons[0]
    assert "- [x] bukan pilihan" in practice.body


def test_option_keys_follow_the_text():
    assert option_key("Ya") == option_key("  ya ")
    assert option_key("Ya") != option_key("Tidak")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("42", ("42", "0")),
        ("3,5", ("3.5", "0")),
        ("-2.25", ("-2.25", "0")),
        ("1500000 ± 1000", ("1500000", "1000")),
        ("1500000 +- 1000", ("1500000", "1000")),
        ("10 +/- 0,5", ("10", "0.5")),
        ("1.500.000", None),
        ("dua", None),
        ("5 ± -1", None),
    ],
)
def test_numbers(text, expected):
    assert parse_number(text) == expected


def test_slugify_question_text():
    assert slugify("Apa kepanjangan SPBE?") == "apa-kepanjangan-spbe"
    assert slugify("Kualitas pelayanan: apa ukuran utamanya?") == (
        "kualitas-pelayanan-apa-ukuran-utamanya"
    )
    assert slugify("Ékonomi & Sosial") == "ekonomi-sosial"
    assert len(slugify("kata " * 50)) <= 80


def test_minimal_package_is_valid(tmp_path):
    package, problems = load_package(write_package(tmp_path / "pkg", MINIMAL))
    assert problems == []
    assert package.level == "" and package.language == "id" and package.authors == []
    assert package.pretest is None and package.final_exam is None


def test_hash_ignores_line_endings_bom_and_junk(tmp_path):
    first, _ = load_package(write_package(tmp_path / "a", MINIMAL))
    files = {path: "\ufeff" + text.replace("\n", "\r\n") for path, text in MINIMAL.items()}
    files[".DS_Store"] = b"junk"
    files[".git/config"] = "[core]\n"
    files["01-modul/Thumbs.db"] = b"junk"
    second, problems = load_package(write_package(tmp_path / "b", files))
    assert problems == []
    assert first.content_hash == second.content_hash
    assert content_hash(first.files) == first.content_hash


def test_any_change_changes_the_hash(tmp_path):
    first, _ = load_package(write_package(tmp_path / "a", MINIMAL))
    changed = package_files(
        **{"01-modul/01-pelajaran.md": MINIMAL["01-modul/01-pelajaran.md"] + "Lagi.\n"}
    )
    second, _ = load_package(write_package(tmp_path / "b", changed))
    assert first.content_hash != second.content_hash


# Validation: each problem with its file and line ------------------------------------------------
QUIZ_HEAD = "---\ntype: quiz\ntitle: Kuis\n---\n"


def quiz_with(setting):
    """A valid one-question quiz with an extra front-matter line (line 4 of the file)."""
    return f"---\ntype: quiz\ntitle: K\n{setting}\n---\n## S?\n\n- [x] A\n- [ ] B\n"


CASES = [
    pytest.param(
        {"course.yml": MINIMAL["course.yml"] + "titel: Salah Ketik\n"},
        "course.yml:9: kunci tidak dikenal 'titel'",
        id="unknown-course-key",
    ),
    pytest.param(
        {"course.yml": MINIMAL["course.yml"].replace("jp: 2\n", "")},
        "course.yml:1: kunci wajib 'jp' tidak ada",
        id="missing-course-key",
    ),
    pytest.param(
        {"course.yml": MINIMAL["course.yml"].replace("jp: 2", "jp: dua")},
        "course.yml:4: 'jp' harus bilangan bulat",
        id="jp-not-a-number",
    ),
    pytest.param(
        {"course.yml": MINIMAL["course.yml"].replace("slug: uji", "slug: Uji Coba")},
        "course.yml:1: slug 'Uji Coba' tidak sah",
        id="bad-course-slug",
    ),
    pytest.param(
        {"course.yml": MINIMAL["course.yml"].replace("title: Kursus Uji", "title: [Kursus")},
        "course.yml:3: YAML tidak sah",
        id="bad-yaml",
    ),
    pytest.param(
        {"course.yml": MINIMAL["course.yml"] + "jp: 3\n"},
        "course.yml:9: kunci 'jp' ditulis dua kali",
        id="duplicate-yaml-key",
    ),
    pytest.param(
        {"course.yml": MINIMAL["course.yml"].replace("kind: teknis", "kind: teknik")},
        "course.yml:7: 'kind' harus salah satu dari",
        id="bad-competency-kind",
    ),
    pytest.param(
        {"course.yml": MINIMAL["course.yml"].replace("level: 2", "level: 7")},
        "course.yml:8: 'level' harus antara 1 dan 5",
        id="bad-competency-level",
    ),
    pytest.param(
        {"course.yml": MINIMAL["course.yml"].replace("level: 2", "level: 2\n    catatan: x")},
        "course.yml:9: kunci tidak dikenal 'catatan'",
        id="unknown-competency-key",
    ),
    pytest.param(
        {"course.yml": MINIMAL["course.yml"].split("competencies:")[0] + "competencies: []\n"},
        "course.yml:5: minimal satu kompetensi",
        id="no-competency",
    ),
    pytest.param(
        {"course.yml": MINIMAL["course.yml"] + "pretest: pretest.md\n"},
        "course.yml:9: berkas 'pretest.md' yang disebut di 'pretest' tidak ada",
        id="missing-pretest",
    ),
    pytest.param(
        {"course.yml": MINIMAL["course.yml"] + "final_exam: ujian/akhir.md\n"},
        "course.yml:9: 'final_exam' harus nama berkas .md di akar paket",
        id="final-exam-not-at-root",
    ),
    pytest.param(
        {
            "course.yml": MINIMAL["course.yml"] + "pretest: pretest.md\n",
            "pretest.md": "---\ntitle: Bukan kuis\n---\nTeks.\n",
        },
        "pretest.md:2: berkas ini disebut sebagai pretest di course.yml, jadi harus kuis",
        id="pretest-not-a-quiz",
    ),
    pytest.param(
        {
            "course.yml": MINIMAL["course.yml"] + "pretest: pretest.md\n",
            "pretest.md": QUIZ_HEAD + "## S?\n\n- [x] A\n- [ ] B\n",
        },
        None,
        id="valid-pretest",
    ),
    pytest.param(
        {
            "course.yml": MINIMAL["course.yml"] + "pretest: pretest.md\n",
            "pretest.md": quiz_with("required: true"),
        },
        "pretest.md:4: pre-test tidak pernah wajib",
        id="required-pretest",
    ),
    pytest.param(
        {"01-modul/module.yml": None}, "01-modul: module.yml tidak ditemukan", id="no-module-yml"
    ),
    pytest.param(
        {"01-modul/module.yml": "title: Modul\njudul: x\n"},
        "01-modul/module.yml:2: kunci tidak dikenal 'judul'",
        id="unknown-module-key",
    ),
    pytest.param(
        {"01-modul/01-pelajaran.md": b"---\ntitle: P\n---\nBaris \xff rusak\n"},
        "01-modul/01-pelajaran.md:4: berkas bukan teks UTF-8 yang sah (byte 0xff",
        id="not-utf8",
    ),
    pytest.param(
        {"01-modul/03-pelajaran.md": MINIMAL["01-modul/01-pelajaran.md"]},
        "01-modul/03-pelajaran.md: slug 'pelajaran' sudah dipakai oleh 01-modul/01-pelajaran.md",
        id="duplicate-lesson-slug",
    ),
    pytest.param(
        {"02-modul/module.yml": "title: Dua\n", "02-modul/01-a.md": "---\ntitle: A\n---\nA\n"},
        "02-modul: slug 'modul' sudah dipakai oleh 01-modul",
        id="duplicate-module-slug",
    ),
    pytest.param(
        {"01-modul/01-lain.md": MINIMAL["01-modul/01-pelajaran.md"]},
        "01-modul/01-pelajaran.md: nomor urut 1 sudah dipakai oleh 01-modul/01-lain.md",
        id="duplicate-number",
    ),
    pytest.param(
        {"01-modul/pelajaran-dua.md": MINIMAL["01-modul/01-pelajaran.md"]},
        "01-modul/pelajaran-dua.md: nama berkas harus NN-slug.md",
        id="lesson-without-number",
    ),
    pytest.param(
        {"01-modul/03-Pelajaran_Dua.md": MINIMAL["01-modul/01-pelajaran.md"]},
        "01-modul/03-Pelajaran_Dua.md: nama berkas harus NN-slug.md",
        id="lesson-bad-slug",
    ),
    pytest.param(
        {"modul-dua/module.yml": "title: Dua\n", "modul-dua/01-a.md": "---\ntitle: A\n---\nA\n"},
        "modul-dua: nama folder modul harus NN-slug",
        id="bad-module-folder",
    ),
    pytest.param(
        {"README.md": "# Catatan\n"},
        "README.md: berkas tidak dikenal di tempat ini",
        id="stray-markdown",
    ),
    pytest.param(
        {
            "01-modul/02-kuis.md": None,
            "01-modul/module.yml": "title: Modul\n",
            "01-modul/01-pelajaran.md": None,
        },
        "01-modul: modul tidak berisi pelajaran atau kuis",
        id="empty-module",
    ),
    pytest.param(
        {"01-modul/01-pelajaran.md": "Tanpa front matter.\n"},
        "01-modul/01-pelajaran.md:1: front matter YAML tidak ada",
        id="no-front-matter",
    ),
    pytest.param(
        {"01-modul/01-pelajaran.md": "---\ntitle: P\nIsi tanpa penutup.\n"},
        "01-modul/01-pelajaran.md:1: front matter tidak ditutup",
        id="unclosed-front-matter",
    ),
    pytest.param(
        {"01-modul/01-pelajaran.md": "---\ntitle: P\ndurasi: 10\n---\nIsi.\n"},
        "01-modul/01-pelajaran.md:3: kunci tidak dikenal 'durasi'",
        id="unknown-lesson-key",
    ),
    pytest.param(
        {"01-modul/01-pelajaran.md": "---\ntitle: P\nduration: lama\n---\nIsi.\n"},
        "01-modul/01-pelajaran.md:3: 'duration' harus bilangan bulat",
        id="bad-duration",
    ),
    pytest.param(
        {"01-modul/01-pelajaran.md": "---\ntitle: P\nrequired: ya\n---\nIsi.\n"},
        "01-modul/01-pelajaran.md:3: 'required' harus true atau false",
        id="bad-required",
    ),
    pytest.param(
        {"01-modul/01-pelajaran.md": "---\ntitle: P\ntype: video\n---\nIsi.\n"},
        "01-modul/01-pelajaran.md:3: type 'video' tidak dikenal",
        id="unknown-item-type",
    ),
    pytest.param(
        {"01-modul/01-pelajaran.md": "---\nduration: 5\n---\nIsi.\n"},
        "01-modul/01-pelajaran.md:2: kunci wajib 'title' tidak ada",
        id="lesson-without-title",
    ),
    pytest.param(
        {"01-modul/01-pelajaran.md": "---\ntitle: P\n---\n\n"},
        "01-modul/01-pelajaran.md:4: isi pelajaran kosong",
        id="empty-lesson",
    ),
    pytest.param(
        {"01-modul/02-kuis.md": QUIZ_HEAD + "Hanya pengantar.\n"},
        "01-modul/02-kuis.md:2: kuis tidak berisi soal",
        id="empty-quiz",
    ),
    pytest.param(
        {"01-modul/02-kuis.md": quiz_with("waktu: 5")},
        "01-modul/02-kuis.md:4: kunci tidak dikenal 'waktu'",
        id="unknown-quiz-key",
    ),
    pytest.param(
        {"01-modul/02-kuis.md": quiz_with("draw: 5")},
        "01-modul/02-kuis.md:4: draw (5) melebihi jumlah soal (1)",
        id="draw-larger-than-pool",
    ),
    pytest.param(
        {"01-modul/02-kuis.md": quiz_with("show_answers: selalu")},
        "01-modul/02-kuis.md:4: 'show_answers' harus salah satu dari: never, after_submit",
        id="bad-show-answers",
    ),
    pytest.param(
        {"01-modul/02-kuis.md": quiz_with("pass_mark: 170")},
        "01-modul/02-kuis.md:4: 'pass_mark' harus antara 0 dan 100",
        id="bad-pass-mark",
    ),
    pytest.param(
        {"01-modul/02-kuis.md": QUIZ_HEAD + "## Soal?\n\n- [ ] A\n- [ ] B\n"},
        "01-modul/02-kuis.md:7: tidak ada pilihan yang benar",
        id="no-correct-option",
    ),
    pytest.param(
        {"01-modul/02-kuis.md": QUIZ_HEAD + "## Soal?\ntype: single\n\n- [x] A\n- [x] B\n"},
        "01-modul/02-kuis.md:9: soal single harus tepat satu pilihan benar, ditemukan 2",
        id="single-with-two-correct",
    ),
    pytest.param(
        {"01-modul/02-kuis.md": QUIZ_HEAD + "## Soal?\n\n- [x] Satu-satunya\n"},
        "01-modul/02-kuis.md:7: soal pilihan memerlukan minimal dua pilihan",
        id="one-option",
    ),
    pytest.param(
        {"01-modul/02-kuis.md": QUIZ_HEAD + "## Soal?\n\n- [x] A\n- [ ] A\n"},
        "01-modul/02-kuis.md:8: pilihan 'A' ditulis dua kali",
        id="duplicate-option",
    ),
    pytest.param(
        {"01-modul/02-kuis.md": QUIZ_HEAD + "## Soal?\ntype: numeric\n\n= dua puluh\n"},
        "01-modul/02-kuis.md:8: angka 'dua puluh' tidak sah",
        id="bad-numeric-answer",
    ),
    pytest.param(
        {"01-modul/02-kuis.md": QUIZ_HEAD + "## Soal?\ntype: numeric\n\n= 1\n= 2\n"},
        "01-modul/02-kuis.md:9: soal numeric harus tepat satu baris '= angka'",
        id="two-numeric-answers",
    ),
    pytest.param(
        {
            "01-modul/02-kuis.md": QUIZ_HEAD
            + "## Soal?\ntype: true_false\n\n- [x] Ya\n- [ ] Tidak\n"
        },
        "01-modul/02-kuis.md:8: soal true_false harus berpilihan Benar dan Salah",
        id="true-false-options",
    ),
    pytest.param(
        {"01-modul/02-kuis.md": QUIZ_HEAD + "## Soal?\ntype: short\n\n- [x] A\n- [ ] B\n"},
        "01-modul/02-kuis.md:8: soal short ditulis dengan baris '= jawaban'",
        id="short-with-options",
    ),
    pytest.param(
        {"01-modul/02-kuis.md": QUIZ_HEAD + "## Soal?\ntype: multiple\n\n= A\n"},
        "01-modul/02-kuis.md:8: soal multiple ditulis dengan pilihan",
        id="multiple-with-answers",
    ),
    pytest.param(
        {"01-modul/02-kuis.md": QUIZ_HEAD + "## Soal?\ntype: essay\n\n= A\n"},
        "01-modul/02-kuis.md:6: type soal 'essay' tidak dikenal",
        id="unknown-question-type",
    ),
    pytest.param(
        {"01-modul/02-kuis.md": QUIZ_HEAD + "## Soal?\npoints: dua\n\n= A\n"},
        "01-modul/02-kuis.md:6: points harus bilangan bulat positif",
        id="bad-points",
    ),
    pytest.param(
        {"01-modul/02-kuis.md": QUIZ_HEAD + "## Soal?\n\n- [x] A\n= B\n"},
        "01-modul/02-kuis.md:8: pilihan (- [ ]) dan jawaban isian (= ...) tidak boleh dicampur",
        id="mixed-answers",
    ),
    pytest.param(
        {"01-modul/02-kuis.md": QUIZ_HEAD + "## Soal tanpa jawaban?\n\nTeks saja.\n"},
        "01-modul/02-kuis.md:5: soal tidak memiliki pilihan",
        id="question-without-answers",
    ),
    pytest.param(
        {
            "01-modul/02-kuis.md": QUIZ_HEAD
            + "## Soal?\n\n- [x] A\n- [ ] B\n\n> Penjelasan.\n\nTeks lain.\n"
        },
        "01-modul/02-kuis.md:12: teks tak terduga setelah jawaban",
        id="text-after-explanation",
    ),
    pytest.param(
        {"01-modul/02-kuis.md": QUIZ_HEAD + "## A? {#sama}\n\n= a\n\n## B? {#sama}\n\n= b\n"},
        "01-modul/02-kuis.md:9: id soal 'sama' sudah dipakai soal di baris 5",
        id="duplicate-question-id",
    ),
    pytest.param(
        {"01-modul/02-kuis.md": QUIZ_HEAD + "## Soal? {#bukan id}\n\n= a\n"},
        "01-modul/02-kuis.md:5: id soal 'bukan id' tidak sah",
        id="bad-question-id",
    ),
    pytest.param(
        {"01-modul/01-pelajaran.md": "---\ntitle: P\n---\nLihat:\n\n![g](images/hilang.png)\n"},
        "01-modul/01-pelajaran.md:6: berkas yang ditautkan tidak ada di paket: images/hilang.png",
        id="broken-image",
    ),
    pytest.param(
        {"01-modul/01-pelajaran.md": "---\ntitle: P\n---\n[Unduh](files/templat.xlsx)\n"},
        "01-modul/01-pelajaran.md:4: berkas yang ditautkan tidak ada di paket: files/templat.xlsx",
        id="broken-attachment",
    ),
    pytest.param(
        {
            "01-modul/02-kuis.md": QUIZ_HEAD
            + "## Soal?\n\n- [x] ![a](images/a.png)\n- [ ] B\n\n> Lihat [x](x.pdf)\n"
        },
        "01-modul/02-kuis.md:7: berkas yang ditautkan tidak ada di paket: images/a.png",
        id="broken-link-in-option",
    ),
    pytest.param(
        {"01-modul/01-pelajaran.md": "---\ntitle: P\n---\n[naik](../../rahasia.txt)\n"},
        "01-modul/01-pelajaran.md:4: tautan keluar dari paket: ../../rahasia.txt",
        id="link-outside-package",
    ),
    pytest.param(
        # Lessons and quizzes can be linked (tests/test_content_links.py); YAML files cannot.
        {"01-modul/01-pelajaran.md": "---\ntitle: P\n---\n[modul](module.yml)\n"},
        "01-modul/01-pelajaran.md:4: tautan ke berkas Markdown/YAML tidak didukung: module.yml",
        id="link-to-yaml",
    ),
    pytest.param(
        {"01-modul/files/halaman.html": "<script>alert(1)</script>"},
        "01-modul/files/halaman.html: jenis berkas .html tidak diizinkan",
        id="blocked-attachment",
    ),
    pytest.param(
        {"01-modul/images/palsu.png": b"<svg onload=alert(1)>"},
        "01-modul/images/palsu.png: isi berkas bukan gambar PNG yang sah",
        id="fake-png",
    ),
    pytest.param(
        {"01-modul/images/catatan.md": "# bukan di sini\n"},
        "01-modul/images/catatan.md: berkas tidak dikenal di tempat ini",
        id="markdown-in-asset-folder",
    ),
]


@pytest.mark.parametrize(("changes", "expected"), CASES)
def test_each_problem_has_file_and_line(tmp_path, changes, expected):
    files = package_files(**changes)
    if expected is None:
        _package, problems = load_package(write_package(tmp_path / "pkg", files))
        assert [str(p) for p in problems] == []
        return
    problems = problems_of(tmp_path, files)
    assert any(p.startswith(expected) for p in problems), problems


def test_every_problem_is_collected():
    """The broken fixture has many problems in many files: all are reported at once."""
    package, problems = load_package(PACKAGES / "broken")
    assert package is None
    lines = [str(p) for p in problems]
    expected = [
        "01-dasar/01-pengantar.md:3: kunci tidak dikenal 'durasi'",
        "01-dasar/01-pengantar.md:6: berkas yang ditautkan tidak ada di paket: images/hilang.png",
        "01-dasar/02-kuis.md:4: draw (9) melebihi jumlah soal (4)",
        "01-dasar/02-kuis.md:8: tidak ada pilihan yang benar",
        "01-dasar/02-kuis.md:15: soal single harus tepat satu pilihan benar, ditemukan 2",
        "01-dasar/02-kuis.md:19: soal pilihan memerlukan minimal dua pilihan",
        "01-dasar/02-kuis.md:24: angka '12 ribu' tidak sah",
        "01-dasar/Pelajaran Tiga.md: nama berkas harus NN-slug.md",
        "02-lanjut: module.yml tidak ditemukan",
        "course.yml:1: kunci wajib 'summary' tidak ada",
        "course.yml:3: 'jp' harus bilangan bulat",
        "course.yml:4: 'level' harus salah satu dari: dasar, menengah, lanjut",
        "course.yml:5: kunci tidak dikenal 'bahasa'",
        "course.yml:10: berkas 'final-exam.md' yang disebut di 'final_exam' tidak ada",
        "pretest.md:4: YAML tidak sah: while parsing a flow sequence",
    ]
    for line in expected:
        assert any(p.startswith(line) for p in lines), (line, lines)
    assert len(lines) == len(expected), lines


def test_missing_course_yml(tmp_path):
    files = package_files(**{"course.yml": None})
    assert problems_of(tmp_path, files) == ["course.yml: course.yml tidak ditemukan di akar paket"]


def test_missing_path():
    package, problems = load_package("/nonexistent/package")
    assert package is None and [str(p) for p in problems] == ["paket tidak ditemukan"]

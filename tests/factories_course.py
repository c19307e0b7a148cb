"""Course packages for tests: write a small package folder, import it as the CLI would.

path = write_course(tmp_path, "uji", lessons=3, quizzes=True)
course = import_course(path)
"""

import itertools
import textwrap
from pathlib import Path

from elearn.content import import_package, load_package
from elearn.extensions import db

CONTENT = Path(__file__).resolve().parent.parent / "content"
SHIPPED = sorted(p.name for p in CONTENT.iterdir() if (p / "course.yml").exists())

_serial = itertools.count(1)


def _dedent(text):
    return textwrap.dedent(text).lstrip("\n")


def course_files(
    slug,
    title=None,
    summary=None,
    jp=2,
    level="dasar",
    category="Pengujian",
    competencies=(("Literasi Digital", "teknis", 2),),
    modules=None,
    lessons=2,
    quizzes=False,
    final_exam=False,
    optional=(),
    authors=("Tim Uji",),
    body="Isi pelajaran {key}.",
):
    """Files of a package: {relative path: text}.

    `modules` is {module slug: [lesson slugs]}; by default one module "modul" with `lessons`
    lessons "pelajaran-1".. . `quizzes` adds one quiz at the end of each module, `final_exam`
    a final exam; `optional` names lesson keys ("modul/pelajaran-2") that are not required."""
    if modules is None:
        modules = {"modul": [f"pelajaran-{n}" for n in range(1, lessons + 1)]}
    comp = "".join(
        f"  - name: {name}\n    kind: {kind}\n    level: {lvl}\n"
        for name, kind, lvl in competencies
    )
    files = {
        "course.yml": (
            f"slug: {slug}\n"
            f"title: {title or 'Kursus ' + slug}\n"
            f"summary: {summary or 'Ringkasan kursus ' + slug + '.'}\n"
            "description: |\n  Deskripsi **kursus** untuk pengujian.\n"
            f"jp: {jp}\n"
            f"level: {level}\n"
            f"category: {category}\n"
            f"authors: [{', '.join(authors)}]\n"
            f"competencies:\n{comp}" + ("final_exam: final-exam.md\n" if final_exam else "")
        )
    }
    for m, (module_slug, lesson_slugs) in enumerate(modules.items(), start=1):
        folder = f"{m:02d}-{module_slug}"
        files[f"{folder}/module.yml"] = f"title: Modul {module_slug}\n"
        for n, lesson_slug in enumerate(lesson_slugs, start=1):
            key = f"{module_slug}/{lesson_slug}"
            required = "false" if key in optional else "true"
            files[f"{folder}/{n:02d}-{lesson_slug}.md"] = _dedent(
                f"""
                ---
                title: Pelajaran {lesson_slug}
                duration: {5 + n}
                required: {required}
                ---
                {body.format(key=key)}
                """
            )
        if quizzes:
            files[f"{folder}/{len(lesson_slugs) + 1:02d}-kuis.md"] = _quiz(f"Kuis {module_slug}")
    if final_exam:
        files["final-exam.md"] = _quiz("Ujian Akhir")
    return files


def _quiz(title):
    return _dedent(
        f"""
        ---
        type: quiz
        title: {title}
        ---
        ## Ibu kota Indonesia saat ini? {{#ibu-kota}}

        - [x] Jakarta sebagai jawaban rahasia
        - [ ] Bandung

        > Penjelasan yang tidak boleh bocor.
        """
    )


def write_course(root, slug, **kwargs):
    """Write the package folder under `root` (a fresh folder per call); returns its path."""
    path = Path(root) / f"{slug}-{next(_serial)}"
    for rel, text in course_files(slug, **kwargs).items():
        target = path / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    return path


def import_course(path):
    """Validate and import a package folder (committed); returns the Course."""
    package, problems = load_package(path)
    assert not problems, [str(p) for p in problems]
    result = import_package(package)
    db.session.commit()
    return result.course


def import_shipped(name):
    return import_course(CONTENT / name)


# HTTP steps, as a learner's browser does them -----------------------------------------------------
def enrol(client, slug):
    from conftest import csrf_token

    token = csrf_token(client, f"/courses/{slug}")
    return client.post(f"/courses/{slug}/enrol", data={"csrf_token": token})


def mark_done(client, slug, key):
    from conftest import csrf_token

    token = csrf_token(client, f"/courses/{slug}")
    return client.post(f"/learn/{slug}/{key}/done", data={"csrf_token": token})

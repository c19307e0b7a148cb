"""Write a stored course version back as a package (folder or .zip) that re-imports unchanged.

Versions keep the author's files as written (course.yml, module.yml, each lesson and quiz, the
assets' bytes), so the export is the imported package, file for file.
"""

import os
from pathlib import Path, PurePosixPath

from sqlalchemy import select
from sqlalchemy.orm import selectinload, undefer

from ..extensions import db
from ..media import store as media_store
from ..models import Asset, AssetBlob, Course, CourseVersion, Lesson, Module, Quiz
from .zipsafe import write_zip


def find_version(slug, number=None):
    """The course's current version (or version `number`); None if there is none."""
    course = db.session.scalar(select(Course).where(Course.slug == slug))
    if course is None:
        return None
    if number is None:
        return course.current_version or course.latest_version()
    return db.session.scalar(
        select(CourseVersion).where(
            CourseVersion.course_id == course.id, CourseVersion.number == number
        )
    )


def version_files(version):
    """Package path -> bytes for every file of the version."""
    files = {"course.yml": version.source_yml.encode("utf-8")}
    for module in db.session.scalars(select(Module).where(Module.version_id == version.id)):
        files[f"{module.source_path}/module.yml"] = module.source_yml.encode("utf-8")
    lessons = select(Lesson).where(Lesson.version_id == version.id).options(undefer(Lesson.source))
    for lesson in db.session.scalars(lessons):
        files[lesson.source_path] = lesson.source.encode("utf-8")
    quizzes = select(Quiz).where(Quiz.version_id == version.id).options(undefer(Quiz.source))
    for quiz in db.session.scalars(quizzes):
        files[quiz.source_path] = quiz.source.encode("utf-8")
    assets = (
        select(Asset)
        .where(Asset.version_id == version.id)
        .options(selectinload(Asset.blob).undefer(AssetBlob.data))
    )
    for asset in db.session.scalars(assets):
        files[asset.path] = media_store.contents(asset.sha256, asset.blob.data)
    for path in files:
        pure = PurePosixPath(path)
        if pure.is_absolute() or ".." in pure.parts:  # stored paths were validated; be sure
            raise ValueError(f"unsafe path in stored package: {path!r}")
    return dict(sorted(files.items()))


class DestinationExists(Exception):
    pass


def export_version(version, dest, force=False):
    """Write the package to `dest`: a .zip file, or a folder that is new or empty."""
    files = version_files(version)
    dest = Path(dest)
    if dest.suffix.lower() == ".zip":
        if dest.exists() and not force:
            raise DestinationExists(str(dest))
        dest.parent.mkdir(parents=True, exist_ok=True)
        write_zip(files, dest, top_folder=version.course.slug)
        return dest
    if dest.exists() and (not dest.is_dir() or any(dest.iterdir())):
        raise DestinationExists(str(dest))
    for path, data in files.items():
        target = dest.joinpath(*PurePosixPath(path).parts)
        target.parent.mkdir(parents=True, exist_ok=True)
        with open(target, "wb") as fh:
            fh.write(data)
        os.chmod(target, 0o644)
    return dest

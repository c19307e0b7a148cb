"""`flask content validate|import|convert|export|rerender`: course packages from the command line.

Output is for Indonesian instructors, and problems use the `file:line: message` shape that
editors recognise. Each package is imported in its own transaction: all of it, or nothing.
"""

import click
from flask import current_app
from sqlalchemy import func, or_, select

from ..extensions import db
from . import messages as M
from .exporter import DestinationExists, export_version, find_version
from .importer import CREATED, UPDATED, import_package, rerender_version
from .package import load_package
from .zipsafe import Limits

# `flask content rerender` (Indonesian, like messages.py).
RERENDER_VERSION = "{slug} versi {number}: {changed} bagian HTML diperbarui"
RERENDER_REFUSED = "{slug} versi {number}: tidak dirender ulang, paket tersimpan tidak lolos:"
RERENDER_DONE = "{versions} versi diperiksa, {changed} bagian HTML diperbarui."
RERENDER_NO_COURSE = "kursus {slug} tidak ditemukan"


def _echo_problems(path, problems):
    for problem in problems:
        click.echo(str(problem.with_prefix(path)))


def _echo_warnings(path, package):
    """Warnings of a valid package (it is imported anyway): file:line: peringatan: ..."""
    if package.warnings:
        _echo_problems(path, package.warnings)
        click.echo(M.WARNING_COUNT.format(count=len(package.warnings)), err=True)


@click.group("content")
def content():
    """Course packages: validate, import, export (see content/README.md)."""


@content.command("validate")
@click.argument("paths", nargs=-1, required=True, type=click.Path())
def validate(paths):
    """Check packages (folders or .zip); print every problem as file:line: message."""
    total = 0
    for path in paths:
        package, problems = load_package(path)
        if problems:
            _echo_problems(path, problems)
            total += len(problems)
        else:
            click.echo(M.OK_SUMMARY.format(label=path, slug=package.slug, **package.counts()))
            _echo_warnings(path, package)
    if total:
        click.echo(M.PROBLEM_COUNT.format(count=total), err=True)
        raise SystemExit(1)


def _find_user(who):
    from ..models import User

    who = who.strip()
    return db.session.scalar(
        select(User).where(
            or_(User.nip == who.replace(" ", ""), func.lower(User.email) == who.lower())
        )
    )


@content.command("import")
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@click.option("--owner", metavar="NIP|EMAIL", help="User recorded as importer and course owner.")
def import_(paths, owner):
    """Validate, then import each package (all or nothing per package)."""
    actor = None
    if owner:
        actor = _find_user(owner)
        if actor is None:
            raise click.ClickException(M.OWNER_NOT_FOUND.format(who=owner))
    failed = 0
    for path in paths:
        package, problems = load_package(path)
        if problems:
            _echo_problems(path, problems)
            click.echo(M.IMPORT_FAILED.format(label=path, count=len(problems)), err=True)
            failed += 1
            continue
        _echo_warnings(path, package)
        try:
            result = import_package(package, actor)
            db.session.commit()
        except Exception as exc:  # any failure: keep nothing of this package, go on
            db.session.rollback()
            current_app.logger.exception("import of %s failed", path)
            click.echo(M.IMPORT_ERROR.format(label=path, detail=exc), err=True)
            failed += 1
            continue
        message = {
            CREATED: M.IMPORT_CREATED,
            UPDATED: M.IMPORT_UPDATED,
        }.get(result.status, M.IMPORT_UNCHANGED)
        click.echo(message.format(slug=result.course.slug, number=result.version.number))
    if failed:
        raise SystemExit(1)


@content.command("convert")
@click.argument("source", type=click.Path())
@click.option("--out", "out", type=click.Path(), help="Folder for the draft package.")
def convert(source, out):
    """Turn a folder of Markdown (README.md per folder) or a Word .docx into a package draft."""
    from pathlib import Path

    from . import convert as C

    src = Path(source)
    if out is None:
        out = src.with_name(f"{src.stem if src.is_file() else src.name}-paket")
    try:
        C.check_destination(out)
        limits = Limits.from_config(current_app.config)
        if src.is_file() and src.suffix.lower() == ".docx":
            result = C.convert_docx(src.read_bytes(), name=src.name, limits=limits)
        elif src.is_file() and src.suffix.lower() != ".zip":
            raise C.ConvertError(C.E_NOT_SUPPORTED)
        else:
            result = C.convert_folder(src, limits)
    except C.ConvertError as exc:
        raise click.ClickException(f"{source}: {exc}") from exc
    _package, problems = C.load_files(result.files)
    C.write_package(result.files, out)
    click.echo(C.DONE.format(dest=out, **result.counts))
    if result.problems:
        click.echo(C.REPORT_HEADING)
        for problem in result.problems:  # course.yml is the draft's; the rest name the source
            in_draft = problem.file == "course.yml"
            prefix = str(out) if in_draft else ("" if src.is_file() else source)
            click.echo(str(problem.with_prefix(prefix)))
    if problems:
        click.echo(C.STILL_INVALID.format(count=len(problems)), err=True)
        _echo_problems(str(out), problems)
        raise SystemExit(1)
    click.echo(C.NEXT_STEP.format(dest=out))


@content.command("export")
@click.argument("slug")
@click.argument("dest", type=click.Path())
@click.option("--version", "number", type=int, help="Version number (default: the current one).")
@click.option("--force", is_flag=True, help="Overwrite an existing .zip file.")
def export(slug, dest, number, force):
    """Write a course version as a package: a folder, or a .zip if DEST ends in .zip."""
    version = find_version(slug, number)
    if version is None:
        if number is None:
            raise click.ClickException(M.EXPORT_NO_COURSE.format(slug=slug))
        raise click.ClickException(M.EXPORT_NO_VERSION.format(slug=slug, number=number))
    try:
        written = export_version(version, dest, force=force)
    except DestinationExists as exc:
        raise click.ClickException(M.EXPORT_DEST_EXISTS.format(dest=exc)) from exc
    click.echo(M.EXPORT_DONE.format(slug=slug, number=version.number, dest=written))


@content.command("rerender")
@click.option("--course", "slug", metavar="SLUG", help="Only this course (default: every course).")
def rerender(slug):
    """Render the stored Markdown of every course version again with today's renderer.

    Updates the stored HTML in place, one version per transaction; adds no version and
    leaves learners' progress alone. Running it twice changes nothing the second time."""
    from ..models import Course, CourseVersion

    stmt = select(CourseVersion.id).join(Course, Course.id == CourseVersion.course_id)
    if slug:
        if db.session.scalar(select(Course.id).where(Course.slug == slug)) is None:
            raise click.ClickException(RERENDER_NO_COURSE.format(slug=slug))
        stmt = stmt.where(Course.slug == slug)
    ids = db.session.scalars(stmt.order_by(Course.slug, CourseVersion.number)).all()
    total = refused = 0
    for version_id in ids:
        version = db.session.get(CourseVersion, version_id)
        label = {"slug": version.course.slug, "number": version.number}
        result = rerender_version(version)
        if result.problems:
            db.session.rollback()
            click.echo(RERENDER_REFUSED.format(**label), err=True)
            _echo_problems("", result.problems)
            refused += 1
            continue
        db.session.commit()
        db.session.expunge_all()  # a batch: the next version starts from an empty session
        total += result.changed
        if result.changed:
            click.echo(RERENDER_VERSION.format(changed=result.changed, **label))
    click.echo(RERENDER_DONE.format(versions=len(ids), changed=total))
    if refused:
        raise SystemExit(1)

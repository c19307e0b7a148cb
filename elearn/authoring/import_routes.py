"""Importing a course package (or material to convert) in the browser: /teach/import.

A course package is checked and imported as a new version, as `flask content import` does.
A .zip of plain Markdown or a Word .docx goes through `flask content convert`'s converter and
becomes a new course whose draft holds the converted files: material to edit, not a course.
"""

import io

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from sqlalchemy.exc import IntegrityError
from werkzeug.exceptions import RequestEntityTooLarge

from ..content import CREATED, UNCHANGED, Limits
from ..content import convert as C
from ..extensions import db
from . import bp, drafts
from . import services as svc
from .access import creator_view, may_create_courses, me
from .forms import ImportForm

# Report lines carried to the next page in the (cookie) session; the rest are counted.
FLASHED_LINES = 20


@bp.route("/import", methods=["GET", "POST"])
@creator_view
def import_course():
    form = ImportForm()
    check = conversion = None
    if form.validate_on_submit():
        upload = form.file.data
        limits = Limits.from_config(current_app.config)
        try:
            data = svc.read_upload(upload.stream, current_app.config["IMPORT_MAX_BYTES"])
            if C.sniff(data) == C.PACKAGE:
                check = svc.check_upload(io.BytesIO(data))
            else:
                conversion = svc.convert_upload(data, upload.filename or "", limits)
        except svc.Refused as exc:
            form.file.errors.append(str(exc.message))
        except C.ConvertError as exc:
            form.file.errors.append(str(exc))
        if form.action.data == "import":
            if check is not None and check.ok:
                return _import_package(check) or _page(form, check, conversion)
            if conversion is not None:
                return _create_draft(form, conversion) or _page(form, check, conversion)
    return _page(form, check, conversion)


def _page(form, check=None, conversion=None, status=200):
    return render_template(
        "authoring/import.html",
        form=form,
        check=check,
        conversion=conversion,
        import_limit=svc.size(current_app.config["IMPORT_MAX_BYTES"]),
    ), status


def _import_package(check):
    try:
        result = svc.import_checked(me(), check)
    except svc.Refused as exc:
        db.session.rollback()
        flash(str(exc.message), "error")
        return None
    db.session.commit()
    messages = {
        CREATED: _(
            "The course %(title)s has been created (version %(number)d). You are its instructor."
        ),
        UNCHANGED: _(
            "Nothing changed: the package is identical to version %(number)d of %(title)s."
        ),
    }
    message = messages.get(result.status, _("%(title)s: version %(number)d has been published."))
    flash(message % {"title": result.version.title, "number": result.version.number}, "success")
    if drafts.draft_for(result.course) is not None and result.status != UNCHANGED:
        flash(
            _(
                "This course also has a draft, started from an older version. "
                "Publishing the draft would replace the imported version."
            ),
            "warning",
        )
    warnings = check.package.warnings
    if warnings and result.status != UNCHANGED:
        heading = ngettext(
            "The package has %(num)d warning (it was imported anyway):",
            "The package has %(num)d warnings (it was imported anyway):",
            len(warnings),
        )
        _flash_report(heading, warnings)
    return redirect(url_for(".versions", slug=result.course.slug))


def _create_draft(form, conversion):
    course = svc.create_converted_course(me(), conversion)
    try:
        db.session.commit()
    except IntegrityError:  # another upload took the slug meanwhile: nothing is kept
        db.session.rollback()
        form.file.errors.append(_("A course with this slug exists already."))
        return None
    counts = conversion.result.counts
    flash(
        _(
            "The course has been created as a draft from %(name)s: %(modules)d modules, "
            "%(lessons)d lessons, %(assets)d files. You are its instructor. Edit it (course "
            "settings: JP, competencies, summary), then publish it.",
            name=conversion.name or course.slug,
            **counts,
        ),
        "success",
    )
    report = conversion.report
    if report:
        heading = ngettext(
            "Check %(num)d point the conversion reported:",
            "Check the %(num)d points the conversion reported:",
            len(report),
        )
        _flash_report(heading, report)
    return redirect(url_for(".course", slug=course.slug))


def _flash_report(heading, problems):
    """The report as flashed lines `file:line: message`, at most FLASHED_LINES of them."""
    flash(heading, "warning")
    for problem in problems[:FLASHED_LINES]:
        flash(str(problem), "warning")
    if len(problems) > FLASHED_LINES:
        more = len(problems) - FLASHED_LINES
        flash(ngettext("… and %(num)d more line.", "… and %(num)d more lines.", more), "warning")


def _may_import():
    return current_user.is_authenticated and may_create_courses(me())


@bp.errorhandler(RequestEntityTooLarge)
def _too_large(_exc):
    """Past MAX_CONTENT_LENGTH the request is refused before the form is read: the import
    page says so with the limit; any other teaching page gets the site's error page."""
    limit = current_app.config.get("MAX_CONTENT_LENGTH") or 0
    if request.endpoint == "authoring.import_course" and _may_import():
        form = ImportForm(formdata=None)
        limit = min(limit or current_app.config["IMPORT_MAX_BYTES"],
                    current_app.config["IMPORT_MAX_BYTES"])  # fmt: skip
        form.file.errors = [
            _("The file is larger than %(limit)s, the limit for an import.", limit=svc.size(limit))
        ]
        return _page(form, status=413)
    return render_template(
        "errors/error.html",
        status=413,
        title=_("File too large"),
        message=_("The uploaded file is too large."),
    ), 413

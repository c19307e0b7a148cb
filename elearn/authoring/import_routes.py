"""Importing a course package (or material to convert) in the browser: /teach/import."""

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _

from ..auth.decorators import role_required
from ..content import CREATED, UNCHANGED
from ..extensions import db
from . import bp, drafts
from . import services as svc
from .access import EDITORS, me
from .forms import ImportForm


@bp.route("/import", methods=["GET", "POST"])
@role_required(*EDITORS)
def import_course():
    form = ImportForm()
    check = None
    if form.validate_on_submit():
        check = svc.check_upload(form.file.data.stream)
        if check.ok and form.action.data == "import":
            try:
                result = svc.import_checked(me(), check)
            except svc.Refused as exc:
                db.session.rollback()
                flash(str(exc.message), "error")
            else:
                db.session.commit()
                messages = {
                    CREATED: _(
                        "The course %(title)s has been created (version %(number)d). "
                        "You are its instructor."
                    ),
                    UNCHANGED: _(
                        "Nothing changed: the package is identical to version "
                        "%(number)d of %(title)s."
                    ),
                }
                message = messages.get(
                    result.status, _("%(title)s: version %(number)d has been published.")
                )
                flash(
                    message % {"title": result.version.title, "number": result.version.number},
                    "success",
                )
                if drafts.draft_for(result.course) is not None and result.status != UNCHANGED:
                    flash(
                        _(
                            "This course also has a draft, started from an older version. "
                            "Publishing the draft would replace the imported version."
                        ),
                        "warning",
                    )
                return redirect(url_for(".versions", slug=result.course.slug))
    return render_template("authoring/import.html", form=form, check=check)

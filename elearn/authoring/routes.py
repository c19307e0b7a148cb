"""Teaching pages: courses as drafts, publishing, versions, packages, co-instructors.

Thin: parse the form, call a service, commit once, redirect (post/redirect/get).

Access (access.py, the one rule): the instructor and admin roles reach /teach (others get 403
from the role check); a course's pages are for its instructors and admins only. Anyone else
gets 404 for every URL of a course, whether it exists or not, so that unpublished courses do
not leak. A partner's people work only on the courses they are invited to (no new course, no
import, no say on the instructors or the co-organiser).
"""

import io
import posixpath

from flask import (
    abort,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload
from wtforms.fields.choices import SelectChoice

from ..auth.decorators import role_required
from ..content import UNCHANGED, find_version, version_files
from ..content.package import content_type_for
from ..content.zipsafe import Limits, zip_bytes
from ..extensions import db
from ..forms import EmptyForm
from ..media import store as media_store
from ..media.routes import INLINE_TYPES
from ..models import CourseVersion
from . import bp, drafts, editors, import_routes, results_routes, uploads  # noqa: F401 (pages)
from . import services as svc
from . import sourcefmt as fmt
from .access import (
    EDITORS,
    course_view,
    creator_view,
    may_create_courses,
    may_edit,
    may_manage,
    me,
    page,
)
from .drafts import ROOT
from .editors import edit_url, no_draft, preview_text, quiz_entry
from .forms import (
    CoOrganiserForm,
    ExamForm,
    MoveForm,
    NewCourseForm,
    OwnerForm,
    PathForm,
    PreviewForm,
    SiasnTypeForm,
    UploadForm,
    competency_rows,
)


def _safe_next(target, course):
    prefix = url_for(".course", slug=course.slug)
    if target and target.startswith(prefix) and "//" not in target and "\\" not in target:
        return target
    return None


def _commit():
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        return False
    return True


@bp.app_template_global()
def authoring_edit_url(course, item, question=None):
    return edit_url(course, item, question)


@bp.app_template_global()
def authoring_title(course):
    """The published title; for a course never published, the title in its draft."""
    if course.current_version is not None:
        return course.current_version.title
    draft = drafts.draft_for(course)
    file = drafts.get_file(draft, "course.yml") if draft else None
    return (fmt.read_course_yml(file.text)["title"] if file else "") or course.slug


# The editors of a draft's parts (settings, modules, lessons, quizzes, questions): editors.py
for editor in editors.ALL:
    editor.register(bp)


# My courses --------------------------------------------------------------------------------------
@bp.route("/")
@role_required(*EDITORS)
def index():
    page = db.paginate(
        svc.editable_courses(me()),
        per_page=current_app.config["PER_PAGE"],
        max_per_page=100,
        error_out=False,
    )
    return render_template(
        "authoring/index.html",
        page=page,
        drafts=svc.drafts_of([c.id for c in page.items]),
        can_create=may_create_courses(me()),
    )


@bp.route("/new", methods=["GET", "POST"])
@creator_view
def new_course():
    form = NewCourseForm()
    if form.validate_on_submit():
        try:
            course = svc.create_course(me(), form.data_for_package())
        except svc.Invalid as exc:
            for name, messages in exc.errors.items():
                getattr(form, name).errors = [str(m) for m in messages]
        else:
            if _commit():
                flash(
                    _(
                        "The course has been created as a draft. Add modules and lessons, "
                        "then publish it."
                    ),
                    "success",
                )
                return redirect(url_for(".course", slug=course.slug))
            form.slug.errors = [_("A course with this slug exists already.")]
    competency_rows(form)
    return render_template("authoring/new_course.html", form=form)


# A course ----------------------------------------------------------------------------------------
@bp.route("/<slug>/")
@course_view
def course(course):
    draft = drafts.draft_for(course)
    outline = drafts.outline(draft) if draft else None
    version = course.current_version
    published = None
    if draft is None and version is not None:
        published = db.session.scalar(
            db.select(CourseVersion)
            .where(CourseVersion.id == version.id)
            .options(selectinload(CourseVersion.modules), selectinload(CourseVersion.quizzes))
        )
    return page(
        "authoring/course.html",
        course,
        draft=draft,
        outline=outline,
        published=published,
        button=EmptyForm(),
        move=MoveForm(),
        exam=ExamForm(),
    )


@bp.post("/<slug>/draft/start")
@course_view
def draft_start(course):
    if EmptyForm().validate_on_submit():
        svc.drafts.start_draft(course, me())
        if _commit():
            flash(
                _(
                    "A draft has been started. Learners keep seeing the published version "
                    "until you publish the draft."
                ),
                "success",
            )
        else:
            flash(
                _("Someone else started a draft at the same moment: you are editing it now."),
                "info",
            )
    return redirect(url_for(".course", slug=course.slug))


@bp.post("/<slug>/draft/discard")
@course_view
def draft_discard(course):
    draft = drafts.draft_for(course)
    if EmptyForm().validate_on_submit() and draft is not None:
        if course.current_version_id is None:
            svc.delete_unpublished(course, me())
            db.session.commit()
            flash(_("The unpublished course has been deleted."), "success")
            return redirect(url_for(".index"))
        drafts.discard_draft(draft, me())
        db.session.commit()
        flash(_("The draft has been discarded. The published version is unchanged."), "success")
    return redirect(url_for(".course", slug=course.slug))


@bp.get("/<slug>/draft.zip")
@course_view
def draft_export(course):
    draft = drafts.draft_for(course) or abort(404)
    data = zip_bytes(drafts.package_files(draft), top_folder=course.slug)
    return send_file(
        io.BytesIO(data),
        mimetype="application/zip",
        as_attachment=True,
        download_name=f"{course.slug}-draft-r{draft.revision}.zip",
    )


@bp.get("/<slug>/draft/files/<path:path>")
@course_view
def draft_file(course, path):
    """A draft's image or attachment, for the preview: only for the course's editors."""
    draft = drafts.draft_for(course) or abort(404)
    file = drafts.get_file(draft, path)
    if file is None or file.is_text:
        abort(404)
    data = media_store.read(file.sha256)
    content_type = content_type_for(path)
    inline = content_type in INLINE_TYPES
    response = send_file(
        io.BytesIO(data),
        mimetype=content_type,
        as_attachment=not inline,
        download_name=posixpath.basename(path),
        etag=False,
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response.headers["Cache-Control"] = "private, no-cache"
    return response


# Modules -----------------------------------------------------------------------------------------
def _draft_outline(course):
    draft = drafts.draft_for(course)
    if draft is None:
        return None, None
    return draft, drafts.outline(draft)


@bp.post("/<slug>/modules/<module>/move")
@course_view
def module_move(course, module):
    draft, outline = _draft_outline(course)
    form = MoveForm()
    if draft is not None and form.validate_on_submit() and form.value():
        svc.move_module(draft, me(), outline, module, form.value())
        db.session.commit()
    return redirect(url_for(".course", slug=course.slug) + f"#module-{module}")


@bp.post("/<slug>/modules/<module>/delete")
@course_view
def module_delete(course, module):
    draft, outline = _draft_outline(course)
    if draft is not None and EmptyForm().validate_on_submit():
        entry = outline.module(module)
        if entry is not None:
            svc.delete_module(draft, me(), outline, entry)
            db.session.commit()
            flash(
                _("The module %(title)s has been deleted from the draft.", title=entry.title),
                "success",
            )
    return redirect(url_for(".course", slug=course.slug))


@bp.post("/<slug>/preview")
@course_view
def preview(course):
    """Markdown -> the sanitized HTML learners would see (for the editor's preview pane)."""
    form = PreviewForm()
    if not form.validate_on_submit():
        abort(400)
    draft = drafts.draft_for(course)
    outline = drafts.outline(draft) if draft else None
    base = (form.base.data or "").strip("/")
    result = preview_text(course, outline, base, form.text.data or "")
    return jsonify(
        html=result.html,
        missing=result.missing,
        problems=result.problems,
        warnings=result.warnings,
    )


@bp.post("/<slug>/exams/new")
@course_view
def exam_new(course):
    draft, outline = _draft_outline(course)
    form = ExamForm()
    if draft is None or not form.validate_on_submit() or form.role.data not in svc.EXAM_FILES:
        return redirect(url_for(".course", slug=course.slug))
    title = _("Pre-test") if form.role.data == "pretest" else _("Final exam")
    svc.add_exam(draft, me(), outline, form.role.data, title)
    db.session.commit()
    return redirect(url_for(".quiz_edit", slug=course.slug, module=ROOT, item=form.role.data))


@bp.post("/<slug>/quizzes/<module>/<item>/questions/<qkey>/move")
@course_view
def question_move(course, module, item, qkey):
    draft, outline = _draft_outline(course)
    entry = quiz_entry(outline, module, item)
    form = MoveForm()
    if entry is not None and form.validate_on_submit() and form.value():
        svc.move_question(draft, me(), entry, qkey, form.value())
        db.session.commit()
    return redirect(
        url_for(".quiz_edit", slug=course.slug, module=module, item=item) + f"#q-{qkey}"
    )


@bp.post("/<slug>/quizzes/<module>/<item>/questions/<qkey>/delete")
@course_view
def question_delete(course, module, item, qkey):
    draft, outline = _draft_outline(course)
    entry = quiz_entry(outline, module, item)
    if entry is not None and EmptyForm().validate_on_submit():
        svc.delete_question(draft, me(), entry, qkey)
        db.session.commit()
        flash(_("The question has been deleted from the draft."), "success")
    return redirect(url_for(".quiz_edit", slug=course.slug, module=module, item=item))


# Items of a module (lessons and quizzes) ---------------------------------------------------------
@bp.post("/<slug>/items/<module>/<item>/move")
@course_view
def item_move(course, module, item):
    draft, outline = _draft_outline(course)
    form = MoveForm()
    entry = outline.module(module) if outline else None
    if entry is not None and form.validate_on_submit() and form.value():
        svc.move_item(draft, me(), entry, item, form.value())
        db.session.commit()
    return redirect(url_for(".course", slug=course.slug) + f"#item-{module}-{item}")


@bp.post("/<slug>/items/<module>/<item>/delete")
@course_view
def item_delete(course, module, item):
    draft, outline = _draft_outline(course)
    entry = outline.item(module, item) if outline else None
    if entry is not None and EmptyForm().validate_on_submit():
        svc.delete_item(draft, me(), outline, entry)
        db.session.commit()
        flash(_("%(title)s has been deleted from the draft.", title=entry.title), "success")
    return redirect(url_for(".course", slug=course.slug))


# Files -------------------------------------------------------------------------------------------
def _folder_choices(outline):
    return [SelectChoice("", _("Course (top folder)"))] + [
        SelectChoice(m.path, m.title) for m in outline.modules
    ]


@bp.route("/<slug>/files", methods=["GET", "POST"])
@course_view
def files(course):
    draft, outline = _draft_outline(course)
    if draft is None:
        return no_draft(course)
    form = UploadForm()
    # Only the course's own folders: the top one and each module's (never a path of one's own).
    form.folder.choices = _folder_choices(outline)
    back = _safe_next(form.next.data, course)
    if form.validate_on_submit():
        limits = Limits.from_config(current_app.config)
        folder = form.folder.data.strip("/")
        try:
            path = svc.upload(draft, me(), form.file.data, folder, limits)
        except uploads.UploadRefused as exc:
            db.session.rollback()
            form.file.errors = [str(exc.message)]
        else:
            db.session.commit()
            snippet = uploads.markdown_snippet(path, folder)
            flash(
                _(
                    "%(path)s has been uploaded. Link it from a lesson of this folder with: "
                    "%(snippet)s",
                    path=path,
                    snippet=snippet,
                ),
                "success",
            )
            return redirect(back or url_for(".files", slug=course.slug))
        if back:
            for error in form.file.errors or form.folder.errors:
                flash(str(error), "error")
            return redirect(back)
    elif request.method == "POST" and back:
        for error in form.file.errors or form.folder.errors:
            flash(str(error), "error")
        return redirect(back)
    assets = sorted(outline.assets, key=lambda f: f.path)
    return page(
        "authoring/files.html",
        course,
        draft=draft,
        outline=outline,
        form=form,
        assets=assets,
        remove=PathForm(),
        snippet=uploads.markdown_snippet,
        is_image=uploads.is_image,
    )


@bp.post("/<slug>/files/delete")
@course_view
def file_delete(course):
    draft = drafts.draft_for(course)
    form = PathForm()
    if draft is not None and form.validate_on_submit():
        file = drafts.get_file(draft, form.path.data or "")
        if file is not None and not file.is_text:
            drafts.delete_files(draft, [file.path], me())
            db.session.commit()
            flash(_("%(path)s has been deleted from the draft.", path=file.path), "success")
    return redirect(url_for(".files", slug=course.slug))


# Publishing --------------------------------------------------------------------------------------
def _problem_groups(course, outline, problems):
    """Problems next to the part of the course they concern, with a link to edit it."""
    groups = {}
    quiz_docs = {}
    for problem in problems:
        kind, obj = outline.locate(problem.file)
        where = problem.line
        if kind == "course":
            key, label, url = "course", _("Course settings"), url_for(".settings", slug=course.slug)
        elif kind == "module":
            key, label = f"m:{obj.slug}", _("Module: %(title)s", title=obj.title)
            url = url_for(".module_edit", slug=course.slug, module=obj.slug)
        elif kind == "item":
            key, label, url = f"i:{obj.key}", obj.title, edit_url(course, obj)
            if obj.kind == "quiz" and problem.line:
                doc = quiz_docs.get(obj.path)
                if doc is None:
                    doc = quiz_docs[obj.path] = fmt.read_quiz(
                        outline.files[obj.path].text, obj.role, obj.path
                    )
                block = doc.block_at_line(problem.line)
                if block is not None and block.spec is not None:
                    where = _(
                        "question %(number)d, line %(line)d",
                        number=doc.blocks.index(block) + 1,
                        line=problem.line,
                    )
                    url = edit_url(course, obj, block.key)
        elif kind == "file":
            key, label, url = "files", _("Files"), url_for(".files", slug=course.slug)
        else:
            key, label, url = "package", _("The course package"), None
        group = groups.setdefault(key, {"label": label, "url": url, "problems": []})
        group["problems"].append(
            {
                "where": where,
                "text": str(problem),
                "url": url,
                "message": problem.message,
                "file": problem.file,
                "line": problem.line,
            }
        )
    return list(groups.values())


def _changes(draft, files, base):
    """Files added, changed and removed since the version the draft started from."""
    if base is None:
        return None
    old = version_files(base)
    new = drafts.package_files(draft)
    return {
        "added": sorted(set(new) - set(old)),
        "changed": sorted(p for p in set(new) & set(old) if new[p] != old[p]),
        "removed": sorted(set(old) - set(new)),
    }


@bp.route("/<slug>/publish", methods=["GET", "POST"])
@course_view
def publish(course):
    draft, outline = _draft_outline(course)
    if draft is None:
        return no_draft(course)
    if request.method == "POST":
        if not EmptyForm().validate_on_submit():
            abort(400)
        result, problems = drafts.publish(draft, me())
        if result is not None:
            db.session.commit()
            _flash_published(result)
            _flash_warnings(_problem_groups(course, outline, problems))
            return redirect(url_for(".versions", slug=course.slug))
        db.session.rollback()
        package, status = None, 422
    else:
        package, problems = drafts.check(draft)
        problems = problems or package.warnings
        status = 200
    errors = [p for p in problems if not p.warning]
    warnings = [p for p in problems if p.warning]
    return page(
        "authoring/publish.html",
        course,
        draft=draft,
        groups=_problem_groups(course, outline, errors),
        problems=errors,
        warnings=warnings,
        warning_groups=_problem_groups(course, outline, warnings),
        package=None if errors else package,
        stale=draft.base_version_id != course.current_version_id,
        changes=_changes(draft, outline.files, draft.base_version),
        button=EmptyForm(),
    ), status


def _flash_published(result):
    if result.status == UNCHANGED:
        message = _(
            "The draft was identical to version %(number)d: nothing new was published. "
            "The draft has been closed.",
            number=result.version.number,
        )
        flash(message, "info")
    else:
        message = _(
            "Version %(number)d has been published. Learners see it from now on; their "
            "progress carries over.",
            number=result.version.number,
        )
        flash(message, "success")


FLASHED_WARNINGS = 10  # the rest is counted: flashed messages travel in the session cookie


def _flash_warnings(groups):
    """The package check's warnings, after publishing (the draft and its pages are gone)."""
    found = [(g["label"], p) for g in groups for p in g["problems"]]
    if not found:
        return
    flash(
        ngettext(
            "The published version has %(num)d warning: it does not stop learners, but they "
            "see this part differently than written.",
            "The published version has %(num)d warnings: they do not stop learners, but they "
            "see these parts differently than written.",
            len(found),
        ),
        "warning",
    )
    for label, problem in found[:FLASHED_WARNINGS]:
        where = problem["file"] + (f":{problem['line']}" if problem["line"] else "")
        flash(f"{label} ({where}): {problem['message']}", "warning")
    if len(found) > FLASHED_WARNINGS:
        rest = len(found) - FLASHED_WARNINGS
        flash(ngettext("… and %(num)d more.", "… and %(num)d more.", rest), "warning")


# Versions and packages ---------------------------------------------------------------------------
@bp.get("/<slug>/versions")
@course_view
def versions(course):
    rows = db.session.scalars(
        db.select(CourseVersion)
        .where(CourseVersion.course_id == course.id)
        .options(selectinload(CourseVersion.published_by), selectinload(CourseVersion.imported_by))
        .order_by(CourseVersion.number.desc())
    ).all()
    return page("authoring/versions.html", course, draft=drafts.draft_for(course), versions=rows)


@bp.get("/<slug>/versions/<int:number>.zip")
@course_view
def version_export(course, number):
    version = find_version(course.slug, number) or abort(404)
    data = zip_bytes(version_files(version), top_folder=course.slug)
    return send_file(
        io.BytesIO(data),
        mimetype="application/zip",
        as_attachment=True,
        download_name=f"{course.slug}-v{number}.zip",
    )


# Co-instructors ----------------------------------------------------------------------------------
@bp.route("/<slug>/instructors", methods=["GET", "POST"])
@course_view
def instructors(course):
    form = OwnerForm()
    if request.method == "POST" and not may_manage(me(), course):
        abort(403)
    if form.validate_on_submit():
        try:
            person = svc.add_owner(me(), course, form.who.data)
        except svc.Refused as exc:
            db.session.rollback()
            form.who.errors = [str(exc.message)]
        else:
            if _commit():
                flash(_("%(name)s can now edit this course.", name=person.full_name), "success")
            return redirect(url_for(".instructors", slug=course.slug))
    return page(
        "authoring/instructors.html",
        course,
        draft=drafts.draft_for(course),
        form=form,
        button=EmptyForm(),
    )


@bp.post("/<slug>/instructors/<int:user_id>/remove")
@course_view
def instructor_remove(course, user_id):
    if not may_manage(me(), course):
        abort(403)
    if EmptyForm().validate_on_submit():
        person = next((o for o in course.owners if o.id == user_id), None) or abort(404)
        try:
            svc.remove_owner(me(), course, person)
        except svc.Refused as exc:
            db.session.rollback()
            flash(str(exc.message), "error")
        else:
            db.session.commit()
            flash(_("%(name)s can no longer edit this course.", name=person.full_name), "success")
            if not may_edit(me(), course):
                return redirect(url_for(".index"))
    return redirect(url_for(".instructors", slug=course.slug))


# Co-organiser ------------------------------------------------------------------------------------
@bp.route("/<slug>/organiser", methods=["GET", "POST"])
@course_view
def organiser(course):
    """The partner co-organising the course: named on its catalog page and its certificates.
    Not part of the draft: a change applies at once, to the published course too."""
    form = CoOrganiserForm(partner_id=course.partner_id or 0)
    form.set_choices(svc.co_organiser_choices(course))
    siasn_form = _siasn_form(course)
    if request.method == "POST":
        if not may_manage(me(), course):
            abort(403)
        if form.validate_on_submit():
            try:
                changed = svc.set_co_organiser(me(), course, form.partner_id.data or None)
            except svc.Refused as exc:
                db.session.rollback()
                form.partner_id.errors = [str(exc.message)]
                return page("authoring/organiser.html", course, draft=drafts.draft_for(course),
                            form=form, siasn_form=siasn_form)  # fmt: skip
            db.session.commit()
            if not changed:
                flash(_("Nothing was changed."), "info")
            elif course.partner is not None:
                flash(
                    _(
                        "%(partner)s is now named as co-organiser of this course.",
                        partner=course.partner.name,
                    ),
                    "success",
                )
            else:
                flash(_("The course no longer names a co-organiser."), "success")
            return redirect(url_for(".organiser", slug=course.slug))
    return page("authoring/organiser.html", course, draft=drafts.draft_for(course), form=form,
                siasn_form=siasn_form)  # fmt: skip


def _siasn_form(course, **data):
    from ..siasn import course_types, type_label

    types = course_types()
    form = SiasnTypeForm(siasn_type_id=course.siasn_type_id or 0, **data)
    default = type_label(int(current_app.config["SIASN_JENIS_DIKLAT_ID"]), types)
    form.set_choices([(key, type_label(key, types)) for key in types], default)
    return form


@bp.route("/<slug>/siasn-type", methods=["POST"])
@course_view
def siasn_type(course):
    """The course's SIASN course type: the jenisDiklatId and jenisKursusSertipikat of its
    course records in the SIASN export. Applies at once, like the co-organiser."""
    if not may_manage(me(), course):
        abort(403)
    form = _siasn_form(course)
    if form.validate_on_submit():
        try:
            changed = svc.set_siasn_type(me(), course, form.siasn_type_id.data or None)
        except svc.Refused as exc:
            db.session.rollback()
            form.siasn_type_id.errors = [str(exc.message)]
        else:
            db.session.commit()
            flash(_("The SIASN course type is saved.") if changed else _("Nothing was changed."),
                  "success" if changed else "info")  # fmt: skip
            return redirect(url_for(".organiser", slug=course.slug))
    other = CoOrganiserForm(partner_id=course.partner_id or 0, formdata=None)
    other.set_choices(svc.co_organiser_choices(course))
    return page("authoring/organiser.html", course, draft=drafts.draft_for(course), form=other,
                siasn_form=form), 400  # fmt: skip

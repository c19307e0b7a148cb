"""The admin's competency dictionary, position standards and their import (thin: parse the
form, call a service, commit once, redirect)."""

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from ..auth.decorators import role_required
from ..exports import export_response
from ..extensions import db
from ..forms import EmptyForm
from ..models import Competency, CompetencyKind, PositionStandard, User
from ..tabular import import_upload
from . import bp
from .dictionary_forms import (
    CompetencyForm,
    DictionaryFilterForm,
    ImportForm,
    MatrixFilterForm,
    PositionFilterForm,
    PositionStandardForm,
)
from .dictionary_import import (
    DICTIONARY,
    DICTIONARY_OPTIONAL,
    DICTIONARY_REQUIRED,
    LEVELS,
    MAX_ROWS,
    STANDARDS,
    STANDARDS_EITHER,
    STANDARDS_REQUIRED,
    import_file,
    kind_label,
    parse_level,
)
from .dictionary_services import (
    InvalidCompetency,
    Refused,
    StaleEdit,
    add_position_standard,
    competency_choices,
    create_competency,
    delete_competency,
    dictionary_query,
    filled_levels,
    matrix_competencies,
    matrix_levels,
    position_kinds,
    position_standards_query,
    remove_position_standard,
    save_matrix,
    sectors,
    set_active,
    stamp_of,
    update_competency,
    usage,
)


def _me():
    return current_user._get_current_object()


def _commit():
    """Commit; False when a unique constraint settled a race against another request."""
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        return False
    return True


def _paginate(stmt):
    return db.paginate(
        stmt, per_page=current_app.config["PER_PAGE"], max_per_page=100, error_out=False
    )


@bp.app_template_global()
def competency_kind_label(kind):
    return kind_label(kind)


# The dictionary ----------------------------------------------------------------------------------
@bp.route("/dictionary")
@role_required("admin")
def dictionary():
    filters = DictionaryFilterForm(request.args, sectors())
    stmt = dictionary_query(
        kind=filters.value("kind"),
        sector=filters.value("sector"),
        search=filters.value("q") or "",
        status=filters.value("status"),
    )
    page = _paginate(stmt)
    filled = filled_levels([c.id for c in page.items])
    return render_template(
        "competencies/dictionary_list.html", page=page, filters=filters, filled=filled
    )


def _render_form(form, competency, stored=None):
    return render_template(
        "competencies/dictionary_form.html",
        form=form,
        competency=competency,
        stored=stored,
        usage=usage(competency) if competency is not None else None,
        sectors=sectors(),
        button=EmptyForm(),
    )


@bp.route("/dictionary/new", methods=["GET", "POST"])
@role_required("admin")
def dictionary_new():
    form = CompetencyForm()
    if request.method == "GET" and request.args.get("kind") in set(CompetencyKind):
        form.kind.data = request.args["kind"]
    if form.validate_on_submit():
        try:
            competency = create_competency(_me(), form.to_data())
        except InvalidCompetency as exc:
            form.add_errors(exc.errors)
        else:
            if _commit():
                flash(_("“%(name)s” has been added.", name=competency.name), "success")
                return redirect(url_for(".dictionary_edit", competency_id=competency.id))
            form.form_errors.append(_("Someone saved the same name or code at the same moment."))
    return _render_form(form, None)


@bp.route("/dictionary/<int:competency_id>", methods=["GET", "POST"])
@role_required("admin")
def dictionary_edit(competency_id):
    competency = db.get_or_404(Competency, competency_id, options=[selectinload(Competency.levels)])
    form = CompetencyForm(competency=competency, stamp=stamp_of(competency))
    if form.validate_on_submit():
        try:
            changes = update_competency(_me(), competency, form.to_data(), form.stamp.data or "")
        except InvalidCompetency as exc:
            form.add_errors(exc.errors)
        except StaleEdit:
            db.session.rollback()
            fresh = db.session.get(Competency, competency_id)
            # The typed text stays in the form; the page now carries the newer version, so a
            # second save (after reading what changed) is the admin's informed choice.
            form.stamp.data = stamp_of(fresh)
            form.form_errors.append(
                _(
                    "Someone else saved this competency after you opened the page. Your text is "
                    "still in the form; the saved version is shown below it. Check both, then "
                    "save again."
                )
            )
            return _render_form(form, fresh, stored=fresh)
        else:
            if _commit():
                if changes:
                    flash(_("The changes have been saved."), "success")
                else:
                    flash(_("Nothing was changed."), "info")
                return redirect(url_for(".dictionary_edit", competency_id=competency.id))
            form.form_errors.append(_("Someone saved the same name or code at the same moment."))
    return _render_form(form, competency)


def _set_active(competency_id, active):
    competency = db.get_or_404(Competency, competency_id)
    if EmptyForm().validate_on_submit() and set_active(_me(), competency, active):
        db.session.commit()
        if active:
            flash(_("“%(name)s” is active again.", name=competency.name), "success")
        else:
            flash(
                _(
                    "“%(name)s” has been deactivated: it is no longer offered for new "
                    "assessments and plans; what refers to it stays.",
                    name=competency.name,
                ),
                "success",
            )
    return redirect(url_for(".dictionary_edit", competency_id=competency.id))


@bp.post("/dictionary/<int:competency_id>/deactivate")
@role_required("admin")
def dictionary_deactivate(competency_id):
    return _set_active(competency_id, False)


@bp.post("/dictionary/<int:competency_id>/reactivate")
@role_required("admin")
def dictionary_reactivate(competency_id):
    return _set_active(competency_id, True)


@bp.post("/dictionary/<int:competency_id>/delete")
@role_required("admin")
def dictionary_delete(competency_id):
    competency = db.get_or_404(Competency, competency_id)
    if EmptyForm().validate_on_submit():
        name = competency.name
        try:
            delete_competency(_me(), competency)
        except Refused as exc:
            flash(str(exc.message), "error")
            return redirect(url_for(".dictionary_edit", competency_id=competency_id))
        db.session.commit()
        flash(_("“%(name)s” has been deleted.", name=name), "success")
    return redirect(url_for(".dictionary"))


# Position standards ------------------------------------------------------------------------------
@bp.route("/standards", methods=["GET", "POST"])
@role_required("admin")
def standards():
    filters = MatrixFilterForm(request.args)
    kind = filters.value("kind")
    kinds = position_kinds()
    comps = matrix_competencies(kind)
    form = EmptyForm()
    if form.validate_on_submit():
        posted, bad = {}, False
        for pk in kinds:
            for comp in comps:
                raw = request.form.get(f"level-{pk.code}-{comp.id}")
                if raw is None:
                    continue  # a cell the page did not show
                level = parse_level(raw) if raw.strip() else None
                if raw.strip() and level is None:
                    bad = True
                posted[(pk.code, comp.id)] = level
        if bad:
            flash(_("A level must be between 1 and 5. Nothing was saved."), "error")
        else:
            changed = save_matrix(_me(), kinds, comps, posted)
            if _commit():
                if changed:
                    flash(
                        ngettext(
                            "%(num)d standard has been saved.",
                            "%(num)d standards have been saved.",
                            changed,
                        ),
                        "success",
                    )
                else:
                    flash(_("Nothing was changed."), "info")
                return redirect(url_for(".standards", **({"kind": kind} if kind else {})))
            flash(_("Someone saved the same standards at the same moment. Try again."), "error")
    levels = matrix_levels([c.id for c in comps])
    return render_template(
        "competencies/dictionary_standards.html",
        filters=filters,
        kinds=kinds,
        competencies=comps,
        levels=levels,
        form=form,
        kind=kind,
        choices=LEVELS,
    )


@bp.route("/standards/positions", methods=["GET", "POST"])
@role_required("admin")
def standards_positions():
    filters = PositionFilterForm(request.args)
    form = PositionStandardForm(competencies=competency_choices())
    if form.validate_on_submit():
        try:
            std = add_position_standard(
                _me(), form.position.data or "", form.competency_id.data, form.level.data
            )
        except InvalidCompetency as exc:
            for name, message in exc.errors.items():
                getattr(form, name).errors.append(message)
        else:
            if _commit():
                flash(
                    _(
                        "%(position)s now requires level %(level)d in %(competency)s.",
                        position=std.position_name,
                        level=std.level,
                        competency=std.competency.name,
                    ),
                    "success",
                )
                return redirect(url_for(".standards_positions"))
            form.form_errors.append(_("Someone saved the same standard at the same moment."))
    stmt = position_standards_query(filters.value("q") or "").options(
        selectinload(PositionStandard.competency)
    )
    jobs = db.session.scalars(
        select(User.position).where(User.position != "").group_by(User.position).limit(500)
    ).all()
    return render_template(
        "competencies/dictionary_positions.html",
        filters=filters,
        form=form,
        page=_paginate(stmt),
        jobs=jobs,
        button=EmptyForm(),
    )


@bp.post("/standards/positions/<int:standard_id>/delete")
@role_required("admin")
def standards_position_delete(standard_id):
    std = db.get_or_404(PositionStandard, standard_id)
    if std.position_key == "":
        abort(404)
    if EmptyForm().validate_on_submit():
        remove_position_standard(_me(), std)
        db.session.commit()
        flash(_("The standard has been removed."), "success")
    return redirect(url_for(".standards_positions", **request.args))


# Import ------------------------------------------------------------------------------------------
@bp.route("/import", methods=["GET", "POST"])
@role_required("admin")
def dictionary_import():
    form = ImportForm()
    result = None
    dry_run = request.form.get("action") == "check"
    if form.validate_on_submit():
        result, saved = import_upload(
            form.file.data,
            lambda data, name: import_file(form.what.data, data, actor=_me(), filename=name),
            conflict=_("Someone saved the same data at the same moment. Try again."),
            dry_run=dry_run,
        )
        if saved:
            flash(
                _(
                    "%(rows)d rows imported: %(created)d created, %(updated)d updated, "
                    "%(unchanged)d unchanged.",
                    rows=result.rows,
                    created=result.created,
                    updated=result.updated,
                    unchanged=result.unchanged,
                ),
                "success",
            )
            target = ".dictionary" if result.what == DICTIONARY else ".standards"
            return redirect(url_for(target))
    return render_template(
        "competencies/dictionary_import.html",
        form=form,
        result=result,
        dry_run=dry_run,
        dictionary_columns=(*DICTIONARY_REQUIRED, *DICTIONARY_OPTIONAL),
        standards_columns=(*STANDARDS_EITHER, *STANDARDS_REQUIRED),
        max_rows=MAX_ROWS,
    )


@bp.route("/import/<what>.<fmt>")
@role_required("admin")
def dictionary_export(what, fmt):
    """The stored dictionary or standards in the import's columns: edit, then import again."""
    if fmt not in ("csv", "xlsx") or what not in (DICTIONARY, STANDARDS):
        abort(404)
    if what == DICTIONARY:
        header = ["kode", "nama", "jenis", "sektor", "definisi", *(f"level_{n}" for n in LEVELS)]
        comps = db.session.scalars(
            select(Competency)
            .options(selectinload(Competency.levels))
            .order_by(Competency.kind, Competency.code.is_(None), Competency.code, Competency.name)
        ).all()
        rows = []
        for c in comps:
            levels = {lv.level: lv.indicator for lv in c.levels}
            kind = "sosial kultural" if c.kind == CompetencyKind.SOSIAL_KULTURAL else c.kind
            rows.append(
                [c.code or "", c.name, kind, c.sector, c.description]
                + [levels.get(n, "") for n in LEVELS]
            )
        return export_response(fmt, "kamus-kompetensi", header, rows, title="Kompetensi")
    header = ["jenis_jabatan", "jabatan", "kode_kompetensi", "level"]
    rows = [
        [std.position_kind, std.position_name, code, std.level]
        for std, code in db.session.execute(
            select(PositionStandard, Competency.code)
            .join(Competency, Competency.id == PositionStandard.competency_id)
            .where(Competency.code.is_not(None))
            .order_by(
                PositionStandard.position_kind, PositionStandard.position_key, Competency.code
            )
        )
    ]
    return export_response(fmt, "standar-kompetensi", header, rows, title="Standar")

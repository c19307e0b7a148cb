"""Recognition pages (thin): the yearly list of a unit's people at the JP target, the person's
choice not to be named on it, the ranking of units (supervisors and admins), and the template
globals that put a person's badges and 10:20:70 picture on My learning and the person view."""

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from wtforms import HiddenField, SelectField
from wtforms.fields.choices import SelectChoice

from ..auth.decorators import role_required
from ..auth.services import is_safe_next
from ..extensions import db
from ..forms import EmptyForm, FilterForm
from ..learn.services import current_year
from ..supervision.forms import unit_labels
from ..supervision.services import scope_units
from . import bp
from .badges import BADGES, badges_of
from .recognition import (
    default_level,
    levels,
    paged_rows,
    person_picture,
    recognition_list,
    set_recognition_hidden,
    unit_choices,
    unit_ranking,
)

YEARS_BACK = 5
ROLES = ("supervisor", "admin")


def _me():
    return current_user._get_current_object()


def _years():
    this = current_year()
    return list(range(this, this - YEARS_BACK, -1))


def _page_number():
    value = request.args.get("page", "1")
    return int(value) if value.isdigit() and 0 < int(value) < 100_000 else 1


class RecognitionFilterForm(FilterForm):
    year = SelectField(_l("Year"), coerce=int, default=0)
    unit = SelectField(_l("Unit (with sub-units)"), coerce=int, default=0)

    def __init__(self, formdata, years, units):
        super().__init__(formdata)
        self.year.choices = [SelectChoice(y, str(y)) for y in years]
        self.year.default = years[0]
        self.unit.choices = [SelectChoice(i, label) for i, label in unit_labels(units)]
        self.unit.default = units[0][0].id if units else 0


class RankingFilterForm(FilterForm):
    year = SelectField(_l("Year"), coerce=int, default=0)
    level = SelectField(_l("Compare the units at"), coerce=int, default=0)

    def __init__(self, formdata, years, by_level, level):
        super().__init__(formdata)
        self.year.choices = [SelectChoice(y, str(y)) for y in years]
        self.year.default = years[0]
        self.level.choices = [
            SelectChoice(n, _level_label(n, units)) for n, units in by_level.items()
        ]
        self.level.default = level


def _level_label(n, units):
    names = ", ".join(u.name for u in units[:2]) + (", …" if len(units) > 2 else "")
    return _("Level %(level)d: %(units)s", level=n, units=names)


class RecognitionChoiceForm(EmptyForm):
    hide = HiddenField()  # "1": leave me out of the lists; "0": name me again
    next = HiddenField()


# Template globals: My learning and the person view ----------------------------------------------
@bp.app_template_global()
def badge_rules():
    """The registry, for a page explaining how badges are earned."""
    return BADGES


@bp.app_template_global()
def person_badges(user_id):
    """The person's badges, newest first (one query)."""
    return badges_of(user_id)


@bp.app_template_global()
def jp_sources_of_person(user_id, year=None):
    """The person's JP of the year by source, for templates/activities/_jp_sources.html."""
    return person_picture(user_id, year or current_year())


@bp.app_template_global()
def recognition_choice_form(hidden):
    """The button that toggles the signed-in person's choice (its next state: the other)."""
    form = RecognitionChoiceForm(formdata=None)
    form.hide.data = "0" if hidden else "1"
    form.next.data = request.full_path.rstrip("?") if request else ""
    return form


# The yearly list of a unit -----------------------------------------------------------------------
@bp.get("/recognition")
@login_required
def recognition():
    me = _me()
    scope = scope_units(me) if me.has_role(*ROLES) else []
    units = unit_choices(me, scope)
    form = RecognitionFilterForm(request.args, _years(), units)
    year = form.value("year") or _years()[0]
    unit_id = form.value("unit") or form.unit.default
    unit = next((u for u, _d in units if u.id == unit_id), None)
    data = None
    if unit is not None:
        data = recognition_list(unit, year, _page_number(), current_app.config["PER_PAGE"])
    form.year.data, form.unit.data = year, unit.id if unit is not None else 0
    return render_template(
        "recognition/list.html",
        form=form,
        data=data,
        year=year,
        many_units=len(units) > 1,
        choice=recognition_choice_form(me.hide_from_recognition),
        can_rank=me.has_role(*ROLES),
    )


@bp.post("/recognition/optout")
@login_required
def recognition_optout():
    form = RecognitionChoiceForm()
    if not form.validate_on_submit() or form.hide.data not in ("0", "1"):
        abort(400)
    hidden = form.hide.data == "1"
    if set_recognition_hidden(_me(), hidden):
        db.session.commit()
    if hidden:
        flash(_("Your name will not be shown on the recognition lists."), "success")
    else:
        flash(_("Your name will be shown on the recognition lists again."), "success")
    target = form.next.data
    return redirect(target if is_safe_next(target) else url_for("main.home"))


# The ranking of units ----------------------------------------------------------------------------
@bp.get("/recognition/units")
@role_required(*ROLES)
def recognition_units():
    me = _me()
    by_level = levels(scope_units(me))
    level = default_level(by_level)
    form = RankingFilterForm(request.args, _years(), by_level, level)
    year = form.value("year") or _years()[0]
    level = form.value("level") or level
    rows = unit_ranking(by_level.get(level, []), year)
    form.year.data, form.level.data = year, level
    page = paged_rows(rows, _page_number(), current_app.config["PER_PAGE"])
    return render_template(
        "recognition/units.html", form=form, page=page, year=year, by_level=by_level
    )

"""Partner pages (admins only): the list, a new partner, a partner's page (its details, people
and co-organised courses) and adding a person with their password setup link.

Thin: parse the form, call partners.py, commit once, then mail (after the commit), redirect.
"""

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.exc import IntegrityError

from ..admin.services import Refused, send_password_setup
from ..auth.decorators import role_required
from ..auth.services import make_setup_token
from ..extensions import db
from ..models import Partner
from ..urls import public_url
from . import bp
from . import partners as svc
from .partner_forms import PartnerFilterForm, PartnerForm, PartnerPersonForm

# Co-organised courses listed on a partner's page; the catalog's organiser filter has them all.
PARTNER_COURSES = 20


@bp.app_template_global()
def partner_kind_label(kind):
    return svc.kind_label(kind)


def _me():
    return current_user._get_current_object()


def _paginate(stmt):
    return db.paginate(
        stmt, per_page=current_app.config["PER_PAGE"], max_per_page=100, error_out=False
    )


def _commit():
    """Commit; False when another request took the same name or email meanwhile (the unique
    constraints settle a race the checks could not see)."""
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        return False
    return True


def _conflict():
    return _("Someone saved the same name or email at the same moment. Check and try again.")


@bp.route("/partners")
@role_required("admin")
def partners():
    filters = PartnerFilterForm(request.args)
    status = filters.value("status")
    page = _paginate(
        svc.partner_query(
            search=(filters.value("q") or "")[:100],
            kind=filters.value("kind"),
            active={"active": True, "inactive": False}.get(status),
        )
    )
    counts = svc.counts_for([p.id for p in page.items])
    return render_template("partners/list.html", page=page, filters=filters, counts=counts)


@bp.route("/partners/new", methods=["GET", "POST"])
@role_required("admin")
def partner_new():
    form = PartnerForm()
    if form.validate_on_submit():
        try:
            partner = svc.create_partner(_me(), form.to_data())
        except svc.InvalidPartner as exc:
            db.session.rollback()
            form.add_errors(exc.errors)
        else:
            if _commit():
                flash(_("%(name)s has been added.", name=partner.name), "success")
                return redirect(url_for(".partner", partner_id=partner.id))
            form.form_errors.append(_conflict())
    return render_template("partners/form.html", form=form)


@bp.route("/partners/<int:partner_id>", methods=["GET", "POST"])
@role_required("admin")
def partner(partner_id):
    partner = db.get_or_404(Partner, partner_id)
    form = PartnerForm(obj=partner)
    if form.validate_on_submit():
        try:
            changes = svc.update_partner(_me(), partner, form.to_data())
        except svc.InvalidPartner as exc:
            db.session.rollback()
            partner = db.session.get(Partner, partner_id)
            form.add_errors(exc.errors)
        else:
            if _commit():
                if changes:
                    flash(_("The changes to %(name)s have been saved.", name=partner.name),
                          "success")  # fmt: skip
                else:
                    flash(_("Nothing was changed."), "info")
                return redirect(url_for(".partner", partner_id=partner.id))
            partner = db.session.get(Partner, partner_id)
            form.form_errors.append(_conflict())
    people = _paginate(svc.people_query(partner))
    courses, course_total = svc.partner_courses(partner, PARTNER_COURSES)
    return render_template(
        "partners/detail.html",
        partner=partner,
        form=form,
        people=people,
        teaching=svc.course_counts([u.id for u in people.items]),
        courses=courses,
        course_total=course_total,
    )


@bp.route("/partners/<int:partner_id>/people/new", methods=["GET", "POST"])
@role_required("admin")
def partner_person_new(partner_id):
    partner = db.get_or_404(Partner, partner_id)
    form = PartnerPersonForm()
    if form.validate_on_submit():
        try:
            person = svc.add_person(_me(), partner, form.to_data())
        except svc.InvalidPartner as exc:
            db.session.rollback()
            partner = db.session.get(Partner, partner_id)
            form.add_errors(exc.errors)
        else:
            if _commit():
                flash(
                    _("%(name)s has been added to %(partner)s.", name=person.full_name,
                      partner=partner.name),
                    "success",
                )  # fmt: skip
                if form.send_link.data:
                    _send_setup_link(person)
                return redirect(url_for(".partner", partner_id=partner.id))
            partner = db.session.get(Partner, partner_id)
            form.form_errors.append(_conflict())
    return render_template("partners/person_form.html", partner=partner, form=form)


def _send_setup_link(person):
    """The admin's setup mail, as from the person's admin page; after the account's commit, so
    that no mail announces an account that was not saved."""
    link = public_url("auth.reset_password", token=make_setup_token(person))
    try:
        send_password_setup(_me(), person, link)
    except Refused as exc:
        db.session.rollback()
        flash(
            _(
                "%(problem)s The account exists: send the link again from %(name)s's page.",
                problem=str(exc.args[0]),
                name=person.full_name,
            ),
            "warning",
        )
        return
    db.session.commit()
    flash(_("A password setup link has been sent to %(email)s.", email=person.email), "success")

"""Certificate pages: public verification, the learner's list and PDF, admin revoke/reissue.

Thin: parse, call a service, commit once, redirect (post/redirect/get).
"""

from flask import (
    Response,
    abort,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_limiter.util import get_remote_address
from flask_login import current_user, login_required

from ..auth.decorators import role_required
from ..extensions import db, limiter
from ..forms import EmptyForm
from . import bp
from .forms import FilterForm, RevokeForm, VerifyForm
from .services import (
    Refused,
    admin_query,
    canonical_number,
    certificate_pdf,
    find_by_number,
    live_certificate,
    public_view,
    reissue_certificate,
    replaced_by,
    revoke_certificate,
    user_certificates_query,
)

# Both look-up endpoints draw on one budget per IP address, so that switching between the
# page and the JSON does not double the guesses someone can make.
verify_limit = limiter.shared_limit(
    lambda: current_app.config["VERIFY_RATE_LIMIT"], scope="certificate-verify"
)


def _me():
    return current_user._get_current_object()


def _paginate(stmt):
    return db.paginate(
        stmt, per_page=current_app.config["PER_PAGE"], max_per_page=100, error_out=False
    )


def _lookup(typed):
    """Find a certificate by a number as typed, and log the look-up (public endpoints)."""
    number = canonical_number(typed)
    cert = find_by_number(number)
    current_app.logger.info(
        "certificate verification: number=%r found=%s remote=%s",
        (number or typed)[:60],
        "yes" if cert is not None else "no",
        get_remote_address(),
    )
    return number, cert


# Public verification -----------------------------------------------------------------------------
@bp.route("/verify")
def verify():
    form = VerifyForm(request.args)
    if "number" in request.args:
        number = canonical_number(form.number.data)
        if number:
            return redirect(url_for(".verify_number", number=number))
        form.number.errors = [
            _("Type the number as printed on the certificate, e.g. ELN-2026-7K3Q-9XPM-H4TD.")
            if (form.number.data or "").strip()
            else _("Type the number printed on the certificate.")
        ]
    return render_template("certificates/verify.html", form=form)


@bp.route("/verify/<number>")
@verify_limit
def verify_number(number):
    canonical = canonical_number(number)
    if canonical and canonical != number:  # typed by hand in the address bar
        return redirect(url_for(".verify_number", number=canonical), 301)
    canonical, cert = _lookup(number)
    if cert is None:
        return render_template(
            "certificates/not_found.html", number=number, form=VerifyForm(formdata=None)
        ), 404
    from ..credentials.services import certificate_check

    return render_template(
        "certificates/verified.html",
        cert=cert,
        info=public_view(cert),
        credential=certificate_check(cert),
    )


@bp.route("/verify/<number>.json")
@verify_limit
def verify_json(number):
    _canonical, cert = _lookup(number)
    if cert is None:
        response = jsonify(status="not_found", valid=False, number=number[:60])
        response.status_code = 404
    else:
        response = jsonify(public_view(cert))
    response.headers["Cache-Control"] = "no-store"  # a revocation shows at once
    return response


# Learners and supervisors ------------------------------------------------------------------------
@bp.route("/certificates")
@login_required
def index():
    page = _paginate(user_certificates_query(current_user.id))
    return render_template("certificates/index.html", page=page)


@bp.route("/certificates/<number>.pdf")
@login_required
def download(number):
    cert = find_by_number(canonical_number(number))
    # Someone else's certificate is "not found", so that numbers cannot be probed here.
    if cert is None or not cert.can_download(_me()):
        abort(404)
    return Response(
        certificate_pdf(cert),
        mimetype="application/pdf",
        headers={
            "Content-Disposition": f'attachment; filename="sertifikat-{cert.number}.pdf"',
            "Cache-Control": "private, no-store",
        },
    )


# Admins ------------------------------------------------------------------------------------------
@bp.route("/certificates/admin")
@role_required("admin")
def admin_list():
    filters = FilterForm(request.args)
    stmt = admin_query(filters.value("q"), filters.value("status"))
    return render_template("certificates/admin_list.html", page=_paginate(stmt), filters=filters)


def _admin_certificate(number):
    cert = find_by_number(canonical_number(number))
    if cert is None:
        abort(404)
    return cert


def _render_admin_detail(cert, revoke_form=None):
    live = live_certificate(cert.completion_id)
    return render_template(
        "certificates/admin_detail.html",
        cert=cert,
        successor=replaced_by(cert),
        can_reissue=live is None or live.id == cert.id,
        revoke_form=revoke_form or RevokeForm(formdata=None),
        reissue_form=EmptyForm(),
    )


@bp.route("/certificates/admin/<number>")
@role_required("admin")
def admin_detail(number):
    return _render_admin_detail(_admin_certificate(number))


@bp.post("/certificates/admin/<number>/revoke")
@role_required("admin")
def revoke(number):
    cert = _admin_certificate(number)
    form = RevokeForm()
    if not form.validate_on_submit():
        return _render_admin_detail(cert, revoke_form=form)
    try:
        revoke_certificate(_me(), cert, form.reason.data)
    except Refused as exc:
        db.session.rollback()
        flash(str(exc.message), "error")
    else:
        db.session.commit()
        flash(_("Certificate %(number)s has been revoked.", number=cert.number), "success")
    return redirect(url_for(".admin_detail", number=cert.number))


@bp.post("/certificates/admin/<number>/reissue")
@role_required("admin")
def reissue(number):
    cert = _admin_certificate(number)
    if not EmptyForm().validate_on_submit():
        abort(400)
    try:
        new = reissue_certificate(_me(), cert)
    except Refused as exc:
        db.session.rollback()
        flash(str(exc.message), "error")
        return redirect(url_for(".admin_detail", number=cert.number))
    db.session.commit()
    flash(
        _(
            "Certificate %(old)s has been revoked and replaced by %(new)s.",
            old=cert.number,
            new=new.number,
        ),
        "success",
    )
    return redirect(url_for(".admin_detail", number=new.number))

"""Sign-in pages. Thin: parse the form, call services, commit once, redirect."""

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from ..extensions import db, limiter
from ..forms import EmptyForm
from ..mail import queue_mail
from ..urls import public_url
from . import bp
from .forms import ChangePasswordForm, LoginForm, ResetPasswordForm, ResetRequestForm
from .services import (
    authenticate,
    find_account,
    is_safe_next,
    make_reset_token,
    user_for_reset_token,
)
from .session import end_session, start_session
from .throttle import CountsUnavailable, SignInThrottle


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("main.home"))
    form = LoginForm()
    if request.method == "GET":
        form.next.data = request.args.get("next", "")
        return render_template("auth/login.html", form=form)
    # Failed attempts are counted per account and per address (elearn/auth/throttle.py), in the
    # storage every app host shares; checked before any password is.
    throttle = SignInThrottle(request.form.get("identifier"))
    try:
        wait = throttle.wait_seconds()
    except CountsUnavailable:
        return _safe_mode(form)
    if wait:
        return _too_many(wait)
    if form.validate_on_submit():
        user, problem = authenticate(form.identifier.data, form.password.data)
        if user is not None:
            start_session(user)
            db.session.commit()
            login_user(user, remember=form.remember.data)
            target = form.next.data
            return redirect(target if is_safe_next(target) else url_for("main.home"))
        if problem == "inactive":
            form.form_errors.append(
                _("This account has been deactivated. Contact your administrator.")
            )
        else:
            form.form_errors.append(_("The NIP/email or password is incorrect."))
    throttle.count_failure()
    return render_template("auth/login.html", form=form)


def _too_many(wait):
    page = render_template(
        "errors/error.html",
        status=429,
        title=_("Too many attempts"),
        message=_("Too many attempts in a short time. Wait a few minutes and try again."),
    )
    return page, 429, {"Retry-After": str(wait)}


def _safe_mode(form):
    """The limits cannot be counted (Redis down): refuse the attempt, keep the form."""
    form.form_errors.append(
        _("The sign-in service is disrupted at the moment; try again in a little while.")
    )
    retry = current_app.config["LOGIN_SAFE_MODE_RETRY_SECONDS"]
    page = render_template("auth/login.html", form=form)
    return page, 503, {"Retry-After": str(retry)}


@bp.post("/logout")
@login_required
def logout():
    if EmptyForm().validate_on_submit():
        if current_user.is_authenticated:
            # End this session on the server: a copy of its cookie is worthless from now on.
            end_session(current_user._get_current_object())
            db.session.commit()
        logout_user()
        flash(_("You have signed out."), "info")
        response = redirect(url_for("auth.login"))
        # Shared office PCs: the saved courses and the offline queue leave with the learner.
        response.headers["Clear-Site-Data"] = '"cache", "storage"'
        return response
    return redirect(url_for("auth.login"))


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def change_password():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        if not current_user.check_password(form.current_password.data):
            form.current_password.errors.append(_("The current password is incorrect."))
        else:
            current_user.set_password(form.new_password.data)
            db.session.commit()
            login_user(current_user._get_current_object())  # keep this session only
            flash(_("Your password has been changed."), "success")
            return redirect(url_for("main.home"))
    return render_template("auth/change_password.html", form=form)


@bp.route("/reset", methods=["GET", "POST"])
@limiter.limit("10 per hour", methods=["POST"])
def reset_request():
    form = ResetRequestForm()
    if form.validate_on_submit():
        user = find_account(form.email.data)
        if user is not None and user.active:
            link = public_url("auth.reset_password", token=make_reset_token(user))
            minutes = current_app.config["PASSWORD_RESET_MAX_AGE"] // 60
            queue_mail(
                user.email,
                _("Reset your %(app)s password", app=current_app.config["INSTANCE_SHORT_NAME"]),
                _(
                    "Hello %(name)s,\n\nOpen this link within %(minutes)d minutes to choose a "
                    "new password:\n\n%(link)s\n\nIf you did not ask for this, ignore this mail.",
                    name=user.full_name, minutes=minutes, link=link,
                ),
            )  # fmt: skip
        # The same answer whether or not the account exists.
        flash(_("If an account uses that address, a reset link has been sent to it."), "info")
        return redirect(url_for("auth.login"))
    return render_template("auth/reset_request.html", form=form)


@bp.route("/reset/<token>", methods=["GET", "POST"])
def reset_password(token):
    user = user_for_reset_token(token)
    if user is None:
        flash(_("This reset link is invalid or has expired. Ask for a new one."), "error")
        return redirect(url_for("auth.reset_request"))
    form = ResetPasswordForm()
    if form.validate_on_submit():
        user.set_password(form.new_password.data)
        db.session.commit()
        flash(_("Your password has been set. Sign in with it now."), "success")
        return redirect(url_for("auth.login"))
    return render_template("auth/reset_password.html", form=form)

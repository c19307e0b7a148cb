"""The list of a person's notifications, opening one, marking all as read; the bell's count.

Thin: parse, call a service, commit once, redirect (post/redirect/get). A notification is only
ever found among the signed-in person's own: anyone else's id is "not found".
"""

from flask import abort, current_app, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..extensions import db
from ..forms import EmptyForm
from . import bp, kinds
from .services import (
    is_internal_path,
    mark_all_read,
    mark_read,
    notification_of,
    notifications_query,
    unread_count,
)


@bp.app_template_global()
def unread_notifications():
    """The signed-in person's unread count for the bell: one query, at most once per request."""
    if not current_user.is_authenticated:
        return 0
    if "unread_notifications" not in g:
        g.unread_notifications = unread_count(current_user.id)
    return g.unread_notifications


@bp.route("/notifications")
@login_required
def index():
    page = db.paginate(
        notifications_query(current_user.id),
        per_page=current_app.config["PER_PAGE"],
        max_per_page=100,
        error_out=False,
    )
    items = [(n, kinds.label(n), kinds.message(n)) for n in page.items]
    return render_template("notifications/index.html", page=page, items=items, form=EmptyForm())


@bp.route("/notifications/<int:notification_id>")
@login_required
def open_item(notification_id):
    """Follow a notification to its page, marking it read."""
    notification = notification_of(current_user.id, notification_id)
    if notification is None:
        abort(404)
    if notification.read_at is None:
        mark_read(notification)
        db.session.commit()
    if not is_internal_path(notification.link):
        return redirect(url_for(".index"))
    return redirect(request.script_root + notification.link)


@bp.post("/notifications/read")
@login_required
def read_all():
    form = EmptyForm()
    if not form.validate_on_submit():
        abort(400)
    if mark_all_read(current_user.id):
        db.session.commit()
        flash(_("All notifications are marked as read."), "success")
    return redirect(url_for(".index"))

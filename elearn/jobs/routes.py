"""/jobs: a large export prepared in the background, its progress, and its download."""

from urllib.parse import urlsplit

from flask import (
    Blueprint,
    abort,
    current_app,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from werkzeug.exceptions import MethodNotAllowed, NotFound
from wtforms import HiddenField

from ..exports import download
from ..extensions import db
from ..models import Job, JobStatus
from ..timeutil import utcnow
from . import services

bp = Blueprint("jobs", __name__, url_prefix="/jobs")

FAILURE_TEXT = {
    services.FORBIDDEN: _l(
        "The file was not made: you no longer have access to these data. Ask an administrator "
        "if you think you should."
    ),
    services.STOPPED: _l(
        "The file was not made: the work stopped several times before it was finished. "
        "Try again later; if it happens again, tell an administrator."
    ),
    services.ERROR: _l("The file was not made because of an error. Try again in a moment."),
    services.GONE: _l("The file was not made: this export no longer exists."),
}


def exportable(label):
    """Mark an export view whose large files may be prepared as a job (`label` names it)."""

    def decorator(view):
        view.export_label = label
        return view

    return decorator


class StartExportForm(FlaskForm):
    path = HiddenField()
    query = HiddenField()


def _params(path, query):
    return {"path": path, "query": query}


def _export_view(path):
    """The export view a path leads to, or None."""
    adapter = current_app.url_map.bind("localhost")
    try:
        endpoint, _args = adapter.match(path, method="GET")
    except (NotFound, MethodNotAllowed):
        return None
    view = current_app.view_functions.get(endpoint)
    if view is None or not getattr(view, "export_label", None):
        return None
    return view


def offer_export(fmt, basename, rows):
    """The page shown instead of a download too large to make while the user waits."""
    path = request.path
    query = request.query_string.decode("latin-1")
    job = services.active_job(current_user.id, "export", _params(path, query))
    if job is not None:
        return redirect(url_for("jobs.show", token=job.token))
    form = StartExportForm(path=path, query=query)
    return render_template(
        "jobs/offer.html", form=form, rows=rows, fmt=fmt.upper(), filename=f"{basename}.{fmt}",
        limit=current_app.config["EXPORT_INLINE_MAX_ROWS"],
    )  # fmt: skip


@bp.route("/exports", methods=["POST"])
@login_required
def start_export():
    form = StartExportForm()
    if not form.validate_on_submit():
        abort(400)
    path = form.path.data or ""
    query = (form.query.data or "")[:2000]
    if urlsplit(path).netloc or not path.startswith("/"):
        abort(400)
    view = _export_view(path)
    if view is None:
        abort(404)
    job, _created = services.start_job(
        current_user._get_current_object(), "export", _params(path, query), view.export_label
    )
    return redirect(url_for("jobs.show", token=job.token))


def _own_job(token):
    job = db.session.scalar(select_job(token))
    if job is None or job.owner_id != current_user.id or job.kind != "export":
        abort(404)
    return job


def select_job(token):
    from sqlalchemy import select

    return select(Job).where(Job.token == token)


def _state(job):
    ready = job.status == JobStatus.DONE and (job.expires_at is None or job.expires_at > utcnow())
    return {
        "status": job.status,
        "percent": job.percent,
        "done": job.done_count,
        "total": job.total_count,
        "ready": ready,
        "download": url_for("jobs.download_file", token=job.token) if ready else None,
        "file": job.file_name if ready else "",
        "message": str(FAILURE_TEXT.get(job.message, "")) if job.status == "failed" else "",
    }


@bp.route("")
@login_required
def index():
    jobs = services.my_jobs(current_user.id)
    return render_template("jobs/index.html", jobs=jobs, states={j.id: _state(j) for j in jobs})


@bp.route("/<token>")
@login_required
def show(token):
    job = _own_job(token)
    return render_template("jobs/show.html", job=job, state=_state(job))


@bp.route("/<token>.json")
@login_required
def state(token):
    job = _own_job(token)
    return jsonify(_state(job))


@bp.route("/<token>/download")
@login_required
def download_file(token):
    job = _own_job(token)
    if not _state(job)["ready"]:
        abort(404)
    name, _dot, fmt = job.file_name.rpartition(".")
    if fmt not in ("csv", "xlsx"):
        abort(404)
    return download(job.file_data, fmt, name)


def job_failure_text(job):
    return FAILURE_TEXT.get(job.message, _("The file was not made."))

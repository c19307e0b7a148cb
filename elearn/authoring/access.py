"""Who may open the teaching pages: the role check, then the course's own check (can_edit).

Anyone who may not edit a course gets 404 for every URL of it, whether it exists or not, so
that unpublished courses do not leak; users without the instructor or admin role get 403.
"""

from functools import wraps

from flask import abort, render_template
from flask_login import current_user

from ..auth.decorators import role_required
from . import services as svc

EDITORS = ("instructor", "admin")


def me():
    return current_user._get_current_object()


def course_view(view):
    """Resolve <slug> to a course the signed-in user may edit; 404 for anyone else."""

    @wraps(view)
    def wrapped(slug, **kwargs):
        course = svc.find_course(slug)
        if course is None or not course.can_edit(me()):
            abort(404)
        return view(course, **kwargs)

    return role_required(*EDITORS)(wrapped)


def page(template, course, **context):
    context.setdefault("draft", None)
    return render_template(template, course=course, **context)

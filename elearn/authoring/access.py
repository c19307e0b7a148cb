"""Who may open the teaching pages: the role check, then the course's own check.

THE rule for a course's teaching pages (authoring, results, evaluation settings and survey
reports, see elearn/surveys): admins and the course's instructors (Course.can_edit). Anyone
else with the instructor or admin role gets 404 for every URL of it, whether it exists or not,
so that unpublished courses do not leak; users without the instructor or admin role get 403.

A partner organisation's person (User.partner_id, not an admin) is limited further: they work
only on the courses they are invited to as instructors, never create or import a course, and
never manage who teaches a course or who co-organises it. Whatever teaching page of another
course they ask for answers 404, where others may read 403 (e.g. the survey pages).
"""

from functools import wraps

from flask import abort, render_template
from flask_login import current_user

from ..auth.decorators import role_required
from ..models import Role
from . import services as svc

EDITORS = ("instructor", "admin")


def me():
    return current_user._get_current_object()


# The rule ----------------------------------------------------------------------------------------
def partner_limited(user):
    """A partner's person (not an admin): limited to the courses they are invited to."""
    return (
        user is not None
        and getattr(user, "partner_id", None) is not None
        and not user.has_role(Role.ADMIN)
    )


def may_edit(user, course):
    """May `user` open `course`'s teaching pages: authoring, results, evaluation settings and
    the full survey report? For a partner's person this is their invitation (an instructor of
    the course), as for anyone who is not an admin."""
    return course is not None and course.can_edit(user)


def may_create_courses(user):
    """New courses and imports: the agency's instructors and admins, not a partner's people."""
    return user is not None and user.has_role(*EDITORS) and not partner_limited(user)


def may_manage(user, course):
    """Add and remove a course's instructors, choose its co-organiser: its editors except a
    partner's people (the agency decides whom it invites and whose name its certificates carry)."""
    return may_edit(user, course) and not partner_limited(user)


def refusal_status(user):
    """The status of a teaching page refused to `user` whose role reaches it: 404 for a partner's
    person (another course does not exist for them), 403 for others where a page says so."""
    return 404 if partner_limited(user) else 403


# Decorators --------------------------------------------------------------------------------------
def course_view(view):
    """Resolve <slug> to a course the signed-in user may edit; 404 for anyone else."""

    @wraps(view)
    def wrapped(slug, **kwargs):
        course = svc.find_course(slug)
        if not may_edit(me(), course):
            abort(404)
        return view(course, **kwargs)

    return role_required(*EDITORS)(wrapped)


def creator_view(view):
    """A page that makes a new course (new, import): 404 for a partner's people."""

    @wraps(view)
    def wrapped(*args, **kwargs):
        if not may_create_courses(me()):
            abort(404)
        return view(*args, **kwargs)

    return role_required(*EDITORS)(wrapped)


def page(template, course, **context):
    context.setdefault("draft", None)
    context.setdefault("can_manage", may_manage(me(), course))
    return render_template(template, course=course, **context)

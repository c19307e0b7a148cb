"""xAPI statements of learning events, written to the outbox in the event's own transaction.

Each `record_*` does nothing while XAPI_ENABLED is off. When on, it adds one outbox row (no
network in a request): the statement's id is a uuid5 of the event, so a repeated event, a
retried request or a resend is one statement. The actor is an account: the instance's public
address as homePage and the person's NIP as name (a person without a NIP: "user-<id>")."""

import uuid

from flask import current_app
from sqlalchemy import func, select

from ..dbutil import insert_many_if_absent
from ..extensions import db
from ..models import Course, CourseVersion, User
from ..models.xapi import XapiStatement
from ..timeutil import utcnow
from ..urls import public_base, public_url

VERBS = {
    verb: f"http://adlnet.gov/expapi/verbs/{verb}"
    for verb in (
        "launched",
        "experienced",
        "attempted",
        "answered",
        "passed",
        "failed",
        "completed",
    )
}
ACTIVITY_TYPES = {
    "course": "http://adlnet.gov/expapi/activities/course",
    "lesson": "http://adlnet.gov/expapi/activities/lesson",
    "assessment": "http://adlnet.gov/expapi/activities/assessment",
    "question": "http://adlnet.gov/expapi/activities/cmi.interaction",
}


def enabled():
    return bool(current_app.config.get("XAPI_ENABLED"))


def statement_id(key):
    """The stable id of the event `key` on this instance."""
    namespace = uuid.uuid5(uuid.NAMESPACE_URL, public_base() or "elearn")
    return str(uuid.uuid5(namespace, key))


def actor(user_id):
    nip = db.session.scalar(select(User.nip).where(User.id == user_id))
    return {
        "objectType": "Agent",
        "account": {"homePage": public_base() + "/", "name": nip or f"user-{user_id}"},
    }


def activity(url, kind, name, language="id"):
    return {
        "objectType": "Activity",
        "id": url,
        "definition": {"type": ACTIVITY_TYPES[kind], "name": {language: name}},
    }


def statement(key, who, verb, obj, result=None, parent=None, now=None):
    body = {
        "id": statement_id(key),
        "actor": who,
        "verb": {"id": VERBS[verb], "display": {"en-US": verb}},
        "object": obj,
        "timestamp": (now or utcnow()).isoformat(),
        "context": {"platform": current_app.config["INSTANCE_NAME"], "language": "id"},
    }
    if parent is not None:
        body["context"]["contextActivities"] = {"parent": [parent]}
    if result is not None:
        body["result"] = result
    return body


def add(statements):
    """Queue statements (those already queued are left as they are)."""
    now = utcnow()
    rows = [
        {
            "statement_id": s["id"],
            "statement": s,
            "created_at": now,
            "attempts": 0,
            "next_try_at": now,
            "sent_at": None,
            "last_error": "",
        }
        for s in statements
    ]
    insert_many_if_absent(XapiStatement, rows, ["statement_id"])


def _course(course_id):
    return db.session.execute(
        select(Course.slug, func.coalesce(CourseVersion.title, Course.slug))
        .outerjoin(CourseVersion, CourseVersion.id == Course.current_version_id)
        .where(Course.id == course_id)
    ).one()


def _title(obj):
    return getattr(obj, "title", None) or obj.key


def course_activity(slug, title):
    return activity(public_url("catalog.course", slug=slug), "course", title)


# The events ---------------------------------------------------------------------------------
def record_launched(user_id, course):
    if not enabled():
        return
    add(
        [
            statement(
                f"launched:{user_id}:{course.id}",
                actor(user_id),
                "launched",
                course_activity(*_course(course.id)),
            )
        ]
    )


def record_experienced(user_id, course, item):
    if not enabled():
        return
    lesson = activity(
        public_url("learn.lesson", course_slug=course.slug, item_key=item.key), "lesson", item.title
    )
    add(
        [
            statement(
                f"experienced:{user_id}:{course.id}:{item.key}",
                actor(user_id),
                "experienced",
                lesson,
                parent=course_activity(*_course(course.id)),
            )
        ]
    )


def _quiz_activity(slug, quiz_key, title):
    url = public_url("quizzes.quiz", course_slug=slug, quiz_key=quiz_key)
    return activity(url, "assessment", title)


def record_attempted(user_id, course, quiz, number):
    if not enabled():
        return
    key = f"attempted:{user_id}:{course.id}:{quiz.key}:{number}"
    add(
        [
            statement(
                key,
                actor(user_id),
                "attempted",
                _quiz_activity(_course(course.id)[0], quiz.key, _title(quiz)),
                parent=course_activity(*_course(course.id)),
            )
        ]
    )


def record_graded(attempt, rows):
    """The answers of a graded attempt (one "answered" per question) and its outcome ("passed"
    or "failed", with the scaled score)."""
    if not enabled():
        return
    slug, title = _course(attempt.course_id)
    quiz = attempt.quiz
    who = actor(attempt.user_id)
    parent = course_activity(slug, title)
    quiz_obj = _quiz_activity(slug, attempt.quiz_key, _title(quiz))
    base = f"{attempt.user_id}:{attempt.course_id}:{attempt.quiz_key}:{attempt.number}"
    out = []
    for position, row in enumerate(rows, start=1):
        question = activity(
            f"{quiz_obj['id']}#q{row['question_id']}", "question", f"{_title(quiz)} · {position}"
        )
        out.append(
            statement(
                f"answered:{base}:{row['question_id']}",
                who,
                "answered",
                question,
                result={"success": bool(row["correct"])},
                parent=quiz_obj,
            )
        )
    maximum = float(attempt.max_points or 0)
    score = {
        "raw": float(attempt.score_points or 0),
        "min": 0.0,
        "max": maximum,
        "scaled": round(float(attempt.score_percent or 0) / 100, 4),
    }
    verb = "passed" if attempt.passed else "failed"
    out.append(
        statement(
            f"outcome:{base}",
            who,
            verb,
            quiz_obj,
            parent=parent,
            result={"score": score, "success": bool(attempt.passed), "completion": True},
        )
    )
    add(out)


def record_completed(completion):
    if not enabled():
        return
    slug, title = _course(completion.course_id)
    result = {"completion": True, "success": True}
    if completion.final_score is not None:
        result["score"] = {"scaled": round(float(completion.final_score) / 100, 4)}
    add(
        [
            statement(
                f"completed:{completion.user_id}:{completion.course_id}",
                actor(completion.user_id),
                "completed",
                course_activity(slug, title),
                result=result,
                now=completion.completed_at,
            )
        ]
    )

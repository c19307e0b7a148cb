"""Results of a course for its instructors: the page and the CSV exports (see results.py)."""

from flask import abort, request
from flask_babel import format_decimal, format_percent, get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from ..exports import csv_response, export_response
from ..extensions import db
from ..i18n import moment_formatter
from ..jobs.routes import exportable
from ..models import Enrollment
from ..surveys.flags import course_flags
from . import bp, results
from .access import course_view, page
from .forms import QUESTION_TYPE_LABELS


# Results -----------------------------------------------------------------------------------------
def _first_only():
    return request.args.get("attempts") == "first"


@bp.get("/<slug>/results")
@course_view
def results_page(course):
    version = course.current_version
    first_only = _first_only()
    summary = results.summary(course)
    totals = results.quiz_totals(course.id)
    steps = quizzes = []
    if version is not None:
        steps = results.dropoff(course, results.version_items(version), totals)
        quizzes = results.item_analysis(course, version, totals, first_only=first_only)
    return page(
        "authoring/results.html",
        course,
        draft=None,
        version=version,
        summary=summary,
        steps=steps,
        quizzes=quizzes,
        first_only=first_only,
        thresholds={
            "easy": results.EASY,
            "hard": results.HARD,
            "weak": results.WEAK,
            "min": results.MIN_ANSWERS,
        },
        pct=_percent,
        num=_decimal,
        flag_labels=FLAG_LABELS,
        survey_flags=course_flags(course.id),
    )


def _percent(value):
    return "\u2013" if value is None else format_percent(value, format="#,##0%")


def _decimal(value, digits=1):
    if value is None:
        return "\u2013"
    return format_decimal(value, format="#,##0." + "0" * digits)


FLAG_LABELS = {
    "easy": _l("too easy"),
    "hard": _l("too hard"),
    "negative": _l("negative discrimination"),
    "weak": _l("weak discrimination"),
}


def _number(value, digits=2):
    """A number for a spreadsheet in the interface's language (Indonesian: decimal comma)."""
    if value is None:
        return ""
    text = f"{float(value):.{digits}f}"
    return text.replace(".", ",") if str(get_locale()) == "id" else text


@bp.get("/<slug>/results/questions.csv")
@course_view
def results_questions_csv(course):
    version = course.current_version or abort(404)
    totals = results.quiz_totals(course.id)
    quizzes = results.item_analysis(course, version, totals, first_only=_first_only())
    header = [
        _("Quiz key"),
        _("Quiz"),
        _("Number"),
        _("Question id"),
        _("Type"),
        _("Question"),
        _("Points"),
        _("Answers"),
        _("Correct"),
        _("Difficulty"),
        _("Average score"),
        _("Discrimination"),
        _("Flags"),
        _("Blank"),
        _("Options"),
    ]
    rows = []
    for quiz in quizzes:
        for q in quiz.questions:
            if q.options:
                choices = " | ".join(
                    f"{o.text}{' (*)' if o.correct else ''}: {o.chosen}" for o in q.options
                )
            else:
                choices = " | ".join(f"{answer}: {n}" for answer, n in q.common)
            rows.append(
                [
                    quiz.key,
                    quiz.title,
                    q.number,
                    q.key,
                    str(QUESTION_TYPE_LABELS.get(q.type, q.type)),
                    q.text,
                    q.points,
                    q.answers,
                    q.correct,
                    _number(q.difficulty, 3),
                    _number(q.score, 3),
                    _number(q.discrimination, 3),
                    ", ".join(str(FLAG_LABELS[f]) for f in q.flags),
                    q.blank,
                    choices,
                ]
            )
    # The file's name in the interface's language too ("-soal", "-questions").
    return csv_response(f"{course.slug}-{_('questions')}", header, rows)


@bp.get("/<slug>/results/learners.csv")
@exportable(_l("Learners of a course"))
@course_view
def results_learners_csv(course):
    header = [
        "NIP",
        _("Name"),
        _("Unit"),
        _("Enrolled at"),
        _("Progress (percent)"),
        _("Last activity"),
        _("Completed at"),
        _("Lessons done"),
        _("Quiz attempts"),
        _("First pre-test score"),
        _("Best final exam score"),
        _("Gain"),
    ]
    # As on the pages: "2 Des 2026, 13.00 WITA", four-digit year and the clock named.
    when = moment_formatter()

    def rows():
        for row in results.learner_rows(course):
            (nip, name, unit, enrolled, progress, last, completed, done, attempts, pre, final) = row
            yield [
                nip or "",
                name,
                unit or "",
                when(enrolled),
                progress,
                when(last),
                when(completed),
                done or 0,
                attempts or 0,
                _number(pre),
                _number(final),
                _number(results.gain(pre, final)),
            ]

    enrolled = select(func.count()).where(Enrollment.course_id == course.id)
    return export_response(
        "csv", f"{course.slug}-{_('learners')}", header, rows(),
        count=lambda: db.session.scalar(enrolled),
    )  # fmt: skip

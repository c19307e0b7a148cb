"""Forms of the quiz pages. The answer fields depend on the attempt's questions, so they are
read from the form data here and checked by the question types (types.py)."""

from ..forms import EmptyForm
from .services import field_name


class StartForm(EmptyForm):
    """Start (or resume) an attempt."""


class AnswerSheetForm(EmptyForm):
    """The answer sheet: its CSRF token; the answers are read by `answers_from_form`."""


MAX_VALUES = 50  # per question: more than any question has options


def answers_from_form(formdata, question_ids):
    """{question id: [raw values]} for the attempt's questions; anything else is ignored."""
    return {qid: formdata.getlist(field_name(qid))[:MAX_VALUES] for qid in question_ids}

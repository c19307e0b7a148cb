"""Forms of the answering pages. The questions' fields are read by taking.parse_answers (the
questions come from the invitation's instrument version); these forms carry the CSRF token."""

from ..forms import EmptyForm


class AnswerForm(EmptyForm):
    """The survey form: its fields are the questions (q<question id>), checked in taking."""


class SkipForm(EmptyForm):
    """Declining an optional survey."""

"""Question types: one class per type, registered by name (CTFd `plugins/challenges` style).

Pure code, tested without an app. A question is anything with `type`, `points`, `options`
([{"key", "html", "correct"}]) and `answer` ({"accepted": [...]} or {"value", "tolerance"} as
decimal strings): the `Question` model, or a SimpleNamespace in tests.

Each type has
- `normalize(question, raw_values) -> answer | None`: the form's values (a list of strings)
  -> what is saved (a list of option keys, or the text as typed); None when unanswered.
  A value in the wrong format raises AnswerFormatError with a message for the learner.
- `grade(question, answer, scoring) -> Grade(points, max_points, correct)`.

Grading rules
- single, true_false: right when the one chosen option is the correct one.
- multiple, all_or_nothing: full points only for exactly the set of correct options.
- multiple, partial: points x (right picks - wrong picks) / number of correct options,
  floored at 0 and rounded to 0.01. Wrong picks cancel right ones, so ticking every box
  earns nothing. `correct` is True only for the exact set.
- short: the answer matches an accepted answer after Unicode NFKC, case folding, removing all
  whitespace and trailing punctuation (. , ; : ! ? ...) and surrounding quotes:
  "  a. s. n. " matches "A.S.N.", "Perpres95/2018" matches "Perpres 95/2018".
- numeric: right when a reading of the answer lies within value +/- tolerance. Learners write
  Indonesian or English notation (see `number_readings`): "1.250.000", "1,250,000",
  "1 250 000", "Rp 1.250.000,-", "1,5", "1.5". A lone "." or "," followed by exactly three
  digits after one to three digits ("1.250") is ambiguous: 1250 or 1.25. Both readings are
  tried, and the answer is right when either is within tolerance.
"""

import re
import unicodedata
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from flask_babel import lazy_gettext as _l

ALL_OR_NOTHING = "all_or_nothing"
PARTIAL = "partial"
CENT = Decimal("0.01")
MAX_TEXT = 500  # characters of a short answer
MAX_NUMBER = 40  # characters of a numeric answer


class AnswerFormatError(ValueError):
    """An answer in a format the question cannot take. `code` for tests, `message` for people."""

    def __init__(self, code, message):
        super().__init__(code)
        self.code = code
        self.message = message


@dataclass(frozen=True)
class Grade:
    points: Decimal
    max_points: Decimal
    correct: bool


REGISTRY = {}


def register(cls):
    REGISTRY[cls.name] = cls()
    return cls


def get_type(name):
    try:
        return REGISTRY[name]
    except KeyError:
        raise ValueError(f"unknown question type: {name!r}") from None


def normalize(question, raw_values):
    return get_type(question.type).normalize(question, _values(raw_values))


def grade(question, answer, scoring=ALL_OR_NOTHING):
    return get_type(question.type).grade(question, answer, scoring)


def _values(raw):
    if raw is None:
        return []
    if isinstance(raw, str):
        return [raw]
    return [v for v in raw if isinstance(v, str)]


def _points(question):
    return Decimal(question.points or 0).quantize(CENT)


class QuestionType:
    name = ""
    is_choice = False

    def normalize(self, question, raw_values):
        raise NotImplementedError

    def grade(self, question, answer, scoring=ALL_OR_NOTHING):
        raise NotImplementedError

    def _result(self, question, right):
        full = _points(question)
        return Grade(full if right else Decimal("0.00"), full, right)


# Choice questions ------------------------------------------------------------------------------
class ChoiceType(QuestionType):
    is_choice = True
    max_choices = 1

    def normalize(self, question, raw_values):
        chosen = {v.strip() for v in raw_values if v.strip()}
        if not chosen:
            return None
        known = [o["key"] for o in question.options]
        if not chosen <= set(known):
            raise AnswerFormatError(
                "unknown_option", _l("Choose among the options shown for this question.")
            )
        if self.max_choices and len(chosen) > self.max_choices:
            raise AnswerFormatError("one_choice", _l("Choose only one option."))
        return [key for key in known if key in chosen]  # the question's order: deterministic

    @staticmethod
    def chosen(answer):
        if isinstance(answer, str):
            return {answer}
        if isinstance(answer, list | tuple):
            return {a for a in answer if isinstance(a, str)}
        return set()

    @staticmethod
    def correct_keys(question):
        return {o["key"] for o in question.options if o.get("correct")}

    def grade(self, question, answer, scoring=ALL_OR_NOTHING):
        return self._result(question, self.chosen(answer) == self.correct_keys(question))


@register
class Single(ChoiceType):
    name = "single"


@register
class TrueFalse(ChoiceType):
    name = "true_false"


@register
class Multiple(ChoiceType):
    name = "multiple"
    max_choices = 0  # any number

    def grade(self, question, answer, scoring=ALL_OR_NOTHING):
        chosen, correct = self.chosen(answer), self.correct_keys(question)
        exact = bool(correct) and chosen == correct
        if scoring != PARTIAL or not correct:
            return self._result(question, exact)
        full = _points(question)
        net = len(chosen & correct) - len(chosen - correct)
        share = max(Decimal(0), Decimal(net) / Decimal(len(correct)))
        points = (full * share).quantize(CENT, rounding=ROUND_HALF_UP)
        return Grade(points, full, exact)


# Short text --------------------------------------------------------------------------------------
TRAILING_PUNCTUATION = ".,;:!?…"
QUOTES = "\"'`\u201c\u201d\u2018\u2019\u00ab\u00bb\u201e"  # straight, curly, guillemets


def normalize_text(text):
    """The form in which short answers are compared (see the module docstring)."""
    folded = unicodedata.normalize("NFKC", text or "").casefold()
    folded = "".join(folded.split())
    folded = folded.strip(QUOTES).rstrip(TRAILING_PUNCTUATION).strip(QUOTES)
    return folded


class TextType(QuestionType):
    max_length = MAX_TEXT

    def normalize(self, question, raw_values):
        values = [v.strip() for v in raw_values if v.strip()]
        if not values:
            return None
        if len(values) > 1:
            raise AnswerFormatError("one_value", _l("Give one answer."))
        if len(values[0]) > self.max_length:
            raise AnswerFormatError(
                "too_long", _l("At most %(max)d characters.", max=self.max_length)
            )
        return values[0]

    @staticmethod
    def text(answer):
        if isinstance(answer, list):
            answer = answer[0] if answer else None
        return answer if isinstance(answer, str) else None


@register
class Short(TextType):
    name = "short"

    def grade(self, question, answer, scoring=ALL_OR_NOTHING):
        text = self.text(answer)
        accepted = {normalize_text(a) for a in (question.answer or {}).get("accepted", [])}
        accepted.discard("")
        return self._result(question, text is not None and normalize_text(text) in accepted)


# Numbers -----------------------------------------------------------------------------------------
_CURRENCY = re.compile(r"^(?:rp\.?|idr)\s*", re.IGNORECASE)
_DASH_CENTS = re.compile(r"[.,]-$")  # "Rp 5.000,-": Indonesian for "no cents"
_SPACE_GROUPS = re.compile(r"\d{1,3}(?: \d{3})+(?:[.,]\d+)?")
_DIGITS_AND_SEPARATORS = re.compile(r"[\d.,]*\d[\d.,]*")


def _grouped(text, sep):
    """Whether `text` is digits grouped by `sep` as thousands: 1.250.000, 12,345."""
    return re.fullmatch(rf"\d{{1,3}}(?:{re.escape(sep)}\d{{3}})+", text) is not None


def number_readings(text):
    """Every plausible value of a number as a learner typed it: a set of Decimals, empty when
    the text is not a number.

    - An optional sign, then an optional "Rp"/"Rp."/"IDR", then the number. A trailing ",-"
      (Indonesian for "no cents") marks a whole amount: its separators group thousands.
    - Spaces (also no-break spaces) may group thousands: "1 250 000".
    - With both "." and ",", the last one is the decimal separator and the other groups
      thousands: "1.250.000,50" and "1,250,000.50".
    - One separator used several times groups thousands: "1.250.000", "1,250,000".
    - One separator used once is decimal ("1,5", "1.5", "0.250", "1234.567"), except that
      after one to three digits (not starting with 0) and before exactly three digits it may
      also group thousands: "1.250" reads as 1.25 and as 1250.
    """
    if not isinstance(text, str):
        return set()
    s = unicodedata.normalize("NFKC", text).strip().replace("\u2212", "-")
    if not s or len(s) > MAX_NUMBER:
        return set()
    sign = ""
    if s[0] in ("+", "-"):
        sign, s = s[0], s[1:].lstrip()
    s = _CURRENCY.sub("", s)
    if not sign and s[:1] in ("+", "-"):
        sign, s = s[0], s[1:].lstrip()
    whole = _DASH_CENTS.search(s) is not None  # "5.000,-": the separators group thousands
    s = _DASH_CENTS.sub("", s)
    if re.search(r"\s", s):
        s = re.sub(r"\s+", " ", s)
        if not _SPACE_GROUPS.fullmatch(s):
            return set()
        s = s.replace(" ", "")
    if not _DIGITS_AND_SEPARATORS.fullmatch(s) or s[-1] in ".,":
        return set()
    readings = _unsigned_readings(s, whole)
    if sign == "-":
        readings = {-r for r in readings}
    return readings


def _unsigned_readings(s, whole=False):
    separators = [c for c in s if c in ".,"]
    try:
        if not separators:
            return {Decimal(s)}
        kinds = set(separators)
        if whole:  # a whole amount: any separator groups thousands
            sep = separators[0]
            return {Decimal(s.replace(sep, ""))} if len(kinds) == 1 and _grouped(s, sep) else set()
        if len(kinds) == 2:
            decimal_sep = separators[-1]
            if separators.count(decimal_sep) != 1:
                return set()
            whole, fraction = s.split(decimal_sep)
            thousands = ({".", ","} - {decimal_sep}).pop()
            if not _grouped(whole, thousands):
                return set()
            return {Decimal(f"{whole.replace(thousands, '')}.{fraction}")}
        sep = separators[0]
        if len(separators) > 1:
            return {Decimal(s.replace(sep, ""))} if _grouped(s, sep) else set()
        whole, fraction = s.split(sep)
        readings = {Decimal(f"{whole or '0'}.{fraction}")}
        if len(fraction) == 3 and 1 <= len(whole) <= 3 and whole[0] != "0":
            readings.add(Decimal(whole + fraction))
        return readings
    except InvalidOperation:
        return set()


def parse_decimal(value, default="0"):
    try:
        return Decimal(str(value if value not in (None, "") else default))
    except InvalidOperation:
        return Decimal(default)


@register
class Numeric(TextType):
    name = "numeric"
    max_length = MAX_NUMBER

    def normalize(self, question, raw_values):
        text = super().normalize(question, raw_values)
        if text is not None and not number_readings(text):
            raise AnswerFormatError(
                "not_a_number",
                _l("Enter a number, for example 1.250.000 or 1,5."),
            )
        return text

    def grade(self, question, answer, scoring=ALL_OR_NOTHING):
        spec = question.answer or {}
        value = parse_decimal(spec.get("value"), default="NaN")
        tolerance = abs(parse_decimal(spec.get("tolerance")))
        text = self.text(answer)
        right = (
            text is not None
            and value.is_finite()
            and any(abs(r - value) <= tolerance for r in number_readings(text))
        )
        return self._result(question, right)

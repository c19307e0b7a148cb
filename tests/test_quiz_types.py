"""Question types: normalizing what a learner sent and grading it. Pure code: no app, no DB."""

from decimal import Decimal
from types import SimpleNamespace

import pytest

from elearn.quizzes import types as qt
from elearn.quizzes.services import Gain, answers_visible, plan_attempt, split_prompt

D = Decimal


def choice(type_, correct, wrong=(), points=1):
    options = [{"key": k, "html": k.upper(), "correct": True} for k in correct]
    options += [{"key": k, "html": k.upper(), "correct": False} for k in wrong]
    return SimpleNamespace(type=type_, points=points, options=options, answer={})


def short(*accepted, points=1):
    return SimpleNamespace(type="short", points=points, options=[], answer={"accepted": accepted})


def numeric(value, tolerance="0", points=1):
    answer = {"value": value, "tolerance": tolerance}
    return SimpleNamespace(type="numeric", points=points, options=[], answer=answer)


def test_registry_has_one_class_per_type():
    assert set(qt.REGISTRY) == {"single", "multiple", "true_false", "short", "numeric"}
    assert isinstance(qt.get_type("multiple"), qt.Multiple)
    with pytest.raises(ValueError, match="unknown question type"):
        qt.get_type("essay")


# Single and true/false -------------------------------------------------------------------------
def test_single_normalize_and_grade():
    q = choice("single", ["a"], ["b", "c"], points=2)
    assert qt.normalize(q, []) is None
    assert qt.normalize(q, ["", "  "]) is None
    assert qt.normalize(q, ["a"]) == ["a"]
    assert qt.normalize(q, "a") == ["a"]  # a bare string is one value
    assert qt.grade(q, ["a"]) == qt.Grade(D("2.00"), D("2.00"), True)
    assert qt.grade(q, ["b"]) == qt.Grade(D("0.00"), D("2.00"), False)
    assert qt.grade(q, None).correct is False
    assert qt.grade(q, []).points == 0


def test_single_refuses_two_choices_and_unknown_keys():
    q = choice("single", ["a"], ["b"])
    with pytest.raises(qt.AnswerFormatError) as exc:
        qt.normalize(q, ["a", "b"])
    assert exc.value.code == "one_choice"
    with pytest.raises(qt.AnswerFormatError) as exc:
        qt.normalize(q, ["zzz"])
    assert exc.value.code == "unknown_option"
    assert str(exc.value.message)  # a message for the learner, even without an app


def test_true_false():
    q = choice("true_false", ["salah"], ["benar"])
    assert qt.grade(q, qt.normalize(q, ["salah"])).correct
    assert not qt.grade(q, ["benar"]).correct
    with pytest.raises(qt.AnswerFormatError):
        qt.normalize(q, ["benar", "salah"])


def test_grading_survives_odd_stored_answers():
    q = choice("single", ["a"], ["b"])
    assert qt.grade(q, "a").correct  # a string instead of a list
    assert not qt.grade(q, [1, None]).correct
    assert not qt.grade(q, {"a": 1}).correct


# Multiple ----------------------------------------------------------------------------------------
def test_multiple_all_or_nothing():
    q = choice("multiple", ["a", "b", "c"], ["x", "y"], points=3)
    assert qt.normalize(q, ["c", "a", "a"]) == ["a", "c"]  # options' order, no duplicates
    assert qt.grade(q, ["a", "b", "c"]) == qt.Grade(D("3.00"), D("3.00"), True)
    assert qt.grade(q, ["a", "b"]).points == 0
    assert qt.grade(q, ["a", "b", "c", "x"]).points == 0


@pytest.mark.parametrize(
    ("picks", "points", "correct"),
    [
        (["a", "b", "c"], "3.00", True),
        (["a", "b"], "2.00", False),  # 2 right of 3
        (["a"], "1.00", False),
        (["a", "b", "x"], "1.00", False),  # (2 - 1) / 3
        (["a", "x"], "0.00", False),  # (1 - 1) / 3
        (["a", "x", "y"], "0.00", False),  # floored at 0
        (["a", "b", "c", "x", "y"], "1.00", False),  # ticking every box
        ([], "0.00", False),
    ],
)
def test_multiple_partial_credit(picks, points, correct):
    q = choice("multiple", ["a", "b", "c"], ["x", "y"], points=3)
    grade = qt.grade(q, picks, qt.PARTIAL)
    assert grade == qt.Grade(D(points), D("3.00"), correct)


def test_partial_credit_rounds_to_cents():
    q = choice("multiple", ["a", "b", "c"], ["x"], points=1)
    assert qt.grade(q, ["a"], qt.PARTIAL).points == D("0.33")
    assert qt.grade(q, ["a", "b"], qt.PARTIAL).points == D("0.67")


def test_partial_scoring_does_not_change_single_questions():
    q = choice("single", ["a"], ["b", "c"])
    assert qt.grade(q, ["b"], qt.PARTIAL).points == 0


# Short text --------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "typed",
    [
        "Semarang",
        "semarang",
        "  SEMARANG  ",
        "Semarang.",
        "Semarang!",
        "Kota  Semarang",
        "kota semarang .",
        '"Semarang"',
        "\u201cSemarang\u201d",
        "\uff33\uff45\uff4d\uff41\uff52\uff41\uff4e\uff47",  # full-width letters (NFKC)
        "Kota\u00a0Semarang",  # no-break space
        "KotaSemarang",  # spaces do not matter at all
    ],
)
def test_short_matches_without_case_space_or_trailing_punctuation(typed):
    q = short("Semarang", "Kota Semarang")
    assert qt.grade(q, qt.normalize(q, [typed])).correct


@pytest.mark.parametrize("typed", ["Surabaya", "Semarangan", "Se-marang", ".", ""])
def test_short_wrong_answers(typed):
    q = short("Semarang")
    assert not qt.grade(q, typed).correct


def test_short_accepted_answers_are_normalized_the_same_way():
    q = short("A.S.N.", "Perpres 95/2018")
    assert qt.grade(q, "a. s. n").correct
    assert qt.grade(q, "Perpres95/2018").correct
    assert not qt.grade(q, "95/2018").correct


def test_short_normalize():
    q = short("x")
    assert qt.normalize(q, ["  jawab  "]) == "jawab"
    assert qt.normalize(q, ["   "]) is None
    with pytest.raises(qt.AnswerFormatError) as exc:
        qt.normalize(q, ["x" * 501])
    assert exc.value.code == "too_long"
    with pytest.raises(qt.AnswerFormatError) as exc:
        qt.normalize(q, ["a", "b"])
    assert exc.value.code == "one_value"


def test_short_without_accepted_answers_is_never_right():
    assert not qt.grade(short(), "").correct
    assert not qt.grade(short(""), "").correct


def test_normalize_text():
    assert qt.normalize_text(" Kota  Semarang. ") == "kotasemarang"
    assert qt.normalize_text("STRASSE") == qt.normalize_text("straße")  # case folding
    assert qt.normalize_text("C++") == "c++"  # only sentence punctuation goes


# Numbers -----------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("typed", "readings"),
    [
        ("1250000", {"1250000"}),
        ("1.250.000", {"1250000"}),
        ("1,250,000", {"1250000"}),
        ("1 250 000", {"1250000"}),
        ("1\u00a0250\u00a0000", {"1250000"}),
        ("Rp 1.250.000", {"1250000"}),
        ("Rp1.250.000", {"1250000"}),
        ("Rp. 1.250.000,-", {"1250000"}),
        ("rp 1.250.000,00", {"1250000"}),
        ("IDR 1,250,000.00", {"1250000"}),
        ("1.250.000,50", {"1250000.5"}),
        ("1,250,000.50", {"1250000.5"}),
        ("1 250 000,5", {"1250000.5"}),
        ("1,5", {"1.5"}),
        ("1.5", {"1.5"}),
        ("0,25", {"0.25"}),
        (",5", {"0.5"}),
        ("3,14", {"3.14"}),
        ("1.250", {"1.25", "1250"}),  # ambiguous: both readings
        ("1,250", {"1.25", "1250"}),
        ("999.999", {"999.999", "999999"}),
        ("0.250", {"0.25"}),  # a thousands group never follows a lone 0
        ("1234.567", {"1234.567"}),  # four digits before: decimal
        ("1.2345", {"1.2345"}),
        ("-1,5", {"-1.5"}),
        ("\u22121.250", {"-1.25", "-1250"}),  # the minus sign character
        ("+20", {"20"}),
        ("-Rp 5.000", {"-5", "-5000"}),
        ("Rp -5.000,-", {"-5000"}),  # ",-": a whole amount
        ("5.000,-", {"5000"}),
        ("500,-", {"500"}),
        ("1 250.5", {"1250.5"}),  # spaces group thousands: the point is decimal
        ("007", {"7"}),
        ("\uff12\uff10", {"20"}),  # full-width digits (NFKC)
    ],
)
def test_number_readings(typed, readings):
    assert qt.number_readings(typed) == {D(r) for r in readings}


@pytest.mark.parametrize(
    "typed",
    [
        "",
        "   ",
        "dua puluh",
        "20 JP",
        "1.25.000",  # bad grouping
        "1,25,000.5",
        "1.250.000.5",
        "1.250,000,5",  # decimal separator twice
        "12 34",  # spaces that do not group thousands
        "1 250.000.000",
        "1.250,5,-",
        "1.25,-",
        "5.",
        "5,",
        "1e5",
        "NaN",
        "Infinity",
        "--5",
        "Rp",
        "1" * 41,
        "½",
    ],
)
def test_not_numbers(typed):
    assert qt.number_readings(typed) == set()


def test_numeric_normalize():
    q = numeric("1250000")
    assert qt.normalize(q, [" Rp 1.250.000 "]) == "Rp 1.250.000"  # kept as typed
    assert qt.normalize(q, [""]) is None
    with pytest.raises(qt.AnswerFormatError) as exc:
        qt.normalize(q, ["satu juta"])
    assert exc.value.code == "not_a_number"
    with pytest.raises(qt.AnswerFormatError) as exc:
        qt.normalize(q, ["1" * 41])
    assert exc.value.code == "too_long"


@pytest.mark.parametrize(
    ("typed", "right"),
    [
        ("1250000", True),
        ("1.250.000", True),
        ("Rp 1.250.000,-", True),
        ("1 250 000", True),
        ("1.251.000", True),  # within 1000
        ("1.251.001", False),
        ("1.249.000", True),
        ("1.248.999,99", False),
        ("1.250", False),  # neither 1.25 nor 1250 is near 1,250,000
        ("satu juta", False),
        (None, False),
    ],
)
def test_numeric_with_tolerance(typed, right):
    assert qt.grade(numeric("1250000", "1000"), typed).correct is right


def test_numeric_ambiguous_answer_counts_when_any_reading_is_right():
    assert qt.grade(numeric("1250"), "1.250").correct  # read as thousands
    assert qt.grade(numeric("1.25"), "1.250").correct  # read as decimal
    assert qt.grade(numeric("1.25"), "1,250").correct
    assert not qt.grade(numeric("1250"), "1,2500").correct  # unambiguous 1.25


def test_numeric_decimal_answers_and_exact_match():
    q = numeric("3.14", "0.01")
    assert qt.grade(q, "3,14").correct
    assert qt.grade(q, "3.15").correct  # exactly at the tolerance
    assert not qt.grade(q, "3.151").correct
    assert qt.grade(numeric("20"), "20").correct
    assert not qt.grade(numeric("20"), "20,5").correct
    assert qt.grade(numeric("-1.5"), "-1,5").correct


def test_numeric_with_a_broken_answer_key_is_never_right():
    assert not qt.grade(numeric("not a number"), "1").correct
    assert qt.grade(numeric("5", None), "5").correct  # no tolerance means exact


# Attempt planning (pure) ---------------------------------------------------------------------
class FixedRandom:
    """Reverses instead of shuffling and takes the last items instead of sampling."""

    def shuffle(self, items):
        items.reverse()

    def sample(self, items, k):
        return list(reversed(items))[:k]


def _pool():
    return [
        SimpleNamespace(id=10 + p, position=p, type=t, options=[{"key": f"{p}{c}"} for c in "ab"])
        for p, t in enumerate(["single", "true_false", "short", "multiple"], start=1)
    ]


def test_plan_keeps_the_authors_order_without_shuffling():
    ids, order = plan_attempt(list(reversed(_pool())), rng=FixedRandom())
    assert ids == [11, 12, 13, 14]
    assert order == {"11": ["1a", "1b"], "12": ["2a", "2b"], "14": ["4a", "4b"]}


def test_plan_shuffles_questions_and_options_but_not_true_false():
    ids, order = plan_attempt(
        _pool(), shuffle_questions=True, shuffle_options=True, rng=FixedRandom()
    )
    assert ids == [14, 13, 12, 11]
    assert order["11"] == ["1b", "1a"] and order["14"] == ["4b", "4a"]
    assert order["12"] == ["2a", "2b"]  # Benar stays before Salah


def test_plan_draws_questions():
    ids, _order = plan_attempt(_pool(), draw_count=2, rng=FixedRandom())
    assert ids == [13, 14]  # drawn, then in the author's order
    ids, _order = plan_attempt(_pool(), draw_count=2, shuffle_questions=True, rng=FixedRandom())
    assert ids == [14, 13]
    ids, _order = plan_attempt(_pool(), draw_count=9, rng=FixedRandom())
    assert len(ids) == 4


def test_plan_draws_at_random():
    seen = {tuple(plan_attempt(_pool(), draw_count=2)[0]) for _ in range(200)}
    assert len(seen) > 1


# Showing answers, prompts, gain ----------------------------------------------------------------
@pytest.mark.parametrize(
    ("mode", "passed", "left", "visible"),
    [
        ("never", True, 0, False),
        ("after_submit", False, 2, True),
        ("after_pass", False, 0, False),
        ("after_pass", True, 2, True),
        ("after_last_attempt", False, 1, False),
        ("after_last_attempt", False, 0, True),
        ("after_last_attempt", True, 1, True),
        ("after_last_attempt", False, None, False),  # unlimited: only once passed
        ("something_else", True, 0, False),
    ],
)
def test_answers_visible(mode, passed, left, visible):
    standing = SimpleNamespace(passed=passed, left=left)
    assert answers_visible(mode, standing) is visible


def test_split_prompt():
    assert split_prompt("<p>Soal <em>x</em>?</p>\n<p>Lihat:</p><table></table>") == (
        "Soal <em>x</em>?",
        "<p>Lihat:</p><table></table>",
    )
    assert split_prompt("<p>Soal?</p>") == ("Soal?", "")
    assert split_prompt("<ol><li>a</li></ol>") == ("", "<ol><li>a</li></ol>")


def test_gain():
    g = Gain(D("40.00"), D("85.00"))
    assert g.gain == D("45.00")
    assert g.normalized_gain == D("0.75")
    assert Gain(None, D("90")).gain is None
    assert Gain(D("100"), D("100")).normalized_gain is None
    assert not Gain(None, None).any

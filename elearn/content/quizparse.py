"""Quiz files: front-matter settings and the `## question` / `- [x] option` / `= answer` syntax.

The syntax is specified in content/README.md. Parsing is line-based (code fences are
respected) so every problem points at the line to fix.
"""

import hashlib
import re
import unicodedata
from decimal import Decimal, InvalidOperation

from . import messages as M
from .mdext import fence_mask
from .problems import Problem
from .spec import OptionSpec, QuestionSpec, QuizSpec

QUIZ_KEYS = frozenset(
    {
        "type",
        "title",
        "pass_mark",
        "attempts",
        "time_limit",
        "shuffle_questions",
        "shuffle_options",
        "draw",
        "show_answers",
        "scoring",
        "required",
    }
)
SHOW_ANSWERS = ("never", "after_submit", "after_pass", "after_last_attempt")
SCORING = ("all_or_nothing", "partial")
QUESTION_TYPES = ("single", "multiple", "true_false", "short", "numeric")
CHOICE_TYPES = frozenset({"single", "multiple", "true_false"})
TRUE_FALSE_PAIRS = ({"benar", "salah"}, {"true", "false"})

_HEADING = re.compile(r"^ {0,3}##(?:[ \t]+(.*?))?[ \t]*$")
_HEADING_ID = re.compile(r"^(.*?)[ \t]*\{#([^}]*)\}$")
_OPTION = re.compile(r"^ {0,3}[-*+][ \t]+\[([ xX])\](?:[ \t]+(.*?))?[ \t]*$")
_ANSWER = re.compile(r"^ {0,3}=(?!=)[ \t]*(.*?)[ \t]*$")
_SETTING = re.compile(r"^(type|points)[ \t]*:[ \t]*(.*?)[ \t]*$")
_QUOTE = re.compile(r"^ {0,3}>[ \t]?(.*)$")
_CONTINUATION = re.compile(r"^(?: {2,}|\t)(\S.*)$")
_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,99}$")
_NUMBER = r"[+-]?\d+(?:[.,]\d+)?"
_NUMERIC = re.compile(rf"^({_NUMBER})(?:[ \t]*(?:±|\+/-|\+-)[ \t]*(\d+(?:[.,]\d+)?))?$")


def parse_number(text):
    """ "1500000 ± 1000", "3,5", "-2.25" -> (value, tolerance) as decimal strings, or None."""
    match = _NUMERIC.match(text.strip())
    if not match:
        return None
    try:
        value = Decimal(match.group(1).replace(",", "."))
        tolerance = Decimal((match.group(2) or "0").replace(",", "."))
    except InvalidOperation:
        return None
    return str(value), str(tolerance)


def slugify(text, max_len=80):
    """ASCII slug of a question's text: "Apa kepanjangan SPBE?" -> "apa-kepanjangan-spbe"."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    if len(slug) > max_len:
        slug = slug[:max_len].rsplit("-", 1)[0] or slug[:max_len]
    return slug


def option_key(text):
    normalized = " ".join(text.split()).casefold()
    return hashlib.sha1(normalized.encode()).hexdigest()[:8]  # noqa: S324 (an id, not security)


def parse_quiz(doc, body, body_line, *, path, key, role, position, source, problems):
    """Build a QuizSpec from the front matter (`doc`, a YamlDoc) and the Markdown body."""
    doc.check_keys(QUIZ_KEYS)
    title = doc.text("title", required=True, max_len=200)
    required = doc.boolean("required", default=role != "pretest")
    if role == "pretest":
        if required:
            doc.report(M.PRETEST_REQUIRED, "required")
        required = False
    intro, questions = parse_questions(body, body_line, path, problems)
    draw = doc.integer("draw", default=0, low=0, high=10_000)
    if not questions:
        problems.append(Problem(path, doc.line("type"), M.QUIZ_EMPTY))
    elif draw > len(questions):
        doc.report(M.DRAW_TOO_LARGE, "draw", draw=draw, count=len(questions))
    return QuizSpec(
        key=key,
        role=role,
        path=path,
        position=position,
        title=title,
        intro=intro,
        pass_mark=doc.integer("pass_mark", default=70, low=0, high=100),
        attempts=doc.integer("attempts", default=0, low=0, high=1000),
        time_limit=doc.integer("time_limit", default=0, low=0, high=24 * 60),
        shuffle_questions=doc.boolean("shuffle_questions", default=False),
        shuffle_options=doc.boolean("shuffle_options", default=False),
        draw=draw,
        show_answers=doc.choice("show_answers", SHOW_ANSWERS, default="after_submit"),
        scoring=doc.choice("scoring", SCORING, default="all_or_nothing"),
        required=required,
        questions=questions,
        source=source,
    )


def parse_questions(body, body_line, path, problems):
    """(intro Markdown, [QuestionSpec]) from a quiz body starting at line `body_line`."""
    lines = body.split("\n")
    blocks = []  # (heading line number, heading text, [(line number, text)])
    intro = []
    for i, (text, in_code) in enumerate(zip(lines, fence_mask(lines), strict=True)):
        number = body_line + i
        if not in_code:
            heading = _HEADING.match(text)
            if heading:
                blocks.append((number, (heading.group(1) or "").rstrip("#").strip(), []))
                continue
        (blocks[-1][2] if blocks else intro).append((number, text))

    questions = []
    keys = {}
    for position, (line, heading, block) in enumerate(blocks, start=1):
        question = _parse_question(path, position, line, heading, block, problems)
        if question is None:
            continue
        if question.key in keys:
            message = M.Q_DUPLICATE_KEY.format(key=question.key, other=keys[question.key])
            problems.append(Problem(path, line, message))
            continue
        keys[question.key] = line
        questions.append(question)
    return "\n".join(t for _n, t in intro).strip(), questions


def _parse_question(path, position, line, heading, block, problems):
    def report(message, at=line, **fields):
        problems.append(Problem(path, at, message.format(**fields)))

    explicit_id = None
    match = _HEADING_ID.match(heading)
    if match:
        heading, explicit_id = match.group(1).strip(), match.group(2).strip()
    if not heading:
        report(M.Q_EMPTY_HEADING)
    if explicit_id is not None and not _ID.match(explicit_id):
        report(M.Q_BAD_ID, value=explicit_id)
        explicit_id = None
    key = explicit_id or slugify(heading) or "q-" + option_key(heading or str(position))

    settings = {}
    prompt, options, answers, explanation = [], [], [], []
    state = "settings"
    in_code = dict(zip((n for n, _t in block), fence_mask([t for _n, t in block]), strict=True))
    last_blank = False
    unexpected_reported = False
    for number, text in block:
        blank = not text.strip()
        if state == "settings":
            if blank:
                continue
            setting = _SETTING.match(text)
            if setting:
                name, value = setting.groups()
                if name in settings:
                    report(M.Q_DUPLICATE_SETTING, number, key=name)
                settings[name] = (value, number)
                continue
            state = "prompt"
        if state == "prompt":
            if not in_code[number] and (_OPTION.match(text) or _ANSWER.match(text)):
                state = "answers"
            if state == "prompt":
                prompt.append(text)
                continue
        if state == "answers":
            option = _OPTION.match(text)
            answer = _ANSWER.match(text)
            quote = _QUOTE.match(text)
            continuation = _CONTINUATION.match(text)
            if option:
                options.append([option.group(2) or "", option.group(1) in "xX", number])
            elif answer:
                answers.append((answer.group(1), number))
            elif quote:
                state = "explanation"
                explanation.append(quote.group(1))
            elif continuation and options and not answers and not last_blank:
                options[-1][0] = f"{options[-1][0]} {continuation.group(1).strip()}".strip()
            elif not blank and not unexpected_reported:
                report(M.Q_UNEXPECTED, number)
                unexpected_reported = True
            last_blank = blank
            continue
        if state == "explanation":
            quote = _QUOTE.match(text)
            if quote:
                explanation.append(quote.group(1))
            elif blank:
                explanation.append("")
            elif explanation and explanation[-1].strip():  # lazy continuation of a paragraph
                explanation.append(text)
            elif not unexpected_reported:
                report(M.Q_UNEXPECTED, number)
                unexpected_reported = True

    points = 1
    if "points" in settings:
        value, number = settings["points"]
        if re.fullmatch(r"\d+", value) and int(value) >= 1:
            points = int(value)
        else:
            report(M.Q_BAD_POINTS, number, value=value)
    explicit_type = None
    if "type" in settings:
        value, number = settings["type"]
        if value.lower() in QUESTION_TYPES:
            explicit_type = value.lower()
        else:
            report(M.Q_BAD_TYPE, number, value=value)

    question = QuestionSpec(
        key=key,
        position=position,
        line=line,
        type=explicit_type or "single",
        points=points,
        prompt="\n\n".join(p for p in (heading, "\n".join(prompt).strip()) if p),
        explanation="\n".join(explanation).strip(),
    )
    if options and answers:
        report(M.Q_MIXED, answers[0][1])
        return question
    if not options and not answers:
        report(M.Q_NO_ANSWERS)
        return question
    if options:
        _choice(question, explicit_type, options, report)
    else:
        _text_answer(question, explicit_type, answers, report)
    return question


def _is_true_false(texts):
    folded = {t.strip().casefold() for t in texts}
    return len(texts) == 2 and any(folded == pair for pair in TRUE_FALSE_PAIRS)


def _choice(question, explicit_type, options, report):
    first_line = options[0][2]
    if explicit_type in ("short", "numeric"):
        report(M.Q_NEEDS_ANSWERS, first_line, type=explicit_type)
        return
    seen = set()
    for text, correct, number in options:
        if not text.strip():
            report(M.Q_EMPTY_OPTION, number)
            continue
        key = option_key(text)
        if key in seen:
            report(M.Q_DUPLICATE_OPTION, number, text=text)
            continue
        seen.add(key)
        question.options.append(OptionSpec(key=key, text=text.strip(), correct=correct))
    texts = [t for t, _c, _n in options]
    correct_lines = [n for _t, c, n in options if c]
    true_false = _is_true_false(texts)
    if explicit_type:
        question.type = explicit_type
    elif true_false:
        question.type = "true_false"
    else:
        question.type = "multiple" if len(correct_lines) >= 2 else "single"

    if len(options) < 2:
        report(M.Q_FEW_OPTIONS, first_line)
    if not correct_lines:
        report(M.Q_NO_CORRECT, first_line)
    elif question.type == "single" and len(correct_lines) > 1:
        report(M.Q_SINGLE_MANY, correct_lines[1], count=len(correct_lines))
    if question.type == "true_false":
        if not true_false:
            report(M.Q_TRUE_FALSE_OPTIONS, first_line)
        elif len(correct_lines) > 1:
            report(M.Q_TRUE_FALSE_MANY, correct_lines[1])


def _text_answer(question, explicit_type, answers, report):
    first_line = answers[0][1]
    if explicit_type in CHOICE_TYPES:
        report(M.Q_NEEDS_OPTIONS, first_line, type=explicit_type)
        return
    inferred_numeric = len(answers) == 1 and parse_number(answers[0][0]) is not None
    question.type = explicit_type or ("numeric" if inferred_numeric else "short")
    if question.type == "numeric":
        if len(answers) != 1:
            report(M.Q_NUMERIC_COUNT, answers[1][1])
            return
        parsed = parse_number(answers[0][0])
        if parsed is None:
            report(M.Q_BAD_NUMBER, first_line, value=answers[0][0])
            return
        question.value, question.tolerance = parsed
        return
    seen = set()
    for text, number in answers:
        if not text:
            report(M.Q_EMPTY_ANSWER, number)
            continue
        folded = " ".join(text.split()).casefold()
        if folded not in seen:  # duplicates add nothing: answers compare without case
            seen.add(folded)
            question.accepted.append(text)

"""The package's files as the authoring forms see them: text -> fields, and fields -> text.

Pure code (no database, no request). Reading reuses the package parser (elearn/content), so a
form shows exactly what the importer would read; writing produces the format of
content/README.md. A quiz is edited block by block: saving one question rewrites only that
question's lines, and every other question stays exactly as its author wrote it.
"""

import hashlib
import re
from dataclasses import dataclass, field

import yaml

from ..content.mdext import fence_mask
from ..content.package import NUMBERED, SLUG
from ..content.quizparse import (
    _HEADING,
    CHOICE_TYPES,
    QUESTION_TYPES,
    parse_number,
    parse_questions,
    parse_quiz,
    slugify,
)
from ..content.yamldoc import YamlDoc, split_front_matter

__all__ = [
    "CHOICE_TYPES",
    "NUMBERED",
    "QUESTION_TYPES",
    "SLUG",
    "fingerprint",
    "parse_number",
    "slugify",
]

TRUE_FALSE_LABELS = {"id": ("Benar", "Salah"), "en": ("True", "False")}
TRUE_WORDS = frozenset({"benar", "true"})
QUIZ_DEFAULTS = {
    "pass_mark": 70,
    "attempts": 0,
    "time_limit": 0,
    "shuffle_questions": False,
    "shuffle_options": False,
    "draw": 0,
    "show_answers": "after_submit",
    "scoring": "all_or_nothing",
}


def fingerprint(text):
    """A short hash of what an edit form showed, to notice a change made meanwhile."""
    if text is None:
        return ""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def normalize_text(text):
    """Form text as the package stores it: LF line ends, no trailing spaces at the end."""
    return (text or "").replace("\r\n", "\n").replace("\r", "\n").strip("\n").rstrip()


def one_line(text):
    return " ".join((text or "").split())


# YAML --------------------------------------------------------------------------------------------
class _Dumper(yaml.SafeDumper):
    pass


def _represent_str(dumper, value):
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _represent_str)


def dump_yaml(mapping):
    return yaml.dump(
        mapping,
        Dumper=_Dumper,
        allow_unicode=True,
        sort_keys=False,
        default_flow_style=False,
        width=4096,
    )


def _doc(text, first_line=1):
    """A YamlDoc of `text`, or an empty one when it cannot be read (the validator says why)."""
    problems = []
    doc = YamlDoc.parse(text or "", "", problems, first_line=first_line)
    return doc or YamlDoc.parse("", "", problems)


# course.yml --------------------------------------------------------------------------------------
def read_course_yml(text):
    doc = _doc(text)
    authors = doc.data.get("authors") or []
    if isinstance(authors, str):
        authors = [authors]
    competencies = []
    for item in doc.data.get("competencies") or []:
        if isinstance(item, dict):
            level = item.get("level")
            kind = str(item.get("kind") or "").strip().lower().replace(" ", "_").replace("-", "_")
            competencies.append(
                {
                    "name": one_line(str(item.get("name") or "")),
                    "kind": kind,
                    "level": level
                    if isinstance(level, int) and not isinstance(level, bool)
                    else None,
                }
            )
    jp = doc.data.get("jp")
    return {
        "slug": doc.text("slug"),
        "title": doc.text("title"),
        "summary": doc.text("summary"),
        "description": doc.text("description", multiline=True),
        "jp": jp if isinstance(jp, int) and not isinstance(jp, bool) else None,
        "level": doc.text("level"),
        "language": doc.text("language") or "id",
        "version": doc.text("version"),
        "category": doc.text("category"),
        "authors": [one_line(str(a)) for a in authors if a is not None and str(a).strip()],
        "competencies": competencies,
        "pretest": doc.text("pretest"),
        "final_exam": doc.text("final_exam"),
    }


def write_course_yml(course):
    """course.yml from the fields of read_course_yml; empty optional values are left out."""
    out = {
        "slug": course["slug"],
        "title": one_line(course["title"]),
        "summary": one_line(course["summary"]),
    }
    description = normalize_text(course.get("description"))
    if description:
        out["description"] = description + "\n"
    out["jp"] = course["jp"]
    for key in ("level", "language", "version", "category"):
        value = one_line(course.get(key))
        if value:
            out[key] = value
    if course.get("authors"):
        out["authors"] = [one_line(a) for a in course["authors"] if one_line(a)]
    competencies = []
    for c in course.get("competencies") or []:
        entry = {"name": one_line(c["name"]), "kind": c["kind"]}
        if c.get("level"):
            entry["level"] = c["level"]
        competencies.append(entry)
    out["competencies"] = competencies
    for key in ("pretest", "final_exam"):
        if course.get(key):
            out[key] = course[key]
    return dump_yaml(out)


# module.yml --------------------------------------------------------------------------------------
def read_module_yml(text):
    doc = _doc(text)
    return {"title": doc.text("title"), "summary": doc.text("summary", multiline=True)}


def write_module_yml(title, summary=""):
    out = {"title": one_line(title)}
    summary = normalize_text(summary)
    if summary:
        out["summary"] = summary
    return dump_yaml(out)


# Lessons and quizzes: front matter ---------------------------------------------------------------
def _front(text):
    """(front matter doc, body, body first line); an unreadable header gives an empty doc."""
    fm, body, fm_line, body_line, problem = split_front_matter(text or "")
    if problem:
        return _doc(""), text or "", 1
    return _doc(fm, fm_line), body, body_line


def _with_front(front, body):
    body = normalize_text(body)
    return f"---\n{dump_yaml(front)}---\n{body}\n" if body else f"---\n{dump_yaml(front)}---\n"


def item_header(text):
    """(kind, title) of a lesson or quiz file, without reading its body: for outlines."""
    doc, _body, _line = _front(text)
    kind = "quiz" if doc.text("type").lower() == "quiz" else "lesson"
    return kind, doc.text("title")


def read_lesson(text):
    doc, body, _line = _front(text)
    return {
        "title": doc.text("title"),
        "duration": doc.integer("duration", default=10, low=1, high=24 * 60),
        "required": doc.boolean("required", default=True),
        "body": body.strip("\n"),
    }


def write_lesson(title, duration, required, body):
    front = {"title": one_line(title), "duration": duration, "required": bool(required)}
    return _with_front(front, body)


# Quizzes -----------------------------------------------------------------------------------------
@dataclass
class QuestionBlock:
    text: str  # the question's lines as written, from its `##` heading on
    line: int  # line of the heading in the file
    spec: object = None  # QuestionSpec, or None when the block cannot be read
    problems: list = field(default_factory=list)

    @property
    def key(self):
        return self.spec.key if self.spec is not None else f"line-{self.line}"


@dataclass
class QuizDoc:
    settings: dict
    intro: str
    blocks: list
    head: str | None = None  # front matter and intro as written; None once settings change

    @property
    def keys(self):
        return [b.key for b in self.blocks]

    def block(self, key):
        return next((b for b in self.blocks if b.key == key), None)

    def index(self, key):
        return next((i for i, b in enumerate(self.blocks) if b.key == key), None)

    def settings_text(self):
        """What the settings form shows (for stale-edit checks): front matter and intro."""
        return _with_front(quiz_front(self.settings), self.intro)

    def block_at_line(self, line):
        """The question whose lines include `line` of the file (for validator problems)."""
        found = None
        for block in self.blocks:
            if block.line <= line:
                found = block
        return found


def _split_blocks(body, body_line):
    """(intro lines, [(heading line number, lines)]): the scan of parse_questions, kept whole."""
    intro, blocks = [], []
    lines = body.split("\n")
    for i, (text, in_code) in enumerate(zip(lines, fence_mask(lines), strict=True)):
        if not in_code and _HEADING.match(text):
            blocks.append((body_line + i, [text]))
            continue
        (blocks[-1][1] if blocks else intro).append(text)
    return intro, blocks


def parse_block(text, line=1, path="quiz.md"):
    """(QuestionSpec | None, [Problem]) for one question block."""
    problems = []
    _intro, questions = parse_questions(text, line, path, problems)
    return (questions[0] if len(questions) == 1 else None), problems


def read_quiz(text, role="module", path="quiz.md"):
    fm, body, fm_line, body_line, problem = split_front_matter(text or "")
    if problem:
        fm, body, body_line = "", text or "", 1
    problems = []
    doc = YamlDoc.parse(fm, path, problems, first_line=fm_line) or _doc("")
    spec = parse_quiz(
        doc, "", body_line, path=path, key="", role=role, position=0, source="", problems=[]
    )
    settings = {
        "title": spec.title,
        "pass_mark": spec.pass_mark,
        "attempts": spec.attempts,
        "time_limit": spec.time_limit,
        "shuffle_questions": spec.shuffle_questions,
        "shuffle_options": spec.shuffle_options,
        "draw": spec.draw,
        "show_answers": spec.show_answers,
        "scoring": spec.scoring,
        "required": spec.required,
        "role": role,
    }
    intro, raw_blocks = _split_blocks(body, body_line)
    blocks = []
    for line, lines in raw_blocks:
        block_text = "\n".join(lines).rstrip()
        spec_q, block_problems = parse_block(block_text, line, path)
        blocks.append(QuestionBlock(block_text, line, spec_q, block_problems))
    lines = (text or "").split("\n")
    head = "\n".join(lines[: blocks[0].line - 1]) if blocks else text or ""
    return QuizDoc(settings=settings, intro="\n".join(intro).strip("\n"), blocks=blocks, head=head)


def quiz_front(settings):
    front = {"type": "quiz", "title": one_line(settings["title"])}
    for key in (
        "pass_mark",
        "attempts",
        "time_limit",
        "shuffle_questions",
        "shuffle_options",
        "draw",
        "show_answers",
        "scoring",
    ):
        front[key] = settings.get(key, QUIZ_DEFAULTS[key])
    if settings.get("role", "module") != "pretest":
        front["required"] = bool(settings.get("required", True))
    return front


def write_quiz(doc):
    if doc.head is not None:
        parts = [doc.head.rstrip()]
    else:
        parts = [f"---\n{dump_yaml(quiz_front(doc.settings))}---", normalize_text(doc.intro)]
    parts.extend(b.text.rstrip() for b in doc.blocks)
    text = "\n\n".join(p for p in parts if p)
    if doc.head is None:
        text = text.replace("---\n\n", "---\n", 1)  # the intro right under the front matter
    return text + "\n"


# Questions ---------------------------------------------------------------------------------------
def question_fields(spec, language="id"):
    """What the question form shows, from a parsed question."""
    heading, _sep, body = spec.prompt.partition("\n\n")
    data = {
        "text": heading,
        "key": spec.key,
        "type": spec.type,
        "points": spec.points,
        "body": body,
        "options": [{"text": o.text, "correct": o.correct} for o in spec.options],
        "tf_answer": "",
        "accepted": "\n".join(spec.accepted),
        "value": spec.value or "",
        "tolerance": "" if spec.tolerance in (None, "0") else spec.tolerance,
        "explanation": spec.explanation,
    }
    if spec.type == "true_false":
        right = next((o for o in spec.options if o.correct), None)
        if right is not None:
            data["tf_answer"] = "true" if right.text.strip().casefold() in TRUE_WORDS else "false"
    return data


def question_block(data, language="id"):
    """A question's lines from the form's fields (see content/README.md, Quizzes)."""
    qtype = data["type"]
    lines = [f"## {one_line(data['text'])} {{#{data['key']}}}", f"type: {qtype}"]
    if data.get("points", 1) != 1:
        lines.append(f"points: {data['points']}")
    body = normalize_text(data.get("body"))
    if body:
        lines += ["", body]
    lines.append("")
    if qtype == "true_false":
        yes, no = TRUE_FALSE_LABELS.get(language, TRUE_FALSE_LABELS["id"])
        answer = data.get("tf_answer")
        lines.append(f"- [{'x' if answer == 'true' else ' '}] {yes}")
        lines.append(f"- [{'x' if answer == 'false' else ' '}] {no}")
    elif qtype in CHOICE_TYPES:
        for option in data.get("options") or []:
            text = one_line(option.get("text"))
            if text:
                lines.append(f"- [{'x' if option.get('correct') else ' '}] {text}")
    elif qtype == "short":
        for answer in (data.get("accepted") or "").split("\n"):
            if answer.strip():
                lines.append(f"= {one_line(answer)}")
    elif qtype == "numeric":
        value = one_line(data.get("value"))
        tolerance = one_line(data.get("tolerance"))
        lines.append(f"= {value} ± {tolerance}" if tolerance else f"= {value}")
    explanation = normalize_text(data.get("explanation"))
    if explanation:
        lines.append("")
        lines += [f"> {line}" if line.strip() else ">" for line in explanation.split("\n")]
    return "\n".join(lines)


# Names -------------------------------------------------------------------------------------------
def numbered_name(number, slug, suffix=""):
    return f"{number:02d}-{slug}{suffix}"


def split_numbered(name):
    """(number, slug) of "03-slug" (or "03-slug.md"), or None."""
    if name.endswith(".md"):
        name = name[:-3]
    match = NUMBERED.match(name)
    if not match or not SLUG.match(match.group(2)):
        return None
    return int(match.group(1)), match.group(2)


def valid_slug(value):
    return bool(value) and len(value) <= 100 and bool(SLUG.match(value))


def make_slug(text, taken=()):
    """A slug from a title, made unique among `taken` with -2, -3..."""
    base = slugify(text, max_len=60) or "bagian"
    slug, n = base, 2
    while slug in taken:
        slug = f"{base}-{n}"
        n += 1
    return slug


QUESTION_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,99}$")

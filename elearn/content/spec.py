"""A validated course package as plain data (no database, no HTML yet).

Markdown stays Markdown here: it is rendered (and its package links resolved to media URLs)
when the package is imported. `base_dir` is the folder a Markdown text's relative links start
from.
"""

import posixpath
from dataclasses import dataclass, field


@dataclass
class CompetencySpec:
    name: str
    kind: str  # teknis | manajerial | sosial_kultural
    level: int | None
    code: str = ""  # the dictionary's code (matched first), "" if the package gives none


@dataclass
class OptionSpec:
    key: str  # derived from the text: stable when options are reordered
    text: str  # Markdown (inline)
    correct: bool


@dataclass
class QuestionSpec:
    key: str
    position: int
    line: int
    type: str  # single | multiple | true_false | short | numeric
    points: int
    prompt: str  # Markdown
    options: list[OptionSpec] = field(default_factory=list)
    accepted: list[str] = field(default_factory=list)  # short answers
    value: str | None = None  # numeric answer, decimal string with "."
    tolerance: str | None = None
    explanation: str = ""  # Markdown

    @property
    def answer(self):
        if self.type == "short":
            return {"accepted": list(self.accepted)}
        if self.type == "numeric":
            return {"value": self.value, "tolerance": self.tolerance or "0"}
        return {}


@dataclass
class QuizSpec:
    key: str  # "module-slug/quiz-slug", "pretest" or "final"
    role: str  # module | pretest | final
    path: str
    position: int
    title: str
    intro: str  # Markdown
    pass_mark: int
    attempts: int
    time_limit: int
    shuffle_questions: bool
    shuffle_options: bool
    draw: int
    show_answers: str
    scoring: str
    required: bool
    questions: list[QuestionSpec]
    source: str
    kind = "quiz"

    @property
    def base_dir(self):
        return posixpath.dirname(self.path)


@dataclass
class LessonSpec:
    key: str  # "module-slug/lesson-slug"
    path: str
    position: int
    title: str
    duration: int
    required: bool
    body: str  # Markdown
    body_line: int
    source: str
    kind = "lesson"

    @property
    def base_dir(self):
        return posixpath.dirname(self.path)


@dataclass
class ModuleSpec:
    slug: str
    path: str  # folder name, "01-dasar-dasar"
    position: int
    title: str
    summary: str
    source_yml: str
    items: list  # LessonSpec | QuizSpec, in order

    @property
    def lessons(self):
        return [i for i in self.items if i.kind == "lesson"]

    @property
    def quizzes(self):
        return [i for i in self.items if i.kind == "quiz"]


@dataclass
class AssetSpec:
    path: str
    data: bytes
    content_type: str
    sha256: str
    dimensions: object = None  # media.images.Size of a raster image, read at validation

    @property
    def size(self):
        return len(self.data)


@dataclass
class Package:
    slug: str
    title: str
    summary: str
    description: str  # Markdown
    jp: int
    level: str
    language: str
    version_label: str
    category: str
    authors: list[str]
    competencies: list[CompetencySpec]
    modules: list[ModuleSpec]
    pretest: QuizSpec | None
    final_exam: QuizSpec | None
    assets: dict[str, AssetSpec]
    source_yml: str
    files: dict[str, bytes]  # every file as stored: normalized text, or the asset's bytes
    content_hash: str
    siasn_type: int | None = None  # jenisDiklatId; None: as chosen on the course
    warnings: list = field(default_factory=list)  # Problem(warning=True): imported anyway

    @property
    def lessons(self):
        return [lesson for m in self.modules for lesson in m.lessons]

    @property
    def quizzes(self):
        quizzes = [q for m in self.modules for q in m.quizzes]
        return [q for q in (self.pretest, *quizzes, self.final_exam) if q is not None]

    def counts(self):
        return {
            "modules": len(self.modules),
            "lessons": len(self.lessons),
            "quizzes": len(self.quizzes),
            "questions": sum(len(q.questions) for q in self.quizzes),
            "assets": len(self.assets),
        }

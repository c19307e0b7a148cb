"""The authoring editors: one request cycle for every part of a draft that a form edits.

GET shows the part in its form; POST with action=preview shows the Markdown as learners will
see it (links resolved as the package validator resolves them); action=upload stores a file in
the draft and inserts its Markdown into the text, keeping what was typed; any other action
validates, saves through a service under optimistic concurrency (revision + fingerprint; a
`Conflict` keeps the user's text), commits once and redirects (post/redirect/get).

A subclass says only what differs: its form, how it finds and saves its part, its template and
where to go after a save. `register` makes the URL rules of every editor.
"""

from functools import cached_property

from flask import abort, current_app, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from ..content import render_markdown
from ..content.links import LinkMap, Target
from ..content.package import content_type_for
from ..content.zipsafe import Limits
from ..extensions import db
from ..forms import EmptyForm
from . import drafts, uploads
from . import services as svc
from . import sourcefmt as fmt
from .access import course_view, me, page
from .drafts import Conflict, DraftGone, Expected
from .forms import (
    QUESTION_TYPE_LABELS,
    CourseSettingsForm,
    LessonForm,
    ModuleForm,
    MoveForm,
    NewQuestionForm,
    QuestionForm,
    QuizForm,
    competency_rows,
)


def no_draft(course):
    flash(_("This course has no draft. Start one to make changes."), "info")
    return redirect(url_for(".course", slug=course.slug))


def edit_url(course, item, question=None):
    """The authoring page of a lesson, a quiz or one of its questions (drafts.Item)."""
    if item.kind == "lesson":
        return url_for(".lesson_edit", slug=course.slug, module=item.module_ref, item=item.slug)
    if question:
        return url_for(
            ".question_edit",
            slug=course.slug,
            module=item.module_ref,
            item=item.slug,
            qkey=question,
        )
    return url_for(".quiz_edit", slug=course.slug, module=item.module_ref, item=item.slug)


# Preview -----------------------------------------------------------------------------------------
class Preview:
    """Rendered text, and what the package validator would say about its links."""

    def __init__(self, html, problems=(), warnings=(), missing=()):
        self.html = html
        self.problems = list(problems)  # the validator's messages: the link has no target
        self.warnings = list(warnings)  # e.g. an image from another site, shown as a link
        self.missing = list(missing)  # the links (as written) behind `problems`


def link_map(course, outline):
    """The draft's lessons, quizzes and files as link targets: the model the package validator
    uses (content/links.py), with the authoring pages as the URLs."""
    if outline is None:
        return LinkMap({})
    targets = {
        item.path: Target(item.path, item.kind, edit_url(course, item)) for item in outline.items
    }
    for file in outline.assets:
        url = url_for(".draft_file", slug=course.slug, path=file.path)
        targets[file.path] = Target(file.path, "file", url, content_type_for(file.path))
    return LinkMap(targets, outline.course.get("language") or "id", sources=outline.files)


def preview_text(course, outline, base_dir, text, current=None, id_prefix="p-", links=None):
    """`text` as learners will see it, written in `base_dir` (in the file `current`)."""
    links = links or link_map(course, outline)
    with links.scope(base_dir, current=current) as scope:
        html = render_markdown(text, scope.resolve_raw, id_prefix=id_prefix)
    problems, warnings, missing = [], [], []
    for issue in scope.issues:
        message = issue.message.format(url=issue.url)
        if issue.warning:
            warnings.append(message)
        else:
            problems.append(message)
            missing.append(issue.url)
    return Preview(html, problems, warnings, missing)


def insert_at(text, snippet, cursor):
    """(`text` with `snippet` where the cursor was, the cursor after it); without a position
    (no JavaScript) or with one past the end, the snippet goes at the end on a line of its own.

    The browser counts code points, a line break as one (see authoring.js), while the form
    sends line breaks as CR LF. The cursor returned is counted the browser's way."""
    try:
        position = int(cursor)
    except (TypeError, ValueError):
        position = -1
    index = count = 0
    while count < position and index < len(text):
        index += 2 if text.startswith("\r\n", index) else 1
        count += 1
    if position < 0 or count < position:
        text = text.rstrip()
        snippet = "\n\n" + snippet if text else snippet
        index, count = len(text), len(text.replace("\r\n", "\n"))
        return text[:index] + snippet + text[index:], count + len(snippet)
    before, after = _padding(text[:index], text[index:]) if snippet.startswith("!") else ("", "")
    return (
        text[:index] + before + snippet + after + text[index:],
        count + len(before) + len(snippet),
    )


def _padding(head, tail):
    """The line breaks that give an image inserted between `head` and `tail` a paragraph of its
    own (an image glued to a sentence would render inside it)."""
    head, tail = head.replace("\r\n", "\n"), tail.replace("\r\n", "\n")
    if not head.strip(" \t") or head.endswith("\n\n"):
        before = ""
    else:
        before = "\n" if head.endswith("\n") else "\n\n"
    if not tail.strip() or tail.startswith("\n\n"):
        after = ""
    else:
        after = "\n" if tail.startswith("\n") else "\n\n"
    return before, after


# The cycle ---------------------------------------------------------------------------------------
class Editor:
    """One editor of a part of a draft (course settings, a module, a lesson, ...)."""

    routes = {}  # endpoint -> URL rule
    form_class = None
    template = None
    markdown = None  # the field the preview renders (None: no preview)
    takes_uploads = False  # action=upload puts a file into the draft and its link in `markdown`
    slug_taken = None  # a new part: the message when another part took its slug meanwhile
    # The part, found by load() (None until then, or when it does not exist).
    module = item = doc = block = None

    def __init__(self, course, **args):
        self.course = course
        self.args = args
        self.draft = drafts.draft_for(course)
        self.context = {}
        self.preview = None

    @cached_property
    def outline(self):
        return drafts.outline(self.draft) if self.draft is not None else None

    @property
    def action(self):
        return request.form.get("action") or "save"

    @classmethod
    def register(cls, bp):
        for endpoint, rule in cls.routes.items():
            bp.add_url_rule(rule, endpoint, cls.view(endpoint), methods=["GET", "POST"])

    @classmethod
    def view(cls, endpoint):
        def view(course, **args):
            return cls(course, **args).dispatch()

        view.__name__ = endpoint
        return course_view(view)

    # What an editor says -------------------------------------------------------------------------
    @property
    def is_new(self):
        return False

    def load(self):
        """Find the edited part (in self.outline); False when it does not exist."""
        return True

    def form_for_get(self):
        raise NotImplementedError

    def save(self, form):
        """Save through a service (flush only); raises svc.Invalid, Conflict or DraftGone."""
        raise NotImplementedError

    def saved_message(self):
        raise NotImplementedError

    def next_url(self, form, result):
        return request.path

    def base_dir(self):
        """The folder the edited text is written in (its links start there)."""
        if self.item is not None:
            return self.item.base_dir
        return self.module.path if self.module is not None else ""

    def current_path(self):
        """The file the edited text is in (for its same-page links)."""
        return self.item.path if self.item is not None else None

    def prepare(self, form):
        """Last touches before the form is shown (blank rows to fill in)."""

    def template_context(self, form):
        return {}

    def expected(self, form):
        revision, fingerprint = form.expected()
        return Expected(revision, fingerprint)

    def render_preview(self, form):
        text = getattr(form, self.markdown).data or ""
        return preview_text(self.course, self.outline, self.base_dir(), text, self.current_path())

    # The cycle ------------------------------------------------------------------------------------
    def dispatch(self):
        found = self.draft is not None and self.load()
        if request.method == "GET":
            if self.draft is None:
                return no_draft(self.course)
            if not found:
                abort(404)
            form = self.form_for_get()
        else:
            form = self.form_class()
            if not found:
                # Deleted, published or discarded meanwhile: keep the user's text on the page.
                self.context["conflict"] = Conflict()
            else:
                response = self.post(form)
                if response is not None:
                    return response
        self.prepare(form)
        return page(
            self.template,
            self.course,
            draft=self.draft,
            form=form,
            preview=self.preview,
            **self.template_context(form),
            **self.context,
        )

    def post(self, form):
        """A redirect after a save, or None to show the form again (preview, errors)."""
        if self.action == "preview" and self.markdown:
            self.preview = self.render_preview(form)
            return None
        if self.action == "upload" and self.takes_uploads:
            self.upload(form)
            return None
        if not form.validate_on_submit():
            return None
        try:
            result = self.save(form)
        except svc.Invalid as exc:
            db.session.rollback()
            for name, messages in exc.errors.items():
                if name:
                    getattr(form, name).errors = [str(m) for m in messages]
                else:
                    self.context["problems"] = [str(m) for m in messages]
            return None
        except Conflict as conflict:
            db.session.rollback()
            self.refused(form, conflict)
            return None
        except DraftGone:
            db.session.rollback()
            self.refused(form, Conflict())
            return None
        db.session.commit()
        flash(self.saved_message(), "success")
        return redirect(self.next_url(form, result))

    def refused(self, form, conflict):
        """The part changed since the form was loaded (or is gone): keep the user's text, and
        let a second save replace the current version."""
        if self.is_new and self.slug_taken:
            form.slug.errors = [str(self.slug_taken)]
            return
        if conflict.file is not None:
            form.revision.data = conflict.file.revision
            form.fingerprint.data = fmt.fingerprint(conflict.current)
        self.context["conflict"] = conflict

    def upload(self, form):
        """Store the chosen file in the draft and put its Markdown into the text at the cursor.
        The text itself is not saved: it comes back in the form, as typed."""
        chosen = request.files.get("upload")
        field = getattr(form, self.markdown)
        if chosen is None or not chosen.filename:
            self.context["upload_error"] = _("Choose an image to upload first.")
            return
        folder = self.base_dir()
        try:
            path = svc.upload(
                self.draft, me(), chosen, folder, Limits.from_config(current_app.config)
            )
        except uploads.UploadRefused as exc:
            db.session.rollback()
            self.context["upload_error"] = str(exc.message)
            return
        except DraftGone:
            db.session.rollback()
            self.context["conflict"] = Conflict()
            return
        db.session.commit()
        snippet = uploads.markdown_snippet(path, folder)
        field.data, cursor = insert_at(field.data or "", snippet, request.form.get("cursor"))
        self.context["uploaded"] = {"path": path, "snippet": snippet, "cursor": cursor}


# Course settings (course.yml) --------------------------------------------------------------------
class CourseSettingsEditor(Editor):
    routes = {"settings": "/<slug>/settings"}
    form_class = CourseSettingsForm
    template = "authoring/settings.html"
    markdown = "description"

    def form_for_get(self):
        file = drafts.get_file(self.draft, "course.yml")
        text = file.text if file else ""
        return CourseSettingsForm.from_data(
            fmt.read_course_yml(text),
            revision=file.revision if file else 0,
            fingerprint=fmt.fingerprint(text),
        )

    def save(self, form):
        return svc.save_course_settings(
            self.draft, me(), form.data_for_package(), self.expected(form)
        )

    def saved_message(self):
        return _("The course settings have been saved in the draft.")

    def next_url(self, form, result):
        return url_for(".settings", slug=self.course.slug)

    def current_path(self):
        return "course.yml"

    def prepare(self, form):
        competency_rows(form, minimum=2)


# Modules -----------------------------------------------------------------------------------------
class ModuleEditor(Editor):
    routes = {"module_new": "/<slug>/add-module", "module_edit": "/<slug>/modules/<module>"}
    form_class = ModuleForm
    template = "authoring/module.html"
    slug_taken = _l("Another module of this course has this slug.")

    @property
    def is_new(self):
        return "module" not in self.args

    def load(self):
        self.module = None if self.is_new else self.outline.module(self.args["module"])
        return self.is_new or self.module is not None

    def form_for_get(self):
        if self.is_new:
            return ModuleForm()
        file = self.outline.files.get(f"{self.module.path}/module.yml")
        text = file.text if file else ""
        return ModuleForm(
            data=fmt.read_module_yml(text),
            revision=file.revision if file else 0,
            fingerprint=fmt.fingerprint(text),
        )

    def save(self, form):
        title, summary = form.title.data, form.summary.data
        if self.is_new:
            return svc.add_module(self.draft, me(), self.outline, title, form.slug.data, summary)
        return svc.save_module(self.draft, me(), self.module, title, summary, self.expected(form))

    def saved_message(self):
        return _("The module has been added.") if self.is_new else _("The module has been saved.")

    def next_url(self, form, result):
        return url_for(".course", slug=self.course.slug)

    def template_context(self, form):
        return {"module": self.module}


# Lessons and quizzes -----------------------------------------------------------------------------
class _ItemEditor(Editor):
    """A lesson or a quiz: a new one in its module, or an item of the module."""

    takes_uploads = True
    slug_taken = _l("Another lesson or quiz of this module has this slug.")
    kind = None  # of the outline's items: "lesson" or "quiz"
    added_message = changed_message = None  # what a save says, for a new item and an edit
    edit_endpoint = None  # where a new item goes after its first save

    @property
    def is_new(self):
        return "item" not in self.args

    def load(self):
        self.module = self.outline.module(self.args["module"])
        if self.is_new:
            return self.module is not None
        item = self.outline.item(self.args["module"], self.args["item"])
        self.item = item if item is not None and item.kind == self.kind else None
        return self.item is not None and self.load_item()

    def load_item(self):
        """Read what the page needs of the item found; False when it cannot be edited."""
        return True

    def saved_message(self):
        return str(self.added_message if self.is_new else self.changed_message)

    def next_url(self, form, result):
        if self.is_new:
            return url_for(
                self.edit_endpoint, slug=self.course.slug, module=self.args["module"], item=result
            )
        return request.path


class LessonEditor(_ItemEditor):
    routes = {
        "lesson_new": "/<slug>/modules/<module>/lessons/new",
        "lesson_edit": "/<slug>/lessons/<module>/<item>",
    }
    form_class = LessonForm
    template = "authoring/lesson.html"
    markdown = "body"
    kind = "lesson"
    added_message = _l("The lesson has been added to the draft.")
    changed_message = _l("The lesson has been saved in the draft.")
    edit_endpoint = ".lesson_edit"

    def form_for_get(self):
        if self.is_new:
            return LessonForm()
        file = self.outline.files[self.item.path]
        return LessonForm(
            data=fmt.read_lesson(file.text),
            revision=file.revision,
            fingerprint=fmt.fingerprint(file.text),
        )

    def save(self, form):
        if self.is_new:
            return svc.add_lesson(self.draft, me(), self.module, form.values())
        return svc.save_lesson(self.draft, me(), self.item, form.values(), self.expected(form))

    def template_context(self, form):
        return {
            "module": self.module,
            "item": self.item,
            "base_dir": self.base_dir(),
        }


# Quizzes -----------------------------------------------------------------------------------------
def quiz_entry(outline, module, item):
    entry = outline.item(module, item) if outline else None
    return entry if entry is not None and entry.kind == "quiz" else None


class QuizEditor(_ItemEditor):
    routes = {
        "quiz_new": "/<slug>/modules/<module>/quizzes/new",
        "quiz_edit": "/<slug>/quizzes/<module>/<item>",
    }
    form_class = QuizForm
    template = "authoring/quiz.html"
    markdown = "intro"
    kind = "quiz"
    added_message = _l("The quiz has been added. Now add its questions.")
    changed_message = _l("The quiz settings have been saved in the draft.")
    edit_endpoint = ".quiz_edit"

    def load_item(self):
        item = self.item
        self.doc = fmt.read_quiz(self.outline.files[item.path].text, item.role, item.path)
        return True

    def form_for_get(self):
        if self.is_new:
            return QuizForm()
        return QuizForm(
            data={**self.doc.settings, "intro": self.doc.intro},
            revision=self.outline.files[self.item.path].revision,
            fingerprint=fmt.fingerprint(self.doc.settings_text()),
        )

    def save(self, form):
        if self.is_new:
            data = {**form.values(), "slug": form.slug.data}
            return svc.add_quiz(self.draft, me(), self.module, data)
        return svc.save_quiz_settings(
            self.draft, me(), self.item, form.values(), self.expected(form)
        )

    def template_context(self, form):
        item = self.item
        return {
            "item": item,
            "doc": self.doc,
            "module": self.module,
            "role": item.role if item else "module",
            "move": MoveForm(),
            "button": EmptyForm(),
            "new_question": NewQuestionForm(formdata=None),
            "type_labels": QUESTION_TYPE_LABELS,
        }


class QuestionEditor(Editor):
    routes = {
        "question_new": "/<slug>/quizzes/<module>/<item>/add-question",
        "question_edit": "/<slug>/quizzes/<module>/<item>/questions/<qkey>",
    }
    form_class = QuestionForm
    template = "authoring/question.html"
    markdown = "text"  # and its body, options and explanation: see render_preview

    @property
    def is_new(self):
        return "qkey" not in self.args

    @property
    def qkey(self):
        return self.args.get("qkey")

    def load(self):
        self.item = quiz_entry(self.outline, self.args["module"], self.args["item"])
        self.doc = self.block = None
        if self.item is None:
            return False
        self.file = self.outline.files[self.item.path]
        self.doc = fmt.read_quiz(self.file.text, self.item.role, self.item.path)
        if self.is_new:
            return True
        self.block = self.doc.block(self.qkey)
        return self.block is not None

    @property
    def language(self):
        return (self.outline.course.get("language") or "id") if self.outline else "id"

    def form_for_get(self):
        if self.block is not None:
            if self.block.spec is None:
                abort(404)  # a question that cannot be read is fixed in the quiz file
            return QuestionForm(
                data=fmt.question_fields(self.block.spec, self.language),
                revision=self.file.revision,
                fingerprint=fmt.fingerprint(self.block.text),
            )
        new_type = request.args.get("type", "single")
        return QuestionForm(
            data={"type": new_type if new_type in QUESTION_TYPE_LABELS else "single"},
            revision=self.file.revision,
        )

    def expected(self, form):
        return None if self.is_new else super().expected(form)

    def save(self, form):
        return svc.save_question(
            self.draft,
            me(),
            self.item,
            self.qkey,
            form.values(),
            self.language,
            self.expected(form),
        )

    def saved_message(self):
        return _("The question has been saved in the draft.")

    def next_url(self, form, key):
        slug, module, item = self.course.slug, self.args["module"], self.args["item"]
        if self.action == "save_new":
            return url_for(
                ".question_new", slug=slug, module=module, item=item, type=form.type.data
            )
        return url_for(".quiz_edit", slug=slug, module=module, item=item) + f"#q-{key}"

    def prepare(self, form):
        form.add_blank_options()

    def render_preview(self, form):
        """The question as learners will see it: prompt, options, explanation."""
        values = form.values()
        links = link_map(self.course, self.outline)
        base, path = self.base_dir(), self.item.path

        def render(text, prefix):
            return preview_text(self.course, None, base, text, path, prefix, links)

        prompt = render(
            "\n\n".join(p for p in (values["text"], values["body"]) if p.strip()), "p-q-"
        )
        options = []
        if values["type"] == "true_false":
            options = [
                {"html": _("True"), "correct": values["tf_answer"] == "true"},
                {"html": _("False"), "correct": values["tf_answer"] == "false"},
            ]
        elif values["type"] in fmt.CHOICE_TYPES:
            for option in values["options"]:
                if option["text"].strip():
                    rendered = render(option["text"], "p-o-")
                    prompt.problems += rendered.problems
                    prompt.warnings += rendered.warnings
                    options.append({"html": rendered.html, "correct": option["correct"]})
        explanation = render(values["explanation"], "p-e-")
        return {
            "prompt": prompt.html,
            "options": options,
            "explanation": explanation.html,
            "problems": prompt.problems + explanation.problems,
            "warnings": prompt.warnings + explanation.warnings,
        }

    def template_context(self, form):
        doc, qkey = self.doc, self.qkey
        number = None
        if doc is not None:
            index = doc.index(qkey) if qkey else None
            number = index + 1 if index is not None else len(doc.blocks) + 1
        return {
            "item": self.item,
            "module": self.outline.module(self.args["module"]) if self.outline else None,
            "qkey": qkey,
            "number": number,
            "language": self.language,
        }


ALL = (CourseSettingsEditor, ModuleEditor, LessonEditor, QuizEditor, QuestionEditor)

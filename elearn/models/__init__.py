"""All tables, in one package: they cross every feature."""

from .assignment import Assignment, AssignmentPerson, ReminderKind, ReminderLog
from .certificate import REISSUED, Certificate
from .course import (
    Asset,
    AssetBlob,
    Competency,
    CompetencyKind,
    Course,
    CourseCompetency,
    CourseLevel,
    CourseVersion,
    Lesson,
    Module,
    course_owners,
)
from .draft import CourseDraft, DraftFile
from .org import Unit
from .progress import (
    Attempt,
    AttemptAnswer,
    Completion,
    Enrollment,
    EnrollmentSource,
    LessonProgress,
)
from .quiz import Question, QuestionType, Quiz, QuizRole, Scoring, ShowAnswers
from .user import (
    AuditLog,
    EmployeeType,
    Role,
    User,
    UserRole,
    UserSession,
    audit,
    supervised_units,
)

__all__ = [
    "REISSUED",
    "Asset",
    "AssetBlob",
    "Assignment",
    "AssignmentPerson",
    "Attempt",
    "AttemptAnswer",
    "AuditLog",
    "Certificate",
    "Competency",
    "CompetencyKind",
    "Completion",
    "Course",
    "CourseCompetency",
    "CourseDraft",
    "CourseLevel",
    "CourseVersion",
    "DraftFile",
    "EmployeeType",
    "Enrollment",
    "EnrollmentSource",
    "Lesson",
    "LessonProgress",
    "Module",
    "Question",
    "QuestionType",
    "Quiz",
    "QuizRole",
    "ReminderKind",
    "ReminderLog",
    "Role",
    "Scoring",
    "ShowAnswers",
    "Unit",
    "User",
    "UserRole",
    "UserSession",
    "audit",
    "course_owners",
    "supervised_units",
]

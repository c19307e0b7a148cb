"""All tables, in one package: they cross every feature."""

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
from .user import AuditLog, EmployeeType, Role, User, UserRole, audit, supervised_units

__all__ = [
    "Asset",
    "AssetBlob",
    "Attempt",
    "AttemptAnswer",
    "AuditLog",
    "Competency",
    "CompetencyKind",
    "Completion",
    "Course",
    "CourseCompetency",
    "CourseLevel",
    "CourseVersion",
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
    "Role",
    "Scoring",
    "ShowAnswers",
    "Unit",
    "User",
    "UserRole",
    "audit",
    "course_owners",
    "supervised_units",
]

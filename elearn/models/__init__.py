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
from .invitation import InvitationStatus, SetupBatch, SetupBatchKind, SetupInvitation
from .notification import Notification, NotificationKind
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
    "InvitationStatus",
    "Lesson",
    "LessonProgress",
    "Module",
    "Notification",
    "NotificationKind",
    "Question",
    "QuestionType",
    "Quiz",
    "QuizRole",
    "ReminderKind",
    "ReminderLog",
    "Role",
    "Scoring",
    "SetupBatch",
    "SetupBatchKind",
    "SetupInvitation",
    "ShowAnswers",
    "Unit",
    "User",
    "UserRole",
    "UserSession",
    "audit",
    "course_owners",
    "supervised_units",
]

"""All tables, in one package: they cross every feature."""

from .org import Unit
from .user import AuditLog, EmployeeType, Role, User, UserRole, audit, supervised_units

__all__ = [
    "AuditLog",
    "EmployeeType",
    "Role",
    "Unit",
    "User",
    "UserRole",
    "audit",
    "supervised_units",
]

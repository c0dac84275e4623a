"""The data model, one module per aggregate."""

from .audit import AuditEvent
from .projects import Area, AreaLevel, Membership, Project, Role
from .users import ApiToken, User

__all__ = ["ApiToken", "Area", "AreaLevel", "AuditEvent", "Membership", "Project", "Role", "User"]

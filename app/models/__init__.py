"""The data model, one module per aggregate."""

from .audit import AuditEvent
from .codebook import Code, CodeGroup
from .coding import Coding, CodingSource, Sentiment
from .fieldwork import (
    AgeBand,
    Answer,
    ContactDetails,
    Contribution,
    InfoFormat,
    Interview,
    ListeningLevel,
    Reflection,
    RespondentType,
    Round,
    RoundKind,
)
from .guides import Guide, GuideVersion, Question, QuestionType, Section, VersionStatus
from .projects import Area, AreaLevel, Membership, Project, Role
from .users import ApiToken, User

__all__ = [
    "AgeBand",
    "Answer",
    "ApiToken",
    "Area",
    "AreaLevel",
    "AuditEvent",
    "Code",
    "CodeGroup",
    "Coding",
    "CodingSource",
    "ContactDetails",
    "Contribution",
    "Guide",
    "GuideVersion",
    "InfoFormat",
    "Interview",
    "ListeningLevel",
    "Membership",
    "Project",
    "Question",
    "QuestionType",
    "Reflection",
    "RespondentType",
    "Role",
    "Round",
    "RoundKind",
    "Section",
    "Sentiment",
    "User",
    "VersionStatus",
]

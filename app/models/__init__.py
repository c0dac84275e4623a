"""The data model, one module per aggregate."""

from .actions import ActionInput, ActionItem, ActionStatus, Priority
from .audit import AuditEvent
from .codebook import Code, CodeGroup
from .coding import Coding, CodingSample, CodingSource, Memo, SampleItem, SampleResolution, Sentiment, SuggestionModel, SuggestionRejection
from .elements import AreaTarget, Element
from .exports import ExportJob, JobStatus
from .fieldwork import (
    AgeBand,
    Answer,
    ContactDetails,
    Contribution,
    ErasedRecord,
    InfoFormat,
    Interview,
    ListeningLevel,
    NamedContact,
    Reflection,
    RespondentType,
    Round,
    RoundKind,
    WalkRoute,
)
from .guides import Guide, GuideVersion, Question, QuestionType, Section, VersionStatus
from .insights import ThemeFact
from .photos import Photo
from .projects import Area, AreaLevel, Invitation, Membership, Project, Role
from .users import ApiToken, User, UserSession

__all__ = [
    "ActionInput",
    "ActionItem",
    "ActionStatus",
    "AgeBand",
    "Answer",
    "ApiToken",
    "Area",
    "AreaLevel",
    "AreaTarget",
    "AuditEvent",
    "Code",
    "CodeGroup",
    "Coding",
    "CodingSample",
    "CodingSource",
    "ContactDetails",
    "Contribution",
    "Element",
    "ErasedRecord",
    "ExportJob",
    "Guide",
    "GuideVersion",
    "InfoFormat",
    "Interview",
    "Invitation",
    "JobStatus",
    "ListeningLevel",
    "Membership",
    "Memo",
    "NamedContact",
    "Photo",
    "Priority",
    "Project",
    "Question",
    "QuestionType",
    "Reflection",
    "RespondentType",
    "Role",
    "Round",
    "RoundKind",
    "SampleItem",
    "SampleResolution",
    "Section",
    "Sentiment",
    "SuggestionModel",
    "SuggestionRejection",
    "ThemeFact",
    "User",
    "UserSession",
    "VersionStatus",
    "WalkRoute",
]

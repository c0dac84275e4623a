"""The audit log in words: what happened, to what, with what result, and the details as a list a
person reads ("Rol: Interviewer"), not the stored JSON. The CSV keeps the stored values."""

from __future__ import annotations

import re
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from ..i18n import ACTION_STATUS_LABELS, INFO_FORMAT_LABELS, ROLE_LABELS, ROUND_KIND_LABELS, SENTIMENT_LABELS

ACTIONS = {
    "login": _l("Signed in"),
    "login.password": _l("Signed in (password step)"),
    "logout": _l("Signed out"),
    "user.create": _l("Account created"),
    "user.update": _l("Account changed"),
    "user.password": _l("Password changed"),
    "user.two_factor_on": _l("Two-factor sign-in switched on"),
    "user.two_factor_off": _l("Two-factor sign-in switched off"),
    "user.sessions_ended": _l("Sessions ended (signed out everywhere)"),
    "token.create": _l("API token created"),
    "token.revoke": _l("API token revoked"),
    "project.create": _l("Project created"),
    "project.update": _l("Project changed"),
    "project.from_template": _l("Project started from a template"),
    "project.copy": _l("Project started as a copy of another project's set-up"),
    "project.import_qdpx": _l("Project imported from a REFI-QDA file"),
    "membership.create": _l("Added to the team"),
    "membership.update": _l("Role changed"),
    "membership.delete": _l("Removed from the team"),
    "invitation.create": _l("Colleague invited"),
    "invitation.accept": _l("Invitation accepted"),
    "invitation.revoke": _l("Invitation withdrawn"),
    "area.import": _l("Areas imported"),
    "area.outlines": _l("Area outlines imported"),
    "area.create": _l("Area added"),
    "area.rename": _l("Area renamed"),
    "area.move": _l("Area moved"),
    "area.archive": _l("Area archived"),
    "area.restore": _l("Area in use again"),
    "area.merge": _l("Areas merged"),
    "guide.create": _l("Guide created"),
    "guide.import": _l("Guide imported"),
    "guide.copy": _l("Guide copied"),
    "guide.new_version": _l("New version of a guide"),
    "guide.publish": _l("Guide published"),
    "round.create": _l("Round planned"),
    "round.update": _l("Round changed"),
    "round.session": _l("Session details saved"),
    "interview.create": _l("Interview recorded"),
    "interview.update": _l("Interview corrected"),
    "contribution.create": _l("Contribution recorded"),
    "contribution.update": _l("Contribution corrected"),
    "sync.import": _l("Device file imported"),
    "codebook.group_create": _l("Code group created"),
    "codebook.code_create": _l("Code created"),
    "codebook.code_update": _l("Code changed"),
    "codebook.code_archive": _l("Code archived"),
    "codebook.code_restore": _l("Code restored"),
    "codebook.merge": _l("Codes merged"),
    "codebook.import": _l("Codebook imported"),
    "elements.add": _l("Element added"),
    "elements.change": _l("Element changed"),
    "elements.targets": _l("Target levels set"),
    "coding.create": _l("Code applied"),
    "coding.delete": _l("Code removed"),
    "coding.update": _l("Coding changed"),
    "memo.create": _l("Memo written"),
    "memo.update": _l("Memo changed"),
    "memo.delete": _l("Memo removed"),
    "coding.accept_suggestion": _l("Suggestion accepted"),
    "coding.reject_suggestion": _l("Suggestion rejected"),
    "coding.sample_draw": _l("Sample drawn for second coding"),
    "coding.resolve": _l("Disagreement resolved"),
    "action.create": _l("Action item created"),
    "action.update": _l("Action item changed"),
    "action.link": _l("Statement linked to an action item"),
    "action.unlink": _l("Statement unlinked from an action item"),
    "photo.upload": _l("Photo received"),
    "photo.clear": _l("Photo marked free of people and number plates"),
    "photo.unclear": _l("Photo hidden from policy makers again"),
    "export": _l("Exported"),
    "audit.export": _l("Audit log downloaded"),
    "resident.export": _l("Resident's copy handed over"),
    "resident.erase": _l("Resident's input erased"),
    "retention.purge": _l("Retention: expired data removed"),
    "retention.run": _l("Retention run"),
}
OBJECTS = {
    "User": _l("Account"),
    "ApiToken": _l("API token"),
    "Project": _l("Project"),
    "Element": _l("Element"),
    "Membership": _l("Team member"),
    "Invitation": _l("Invitation"),
    "Area": _l("Area"),
    "Guide": _l("Guide"),
    "GuideVersion": _l("Guide version"),
    "Round": _l("Round"),
    "Interview": _l("Interview"),
    "Contribution": _l("Contribution"),
    "Code": _l("Code"),
    "CodeGroup": _l("Code group"),
    "Coding": _l("Coding"),
    "Memo": _l("Memo"),
    "CodingSample": _l("Sample"),
    "SuggestionRejection": _l("Suggestion"),
    "ActionItem": _l("Action item"),
    "Resident": _l("Resident"),
    "AuditLog": _l("Audit log"),
    "Retention": _l("Retention"),
    "ExportJob": _l("Export"),
    "Photo": _l("Photo"),
}
RESULTS = {"success": _l("succeeded"), "failure": _l("failed"), "refused": _l("refused")}
ORIGINS = {"web": _l("web"), "api": _l("API"), "cli": _l("command line")}
DETAILS = {
    "name": _l("Name"),
    "title": _l("Title"),
    "key": _l("Key"),
    "group": _l("Group"),
    "uuid": _l("UUID"),
    "changes": _l("Changes"),
    "changed": _l("Changed"),
    "fields": _l("Changed"),
    "from": _l("From"),
    "into": _l("Into"),
    "moved": _l("Moved"),
    "user": _l("Person"),
    "role": _l("Role"),
    "email": _l("E-mail address"),
    "is_admin": _l("Administrator"),
    "two_factor": _l("Two-factor sign-in"),
    "step": _l("Step"),
    "reason": _l("Reason"),
    "status": _l("Status"),
    "input": _l("Statement"),
    "kind": _l("Kind"),
    "version": _l("Version"),
    "from_project": _l("From project"),
    "from_guide": _l("From guide"),
    "source": _l("Source"),
    "rows": _l("Rows"),
    "skipped": _l("Features left out"),
    "created": _l("New"),
    "updated": _l("Changed"),
    "receipt": _l("Receipt code (keyed hash)"),
    "format": _l("Format"),
    "round": _l("Round"),
    "area": _l("Area"),
    "template": _l("Template"),
    "items": _l("Sent"),
    "stored": _l("Stored"),
    "recorded_by": _l("Recorded by (account number)"),
    "code_id": _l("Code"),
    "code": _l("Code"),
    "span": _l("Fragment (characters)"),
    "about": _l("About"),
    "sentiment": _l("Sentiment"),
    "is_quote": _l("Quote for reports"),
    "coding_id": _l("Coding"),
    "answer_id": _l("Answer"),
    "contribution_id": _l("Contribution"),
    "coder_id": _l("Second coder (account number)"),
    "size": _l("Size"),
    "applies": _l("The code applies"),
    "filters": _l("Filters"),
    "pseudonymised": _l("Pseudonymised"),
    "personal": _l("With personal data"),
    "expected_rows": _l("Rows expected"),
    "interviews": _l("Interviews"),
    "contributions": _l("Contributions"),
    "actions": _l("Action items"),
    "level": _l("Level"),
    "contacts": _l("Contact details"),
    "photos": _l("Photos"),
    "routes": _l("Walked routes"),
    "codings": _l("Codings"),
    "codes": _l("Codes"),
    "memos": _l("Memos"),
    "actions_unlinked": _l("Action items unlinked"),
    "contact_details": _l("Contact details"),
    "named_contacts": _l("Names of who was heard"),
    "gps_points": _l("GPS points"),
    "streets": _l("Streets"),
    "texts": _l("Statements"),
    "dry_run": _l("Trial run"),
    "projects": _l("Projects"),
    "attendee_count": _l("Number of attendees"),
    "session_notes": _l("Session notes"),
    "language": _l("Language"),
    "feedback_given": _l("Residents have heard back"),
    "place": _l("Place"),
    "starts_at": _l("Starts at"),
    "starts_on": _l("From"),
    "ends_on": _l("Until"),
    "guide_id": _l("Guide"),
    "area_ids": _l("Areas"),
    "areas": _l("Areas"),
    "interviewer_ids": _l("Interviewers"),
    "info_format": _l("Kind of meeting"),
    "description": _l("Description"),
    "priority": _l("Priority"),
    "department": _l("Responsible department"),
    "location": _l("Location"),
    "area_id": _l("Area"),
    "rejection_reason": _l("Reason for rejection"),
    "street": _l("Street"),
    "answers": _l("Answers"),
    "text": _l("Text"),
    "tags": _l("Field themes"),
    "consent": _l("Consent"),
    "respondent_type": _l("Respondent"),
    "age_band": _l("Age band"),
    "reflection": _l("Reflection"),
    "contact": _l("Contact details"),
    "purpose": _l("Purpose"),
    "sponsor": _l("Sponsor"),
    "resident_text": _l("Text for residents"),
    "retention_months": _l("Input kept for (months)"),
    "personal_retention_months": _l("Personal data kept for (months)"),
    "small_numbers": _l("Smallest number shown"),
    "interviewers_may_code": _l("Interviewers may code their own input"),
    "colour": _l("Colour"),
    "keywords": _l("Keyword rule"),
    "archived": _l("Archived"),
    "parent": _l("Group"),
    "is_active": _l("Active"),
}
VALUES: dict[str, Any] = {
    **{r.value: label for r, label in ROLE_LABELS.items()},
    **{k.value: label for k, label in ROUND_KIND_LABELS.items()},
    **{f.value: label for f, label in INFO_FORMAT_LABELS.items()},
    **{s.value: label for s, label in ACTION_STATUS_LABELS.items()},
    **{s.value: label for s, label in SENTIMENT_LABELS.items()},
    "two_factor": _l("the code"),
    "manual": _l("by hand"),
    "suggestion": _l("suggestion"),
    "project": _l("the project"),
    "code": _l("a code"),
    "statement": _l("a statement"),
    "coding": _l("a coding"),
    "html": _l("printable page"),
}
INPUT_KEY = re.compile(r"^(answer|contribution|interview):(\d+)\Z")
INPUT_KINDS = {"answer": _l("answer"), "contribution": _l("contribution"), "interview": _l("interview")}


def action_label(action: str) -> str:
    return str(ACTIONS.get(action, action.replace(".", " ").replace("_", " ")))


def object_label(object_type: str, object_id: str) -> str:
    if not object_type:
        return "–"
    return f"{OBJECTS.get(object_type, object_type)} {object_id}".strip()


def result_label(result: str) -> str:
    return str(RESULTS.get(result, result))


def origin_label(origin: str) -> str:
    return str(ORIGINS.get(origin, origin))


def _key(key: str) -> str:
    return str(DETAILS.get(key, key.replace("_", " ")))


def value_text(value: Any) -> str:
    """A stored detail as a person reads it: yes/no, lists, old → new, enum values as words."""
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if value is None or value == "":
        return "–"
    if isinstance(value, dict):
        return "; ".join(f"{_key(k)}: {value_text(v)}" for k, v in value.items())
    if isinstance(value, list):
        if len(value) == 2 and not any(isinstance(v, (list, dict)) for v in value):
            return f"{value_text(value[0])} → {value_text(value[1])}"
        return ", ".join(value_text(v) for v in value)
    if isinstance(value, str):
        match = INPUT_KEY.match(value)
        if match:
            return f"{INPUT_KINDS[match.group(1)]} {match.group(2)}"
        if value in VALUES:
            return str(VALUES[value])
        return value
    return str(value)


def detail_items(details: dict[str, Any] | None) -> list[tuple[str, str]]:
    """The details as (label, text) pairs; lists of changed fields are named in words."""
    items = []
    for key, value in (details or {}).items():
        if key in ("changed", "fields") and isinstance(value, list):
            items.append((_key(key), ", ".join(_key(str(v)) for v in value)))
        elif key == "changes" and isinstance(value, dict):
            items += [(_key(k), value_text(v)) for k, v in value.items()]
        else:
            items.append((_key(key), value_text(value)))
    return items

"""Ingesting records sent by devices: one code path for the API, batches and backup files.

An outcome is an HTTP status with a JSON body. 201 is a new record, 200 the same record sent
again (with the same acknowledgement), 409 the same UUID with other content, 422 invalid content,
403 a project or round the person may not record in, 404 a UUID that belongs to someone else's
project, 410 a record that was erased (on the resident's request or after its retention): the
device may forget it, and it does not come back. Nothing is stored unless the outcome is 200 or 201.
"""

from __future__ import annotations

import uuid as uuid_module
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _

from ..access import Permission
from ..capture import recording
from ..capture import services as capture
from ..capture.recording import Deferred, erased_among, permissions
from ..capture.validation import Errors, Message
from ..database import buffered_inserts
from ..extensions import db
from ..i18n import N_
from ..inputs import database_id, json_problem, reason_text, storable
from ..models import Contribution, Interview, Project, User, WalkRoute

# The payload format the client sends. Older formats are upgraded here before validation, so a
# device that was not yet updated can still send what it recorded.
PAYLOAD_VERSION = 1
UPGRADES: dict[int, Any] = {}  # {old version: function(payload) -> payload of the next version}
MAX_BATCH = 100
KINDS = {"interview": Interview, "contribution": Contribution, "route": WalkRoute}
NO_KIND = N_("Each item needs a kind: interview, contribution or route.")


@dataclass
class Outcome:
    status: int
    body: dict[str, Any] = field(default_factory=dict)


def invalid(errors: Errors) -> Outcome:
    fields = {key: [_(m.text, **m.params) for m in messages] for key, messages in errors.items()}
    return Outcome(422, {"error": "invalid", "message": _("The record has errors; nothing was stored."), "fields": fields})


def _problem(status: int, error: str, text: str) -> Outcome:
    return Outcome(status, {"error": error, "message": text})


def _upgrade(payload: Any) -> tuple[dict[str, Any] | None, Outcome | None]:
    if not isinstance(payload, dict):
        return None, invalid({"": [message(N_("Send the record as a JSON object."))]})
    version = payload.get("client_version", PAYLOAD_VERSION)
    while isinstance(version, int) and version in UPGRADES:
        payload = UPGRADES[version](payload)
        version = payload.get("client_version")
    if version != PAYLOAD_VERSION:
        return None, invalid({"client_version": [message(N_("This app version is not supported; update the app."))]})
    return payload, None


def message(text: str) -> Message:
    return Message(text)


def _lookup(model: Any) -> Any:
    table = model.__table__
    columns = [table.c.id, table.c.uuid, table.c.project_id, table.c.fingerprint]
    if "receipt_code" in table.c:
        columns.append(table.c.receipt_code)
    return sa.select(*columns).where(table.c.uuid == sa.bindparam("uuid", type_=sa.Uuid()))


LOOKUPS = {kind: _lookup(model) for kind, model in KINDS.items()}


def _existing(kind: str, record_uuid: uuid_module.UUID) -> Any:
    """What is stored under this UUID (just what a replay needs), or None."""
    return db.session.execute(LOOKUPS[kind], {"uuid": record_uuid}).first()


def owned_elsewhere(kind: str, record_uuid: uuid_module.UUID, user: User, existing: Any = False) -> bool:
    """A record with this UUID exists in a project where this person cannot record."""
    if existing is False:
        existing = _existing(kind, record_uuid)
    if existing is None:
        return False
    project = db.session.get(Project, existing.project_id)
    return Permission.capture not in permissions(project, user)


def not_found() -> Outcome:
    return _problem(404, "not_found", _("There is no such record."))


def acknowledgement(record: Any) -> dict[str, Any]:
    body = {"uuid": str(record.uuid), "id": record.id, "project_id": record.project_id}
    if getattr(record, "receipt_code", None):
        body["receipt_code"] = record.receipt_code
    return body


def ingest(
    kind: str, record_uuid: Any, payload: Any, user: User, defer: list[Any] | None = None, erased: set[Any] | None = None
) -> Outcome | Deferred:
    """Store one interview or contribution sent by a device for ``user``, the way the form does
    (``capture.recording``).

    With ``defer`` (a batch), a valid interview is added to that list instead of stored now;
    ``erased`` is the batch's erased UUIDs, looked up beforehand."""
    try:
        record_uuid = uuid_module.UUID(str(record_uuid))
    except ValueError:
        return invalid({"uuid": [message(N_("A record needs the UUID the device gave it."))]})
    refused = json_problem(payload)
    if refused is not None:
        return invalid({refused.where[:64]: [message(reason_text(refused))]})
    payload, problem = _upgrade(payload)
    if problem is not None:
        return problem
    assert payload is not None
    if "uuid" in payload and str(payload["uuid"]).lower() != str(record_uuid):
        return invalid({"uuid": [message(N_("The UUID in the body differs from the one in the address."))]})
    payload = {**payload, "uuid": str(record_uuid)}
    project_id = database_id(payload.get("project_id"))
    project = db.session.get(Project, project_id) if project_id is not None and isinstance(payload["project_id"], int) else None
    if project is None:
        return _problem(403, "forbidden", _("You do not record in this project."))
    if kind == "interview":
        result = recording.interview(project, payload, user, erased, defer)
    elif kind == "route":
        result = recording.route(project, payload, user, erased)
    else:
        result = recording.contribution(project, payload, user, erased)
    return result if isinstance(result, Deferred) else _outcome(kind, result, user)


def _outcome(kind: str, result: recording.Recorded | recording.Refused, user: User) -> Outcome:
    if isinstance(result, recording.Recorded):
        return Outcome(201 if result.created else 200, acknowledgement(result.record))
    if result.status == 422:
        return invalid(result.errors)
    if result.status == 409 and result.existing is not None and owned_elsewhere(kind, result.existing.uuid, user, result.existing):
        return not_found()  # a UUID of a project this person does not record in: reveal nothing
    return _problem(result.status, result.error, result.text)


def ingest_batch(items: Any, user: User) -> tuple[Outcome | None, list[dict[str, Any]]]:
    """Each item on its own: a result per item, in order. A malformed batch gives one outcome."""
    if not isinstance(items, list) or not items:
        return invalid({"items": [message(N_("Send a list of items."))]}), []
    if len(items) > MAX_BATCH:
        return invalid({"items": [message(N_("Send at most 100 items at once."))]}), []
    erased = erased_among([item.get("uuid") for item in items if isinstance(item, dict)])
    try:
        with db.session.begin_nested():
            outcomes = _together(items, user, erased)
    except sa.exc.DBAPIError:
        # Validation lets through nothing a table refuses; should the database refuse something all
        # the same, the batch goes again item by item, so the one it refuses cannot hold up the rest.
        current_app.logger.exception("A sync batch could not be stored together; storing its items one by one")
        outcomes = [_alone(item, user, erased) for item in items]
    return None, [
        {"uuid": _item_uuid(item), "status": outcome.status, "body": outcome.body} for item, outcome in zip(items, outcomes, strict=True)
    ]


def _item_uuid(item: Any) -> str | None:
    value = item.get("uuid") if isinstance(item, dict) else None
    return value if isinstance(value, str) and storable(value) else None


def _together(items: list[Any], user: User, erased: set[Any]) -> list[Outcome]:
    """The fast way: the batch's interviews in one multi-row INSERT, its rows written in bulk."""
    deferred: list[Any] = []
    with buffered_inserts():
        outcomes = [_batch_item(item, user, deferred, erased) for item in items]
        stored = capture.record_interviews(deferred) if deferred else []
    return [_outcome_of(stored[o.position], user) if isinstance(o, Deferred) else o for o in outcomes]


def _alone(item: Any, user: User, erased: set[Any]) -> Outcome:
    try:
        with db.session.begin_nested():
            outcome = _batch_item(item, user, None, erased)
            assert isinstance(outcome, Outcome)
            return outcome
    except sa.exc.DBAPIError:
        current_app.logger.exception("A sync item could not be stored")
        return invalid({"": [message(N_("This record could not be stored; nothing of it was kept. Check it and send it again."))]})


def _batch_item(item: Any, user: User, deferred: list[Any] | None, erased: set[Any]) -> Outcome | Deferred:
    if not isinstance(item, dict) or item.get("kind") not in KINDS:
        return invalid({"kind": [message(NO_KIND)]})
    # No savepoint needed around an item: nothing is written until every check has passed.
    return ingest(item["kind"], item.get("uuid"), item.get("payload"), user, deferred, erased)


def _outcome_of(result: Any, user: User) -> Outcome:
    return _outcome("interview", recording.settled(result), user)

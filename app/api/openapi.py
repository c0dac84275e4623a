"""The OpenAPI 3.1 description of /api/v1 (its schemas are plain JSON Schema 2020-12)."""

from __future__ import annotations

from typing import Any

from ..capture.validation import MAX_LONG_TEXT, MAX_ROUTE_POINTS, MAX_STREET, RECEIPT_ALPHABET
from ..inputs import DATABASE_INT_MAX
from ..models import AgeBand, ListeningLevel, RespondentType
from ..questions.photo import PHOTOS_MOST
from ..questions.quality import QUALITY_LEVELS
from ..sync.services import MAX_BATCH, PAYLOAD_VERSION

UUID = {"type": "string", "format": "uuid"}
# Text as the API takes it: no control characters but tab and line breaks (inputs.UNSTORABLE).
STORABLE = "^[^\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]*$"
MOMENT = {"type": "string", "format": "date-time", "pattern": "^20[0-9]{2}-", "description": "ISO 8601 with a time zone, this century"}
ID = {"type": "integer", "minimum": 1, "maximum": DATABASE_INT_MAX}
NULLABLE_ID = {"type": ["integer", "null"], "minimum": 1, "maximum": DATABASE_INT_MAX}
RECEIPT = f"^[{RECEIPT_ALPHABET}{RECEIPT_ALPHABET.lower()}]{{4}}[- ]?[{RECEIPT_ALPHABET}{RECEIPT_ALPHABET.lower()}]{{4}}$"


def _text(max_length: int | None = None, nullable: bool = False) -> dict[str, Any]:
    schema: dict[str, Any] = {"type": ["string", "null"] if nullable else "string", "pattern": STORABLE}
    if max_length:
        schema["maxLength"] = max_length
    return schema


EXPORT_TYPES = (
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "application/zip",
    "application/geo+json",
    "application/xml",
)


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _json(schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


PROBLEMS = {
    "400": _json(_ref("Problem"), "Malformed JSON, or a control character in the address"),
    "401": _json(_ref("Problem"), "Not logged in and no valid Bearer token"),
    "403": _json(_ref("Problem"), "Not a project or round you record in"),
    "404": _json(_ref("Problem"), "The UUID belongs to a record you cannot see"),
    "409": _json(_ref("Problem"), "The UUID is stored with other content; nothing changed"),
    "410": _json(_ref("Problem"), "The record was erased (resident's request or retention); the device may forget it"),
    "413": _json(_ref("Problem"), "The body is too large"),
    "415": _json(_ref("Problem"), "Not JSON"),
    "422": _json(_ref("Invalid"), "Invalid content, with messages per field; nothing stored"),
}


def _put(kind: str, payload: str) -> dict[str, Any]:
    return {
        "put": {
            "summary": f"Store one {kind} (idempotent per UUID)",
            "security": [{"session": [], "csrf": []}, {"bearer": []}],
            "parameters": [{"name": f"{kind}_uuid", "in": "path", "required": True, "schema": UUID}],
            "requestBody": {"required": True, "content": {"application/json": {"schema": _ref(payload)}}},
            "responses": {
                "201": _json(_ref("Acknowledgement"), "Stored"),
                "200": _json(_ref("Acknowledgement"), "Already stored with the same content: the same acknowledgement"),
                **PROBLEMS,
            },
        }
    }


PROJECT_ID = {"name": "project_id", "in": "path", "required": True, "schema": ID}
READERS = [{"session": []}, {"bearer": []}]


def _get(summary: str, schema: str, description: str, **more: Any) -> dict[str, Any]:
    """A read: its answer, and 401 without a session or token (plus any ``responses`` given)."""
    responses = {"200": _json(_ref(schema), description), "400": PROBLEMS["400"], "401": PROBLEMS["401"], **more.pop("responses", {})}
    return {"get": {"summary": summary, "security": more.pop("security", READERS), **more, "responses": responses}}


def document() -> dict[str, Any]:
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Buitenbinnen API",
            "version": "1",
            "description": "Sync of interviews, contributions, walk routes and photos recorded on devices, and the offline bundle.",
        },
        "servers": [{"url": "/api/v1"}],
        "components": {
            "securitySchemes": {
                "session": {"type": "apiKey", "in": "cookie", "name": "bb_session"},
                "csrf": {"type": "apiKey", "in": "header", "name": "X-CSRFToken"},
                "bearer": {"type": "http", "scheme": "bearer"},
            },
            "schemas": {
                "Problem": {
                    "type": "object",
                    "required": ["error"],
                    "properties": {"error": {"type": ["string", "integer"]}, "message": {"type": ["string", "null"]}},
                },
                "Invalid": {
                    "type": "object",
                    "required": ["error", "fields"],
                    "properties": {
                        "error": {"const": "invalid"},
                        "message": {"type": "string"},
                        "fields": {"type": "object", "additionalProperties": {"type": "array", "items": {"type": "string"}}},
                    },
                },
                "Acknowledgement": {
                    "type": "object",
                    "required": ["uuid", "id", "project_id"],
                    "properties": {
                        "uuid": UUID,
                        "id": {"type": "integer"},
                        "project_id": {"type": "integer"},
                        "receipt_code": {"type": "string", "pattern": "^[A-Z0-9]{4}-[A-Z0-9]{4}$"},
                    },
                    "additionalProperties": False,
                },
                "Gps": {
                    "type": "object",
                    "properties": {
                        "lat": {"type": ["number", "string"]},
                        "lon": {"type": ["number", "string"]},
                        "accuracy": {"type": ["number", "string", "null"]},
                    },
                },
                "InterviewPayload": {
                    "type": "object",
                    "required": ["project_id", "round_id", "guide_version_id", "consent", "started_at", "ended_at"],
                    "properties": {
                        "client_version": {"type": "integer", "const": PAYLOAD_VERSION},
                        "uuid": UUID,
                        "project_id": ID,
                        "round_id": ID,
                        "guide_version_id": ID,
                        "consent": {"const": True},
                        "started_at": MOMENT,
                        "ended_at": MOMENT,
                        "area_id": NULLABLE_ID,
                        "street": _text(MAX_STREET, nullable=True),
                        "gps": {"oneOf": [_ref("Gps"), {"type": "null"}]},
                        "respondent_type": {"enum": [t.value for t in RespondentType] + [None, ""]},
                        "mode": {"enum": ["talk", "self", "paper"], "description": "How it was taken (default talk)."},
                        "age_band": {"enum": [a.value for a in AgeBand] + [None, ""]},
                        "answers": {"type": "object", "description": "Per question key; types as the question asks"},
                        "tags": {"type": "array", "items": UUID, "description": "Codebook code UUIDs"},
                        "reflection": {
                            "type": ["object", "null"],
                            "properties": {
                                "surprised": _text(nullable=True),
                                "resident_words": _text(nullable=True),
                                "listening_level": {"enum": [level.value for level in ListeningLevel] + [None, ""]},
                            },
                        },
                        "contact": {
                            "type": ["object", "null"],
                            "properties": {
                                k: _text(limit, nullable=True)
                                for k, limit in (("name", 120), ("email", 254), ("phone", 40), ("note", 2000))
                            },
                        },
                        "receipt_code": {
                            "type": ["string", "null"],
                            "pattern": f"^$|^[{RECEIPT_ALPHABET}]{{4}}-[{RECEIPT_ALPHABET}]{{4}}$",
                            "description": "The code shown to the resident on the device",
                        },
                    },
                },
                "ContributionPayload": {
                    "type": "object",
                    "required": ["project_id", "round_id", "recorded_at", "text"],
                    "properties": {
                        "client_version": {"type": "integer", "const": PAYLOAD_VERSION},
                        "uuid": UUID,
                        "project_id": ID,
                        "round_id": ID,
                        "recorded_at": MOMENT,
                        "text": {**_text(MAX_LONG_TEXT), "minLength": 1},
                        "area_id": NULLABLE_ID,
                        "street": _text(MAX_STREET, nullable=True),
                        "tags": {"type": "array", "items": UUID},
                        "receipt_code": {"type": ["string", "null"], "pattern": f"^$|{RECEIPT}"},
                        "photos": {
                            "type": ["array", "string", "null"],
                            "items": {"type": "string"},
                            "description": f"The UUIDs the device gave this contribution's photos (at most {PHOTOS_MOST}; a list, or one "
                            "text with spaces between); each file follows in PUT /photos/{uuid}",
                        },
                        "gps": {"oneOf": [_ref("Gps"), {"type": "null"}], "description": "An observation's point (a walk)"},
                        "element_id": {**NULLABLE_ID, "description": "An observation's public-space element (of the project)"},
                        "quality": {
                            "type": ["string", "null"],
                            "description": f"An observation's perceived quality (CROW): one of {', '.join(QUALITY_LEVELS)}",
                        },
                    },
                },
                "RoutePayload": {
                    "type": "object",
                    "required": ["project_id", "round_id", "started_at", "ended_at", "points"],
                    "description": "A stretch of a walk's route, between starting (or resuming) and pausing",
                    "properties": {
                        "client_version": {"type": "integer", "const": PAYLOAD_VERSION},
                        "uuid": UUID,
                        "project_id": ID,
                        "round_id": ID,
                        "started_at": MOMENT,
                        "ended_at": MOMENT,
                        "points": {
                            "type": "array",
                            "minItems": 1,
                            "maxItems": MAX_ROUTE_POINTS,
                            "items": {
                                "type": "array",
                                "description": "[latitude, longitude, accuracy in metres or null, time in ms since 1970]",
                                "prefixItems": [
                                    {"type": "number", "minimum": -90, "maximum": 90},
                                    {"type": "number", "minimum": -180, "maximum": 180},
                                    {"type": ["number", "null"], "minimum": 0, "maximum": 1e9},
                                    {"type": "integer", "minimum": 946684800000, "maximum": 4102444800000},
                                ],
                                "minItems": 4,
                                "maxItems": 4,
                            },
                        },
                    },
                },
                "PhotoAcknowledgement": {
                    "type": "object",
                    "required": ["uuid", "id", "width", "height"],
                    "properties": {
                        "uuid": UUID,
                        "id": {"type": "integer"},
                        "width": {"type": "integer"},
                        "height": {"type": "integer"},
                    },
                },
                "BatchRequest": {
                    "type": "object",
                    "required": ["items"],
                    "properties": {
                        "items": {
                            "type": "array",
                            "minItems": 1,
                            "maxItems": MAX_BATCH,
                            "items": {
                                "description": "{kind: interview | contribution | route, uuid, payload}. Each item is checked on its own: "
                                "a malformed one gets its own 422 in the results, and the others are stored.",
                            },
                        }
                    },
                },
                "BatchResponse": {
                    "type": "object",
                    "required": ["results"],
                    "properties": {
                        "results": {
                            "type": "array",
                            "items": {
                                "type": "object",
                                "required": ["uuid", "status", "body"],
                                "properties": {
                                    "uuid": {"type": ["string", "null"]},
                                    "status": {"enum": [200, 201, 403, 404, 409, 410, 422]},
                                    "body": {"anyOf": [_ref("Acknowledgement"), _ref("Problem"), _ref("Invalid")]},
                                },
                            },
                        }
                    },
                },
                "Bundle": {
                    "type": "object",
                    "required": ["payload_version", "user", "projects", "pages", "etag"],
                    "properties": {
                        "payload_version": {"type": "integer"},
                        "pages": {"type": "array", "items": {"type": "string"}, "description": "Pages to keep for offline use"},
                        "etag": {"type": "string"},
                        "checks": {
                            "type": "object",
                            "required": ["messages", "patterns", "limits"],
                            "description": "How the server checks a recorded interview (messages in the user's language, patterns, "
                            "limits); with each guide version's questions, a device checks an interview before it is sent",
                        },
                        "user": {"type": "object", "required": ["id", "name"]},
                        "projects": {
                            "type": "array",
                            "items": {
                                "type": "object",
                                "required": ["id", "name", "resident_text", "areas", "codes", "rounds", "guide_versions"],
                            },
                        },
                    },
                },
                "Me": {
                    "type": "object",
                    "required": ["id", "email", "name", "language"],
                    "properties": {
                        "id": {"type": "integer"},
                        "email": {"type": "string"},
                        "name": {"type": "string"},
                        "language": {"enum": ["nl", "en"]},
                    },
                    "additionalProperties": False,
                },
                "Project": {
                    "type": "object",
                    "required": ["id", "name", "purpose", "starts_on", "ends_on", "archived"],
                    "properties": {
                        "id": {"type": "integer"},
                        "name": {"type": "string"},
                        "purpose": {"type": "string"},
                        "starts_on": {"type": ["string", "null"], "format": "date"},
                        "ends_on": {"type": ["string", "null"], "format": "date"},
                        "archived": {"type": "boolean"},
                        "role": {"enum": ["coordinator", "interviewer", "viewer"], "description": "Only in the list: your role"},
                    },
                    "additionalProperties": False,
                },
                "Projects": {
                    "type": "object",
                    "required": ["projects"],
                    "properties": {"projects": {"type": "array", "items": _ref("Project")}},
                },
                "Csrf": {
                    "type": "object",
                    "required": ["csrf_token", "user_id"],
                    "properties": {"csrf_token": {"type": "string"}, "user_id": {"type": "integer"}},
                },
            },
        },
        "paths": {
            "/me": _get("Who the session or token belongs to", "Me", "The user"),
            "/projects": _get("The projects you are a member of, with your role", "Projects", "Your projects"),
            "/projects/{project_id}": _get(
                "One of your projects",
                "Project",
                "The project",
                parameters=[PROJECT_ID],
                responses={"404": _json(_ref("Problem"), "No such project, or not yours")},
            ),
            "/openapi.json": {
                "get": {
                    "summary": "This document",
                    "security": [{}],
                    "responses": {"200": {"description": "OpenAPI 3.1", "content": {"application/json": {"schema": {"type": "object"}}}}},
                }
            },
            "/interviews/{interview_uuid}": _put("interview", "InterviewPayload"),
            "/contributions/{contribution_uuid}": _put("contribution", "ContributionPayload"),
            "/photos/{photo_uuid}": {
                "put": {
                    "summary": "The file of a photo its record named (after the record was stored): idempotent per UUID",
                    "description": "The body is the image itself (JPEG, PNG or WebP, told by its first bytes). It is kept re-encoded "
                    "without metadata, scaled to the longest side allowed, with a thumbnail. A failed upload keeps nothing: send it again.",
                    "security": [{"session": [], "csrf": []}, {"bearer": []}],
                    "parameters": [{"name": "photo_uuid", "in": "path", "required": True, "schema": UUID}],
                    "requestBody": {
                        "required": True,
                        "content": {
                            "image/jpeg": {"schema": {"type": "string", "contentMediaType": "image/jpeg"}},
                            "image/png": {"schema": {"type": "string", "contentMediaType": "image/png"}},
                            "image/webp": {"schema": {"type": "string", "contentMediaType": "image/webp"}},
                        },
                    },
                    "responses": {
                        "201": _json(_ref("PhotoAcknowledgement"), "Kept"),
                        "200": _json(_ref("PhotoAcknowledgement"), "Already kept with the same bytes"),
                        "400": _json(_ref("Problem"), "Empty, or the body ended before its length (a dropped connection)"),
                        "401": PROBLEMS["401"],
                        "404": _json(_ref("Problem"), "No stored record of yours names this photo"),
                        "409": _json(_ref("Problem"), "Other bytes are already kept under this UUID"),
                        "413": _json(_ref("Problem"), "The file is too large"),
                        "415": _json(_ref("Problem"), "Not a JPEG, PNG or WebP image (by its content)"),
                        "422": _json(_ref("Problem"), "Damaged, or too many pixels"),
                    },
                }
            },
            "/batch": {
                "post": {
                    "summary": "Store several records; each gets its own result",
                    "security": [{"session": [], "csrf": []}, {"bearer": []}],
                    "requestBody": {"required": True, "content": {"application/json": {"schema": _ref("BatchRequest")}}},
                    "responses": {"200": _json(_ref("BatchResponse"), "A result per item, in order"), **PROBLEMS},
                }
            },
            "/bundle": _get("Everything needed to record offline", "Bundle", "The offline bundle"),
            "/projects/{project_id}/export.{format}": {
                "get": {
                    "summary": "The project's export, pseudonymised, with the dashboards' filters: for Excel or Power BI to refresh from",
                    "security": [{"bearer": []}, {"session": []}],
                    "parameters": [
                        PROJECT_ID,
                        {
                            "name": "format",
                            "in": "path",
                            "required": True,
                            "schema": {"enum": ["xlsx", "csv", "geojson", "qdc", "photos"]},
                            "description": "csv: a zip with one CSV per sheet",
                        },
                        *(
                            {"name": name, "in": "query", "required": False, "schema": _text(200)}
                            for name in ("round", "from", "to", "area", "respondent", "age", "question", "version", "level", "delimiter")
                        ),
                    ],
                    "responses": {
                        "200": {
                            "description": "The file",
                            "content": {
                                mimetype: {"schema": {"type": "string", "contentMediaType": mimetype}} for mimetype in EXPORT_TYPES
                            },
                        },
                        "400": PROBLEMS["400"],
                        "401": PROBLEMS["401"],
                        "403": _json(_ref("Problem"), "Not allowed to read the project's input"),
                        "404": _json(_ref("Problem"), "No such project, or not yours"),
                        "422": _json(_ref("Problem"), "Unknown format or option"),
                    },
                }
            },
            "/csrf": _get("A fresh CSRF token for the session (a Bearer token needs none, but may ask)", "Csrf", "Token"),
        },
    }

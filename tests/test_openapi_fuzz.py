"""Schemathesis against /api/v1/openapi.json: requests generated from the document, valid and invalid
by it, at every operation (bounded: ``FUZZ_EXAMPLES`` × 4 per operation and mode). No 5xx; every
answer has a documented status and matches its documented schema; what the document refuses, the
API refuses (negative data is rejected); what it allows, the API takes (positive data accepted)."""

from __future__ import annotations

import os

import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.specs.openapi.checks import ignored_auth

from .urlmap import world  # noqa: F401 (fixture)

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "6")) * 4
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=not os.environ.get("FUZZ_RANDOM"),
    database=None,
    suppress_health_check=list(HealthCheck),
)


def bearer_for(app, user_id: int) -> str:
    from app.auth import services
    from app.extensions import db
    from app.models import User

    with app.app_context():
        _token, plain = services.create_token(db.session.get(User, user_id), "schemathesis")
        db.session.commit()
    return plain


# A record that fits the document may still be refused for what no static document can say: a round
# of another project, a guide version that is not the round's, answers to that guide's questions, a
# time on the device clock that is ahead, a code that is not in the project's codebook (422), or
# a record that was erased (410). The document is as strict as a schema can be (types, ranges,
# lengths, patterns, storable text); this names the statuses that remain for valid-looking records.
CONFIG = """
[[operations]]
include-path-regex = "^/(interviews|contributions|photos)/|^/batch$"
checks.positive_data_acceptance.expected-statuses = ["2xx", "401", "403", "404", "409", "410", "422"]
"""


def test_the_api_keeps_to_its_openapi_document(app, world):
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app, config=schemathesis.Config.from_str(CONFIG))
    headers = {"Authorization": f"Bearer {bearer_for(app, world.interviewer_a.id)}"}
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 9
    failures = []
    for operation in operations:
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):

            @FUZZ
            @given(operation.as_strategy(generation_mode=mode))
            def run(case) -> None:
                # ignored_auth: the valid token passed here would stand in for the auth it tries to leave out;
                # access without credentials is tested route by route in tests/test_access.py.
                case.call_and_validate(headers=headers, excluded_checks=[ignored_auth])

            try:
                run()
            except BaseException as error:  # all listed, then the test fails (groups included)
                if isinstance(error, KeyboardInterrupt):
                    raise
                failures.append(f"{operation.label} ({mode.value}): {str(error)[:1500]}")
    assert not failures, "\n\n".join(failures)

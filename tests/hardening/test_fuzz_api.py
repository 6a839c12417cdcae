"""A property-based fuzz of the editor API from its own OpenAPI document (schemathesis), with an
editor and an admin token, on SQLite and PostgreSQL: no 5xx, and every answer as documented
(status code, content type, headers, body schema); input the schema forbids is refused.

Bounded for CI: a fixed number of examples per operation and generation mode (valid and
invalid data), derandomized, so a run is repeatable and takes well under a minute per engine.
Every operation runs even after another failed: the report lists all of them.
"""

from __future__ import annotations

import logging

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import FailureGroup
from schemathesis.generation.modes import GenerationMode
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from syndicate.storage import db
from tests.conftest import _token
from tests.support.factories import article_payload, make_sections

EXAMPLES = 5
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    negative_data_rejection,
]
BOUNDED = settings(
    max_examples=EXAMPLES,
    derandomize=True,
    deadline=None,
    database=None,
    # A failure is reported as found: shrinking it would blow the time budget.
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)


def _newsroom(app) -> None:
    client = app.test_client()
    admin = {"Authorization": f"Bearer {_token(app, 'admin')}"}
    make_sections(client, admin)
    client.post("/api/v1/articles", json=article_payload(status="published"), headers=admin)
    client.post("/api/v1/articles", json=article_payload(id="a-draft"), headers=admin)
    term = {"source_language": "en", "target_language": "zh", "source_term": "YRD"}
    client.post("/api/v1/glossary", json=term, headers=admin)


def _negatable(operation) -> bool:
    """Whether invalid data exists for it: a body, a query, or a path parameter that is not any
    string (only the token header and free-form ids otherwise)."""
    typed_path = any(
        p.definition.get("schema", {}).get("type") != "string" for p in operation.path_parameters
    )
    return bool(len(operation.body) or len(operation.query) or typed_path)


def _fuzz(operation, mode: GenerationMode, headers: dict[str, str]) -> str | None:
    # The token is part of the case, so invalid data never means "no credentials" (a 401).
    @BOUNDED
    @given(case=operation.as_strategy(generation_mode=mode, headers=headers))
    def run(case):
        case.call_and_validate(checks=CHECKS)

    try:
        run()
    except (Exception, FailureGroup) as exc:  # keep going: the report lists every operation
        return f"{operation.label} ({mode.value}, {headers['X-Role']}): {exc}"
    return None


@pytest.mark.slow
def test_the_api_answers_as_documented(app, caplog):
    _newsroom(app)
    tokens = [
        {"Authorization": f"Bearer {_token(app, role)}", "X-Role": role}
        for role in ("editor", "admin")
    ]
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    failures = []
    operations = 0
    for result in schema.get_all_operations():
        operation = result.ok()
        operations += 1
        modes = [GenerationMode.POSITIVE]
        if _negatable(operation):
            modes.append(GenerationMode.NEGATIVE)
        for mode in modes:
            for headers in tokens:
                failure = _fuzz(operation, mode, headers)
                if failure:
                    failures.append(failure)
    db.database(app).dispose()
    assert operations >= 20
    assert not failures, "\n\n".join(failures)
    tracebacks = [r for r in caplog.records if r.exc_info and r.levelno >= logging.ERROR]
    assert not tracebacks, [r.getMessage() for r in tracebacks]

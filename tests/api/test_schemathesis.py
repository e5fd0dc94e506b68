"""Schemathesis against /api/openapi.json: generated requests for every operation, checking
no server error, documented status codes and content types, and bodies that match the schema.

Bounded: a few examples per operation, no shrinking phase beyond what a failure needs, so
the whole file runs in well under two minutes (measured ~20 s on the 2-core VM). Writes are
exercised both without a token (401s must match the schema too) and with an admin token.
"""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (content_type_conformance,
                                               response_schema_conformance,
                                               status_code_conformance)

from rostra.review.domain import publishing

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance,
          response_schema_conformance]
BOUNDED = settings(max_examples=6, deadline=None, database=None, derandomize=True,
                   phases=[Phase.explicit, Phase.generate],
                   suppress_health_check=list(HealthCheck))


@pytest.fixture
def api_schema(db, speech, admin_ada, settings, data_dir):
    from django.core.signals import request_finished, request_started
    from django.core.wsgi import get_wsgi_application
    from django.db import close_old_connections

    settings.ROSTRA_API_RATE_LIMIT = 100_000
    publishing.publish(speech, user=admin_ada, languages=["fa", "en"], allow_machine=True)
    # As Django's test client does: a request must not close the test's connection (on
    # PostgreSQL that would drop the test transaction).
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield schemathesis.openapi.from_wsgi("/api/openapi.json", get_wsgi_application())
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


schema = schemathesis.pytest.from_fixture("api_schema")


@pytest.mark.slow
@pytest.mark.django_db
@schema.parametrize()
@BOUNDED
def test_api_conforms_to_its_schema_anonymous(case):
    case.call_and_validate(checks=CHECKS)


@pytest.mark.slow
@pytest.mark.django_db
@schema.parametrize()
@BOUNDED
def test_api_conforms_to_its_schema_with_token(case, tokens):
    case.call_and_validate(checks=CHECKS,
                           headers={"Authorization": f"Bearer {tokens['admin']}"})

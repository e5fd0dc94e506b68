"""Stateful schemathesis: sequences of requests that follow the schema's links (rostra.api.links)
with an admin token — list speeches, open one, read its transcript, edit its segments, publish
it; add a glossary term to an event, then delete it — checking every answer as the one-request
tests do, plus the stateful checks (a deleted resource is gone, a created one is there).

Bounded for CI: a fixed number of scenarios and steps (well under a minute here). The number of
requests sent is printed (``-s`` shows it) and recorded in the notes.
"""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, settings
from hypothesis.stateful import run_state_machine_as_test
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (content_type_conformance,
                                               ensure_resource_availability,
                                               response_schema_conformance,
                                               status_code_conformance, use_after_free)

from rostra.api.links import LINKS
from tests.api.test_schemathesis import api_schema  # noqa: F401 (the fixture)

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance,
          response_schema_conformance, use_after_free, ensure_resource_availability]
SCENARIOS = 40
STEPS = 8


@pytest.mark.slow
@pytest.mark.django_db
def test_linked_sequences_with_a_token_find_no_failure(api_schema, tokens, glossary_event):
    headers = {"Authorization": f"Bearer {tokens['admin']}"}
    calls: list[str] = []
    links = sum(len(response.get("links", {}))
                for path in api_schema.raw_schema["paths"].values()
                for operation in path.values() for response in operation["responses"].values())
    assert links >= 40  # the schema carries its links (none before rostra.api.links)

    class AdminSequences(api_schema.as_state_machine()):
        def before_call(self, case):
            # The token replaces any Authorization header generated for the case.
            case.headers = {**(case.headers or {}), **headers}

        def after_call(self, response, case):
            calls.append(f"{case.method} {case.path} {response.status_code}")

        def validate_response(self, response, case, additional_checks=None, **kwargs):
            case.validate_response(response, checks=CHECKS, headers=headers,
                                   transport_kwargs=kwargs)

    run_state_machine_as_test(AdminSequences, settings=settings(
        max_examples=SCENARIOS, stateful_step_count=STEPS, deadline=None, database=None,
        derandomize=True, phases=[Phase.generate], suppress_health_check=list(HealthCheck)))
    followed = [call for call in calls if " 2" in call]
    print(f"\nstateful schemathesis: {len(calls)} requests in {SCENARIOS} scenarios, "
          f"{len(followed)} answered 2xx")
    assert len(calls) >= SCENARIOS
    # The machine's steps follow the schema's links (their names carry the link's name).

    names = {name for links in LINKS.values() for name in links}
    linked_steps = [step for step in dir(AdminSequences)
                    if any(f"_{name}__" in step for name in names)]
    assert len(linked_steps) >= 40


@pytest.fixture
def glossary_event(speech):
    """The speech's event, so the glossary links have an event to start from."""
    return speech.event

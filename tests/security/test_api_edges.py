"""What a token holder can send that the schema must refuse with a 4xx, never a 500 or a 202."""

from __future__ import annotations

import json

import pytest

from tests.api.conftest import (admin_ada, bearer, editor_all, editor_ar, editor_fa,  # noqa: F401
                                event, fast_password_hashing, fresh_rate_limit, moderator_mona,
                                private_data_dir, role_users, speech, tokens)

pytestmark = pytest.mark.django_db


def post_json(client, path, body, token):
    return client.post(path, body, content_type="application/json", **bearer(token))


def test_unknown_stage_is_refused_before_anything_is_queued(client, speech, tokens):
    client.raise_request_exception = False
    response = post_json(client, f"/api/speeches/{speech.slug}/process",
                         json.dumps({"stages": ["bogus"]}), tokens["admin"])
    assert response.status_code == 422
    assert response.json()["error"]["field"].startswith("stages")


def test_the_schema_lists_the_stages_it_accepts(client):
    schema = client.get("/api/openapi.json").json()
    process_in = schema["components"]["schemas"]["ProcessIn"]["properties"]["stages"]
    items = next(option for option in process_in["anyOf"] if option.get("type") == "array")
    assert "asr" in items["items"]["enum"] and "translate" in items["items"]["enum"]


@pytest.mark.parametrize("body", ["1e150", "[]", '"asr"', "null", "true"])
def test_a_body_that_is_not_an_object_is_refused(client, speech, tokens, body):
    client.raise_request_exception = False
    response = post_json(client, f"/api/speeches/{speech.slug}/process", body, tokens["admin"])
    assert response.status_code in (400, 422), response.content
    assert "error" in response.json()


def test_multipart_without_a_boundary_is_a_400(client, speech, tokens):
    client.raise_request_exception = False
    response = client.post(f"/api/speeches/{speech.slug}/media", b"--x\r\n\r\nabc",
                           content_type="multipart/form-data", **bearer(tokens["admin"]))
    assert response.status_code == 400, response.content
    assert "boundary" in response.json()["error"]["message"]


def test_json_text_with_nul_is_refused(client, speech, tokens):
    client.raise_request_exception = False
    response = client.patch(f"/api/speeches/{speech.slug}",
                            json.dumps({"title": {"en": "Water\u0000 in cities"}}),
                            content_type="application/json", **bearer(tokens["admin"]))
    assert response.status_code in (400, 422), response.content

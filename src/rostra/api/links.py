"""OpenAPI links: which answer leads to which next request.

A client (or a stateful test such as schemathesis's) reads from a list of speeches the slug of
one speech, from a speech its transcripts, from a new glossary term its id. django-ninja does
not write ``links`` itself, so they are added to the generated schema here, by operation id,
with OpenAPI runtime expressions (``$response.body#/items/0/slug``).
"""

from __future__ import annotations

# (from operation, status code) → {link name: (to operation, {parameter: expression}
#                                              [, {body field: expression}])}
_SPEECH = "$response.body#/slug"
_FIRST_TRANSCRIPT = {"slug": _SPEECH, "language": "$response.body#/transcripts/0/language"}
_TRANSCRIPT_ID = {"transcript_id": "$response.body#/id"}
_ON_A_SPEECH = {
    "GetSpeech": ("rostra_api_public_get_speech", {"slug": _SPEECH}),
    "UpdateSpeech": ("rostra_api_writes_update_speech", {"slug": _SPEECH}),
    "ProcessSpeech": ("rostra_api_writes_process", {"slug": _SPEECH}),
    "PublishSpeech": ("rostra_api_writes_publish", {"slug": _SPEECH}),
    "UnpublishSpeech": ("rostra_api_writes_unpublish", {"slug": _SPEECH}),
    "WithdrawSpeech": ("rostra_api_writes_withdraw", {"slug": _SPEECH}),
    "UploadMedia": ("rostra_api_writes_upload_media", {"slug": _SPEECH}),
    "GetTranscript": ("rostra_api_public_get_transcript", _FIRST_TRANSCRIPT),
    "GetSubtitles": ("rostra_api_public_get_subtitles", _FIRST_TRANSCRIPT),
    "ApproveLanguage": ("rostra_api_writes_approve", _FIRST_TRANSCRIPT),
}
_ON_A_TRANSCRIPT = {
    "EditSegments": ("rostra_api_writes_edit_segments", _TRANSCRIPT_ID),
    "SplitSegment": ("rostra_api_writes_split_segment", _TRANSCRIPT_ID),
    "MergeSegments": ("rostra_api_writes_merge_segments", _TRANSCRIPT_ID),
}
_ON_AN_EVENT = {
    # A new speech needs an existing event: the link fills the body's "event".
    "CreateSpeechInEvent": ("rostra_api_writes_create_speech", {}, {"event": _SPEECH}),
    "ListGlossary": ("rostra_api_glossary_list_glossary", {"slug": _SPEECH}),
    "AddGlossaryTerm": ("rostra_api_glossary_add_glossary_term", {"slug": _SPEECH}),
    "ListSpeechesOfEvent": ("rostra_api_public_list_speeches", {"event": _SPEECH}),
}

LINKS: dict[tuple[str, int], dict[str, tuple]] = {
    ("rostra_api_public_list_speeches", 200): {
        "GetSpeech": ("rostra_api_public_get_speech",
                      {"slug": "$response.body#/items/0/slug"})},
    ("rostra_api_public_list_events", 200): {
        "GetEvent": ("rostra_api_public_get_event", {"slug": "$response.body#/items/0/slug"}),
        "CreateSpeechInEvent": ("rostra_api_writes_create_speech", {},
                                {"event": "$response.body#/items/0/slug"})},
    ("rostra_api_public_get_event", 200): _ON_AN_EVENT,
    ("rostra_api_public_get_speech", 200): _ON_A_SPEECH,
    ("rostra_api_writes_create_speech", 201): _ON_A_SPEECH,
    ("rostra_api_writes_update_speech", 200): _ON_A_SPEECH,
    ("rostra_api_public_get_transcript", 200): _ON_A_TRANSCRIPT,
    ("rostra_api_writes_upload_transcript", 201): _ON_A_TRANSCRIPT,
    ("rostra_api_writes_edit_segments", 200): _ON_A_TRANSCRIPT,
    ("rostra_api_glossary_add_glossary_term", 201): {
        "DeleteGlossaryTerm": ("rostra_api_glossary_delete_glossary_term",
                               {"slug": "$request.path.slug", "term_id": "$response.body#/id"}),
        "ListGlossary": ("rostra_api_glossary_list_glossary", {"slug": "$request.path.slug"})},
    ("rostra_api_writes_list_comments", 200): {
        "ModerateComment": ("rostra_api_writes_moderate",
                            {"comment_id": "$response.body#/items/0/id"})},
}


def add_links(schema: dict) -> dict:
    """``schema`` (django-ninja's OpenAPI document) with LINKS on its responses. An operation
    id that no longer exists is a bug in this table: KeyError."""
    operations = {operation["operationId"]: operation
                  for path in schema["paths"].values() for operation in path.values()}
    for (source, status), links in LINKS.items():
        response = operations[source]["responses"][status]
        response["links"] = {}
        for name, (target, parameters, *body) in links.items():
            operations[target]  # noqa: B018 (fails on a renamed operation)
            link = {"operationId": target}
            if parameters:
                link["parameters"] = dict(parameters)
            if body:
                link["requestBody"] = dict(body[0])
            response["links"][name] = link
    return schema

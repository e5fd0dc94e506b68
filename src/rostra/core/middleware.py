"""The request edge: refuse what no page, API call or feed can use before any view sees it."""

from __future__ import annotations

from django.http import HttpResponseBadRequest

from rostra.core.params import has_control_characters


def refuse_control_characters(get_response):
    """A NUL (or another control character) in the path, a query parameter or a form field is
    answered 400 here, once for every URL: PostgreSQL refuses NUL in text, and no slug, number
    or filter legitimately holds one."""

    def middleware(request):
        problem = _hostile_part(request)
        if problem:
            message = f"{problem} holds a control character (such as NUL); remove it and retry"
            if request.path.startswith("/api/"):
                from rostra.api.errors import error_response

                return error_response(400, message)
            return HttpResponseBadRequest(message + "\n", content_type="text/plain; charset=utf-8")
        return get_response(request)

    return middleware


def _hostile_part(request) -> str:
    if has_control_characters(request.path):
        return "the address"
    for name, values in request.GET.lists():
        if has_control_characters(name) or any(has_control_characters(v) for v in values):
            return f"the parameter {name[:40]!r}"
    if request.method == "POST" and request.content_type == "application/x-www-form-urlencoded":
        for name, values in request.POST.lists():
            if has_control_characters(name) or any(has_control_characters(v) for v in values):
                return f"the form field {name[:40]!r}"
    if request.method in ("POST", "PUT", "PATCH"):
        return _hostile_json(request)
    return ""


def _json_strings(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield key
            yield from _json_strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _json_strings(item)


def _hostile_json(request) -> str:
    """A JSON body's strings (keys too) with a control character: named for the 400."""
    import json

    if request.content_type != "application/json" or not request.body:
        return ""
    try:
        document = json.loads(request.body)
    except ValueError:
        return ""  # the API answers malformed JSON itself, with its own message
    if any(has_control_characters(text) for text in _json_strings(document)):
        return "a text in the JSON body"
    return ""

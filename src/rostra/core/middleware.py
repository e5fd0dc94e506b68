"""The request edge: refuse what no page, API call or feed can use before any view sees it."""

from __future__ import annotations

from django.http import HttpResponseBadRequest
from django.http.multipartparser import MultiPartParserError
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from rostra.core.params import CONTROL, has_control_characters


# Text fields of an upload form (multipart) are read here too: Django parses the body once and
# the view gets the parsed copy, so this costs no second read of the file.
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def refuse_control_characters(get_response):
    """A NUL (or another control character) in the path, a query parameter or a form field is
    answered 400 here, once for every URL: PostgreSQL refuses NUL in text, and no slug, number
    or filter legitimately holds one."""

    def middleware(request):
        problem = _hostile_part(request)
        if problem:
            kind, name = problem
            if request.path.startswith("/api/"):
                from rostra.api.errors import error_response

                return error_response(400, _api_message(kind, name),
                                      field="file" if kind == "multipart" else None)
            # Before LocaleMiddleware: the reader's language from the address or the browser.
            with translation.override(translation.get_language_from_request(
                    request, check_path=True)):
                message = str(_page_message(kind, name))
            return HttpResponseBadRequest(message + "\n", content_type="text/plain; charset=utf-8")
        return get_response(request)

    return middleware


def _api_message(kind: str, name: str) -> str:
    if kind == "multipart":
        from rostra.api.errors import BAD_MULTIPART

        return BAD_MULTIPART
    where = {"address": "the address", "parameter": f"the parameter {name!r}",
             "field": f"the form field {name!r}", "json": "a text in the JSON body"}[kind]
    return f"{where} holds a control character (such as NUL); remove it and retry"


def _page_message(kind: str, name: str):
    if kind == "multipart":
        return _("The uploaded form cannot be read (it was cut off or badly formed); reload "
                 "the page and send it again.")
    if kind == "parameter":
        return _("The parameter “%(name)s” holds a control character (such as NUL); remove it "
                 "and try again.") % {"name": name}
    if kind == "field":
        return _("The form field “%(name)s” holds a control character (such as NUL); remove "
                 "it and try again.") % {"name": name}
    return _("The address holds a control character (such as NUL); remove it and try again.")


def _hostile_part(request) -> tuple[str, str] | None:
    """(kind, name) of the first part holding a control character, or None."""
    if has_control_characters(request.path):
        return "address", ""
    for name, values in request.GET.lists():
        if has_control_characters(name) or any(has_control_characters(v) for v in values):
            return "parameter", _printable(name)
    if request.method == "POST" and request.content_type in FORM_TYPES:
        try:
            fields = request.POST.lists()
        except MultiPartParserError:
            return "multipart", ""
        for name, values in fields:
            if has_control_characters(name) or any(has_control_characters(v) for v in values):
                return "field", _printable(name)
    if request.method in ("POST", "PUT", "PATCH") and _hostile_json(request):
        return "json", ""
    return None


def _printable(name: str) -> str:
    """A parameter's name as the answer may show it: bounded, its controls made visible."""
    return CONTROL.sub("\ufffd", name[:40])


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


def _hostile_json(request) -> bool:
    """Whether a JSON body's strings (keys too) hold a control character."""
    import json

    if request.content_type != "application/json" or not request.body:
        return False
    try:
        document = json.loads(request.body)
    except ValueError:
        return False  # the API answers malformed JSON itself, with its own message
    return any(has_control_characters(text) for text in _json_strings(document))

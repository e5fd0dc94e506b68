"""One error body for every 4xx and 5xx the API answers:
``{"error": {"code": "...", "message": "...", "field": "..."}}`` (field only when one input
is to blame)."""

from __future__ import annotations

import logging

from django.http import JsonResponse
from ninja import Schema

logger = logging.getLogger("rostra.api")

CODES = {400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found",
         405: "method_not_allowed", 409: "conflict", 413: "too_large", 422: "invalid",
         429: "rate_limited", 500: "server_error", 503: "unavailable"}


# The error statuses every operation documents (one body shape for all of them).
API_ERROR_CODES = frozenset({400, 401, 403, 404, 409, 413, 422, 429})


class ErrorDetail(Schema):
    code: str
    message: str
    field: str | None = None


class ErrorOut(Schema):
    error: ErrorDetail


def error_body(status: int, message: str, *, code: str | None = None,
               field: str | None = None) -> dict:
    detail = {"code": code or CODES.get(status, "error"), "message": message}
    if field:
        detail["field"] = field
    return {"error": detail}


def error_response(status: int, message: str, *, code: str | None = None,
                   field: str | None = None, headers: dict | None = None) -> JsonResponse:
    response = JsonResponse(error_body(status, message, code=code, field=field), status=status,
                            json_dumps_params={"ensure_ascii": False})
    for name, value in (headers or {}).items():
        response[name] = value
    return response


def validation_message(errors: list[dict]) -> tuple[str, str | None]:
    """The first pydantic/ninja validation error as one line, and the input it names."""
    if not errors:
        return "the request is not valid", None
    first = errors[0]
    location = [str(part) for part in first.get("loc", ()) if part not in ("body", "payload")]
    field = ".".join(location[1:] if location and location[0] in ("query", "path", "form",
                                                                   "file", "header")
                     else location) or None
    message = first.get("msg", "invalid value")
    where = f"{field}: " if field else ""
    return f"{where}{message}", field


BAD_MULTIPART = ("the multipart body cannot be read (it needs a Content-Type with a boundary, "
                 "and parts that use it); send the file as multipart/form-data")


def install_handlers(api) -> None:
    from django.core.exceptions import PermissionDenied
    from django.http import Http404
    from django.http.multipartparser import MultiPartParserError
    from ninja.errors import AuthenticationError, HttpError, ValidationError

    from rostra.core.errors import UserError
    from rostra.review.domain.editing import EditConflict

    @api.exception_handler(ValidationError)
    def on_validation(request, exc):
        message, field = validation_message(exc.errors)
        return error_response(422, message, field=field)

    @api.exception_handler(AuthenticationError)
    def on_auth(request, exc):
        return error_response(401, "a valid API token is needed: send "
                              "'Authorization: Bearer <token>'",
                              headers={"WWW-Authenticate": "Bearer"})

    @api.exception_handler(PermissionDenied)
    def on_forbidden(request, exc):
        return error_response(403, str(exc) or "your token's user may not do this")

    @api.exception_handler(Http404)
    def on_not_found(request, exc):
        return error_response(404, str(exc) or "not found")

    @api.exception_handler(EditConflict)
    def on_conflict(request, exc):
        return error_response(409, f"the transcript is at revision {exc.current_revision}, "
                              f"your edit started from {exc.base_revision}; fetch it again "
                              "and reapply your change", field="base_revision")

    @api.exception_handler(UserError)
    def on_user_error(request, exc):
        return error_response(400, str(exc))

    @api.exception_handler(MultiPartParserError)
    def on_bad_multipart(request, exc):
        return error_response(400, BAD_MULTIPART, field="file")

    @api.exception_handler(HttpError)
    def on_http_error(request, exc):
        return error_response(exc.status_code, str(exc))

    @api.exception_handler(Exception)
    def on_unexpected(request, exc):
        logger.exception("API error on %s %s", request.method, request.path)
        return error_response(500, "the server failed to answer this request; it was logged")

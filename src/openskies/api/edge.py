"""The edge of the API (pure ASGI): size limit, and text and JSON checks before any route.

Every request body but a sensor data upload is read here, up to the limit, whether it
comes with a Content-Length or chunked: over the limit it gets 413 problem+json. A JSON
body (or one without a content type, which FastAPI reads as JSON) is parsed once here and
checked by ``check_json``; the path and the query string by ``check_text``. Refusals are
422 problem+json naming the field. Uploads (paths ending in ``/data``) stream through.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import parse_qsl

from fastapi import FastAPI
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from openskies.api.validated import check_json, check_text
from openskies.errors import InputError

__all__ = ["PROBLEM", "EdgeGuard", "problem", "problems_for_http_errors"]

PROBLEM = "application/problem+json"


def problem(status: int, title: str, detail: str, **extra: Any) -> JSONResponse:
    """An RFC 9457 problem+json response."""
    body = {"type": "about:blank", "title": title, "status": status, "detail": detail, **extra}
    return JSONResponse(body, status_code=status, media_type=PROBLEM)


class EdgeGuard:
    """Refuse oversized bodies (413) and unsafe text or JSON (422) before the routes."""

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app, self.limit = app, limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        try:
            _check_target(scope)
        except InputError as exc:
            await _invalid(str(exc))(scope, receive, send)
            return
        if scope["path"].endswith("/data") and scope["method"] == "POST":
            await self.app(scope, receive, send)  # an upload: streamed to the store
            return
        headers = dict(scope.get("headers") or [])
        declared = headers.get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > self.limit):
            await self._too_large(scope, receive, send)
            return
        body = bytearray()
        more = True
        while more:
            message = await receive()
            if message["type"] != "http.request":  # the client went away
                return
            body += message.get("body", b"")
            more = message.get("more_body", False)
            if len(body) > self.limit:
                await self._too_large(scope, receive, send)
                return
        if body and _is_json(headers.get(b"content-type")):
            try:
                check_json(_parse(bytes(body)))
            except InputError as exc:
                await _invalid(str(exc))(scope, receive, send)
                return
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": bytes(body), "more_body": False}
            return await receive()

        await self.app(scope, replay, send)

    async def _too_large(self, scope: Scope, receive: Receive, send: Send) -> None:
        response = problem(
            413, "Request too large", f"a request body is at most {self.limit} bytes"
        )
        await response(scope, receive, send)


def _invalid(detail: str) -> JSONResponse:
    field = detail.split(":", 1)[0]
    return problem(422, "Invalid request", detail, errors=[{"field": field, "message": detail}])


def _is_json(content_type: bytes | None) -> bool:
    return content_type is None or b"json" in content_type.lower()


def _parse(body: bytes) -> Any:
    try:
        return json.loads(body)
    except RecursionError:
        raise InputError("body: nested too deep") from None
    except ValueError as exc:  # not JSON, bad UTF-8, an integer of thousands of digits
        raise InputError(f"body: not valid JSON ({exc})") from None


def _check_target(scope: Scope) -> None:
    """The path and every query parameter: safe text, the query string valid UTF-8."""
    check_text(scope["path"], "path")
    raw = scope.get("query_string") or b""
    if not raw:
        return
    try:
        pairs = parse_qsl(raw.decode("ascii"), keep_blank_values=True, errors="strict")
    except (UnicodeDecodeError, ValueError):
        raise InputError("query: not valid percent-encoded UTF-8") from None
    for key, value in pairs:
        check_text(key, "query")
        check_text(value, key)


def problems_for_http_errors(app: FastAPI) -> None:
    """Starlette's own errors (an unknown path: 404, a method not served: 405) as
    problem+json too, keeping their headers (``Allow``)."""

    @app.exception_handler(HTTPException)
    async def http_error(_: Request, exc: HTTPException) -> JSONResponse:
        response = problem(exc.status_code, _TITLES.get(exc.status_code, "Error"), str(exc.detail))
        for key, value in (exc.headers or {}).items():
            response.headers[key] = value
        return response


_TITLES = {404: "Not found", 405: "Method not allowed", 400: "Bad request"}

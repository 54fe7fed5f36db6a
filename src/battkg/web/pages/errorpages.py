"""Errors in a browser: a page in the visitor's language with the same status, error code and
request id as the JSON envelope an API client gets."""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import Response

from ...i18n import N_
from ..errors import ErrorBody
from .context import gettext, render

TITLES = {
    400: N_("The request cannot be answered"),
    401: N_("You are not signed in"),
    403: N_("This is not allowed here"),
    404: N_("Not found"),
    405: N_("This method is not allowed here"),
    406: N_("That format is not available"),
    413: N_("The upload is too large"),
    415: N_("That kind of file is not accepted"),
    422: N_("Something in the address is not right"),
    503: N_("The service is not ready"),
}


def error_page(request: Request, status: int, error: ErrorBody) -> Response:
    """The page for web.errors.set_error_page: same status, code and request id as the envelope."""
    _ = gettext(request)
    details = error.details or {}
    closest = details.get("closest", [])
    return render(
        request,
        "error.html",
        status=status,
        title=_(TITLES.get(status, N_("Something went wrong"))),
        message=error.message,
        fix=error.fix,
        code=error.code,
        status_code=status,
        request_id=error.request_id,
        closest=closest if isinstance(closest, list) else [],
    )

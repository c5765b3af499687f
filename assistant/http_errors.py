"""The one error body the service answers bad requests with, documented on every route that can send it."""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, BeforeValidator
from pydantic_core import PydanticCustomError

SURROGATE = "unicode_surrogate"  # the validation error type the service answers with 400, as it does broken JSON


class ErrorBody(BaseModel):
    """What went wrong, in one line; never the input echoed back, never a traceback."""

    detail: str


_WHY = {
    400: "A request the service cannot answer as asked: an empty or overlong question, malformed JSON or text",
    401: "An API key the service does not know",
    403: "Adding or deleting documents needs an admin API key",
    404: "No such document, passage or conversation (or one the caller may not see)",
    413: "The request body, or the uploaded file, is over the size limit",
    415: "A file type the service does not read",
    422: "A field of the wrong type or out of range, a missing field or an unknown one",
}


def errors(*codes: int) -> dict[int | str, dict[str, Any]]:
    """`responses=` for a route: each status it may answer with, as an ErrorBody."""
    return {code: {"model": ErrorBody, "description": _WHY[code]} for code in codes}


def whole_unicode(value: str) -> bool:
    """False for a str holding half of a surrogate pair, which JSON may escape ("\\ud800") and Python holds, but
    no text SQLite or UTF-8 can."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _whole_unicode(value: str) -> str:
    if not whole_unicode(value):
        raise PydanticCustomError(SURROGATE, "not valid Unicode text (a lone surrogate)")
    return value


Text = Annotated[str, AfterValidator(_whole_unicode)]  # every string a request body carries


_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def _iso_date(value: object) -> object:
    # pydantic's lax date also takes a number, or a numeric string, as a Unix time: "since=-1e-308" was 1970-01-01.
    if isinstance(value, date) or (isinstance(value, str) and _ISO_DATE.fullmatch(value)):
        return value
    raise PydanticCustomError("date_type", "Input should be a date as YYYY-MM-DD")


IsoDate = Annotated[date, BeforeValidator(_iso_date)]  # every date a request carries: as the schema says, no other

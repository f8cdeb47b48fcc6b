"""Read a batch upload's multipart/form-data body, within limits, without touching the disk.

The size is checked before anything is read (Content-Length) and again while reading (a
chunked body), so a 100 MB upload is refused at once: nothing of it is kept, and uvicorn
discards what the client still sends. Parts are kept in memory (a batch is a few MB at most).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from python_multipart.exceptions import MultipartParseError
from python_multipart.multipart import MultipartParser, parse_options_header

if TYPE_CHECKING:
    from python_multipart.multipart import MultipartCallbacks
from starlette.requests import Request

from sevis_tui.service.batch.replies import BatchRefusal
from sevis_tui.service.web import declared_over

MAX_BODY_BYTES = 8 * 1024 * 1024
MAX_PARTS = 8
MAX_FIELD_BYTES = 256


def too_large() -> BatchRefusal:
    return BatchRefusal(
        413,
        "S0001",
        "too_large",
        f"The upload is larger than {MAX_BODY_BYTES // (1024 * 1024)} MiB.",
        "Split the records into several batches, each under the limit.",
    )


@dataclass
class _Part:
    headers: dict[str, str] = field(default_factory=dict)
    data: bytearray = field(default_factory=bytearray)


@dataclass
class Form:
    fields: dict[str, bytes]
    filenames: dict[str, str]


async def read_form(request: Request) -> Form:
    """The parts of the body by name; BatchRefusal when it is too large or not multipart."""
    content_type, options = parse_options_header(request.headers.get("content-type", ""))
    boundary = options.get(b"boundary")
    if content_type != b"multipart/form-data" or not boundary:
        raise BatchRefusal(
            400,
            "S0001",
            "not_multipart",
            "The upload is not multipart/form-data.",
            "Send the parts xml, orgid, batchid and userid as multipart/form-data.",
        )
    if declared_over(request, MAX_BODY_BYTES):
        raise too_large()
    collected = _Parts()
    parser = MultipartParser(boundary, collected.callbacks())
    size = 0
    try:
        async for chunk in request.stream():
            size += len(chunk)
            if size > MAX_BODY_BYTES:
                raise too_large()
            parser.write(chunk)
        parser.finalize()
    except (MultipartParseError, _TooManyParts) as error:
        raise BatchRefusal(
            400,
            "S0001",
            "malformed_form",
            f"The multipart body could not be read ({type(error).__name__}).",
            f"Send at most {MAX_PARTS} parts: xml, orgid, batchid and userid.",
        ) from None
    return _collect(collected.parts)


class _Parts:
    """The parser's callbacks: each part's headers and data, at most MAX_PARTS parts."""

    def __init__(self) -> None:
        self.parts: list[_Part] = []
        self._header_name = bytearray()
        self._header_value = bytearray()

    def callbacks(self) -> MultipartCallbacks:
        return {
            "on_part_begin": self._begin,
            "on_part_data": self._data,
            "on_header_field": self._name,
            "on_header_value": self._value,
            "on_header_end": self._header_end,
        }

    def _begin(self) -> None:
        if len(self.parts) >= MAX_PARTS:
            raise _TooManyParts
        self.parts.append(_Part())

    def _data(self, chunk: bytes, start: int, end: int) -> None:
        self.parts[-1].data += chunk[start:end]

    def _name(self, chunk: bytes, start: int, end: int) -> None:
        self._header_name.extend(chunk[start:end])

    def _value(self, chunk: bytes, start: int, end: int) -> None:
        self._header_value.extend(chunk[start:end])

    def _header_end(self) -> None:
        key = self._header_name.decode("latin-1").lower()
        self.parts[-1].headers[key] = self._header_value.decode("latin-1")
        self._header_name.clear()
        self._header_value.clear()


class _TooManyParts(Exception):
    pass


def _collect(parts: list[_Part]) -> Form:
    fields: dict[str, bytes] = {}
    filenames: dict[str, str] = {}
    for part in parts:
        _kind, options = parse_options_header(part.headers.get("content-disposition", ""))
        name = options.get(b"name", b"").decode("utf-8", "replace")
        if not name or name in fields:
            continue  # the first part of a name counts
        fields[name] = bytes(part.data)
        if b"filename" in options:
            filenames[name] = options[b"filename"].decode("utf-8", "replace")
    return Form(fields, filenames)


def text_field(form: Form, name: str) -> str:
    """A short text field (orgid, batchid, userid); "" when missing."""
    raw = form.fields.get(name, b"")[:MAX_FIELD_BYTES]
    return raw.decode("utf-8", "replace").strip()


MAX_SMALL_FORM_BYTES = 4096


async def download_fields(request: Request) -> dict[str, str]:
    """A download's fields (orgid, batchid, userid) from a POST form: urlencoded or
    multipart, a few hundred bytes at most."""
    content_type, _options = parse_options_header(request.headers.get("content-type", ""))
    if content_type == b"multipart/form-data":
        parsed = await read_form(request)
        return {name: text_field(parsed, name) for name in ("orgid", "batchid", "userid")}
    if content_type != b"application/x-www-form-urlencoded":
        raise BatchRefusal(
            400,
            "S0001",
            "not_a_form",
            "The download request is neither a query nor a form.",
            "Ask with GET ?orgid=&batchid=&userid=, or POST those fields as a form.",
        )
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_SMALL_FORM_BYTES:
            raise BatchRefusal(
                413,
                "S0001",
                "too_large",
                "The download form is larger than 4 KiB.",
                "Send only orgid, batchid and userid.",
            )
    from urllib.parse import parse_qs

    values = parse_qs(body.decode("utf-8", "replace"), max_num_fields=MAX_PARTS)
    return {name: values.get(name, [""])[0][:MAX_FIELD_BYTES].strip() for name in values}

"""JSON in and out of the contract's types, with one encoder and one decoder per type.

Decoding is strict (no type coercion: `"1"` is not 1) and goes straight from bytes into the
typed struct, so a body of the wrong shape is refused where it first goes wrong. Failures are
msgspec's `ValidationError` (the shape) and `DecodeError` (not JSON); each side maps them to
its own error: the client to MalformedResponse, the service to a 400 in the error shape.
"""

from __future__ import annotations

import re
from typing import Any, TypeVar

import msgspec

Kind = TypeVar("Kind")

_ENCODER = msgspec.json.Encoder()
_DECODERS: dict[Any, msgspec.json.Decoder[Any]] = {}
_AT = re.compile(r" - at `\$(.*)`$")


def encode(value: object) -> bytes:
    """A contract value (or a list of them) as compact UTF-8 JSON."""
    return _ENCODER.encode(value)


def decode(data: bytes, kind: type[Kind]) -> Kind:
    """`data` as `kind`; raises msgspec.ValidationError or msgspec.DecodeError."""
    decoder = _DECODERS.get(kind)
    if decoder is None:
        decoder = _DECODERS.setdefault(kind, msgspec.json.Decoder(kind))
    result: Kind = decoder.decode(data)
    return result


def where_and_what(error: msgspec.ValidationError, root: str) -> tuple[str, str]:
    """Where a validation error is, with `root` for the whole body, and what is wrong there:
    ("programs[1].number", "Expected `str`, got `int`")."""
    text = str(error)
    found = _AT.search(text)
    if found is None:
        return root, text
    return root + found.group(1), text[: found.start()]

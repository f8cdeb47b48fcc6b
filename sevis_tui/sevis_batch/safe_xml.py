"""The parser for XML from outside (batch files, transaction logs): lxml, locked down.

It keeps the guarantees defusedxml gave: a document that declares a DOCTYPE at all, hence
any entity, is refused outright, before libxml2 sees it (libxml2 opens an external DTD's
file even with load_dtd=False, to look up an undeclared entity); SEVIS batch files need
none. Then, belt and braces: no entity is expanded (resolve_entities=False), no DTD loaded
(load_dtd=False), nothing fetched (no_network=True, and a resolver that hands libxml2 an
empty document for anything it asks for), libxml2's normal limits (huge_tree=False). Only
UTF-8 (or its ASCII subset) is read: SEVIS batch files are UTF-8.
"""

from __future__ import annotations

import re
from typing import Any

from lxml import etree


class UnsafeXml(ValueError):
    """The document declares a DOCTYPE (a DTD, entities): refused, whatever it holds."""


class NotUtf8(ValueError):
    """The document is in UTF-16 or UTF-32 (a byte order mark, or NUL bytes in its start)."""


class _Nothing(etree.Resolver):
    """Every external resource libxml2 asks for is an empty document: nothing is read."""

    # lxml-stubs 0.5 leave out the context that lxml passes to resolve and resolve_string.
    def resolve(self, system_url: str, public_id: str, context: object) -> Any:  # type: ignore[override]
        return self.resolve_string("", context)  # type: ignore[call-arg]


_PROLOG_ITEM = re.compile(rb"\s+|<\?.*?\?>|<!--.*?-->", re.S)


def declares_doctype(data: bytes) -> bool:
    """Does the prolog (what comes before the root element) hold a <!DOCTYPE?"""
    position = 3 if data.startswith(b"\xef\xbb\xbf") else 0
    while True:
        item = _PROLOG_ITEM.match(data, position)
        if item is None or item.end() == position:
            return data.startswith(b"<!DOCTYPE", position)
        position = item.end()


def _parser() -> etree.XMLParser:
    parser = etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_pis=True,
        collect_ids=False,
    )
    parser.resolvers.add(_Nothing())
    return parser


def parse(data: bytes) -> etree._Element:
    """The root element. Raises UnsafeXml for a DOCTYPE, etree.XMLSyntaxError when the bytes
    are not well-formed XML (truncated, invalid UTF-8, empty, ...)."""
    head = data[:64]
    if head.startswith((b"\xff\xfe", b"\xfe\xff", b"\x00\x00\xfe\xff")) or b"\x00" in head:
        raise NotUtf8("UTF-16 or UTF-32")
    if declares_doctype(data):
        raise UnsafeXml("a DOCTYPE")
    # A parser per call: lxml parsers keep state and are not shared between threads.
    root = etree.fromstring(data, _parser())
    docinfo: Any = root.getroottree().docinfo  # lxml-stubs lack doctype
    if docinfo.doctype or docinfo.internalDTD is not None or docinfo.externalDTD is not None:
        raise UnsafeXml("a DOCTYPE")
    return root


def local_name(element: etree._Element) -> str:
    """The element's name without a namespace ("" for comments and the like)."""
    tag = element.tag
    return etree.QName(tag).localname if isinstance(tag, str) else ""

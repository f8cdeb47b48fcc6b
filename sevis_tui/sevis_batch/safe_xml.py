"""The parser for XML from outside (batch files, transaction logs): lxml, locked down.

It keeps the guarantees defusedxml gave: no entity is expanded (resolve_entities=False), no
DTD is read (load_dtd=False), nothing is fetched (no_network=True), no document beyond
libxml2's normal limits (huge_tree=False); and a document that declares a DOCTYPE at all,
hence any entity, is refused outright: SEVIS batch files need none.
"""

from __future__ import annotations

from typing import Any

from lxml import etree


class UnsafeXml(ValueError):
    """The document declares a DOCTYPE (a DTD, entities): refused, whatever it holds."""


def _parser() -> etree.XMLParser:
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_pis=True,
        collect_ids=False,
    )


def parse(data: bytes) -> etree._Element:
    """The root element. Raises UnsafeXml for a DOCTYPE, etree.XMLSyntaxError when the bytes
    are not well-formed XML (truncated, invalid UTF-8, empty, ...)."""
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

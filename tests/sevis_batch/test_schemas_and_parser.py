"""The shipped 6.27 schemas, the one fix-up of SevisTransLog.xsd, and the safe parser."""

from __future__ import annotations

import hashlib

import pytest
from lxml import etree

from sevis_tui.sevis_batch import safe_xml, schemas

FILES = ("Common.xsd", "Create-UpdateExchangeVisitor.xsd", "SEVISTable.xsd", "SevisTransLog.xsd")


def test_the_schemas_ship_with_their_provenance() -> None:
    folder = schemas.schema_folder()
    readme = (folder / "README.md").read_text(encoding="utf-8")
    assert "6.27" in readme and "SevisTransLog.xsd" in readme
    for name in FILES:
        assert (folder / name).is_file()


def test_the_published_transaction_log_schema_fails_as_it_is_and_loads_fixed() -> None:
    published = schemas.schema_text(schemas.TRANSACTION_LOG_XSD)
    assert published.count(schemas.WRONG_TABLE) == 1  # the file is kept as published
    base = str(schemas.schema_folder() / schemas.TRANSACTION_LOG_XSD)
    parser = etree.XMLParser(no_network=True)
    with pytest.raises(etree.XMLSchemaParseError, match="sevisbatch/Table"):
        etree.XMLSchema(etree.fromstring(published, parser, base_url=base))
    fixed = schemas.fixed_transaction_log_xsd(published)
    assert fixed.count(schemas.RIGHT_TABLE) == 1 and schemas.WRONG_TABLE not in fixed
    etree.XMLSchema(etree.fromstring(fixed, parser, base_url=base))  # compiles
    with pytest.raises(ValueError, match="known"):
        schemas.fixed_transaction_log_xsd(fixed)  # a changed file is not patched blindly


def test_the_upload_schema_loads_as_published_and_validates() -> None:
    ok = b"<TransactionLog><BatchHeader><BatchID>x</BatchID><OrgID>y</OrgID></BatchHeader>"
    ok += b'<BatchDetail status="true"/></TransactionLog>'
    assert schemas.validate(schemas.TRANSACTION_LOG_XSD, safe_xml.parse(ok)) == []
    errors = schemas.validate(schemas.UPLOAD_XSD, safe_xml.parse(b"<Nothing/>"))
    assert [e.type_name for e in errors] == ["SCHEMAV_CVC_ELT_1"]


BOMB = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<root>&lol3;</root>"""


@pytest.mark.parametrize(
    "document",
    [
        BOMB,
        b'<!DOCTYPE x [<!ENTITY s SYSTEM "file:///etc/passwd">]><root>&s;</root>',
        b'<!DOCTYPE x SYSTEM "http://127.0.0.1:9/x.dtd"><root/>',
        b"<!DOCTYPE root><root/>",
    ],
)
def test_any_doctype_is_refused(document: bytes) -> None:
    with pytest.raises(safe_xml.UnsafeXml):
        safe_xml.parse(document)


def test_an_undeclared_entity_is_not_well_formed() -> None:
    with pytest.raises(etree.XMLSyntaxError):
        safe_xml.parse(b"<root>&nbsp;</root>")


# SHA-256 of the files as published (schemas/6.27/README.md): they are never edited.
PUBLISHED = {
    "Common.xsd": "7c62755a904c4e8ebce09dac6002a6a08fe82f15500e2da7e7bfa3b84f7b96fd",
    "Create-UpdateExchangeVisitor.xsd": (
        "aacca0e83e238df3544bd2197332b0412b2ed69cb8c18989a95210bdd7b50e79"
    ),
    "SEVISTable.xsd": "946a32a91c9223bf067c1042c2179dd3519d0ceb1ead5f120d474b88602119dd",
    "SevisTransLog.xsd": "d518ae0472c7f2d78d6c7b370ced24555f6a80d6a5e3dfbedc0278ca6f33400f",
}


@pytest.mark.parametrize("name", FILES)
def test_the_files_are_kept_as_published(name: str) -> None:
    assert hashlib.sha256(schemas.schema_text(name)).hexdigest() == PUBLISHED[name]


def test_each_schema_is_compiled_once_and_shared() -> None:
    schemas.load(schemas.UPLOAD_XSD)
    first = schemas._compiled[schemas.UPLOAD_XSD]
    schemas.load(schemas.UPLOAD_XSD)
    schemas.validate(schemas.UPLOAD_XSD, safe_xml.parse(b"<Nothing/>"))
    assert schemas._compiled[schemas.UPLOAD_XSD] is first

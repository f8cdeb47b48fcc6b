"""The SEVIS batch schemas, release 6.27, as ICE publishes them (schemas/6.27/README.md).

Each schema is compiled once per process (about 40 ms for the upload schema with its code
tables) and then shared. A compiled schema keeps the error log of its last validation, so
`validate` holds the schema's lock while it validates and copies the log. The files are
trusted data of the package, parsed without network access all the same.
"""

from __future__ import annotations

import threading
from importlib import resources

from lxml import etree

RELEASE = "6.27"
UPLOAD_XSD = "Create-UpdateExchangeVisitor.xsd"
TRANSACTION_LOG_XSD = "SevisTransLog.xsd"

# The one defect of the published SevisTransLog.xsd: it binds the prefix `table` to
# .../sevisbatch/Table but imports .../sevisbatch/alpha/Table (as every other 6.27 schema
# names it), so strict validators (libxml2) refuse to compile it. The file stays as
# published; the prefix is pointed at the imported namespace when it is loaded.
WRONG_TABLE = b'xmlns:table="http://www.ice.gov/xmlschema/sevisbatch/Table"'
RIGHT_TABLE = b'xmlns:table="http://www.ice.gov/xmlschema/sevisbatch/alpha/Table"'

_lock = threading.Lock()
_compiled: dict[str, tuple[etree.XMLSchema, threading.Lock]] = {}


def schema_folder() -> resources.abc.Traversable:
    return resources.files("sevis_tui.sevis_batch") / "schemas" / RELEASE


def schema_text(name: str) -> bytes:
    """A schema file's bytes, as shipped."""
    return (schema_folder() / name).read_bytes()


def fixed_transaction_log_xsd(text: bytes) -> bytes:
    """SevisTransLog.xsd with its `table` prefix bound to the namespace it imports."""
    if text.count(WRONG_TABLE) != 1:
        raise ValueError("SevisTransLog.xsd does not have the known `table` prefix defect")
    return text.replace(WRONG_TABLE, RIGHT_TABLE)


def _compile(name: str) -> etree.XMLSchema:
    text = schema_text(name)
    if name == TRANSACTION_LOG_XSD:
        text = fixed_transaction_log_xsd(text)
    folder = schema_folder()
    # The imports (SEVISTable.xsd, Common.xsd) are found beside the file: through base_url
    # when the package is on disk, which is how it is installed (wheel or editable).
    base = str(folder / name)
    parser = etree.XMLParser(no_network=True, resolve_entities=False, huge_tree=False)
    return etree.XMLSchema(etree.fromstring(text, parser, base_url=base))


def _schema(name: str) -> tuple[etree.XMLSchema, threading.Lock]:
    with _lock:
        found = _compiled.get(name)
        if found is None:
            found = _compiled[name] = (_compile(name), threading.Lock())
        return found


def load(name: str) -> None:
    """Compile `name` now (UPLOAD_XSD or TRANSACTION_LOG_XSD), if not done yet."""
    _schema(name)


def validate(name: str, document: etree._Element) -> list[etree._LogEntry]:
    """The schema's errors for `document` ([] when it is valid)."""
    compiled, lock = _schema(name)
    with lock:
        if compiled.validate(document):
            return []
        entries: list[etree._LogEntry] = [*compiled.error_log]  # type: ignore[misc]
        return entries

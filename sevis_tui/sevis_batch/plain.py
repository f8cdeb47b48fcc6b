"""libxml2's errors in plain words: what is wrong with which value, and what to do.

Schema errors are told apart by their libxml2 error type (`lxml.etree.ErrorTypes`); the
value, the element and the expected names are taken from the entry's message, whose form
libxml2 has kept for years. An error type not known here still gets a plain sentence (the
message without its type names), never the raw text with namespaces and facets.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from lxml import etree

T = etree.ErrorTypes

# What a value of each SEVIS simple type looks like (by the type's local name).
TYPE_WORDS = {
    "DateType": ("a date (YYYY-MM-DD)", "Write the date as YYYY-MM-DD, e.g. 1962-12-01."),
    "date": ("a date (YYYY-MM-DD)", "Write the date as YYYY-MM-DD, e.g. 1962-12-01."),
    "DateTimeType": (
        "a date and time (YYYY-MM-DDThh:mm:ss)",
        "Write it as YYYY-MM-DDThh:mm:ss, e.g. 2027-01-10T09:30:00.",
    ),
    "IndicatorYesNoType": ("true or false", "Write true or false (lower case)."),
    "boolean": ("true or false", "Write true or false (lower case)."),
    "short": ("a whole number", "Write a whole number, digits only."),
    "integer": ("a whole number", "Write a whole number, digits only."),
    "int": ("a whole number", "Write a whole number, digits only."),
    "decimal": ("a number", "Write a number, digits and at most one decimal point."),
}
PATTERN_WORDS = {
    r"N\d{10}": "a SEVIS ID (N and 10 digits)",
    r"S\d{4}": "a result code (S and 4 digits)",
    r"(P-[1-4]-\d{5})|(G-[1-7]-\d{5})": "a program number (e.g. P-1-12345)",
    r"[A-Z]{3}214F\d{8}": "a school code (e.g. ABC214F12345678)",
    r"\D+": "text without digits",
}
_VALUE = re.compile(
    r"(?:[Vv]alue '(?P<value>.*?)'"
    r"|^Element '[^']*'(?:, attribute '[^']*')?: '(?P<bare>.*?)' is not)"
)
_ATTRIBUTE = re.compile(r"attribute '(?P<name>[^']+)'")
_TYPE = re.compile(r"type '(?:\{[^}]*\})?(?P<type>[^']+)'")
_EXPECTED = re.compile(r"Expected is(?: one of)? \( (?P<names>.+?) \)")
_SET = re.compile(r"set \{(?P<items>.*)\}")
_PATTERN = re.compile(r"pattern '(?P<pattern>.*)'")
_NUMBERS = re.compile(r"'(\d+)'")


@dataclass(frozen=True)
class Plain:
    code: str
    message: str  # what is wrong, without the place (the caller says where)
    remedy: str
    attribute: str = ""  # the attribute the error is about, if any


def _names(text: str) -> str:
    names = [re.sub(r"\{[^}]*\}", "", name.strip()) for name in text.split(",")]
    shown = ", ".join(names[:6])
    return shown + (f" (or {len(names) - 6} more)" if len(names) > 6 else "")


def _shown(value: str) -> str:
    return f"`{value[:60]}{'…' if len(value) > 60 else ''}`"


def schema_error(entry: etree._LogEntry) -> Plain:
    """One schema validation error of libxml2, in plain words."""
    plain = _schema_error(entry)
    attribute = _ATTRIBUTE.search(entry.message)
    if attribute and not plain.attribute:
        return Plain(plain.code, plain.message, plain.remedy, attribute["name"])
    return plain


def _schema_error(entry: etree._LogEntry) -> Plain:
    text = entry.message
    kind = entry.type
    value_match = _VALUE.search(text)
    found = value_match and (value_match["value"] or value_match["bare"])
    value = _shown(str(found)) if value_match else "its value"
    if kind in _FIXED:
        return _FIXED[kind]
    if kind in (T.SCHEMAV_CVC_DATATYPE_VALID_1_2_1, T.SCHEMAV_CVC_DATATYPE_VALID_1_2_3):
        return _wrong_type(text, value)
    if kind == T.SCHEMAV_CVC_ENUMERATION_VALID:
        return _not_a_code(text, value)
    if kind == T.SCHEMAV_CVC_PATTERN_VALID:
        pattern = _PATTERN.search(text)
        form = PATTERN_WORDS.get(pattern["pattern"], "") if pattern else ""
        expected = form or (f"the form {pattern['pattern']}" if pattern else "the required form")
        return Plain("wrong_form", f"{value} is not {expected}", f"Write {expected}.")
    if kind in _LENGTH_RULES:
        return _wrong_length(kind, text, value)
    if kind == T.SCHEMAV_ELEMENT_CONTENT:
        return _element_content(text)
    return Plain("schema_invalid", _cleaned(text), "Check the element against the SEVIS schema.")


# The errors whose words do not depend on the message's details.
_FIXED: dict[int, Plain] = {
    T.SCHEMAV_CVC_COMPLEX_TYPE_4: Plain(
        "missing_attribute",
        "the required attribute is missing",
        "Add the attribute (the schema requires it).",
    ),
    **dict.fromkeys(
        (T.SCHEMAV_CVC_COMPLEX_TYPE_3_2_1, T.SCHEMAV_CVC_COMPLEX_TYPE_3_2_2),
        Plain(
            "unexpected_attribute",
            "this attribute is not allowed here",
            "Remove the attribute, or move it to the element that takes it.",
        ),
    ),
    T.SCHEMAV_CVC_ELT_1: Plain(
        "wrong_root",
        "the root element is not one the upload schema declares",
        "Make SEVISBatchCreateUpdateEV the root element.",
    ),
    **dict.fromkeys(
        (T.SCHEMAV_CVC_COMPLEX_TYPE_2_3, T.SCHEMAV_CVC_COMPLEX_TYPE_2_1),
        Plain(
            "unexpected_text", "text is not allowed here", "Remove the text between the elements."
        ),
    ),
}
_LENGTH_RULES = {
    T.SCHEMAV_CVC_LENGTH_VALID: "exactly",
    T.SCHEMAV_CVC_MINLENGTH_VALID: "at least",
    T.SCHEMAV_CVC_MAXLENGTH_VALID: "at most",
}


def _wrong_type(text: str, value: str) -> Plain:
    type_match = _TYPE.search(text)
    type_name = type_match["type"] if type_match else ""
    words, remedy = TYPE_WORDS.get(
        type_name, (f"a valid {type_name}", "Check the value against the SEVIS schema.")
    )
    return Plain("invalid_value", f"{value} is not {words}", remedy)


def _not_a_code(text: str, value: str) -> Plain:
    items = _SET.search(text)
    codes = [item.strip().strip("'") for item in items["items"].split(",")] if items else []
    allowed = (
        f"one of {', '.join(codes)}"
        if len(codes) <= 8
        else f"one of the {len(codes)} codes of its SEVIS code table"
    )
    return Plain(
        "not_a_code",
        f"{value} is not a code SEVIS knows here",
        f"Use {allowed} (SEVISTable.xsd lists them).",
    )


def _wrong_length(kind: int, text: str, value: str) -> Plain:
    numbers = _NUMBERS.findall(text)
    have, limit = (numbers[-2], numbers[-1]) if len(numbers) >= 2 else ("?", "?")
    rule = f"{_LENGTH_RULES[kind]} {limit}"
    return Plain(
        "wrong_length",
        f"{value} has {have} characters; it must have {rule}",
        f"Give it {rule} characters.",
    )


def _element_content(text: str) -> Plain:
    """A child element missing, or one that is not expected where it stands."""
    names = _EXPECTED.search(text)
    wanted = _names(names["names"]) if names else ""
    if "Missing child element" in text:
        return Plain(
            "missing_element",
            f"an element is missing here: {wanted or 'see the schema'}",
            f"Add {wanted or 'the missing element'} in its place (the schema's order).",
        )
    return Plain(
        "unexpected_element",
        "this element is not expected here"
        + (f" (expected: {wanted})" if wanted else " (nothing more is allowed)"),
        "Move it to its place in the schema's order, or remove it.",
    )


def _cleaned(text: str) -> str:
    """A message of a kind not known here, without namespaces, facet tags and its element."""
    text = re.sub(r"^Element '[^']*'(, attribute '[^']*')?: ", "", text)
    text = re.sub(r"\{[^}]*\}", "", text)
    text = text.replace("[facet ", "[").strip().rstrip(".")
    return text[:200]


SYNTAX = {
    T.ERR_DOCUMENT_EMPTY: ("not_xml", "is not XML (no element where the document should start)"),
    T.ERR_INVALID_ENCODING: ("not_utf8", "has bytes that are not valid UTF-8"),
    T.ERR_INVALID_CHAR: ("not_xml", "has a character XML does not allow"),
    T.ERR_TAG_NOT_FINISHED: ("truncated", "ends before its elements are closed (truncated?)"),
    T.ERR_DOCUMENT_END: ("not_xml", "has more after the end of its root element"),
    T.ERR_TAG_NAME_MISMATCH: ("not_xml", "has an end tag that does not match its start tag"),
    T.ERR_UNDECLARED_ENTITY: ("entity", "uses an entity (&name;) that XML does not define"),
}


def syntax_error(error: etree.XMLSyntaxError, data: bytes = b"") -> Plain:
    """Why the bytes are not well-formed XML, in plain words. An error on the last line of
    a file whose root element is open there is told as a truncated file."""
    code, words = SYNTAX.get(_code(error), ("not_xml", "is not well-formed XML"))
    last_line = data.count(b"\n") + (0 if data.endswith(b"\n") else 1)
    began = data.removeprefix(b"\xef\xbb\xbf").lstrip().startswith(b"<")
    if began and (error.lineno or 0) >= last_line and not data.rstrip().endswith(b">"):
        code, words = SYNTAX[T.ERR_TAG_NOT_FINISHED]
    if code == "not_xml" and _code(error) == T.ERR_DOCUMENT_EMPTY and "Start tag" not in error.msg:
        words = "is empty"
    detail = re.sub(r", line \d+, column \d+$", "", error.msg or "")
    if code == "not_xml" and _code(error) not in SYNTAX:
        words += f" ({detail[:100]})"
    remedies = {
        "not_utf8": "Save the file as UTF-8 (SEVIS batch files are UTF-8 XML).",
        "truncated": "The file is cut short: export or copy it again, whole.",
        "entity": "Write the character itself (UTF-8), or &amp; &lt; &gt; &quot; &apos;.",
    }
    return Plain(
        code,
        f"the file {words}",
        remedies.get(code, "Export the batch file again as one well-formed UTF-8 XML document."),
    )


def _code(error: etree.XMLSyntaxError) -> int:
    return int(getattr(error, "code", 0))  # the libxml2 error type (lxml-stubs omit it)

"""What no finding may say: a Python exception class name, or the same word twice in a row.

A class name in a message means a library's exception text reached the officer ("TypeError:
..."); a doubled word ("extension extension") means the engine pasted together words a library
worded differently. Both are checked on every finding of the malformed-certificate tests.
"""

from __future__ import annotations

import builtins
import re

import cryptography.exceptions
import cryptography.x509
import cryptography.x509.verification


def _exception_names() -> frozenset[str]:
    """Every exception class builtins and cryptography define, by name (the CamelCase ones:
    "Warning" or "Exception" alone are also English words)."""
    names: set[str] = set()
    for module in (
        builtins,
        cryptography.exceptions,
        cryptography.x509,
        cryptography.x509.verification,
    ):
        for name, value in vars(module).items():
            exception = isinstance(value, type) and issubclass(value, BaseException)
            if exception and sum(letter.isupper() for letter in name) > 1:
                names.add(name)
    return frozenset(names)


EXCEPTION_NAMES = _exception_names()
_CLASS_LIKE = re.compile(r"\b[A-Za-z_]\w*(?:Error|Exception)\b")
_DOUBLED = re.compile(r"\b(\w+)\s+\1\b", re.IGNORECASE)
_WORD = re.compile(r"[A-Za-z_]\w*")


def wording_problems(text: str) -> list[str]:
    """The class names and doubled words in `text` (empty when it reads well)."""
    problems = [match.group(0) for match in _CLASS_LIKE.finditer(text)]
    problems += [word for word in _WORD.findall(text) if word in EXCEPTION_NAMES]
    problems += [match.group(0) for match in _DOUBLED.finditer(text)]
    return list(dict.fromkeys(problems))

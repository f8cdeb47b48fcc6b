"""The rule for a new passphrase (a private key's, a PKCS#12 file's). No I/O.

At least 12 characters, like a SEVIS password (docs/domain.md, "Accounts, logins and sessions"):
the passphrase is all that protects a key file that is copied or stolen. Typed twice, so that a
typing slip does not lock the officer out of their own key.
"""

from __future__ import annotations

MIN_LENGTH = 12
MAX_LENGTH = 1024


def passphrase_problem(first: str, second: str) -> str:
    """What is wrong with a new passphrase typed twice ("" when it can be used)."""
    if len(first) < MIN_LENGTH:
        return (
            f"The passphrase has {len(first)} characters; it needs at least {MIN_LENGTH}. "
            "A few words you can remember make a good one."
        )
    if len(first) > MAX_LENGTH:
        return f"The passphrase is over {MAX_LENGTH} characters: choose a shorter one."
    if any(ord(char) < 32 or ord(char) == 127 for char in first):
        return "The passphrase holds a control character (tab, escape, ...): type it again."
    if first != second:
        return "The two passphrases differ: type the same passphrase twice."
    return ""

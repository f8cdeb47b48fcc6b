"""Findings: what the engine says about a file, in plain words, with a stable code.

A finding is `{code, severity, message, remedy}`: the `Finding` of `sevis_tui.contract`, the
very object the service sends. Errors block registration; warnings and info do not. The
codes below are stable: the app, the service and scripts rely on them.

File and format
    not_found            error    the path does not exist
    not_a_file           error    a directory, FIFO, device or socket was given as a file
    unreadable           error    the file could not be read (permissions, symlink loop, I/O)
    empty_file           error    the file is empty
    too_large            error    the file is larger than the size limit
    not_a_certificate    error    no certificate in the file (garbage, a key alone, a CSR, ...)
    damaged_certificate  error    a certificate block or structure is damaged (bad base64,
                                  truncated DER, unparsable field)
    needs_password       error    a PKCS#12 file is protected and no password was given
    wrong_password       error    the password given does not open the PKCS#12 file
    skipped_block        info     a PEM block that is not a certificate (CRL, CSR, ...)
    unterminated_block   warning  a PEM BEGIN line without its END line
    extra_text           info     text outside the PEM blocks (normal for `openssl -text` output)
    trailing_data        warning  bytes after the end of a DER certificate
    unreadable_field     warning  one field of a certificate could not be read
    unreadable_extension error    an extension (or the whole block) could not be read: the rules
                                  that depend on it cannot be checked (fail closed)
Certificate rules (checked on the certificate that would be registered)
    expired              error    the certificate's validity has ended
    not_yet_valid        error    the certificate's validity has not started
    expires_soon         warning  it expires within the configured number of days
    self_signed          error    signed by itself, not by a certificate authority
    ca_certificate       error    a certificate authority's certificate, not a personal one
    weak_key             error    RSA < 2048 bits, EC < 256 bits, DSA
    weak_signature       error    signed with MD2, MD5 or SHA-1
    no_client_auth       error    extended key usage present without client authentication
    nonconforming_certificate error  breaks the certificate profile the verifier applies to a
                                  personal certificate (RFC 5280; see cert/chain.py)
    several_certificates warning  more than one personal certificate in the file
Issuer (path validation with cryptography.x509.verification against the accepted issuers)
    issuer_accepted      info     the chain reaches an accepted issuer
    untrusted_issuer     error    the chain ends at a root that is not an accepted issuer
    missing_intermediate error    the issuer is neither in the file nor accepted: no chain offline
    chain_invalid        error    an issuer was found but the chain does not validate
Private key
    private_key_in_file  warning  a private key is in the file (never upload or e-mail it)
    private_key_exposed  error    a file holding a private key is readable by other users
    key_mismatch         error    the private key given does not belong to the certificate
    key_unreadable       error    the key file given with --key holds no usable private key
"""

from __future__ import annotations

# The finding itself is part of the wire contract: the service sends these very objects.
from sevis_tui.contract.findings import SEVERITIES, Finding, Severity

__all__ = ["CODES", "SEVERITIES", "Finding", "Severity", "finding"]

# Every code the engine emits, with its severity. Tests check findings against this table.
CODES: dict[str, Severity] = {
    "not_found": "error",
    "not_a_file": "error",
    "unreadable": "error",
    "empty_file": "error",
    "too_large": "error",
    "not_a_certificate": "error",
    "damaged_certificate": "error",
    "needs_password": "error",
    "wrong_password": "error",
    "skipped_block": "info",
    "unterminated_block": "warning",
    "extra_text": "info",
    "trailing_data": "warning",
    "unreadable_field": "warning",
    "unreadable_extension": "error",
    "expired": "error",
    "not_yet_valid": "error",
    "expires_soon": "warning",
    "self_signed": "error",
    "ca_certificate": "error",
    "weak_key": "error",
    "weak_signature": "error",
    "no_client_auth": "error",
    "nonconforming_certificate": "error",
    "several_certificates": "warning",
    "issuer_accepted": "info",
    "untrusted_issuer": "error",
    "missing_intermediate": "error",
    "chain_invalid": "error",
    "private_key_in_file": "warning",
    "private_key_exposed": "error",
    "key_mismatch": "error",
    "key_unreadable": "error",
}


def finding(code: str, message: str, remedy: str = "") -> Finding:
    """A finding with the severity the code always has."""
    return Finding(code, CODES[code], message, remedy)

"""Why each finding matters, in one sentence for an officer who is not an X.509 expert.

The finding's message says what is wrong and its remedy what to do; this says why SEVIS cares.
Shown by the result screen and the full report; kept beside the codes so they stay in step.
"""

from __future__ import annotations

WHY: dict[str, str] = {
    "not_found": "SEVIS can only register a file that exists where you point to it.",
    "not_a_file": "Only a regular file can hold a certificate to upload.",
    "unreadable": "A file that cannot be read cannot be checked or uploaded.",
    "empty_file": "An empty file holds no certificate to register.",
    "too_large": "Certificate files are a few kilobytes; a large file is almost certainly the "
    "wrong one.",
    "not_a_certificate": "SEVIS registers a certificate (.cer or .pem); keys, requests and other "
    "files are refused.",
    "damaged_certificate": "A damaged certificate cannot be validated, so SEVIS refuses it.",
    "needs_password": "A PKCS#12 (.p12/.pfx) file also holds your private key; SEVIS needs only "
    "the public certificate.",
    "wrong_password": "Without the right password the file's certificates cannot be read.",
    "unterminated_block": "Part of the file may be missing, as if it was cut while copying.",
    "trailing_data": "Extra bytes after the certificate suggest the file was joined or damaged.",
    "unreadable_field": "A field that cannot be read may make SEVIS refuse the certificate.",
    "unreadable_extension": "A rule that cannot be checked is not passed: SEVIS refuses a "
    "certificate whose extensions it cannot read.",
    "expired": "SEVIS refuses batches signed with an expired certificate, so registering it "
    "would achieve nothing.",
    "not_yet_valid": "Until its start date the certificate cannot sign batches.",
    "expires_soon": "When it expires your batches stop; a renewed certificate must be "
    "registered again before its first batch.",
    "self_signed": "Anyone can make a self-signed certificate; SEVIS accepts only certificates "
    "from accepted issuers.",
    "ca_certificate": "An issuer's certificate identifies a certificate authority, not you; "
    "batches must be signed by a personal certificate.",
    "weak_key": "Short keys can be broken today; SEVIS batch security requires a strong key.",
    "weak_signature": "MD5 and SHA-1 signatures can be forged, so the certificate cannot be "
    "trusted.",
    "no_client_auth": "The batch interface uses the certificate to log in (client "
    "authentication); a certificate limited to other uses cannot.",
    "nonconforming_certificate": "SEVIS validates certificates with the standard rules for "
    "certificates (RFC 5280); one that breaks them is refused.",
    "several_certificates": "Only one personal certificate is registered; make sure it is yours.",
    "untrusted_issuer": "Only certificates from accepted issuers are valid for SEVIS batch.",
    "missing_intermediate": "Without the issuer's certificate the chain to an accepted issuer "
    "cannot be checked.",
    "chain_invalid": "A chain that does not validate means the certificate cannot be trusted.",
    "private_key_in_file": "Your private key proves batches come from you; anyone who has it "
    "can send batches in your name.",
    "private_key_exposed": "Other users of this machine can copy your private key and act as you.",
    "key_mismatch": "A key that does not belong to the certificate cannot sign your batches.",
    "key_unreadable": "The key could not be compared with the certificate.",
}


def why(code: str) -> str:
    """Why a finding matters, or "" for purely informational codes."""
    return WHY.get(code, "")

"""The Batch Processing Agreement, versioned. A new text gets a new version number; officials
must accept the current version before they upload (409 stale_agreement otherwise)."""

from __future__ import annotations

import datetime as dt

from sevis_tui.service.store import Tx

AGREEMENT_VERSION = 1
AGREEMENT_EFFECTIVE = dt.date(2026, 1, 1)
AGREEMENT_TITLE = "Batch Processing Agreement"
AGREEMENT_TEXT = """\
Acceptance of DHS Regulations and SEVIS Batch Interface Security Requirements

By selecting ACCEPT, I acknowledge and accept the regulations of the Department of Homeland
Security (DHS) that govern the Student and Exchange Visitor Information System (SEVIS) and the
security requirements of the SEVIS batch interface listed below. I state that:

  a. I have read the DHS regulations and these security requirements, and I will comply with them.
  b. I understand that using the batch interface does not exempt me or my program from any DHS
     regulation, nor from reporting any other information that the regulations require.
  c. I will assure, to the best of my knowledge, that the information my program submits through
     the batch interface is accurate and complete.
  d. I recognize that the batch interface security requirements supplement, and do not replace,
     the security requirements of the SEVIS real-time interface.

SEVIS Batch Interface Security Requirements

  1. Personal certificate. The certificate I register identifies me, a Responsible Officer (RO)
     or Alternate Responsible Officer (ARO) of this program. I will register only a certificate
     issued to me by an accepted certificate authority, never one issued to another person.
  2. One certificate per official. Each official who submits batches registers his or her own
     certificate. I will not share my certificate, its private key or my SEVIS user ID.
  3. Private key protection. I will keep the certificate's private key only on systems under my
     program's control, protected by a strong password (for example in a PKCS#12 file), and I
     will never upload, e-mail or otherwise transmit the private key.
  4. Systems. The systems that prepare and send batch files will be kept patched, protected
     against malicious software, and accessible only to people authorized by the program.
  5. Transmission. Batch files will be sent only over the authenticated, encrypted batch
     interface, using the certificate registered here.
  6. Compromise. If the private key, the certificate or my SEVIS user ID is lost, disclosed or
     suspected to be compromised, I will stop using it, have the certificate revoked by its
     issuer, and notify the SEVIS help desk within one business day.
  7. Renewal and changes. I will register a renewed or replacement certificate before its first
     batch, and I will stop using a certificate when I leave the role of RO or ARO.
  8. Records. I will keep the confirmation of this registration and cooperate with any DHS
     review of batch activity submitted under my certificate.

I understand that DHS may suspend batch access for my program if these requirements are not met.
"""


def ensure_agreement(tx: Tx) -> None:
    """Publish this release's agreement version if the database does not have it yet."""
    from sevis_tui.service.programs import publish_agreement

    publish_agreement(tx, AGREEMENT_VERSION, AGREEMENT_TITLE, AGREEMENT_TEXT, AGREEMENT_EFFECTIVE)

"""The batch interface: what a registration is for (docs/domain.md, The batch interface).

HTTPS with mutual TLS on its own port (`sevis-tui serve --batch-port`, or loopback in the
embedded demo). Only the certificate currently registered for a program, used by an active
official of that program, may upload and download its batches. Uploads are validated against
the SEVIS 6.27 schema (sevis_batch/) and processed record by record by a simulation
(docs/domain.md, The batch interface).

- `app.py`: the Starlette app and its endpoints; `access.py`: who may; `batches.py`: the
  batch files and transaction logs; `records.py`: the simulated processing; `form.py`:
  reading uploads and download forms; `replies.py`: the XML answers.
- `tls_scope.py`: how the app learns the client certificate (the ASGI TLS extension).
- `listener.py`: running it with uvicorn, with the TLS settings it needs.
"""

"""The batch interface: what a registration is for (docs/domain.md, The batch interface).

HTTPS with mutual TLS on its own port (`sevis-tui serve --batch-port`, or loopback in the
embedded demo). Only the certificate currently registered for a program, used by an active
official of that program, may upload and download its batches. Record processing is not
simulated: batches are checked for shape, counted and stored.

- `app.py`: the Starlette app and its endpoints; `access.py`: who may; `batches.py`: the
  batch files and transaction logs; `form.py`: reading uploads; `replies.py`: the XML answers.
- `tls_scope.py`: how the app learns the client certificate (the ASGI TLS extension).
- `listener.py`: running it with uvicorn, with the TLS settings it needs.
"""

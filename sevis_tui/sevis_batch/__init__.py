"""SEVIS batch files, offline: the published 6.27 schemas, a parser for untrusted XML, the
check of an upload (`batch validate`), and transaction logs (written by the door, read by
`batch results`). No Textual, no network; used by the commands, the app and the door.

- `schemas.py`: the schemas in `schemas/6.27/` (as published), loaded once, with the one
  fix-up SevisTransLog.xsd needs; `safe_xml.py`: the parser for XML from outside.
- `check.py`: an upload checked against the schema and the door's rules, as findings;
  `plain.py`: libxml2's validation errors in plain words.
- `translog.py`: transaction logs, written and read.
"""

"""Allow `python -m sevis_tui`."""

from sevis_tui.cli import main

raise SystemExit(main())

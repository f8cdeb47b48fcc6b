"""Folders as the file browser sees them: reading, sorting, filtering, completing paths. No Textual.

`listing` reads one folder (names first, details later), `view` decides which entries are shown
and what the status line says. The widgets in `sevis_tui/tui/widgets/` only draw what these give.
"""

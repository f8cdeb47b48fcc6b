"""sevis-tui: register SEVIS batch certificates from the terminal."""

__version__ = "0.1.0"

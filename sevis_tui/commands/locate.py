"""`sevis-tui locate`: print the paths in use, where the settings came from, the demo login."""

from __future__ import annotations

import argparse

from sevis_tui.settings.config import Settings, paths


def add_arguments(parser: argparse.ArgumentParser) -> None:
    del parser  # no options


def run(args: argparse.Namespace, settings: Settings) -> int:
    where = paths(config_file=getattr(args, "config", None))  # --config, given as a value
    config_file = where.config_file
    rows = [
        ("defaults", str(where.defaults_file)),
        ("config file", f"{config_file}{'' if config_file.exists() else ' (absent)'}"),
        # "a < b": b's values win, as in settings/config.py's docstring.
        ("settings from", " < ".join(settings.sources)),
        ("state file", str(where.state_file)),
        ("data folder", str(where.data_dir)),
        ("print folder", str(settings.print_folder)),
        ("server", settings.server.url or "embedded demo service (in-process)"),
    ]
    if settings.accepted_issuers_path:
        rows.append(("accepted issuers", str(settings.accepted_issuers_path)))
    width = max(len(label) for label, _ in rows)
    for label, value in rows:
        print(f"{label:<{width}}  {value}")
    if settings.embedded:
        for label, value in _demo_login_rows():
            print(f"{label:<{width}}  {value}")
    return 0


def _demo_login_rows() -> list[tuple[str, str]]:
    from sevis_tui.service import demo

    return [("demo user ID", demo.DEMO_USER_ID), ("demo password", demo.DEMO_PASSWORD)]

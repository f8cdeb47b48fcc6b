"""Domain code must never import Textual: check in a fresh interpreter."""

from __future__ import annotations

import subprocess
import sys

import pytest

DOMAIN_MODULES = [
    "sevis_tui.config",
    "sevis_tui.config_layers",
    "sevis_tui.files",
    "sevis_tui.folders",
    "sevis_tui.formats",
    "sevis_tui.printouts",
    "sevis_tui.cert",
    "sevis_tui.api",
    "sevis_tui.service",
]


@pytest.mark.parametrize("module", DOMAIN_MODULES)
def test_domain_module_does_not_import_textual(module: str) -> None:
    probe = (
        "import importlib, pkgutil, sys\n"
        f"package = importlib.import_module({module!r})\n"
        "prefix = package.__name__ + '.'\n"
        "for info in pkgutil.walk_packages(getattr(package, '__path__', []), prefix):\n"
        "    importlib.import_module(info.name)\n"
        "loaded = sorted(name for name in sys.modules if name.split('.')[0] == 'textual')\n"
        "print(','.join(loaded))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "", f"{module} pulls in Textual: {result.stdout.strip()}"


def test_probe_detects_textual() -> None:
    """The check above would notice an import: prove it on a module that does import Textual."""
    probe = "import sys, sevis_tui.app\nprint('textual' in sys.modules)"
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=False
    )
    assert result.stdout.strip() == "True"

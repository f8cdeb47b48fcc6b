"""Command palette (Ctrl+P): the current screen's commands, then the ones that work anywhere."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any, Protocol, runtime_checkable

from textual.app import App
from textual.command import DiscoveryHit, Hit, Hits, Provider

PaletteCommand = tuple[str, str, Callable[[], object]]


@runtime_checkable
class HasPaletteCommands(Protocol):
    def palette_commands(self) -> list[PaletteCommand]: ...


class FlowCommands(Provider):
    """Asks the active screen for its commands (title, help, callback) and adds global ones."""

    def _commands(self) -> list[PaletteCommand]:
        screen = self.screen
        commands: list[PaletteCommand] = []
        if isinstance(screen, HasPaletteCommands):
            commands.extend(screen.palette_commands())
        app = self.app
        commands.append(
            (
                "Inspect certificate files (offline)",
                "Check a .cer, .pem or .p12 file without logging in or uploading anything",
                partial(app.run_action, "open_inspect"),
            )
        )
        commands.extend(_certificate_tools(app))
        if hasattr(screen, "action_help"):
            commands.append(
                (
                    "Help for this screen",
                    "What this screen does and its keys (F1)",
                    screen.action_help,
                )
            )
        commands.append(("Quit sevis-tui", "Leave the app (Ctrl+Q)", app.exit))
        return commands

    async def discover(self) -> Hits:
        for title, help_text, callback in self._commands():
            yield DiscoveryHit(title, callback, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for title, help_text, callback in self._commands():
            score = matcher.match(title)
            if score > 0:
                yield Hit(score, matcher.highlight(title), callback, help=help_text)


def _certificate_tools(app: App[Any]) -> list[PaletteCommand]:
    """Offline, from anywhere. The app's action hands the tool to the flow (tui/flow.py): the
    palette names what to open, it never imports a screen or an outcome."""

    def wanted(tool: str) -> Callable[[], object]:
        return partial(app.run_action, f"open_certificate_tool({tool!r})")

    return [
        (
            "Request a certificate (key and CSR)",
            "Make a private key and the request to paste into a vendor's form; offline",
            wanted("request"),
        ),
        (
            "Assemble the batch client's PKCS#12 (.p12)",
            "Key and certificate, checked, into the .p12 the batch client uses; offline",
            wanted("assemble"),
        ),
        (
            "Extract the certificate from a .p12",
            "The certificate alone (.pem and .cer), for upload; offline",
            wanted("extract"),
        ),
    ]

"""Command palette (Ctrl+P): the current screen's commands, then the ones that work anywhere."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Protocol, runtime_checkable

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
        from sevis_tui.screens.certificate_commands import certificate_commands

        commands.extend(certificate_commands(app))
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

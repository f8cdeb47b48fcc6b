"""Which programs are marked on the Listing of Programs for one registration of several. No
Textual: the screen keeps the marks here and asks why a program cannot be marked."""

from __future__ import annotations

from collections.abc import Iterable

from sevis_tui.contract import ProgramSummary
from sevis_tui.workflows.multi_register import ACTIVE, Target

OFFICIALS = frozenset({"RO", "ARO"})


def why_not_markable(program: ProgramSummary) -> str:
    """Why the program cannot be registered for batch processing now ("" when it can)."""
    if program.role not in OFFICIALS:
        return f"You are not the RO or an ARO of {program.number}: only its officials register."
    if program.status != ACTIVE:
        return (
            f"{program.number} is {program.status}: only active programs register for batch "
            "processing."
        )
    return ""


class Marks:
    """The marked program numbers; read back in the order of their numbers."""

    def __init__(self) -> None:
        self._numbers: set[str] = set()

    def __len__(self) -> int:
        return len(self._numbers)

    def __contains__(self, number: object) -> bool:
        return number in self._numbers

    def toggle(self, program: ProgramSummary) -> str:
        """Mark or unmark; returns why it cannot be marked ("" when done)."""
        if program.number in self._numbers:
            self._numbers.discard(program.number)
            return ""
        reason = why_not_markable(program)
        if not reason:
            self._numbers.add(program.number)
        return reason

    def mark_all(self, shown: Iterable[ProgramSummary]) -> tuple[int, int]:
        """Mark every markable program shown, or unmark them all when they all are marked
        already; returns (how many are marked now among those shown, how many cannot be)."""
        programs = list(shown)
        markable = [p for p in programs if not why_not_markable(p)]
        if markable and all(p.number in self._numbers for p in markable):
            self._numbers.difference_update(p.number for p in markable)
            return 0, len(programs) - len(markable)
        self._numbers.update(p.number for p in markable)
        return len(markable), len(programs) - len(markable)

    def keep_only(self, listed: Iterable[ProgramSummary]) -> None:
        """After a reload: a program gone from the listing, or no longer markable, is unmarked."""
        still = {p.number for p in listed if not why_not_markable(p)}
        self._numbers &= still

    def clear(self) -> None:
        self._numbers.clear()

    def targets(self, listed: Iterable[ProgramSummary]) -> list[Target]:
        chosen = [p for p in listed if p.number in self._numbers]
        return [Target.of(p) for p in sorted(chosen, key=lambda p: p.number)]

"""What reaches the terminal: squeezed frames show exactly what Textual's frames show; glyphs
the terminal lacks are replaced cell for cell; the mouse asks for clicks and the wheel only."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from hypothesis import given, settings
from hypothesis import strategies as st
from rich.cells import cell_len

from sevis_tui.tui.terminal import for_terminal, glyph_mode, squeeze

Cell = tuple[str, tuple[tuple[str, object], ...]]


@dataclass
class Screen:
    """Just enough of a terminal: cursor, SGR state, DECSC/DECRC, and what each cell shows."""

    row: int = 1
    column: int = 1
    style: dict[str, object] = field(default_factory=dict)
    saved: tuple[int, int, dict[str, object]] | None = None
    cells: dict[tuple[int, int], Cell] = field(default_factory=dict)
    other: list[str] = field(default_factory=list)  # other sequences, in order

    def sgr(self, parameters: str) -> None:
        values = [int(p) if p else 0 for p in parameters.split(";")] if parameters else [0]
        index = 0
        while index < len(values):
            value = values[index]
            if value == 0:
                self.style = {}
            elif value in (38, 48):
                if values[index + 1] == 5:
                    self.style["fg" if value == 38 else "bg"] = ("256", values[index + 2])
                    index += 2
                else:
                    self.style["fg" if value == 38 else "bg"] = tuple(values[index + 2 : index + 5])
                    index += 4
            elif value == 39:
                self.style.pop("fg", None)
            elif value == 49:
                self.style.pop("bg", None)
            elif value == 22:
                self.style.pop("bold", None)
                self.style.pop("dim", None)
            elif value in (23, 24, 25, 27, 29):
                self.style.pop(
                    {23: "italic", 24: "underline", 25: "blink", 27: "reverse"}.get(
                        value, "strike"
                    ),
                    None,
                )
            elif 30 <= value <= 37 or 90 <= value <= 97:
                self.style["fg"] = value
            elif 40 <= value <= 47 or 100 <= value <= 107:
                self.style["bg"] = value
            else:
                self.style[
                    {
                        1: "bold",
                        2: "dim",
                        3: "italic",
                        4: "underline",
                        5: "blink",
                        7: "reverse",
                    }.get(value, f"sgr{value}")
                ] = True
            index += 1

    def feed(self, data: str) -> Screen:
        for match in re.finditer(
            r"\x1b\[([0-9;?]*)([@-~])|\x1b(.)|(\r?\n)|(\r)|([^\x1b\r\n])", data
        ):
            parameters, final, escape, newline, carriage, char = match.groups()
            if final == "m" and not parameters.startswith("?"):
                self.sgr(parameters)
            elif final in ("H", "f"):
                row, _, column = parameters.partition(";")
                self.row, self.column = int(row or 1), int(column or 1)
            elif final is not None:
                # Erasing paints with the background in force: note the style with it.
                self.other.append(f"{match.group(0)!r} {sorted(self.style.items())}")
            elif escape == "7":
                self.saved = (self.row, self.column, dict(self.style))
            elif escape == "8" and self.saved is not None:
                self.row, self.column, style = self.saved
                self.style = dict(style)
            elif newline is not None:
                self.row, self.column = self.row + 1, 1  # the tty turns \n into \r\n
            elif carriage is not None:
                self.column = 1
            elif char is not None:
                self.cells[(self.row, self.column)] = (char, tuple(sorted(self.style.items())))
                self.column += 1
        return self


def shown(data: str) -> tuple[dict[tuple[int, int], Cell], list[str], dict[str, object]]:
    screen = Screen().feed(data)
    return screen.cells, screen.other, screen.style


# A frame as Textual 8 writes it (from a recording of the Listing): a style, text, a reset, per run.
TEXTUAL_FRAME = (
    "\x1b[7;1H\x1b[38;5;253;48;5;234m P-1-00001 \x1b[0m\x1b[38;5;253;48;5;234m Northfield \x1b[0m"
    "\x1b[38;5;246;48;5;234mnone\x1b[0m\x1b[38;5;253;48;5;234m\x1b[0m\x1b[7;79H\n\x1b[8;1H"
    "\x1b[1;38;5;195;48;5;32m RO \x1b[0m\x1b[1;38;5;195;48;5;32m \x1b[0m\x1b[8;79H\x1b[2;5H"
)


def test_a_textual_frame_is_smaller_and_shows_the_same() -> None:
    squeezed, style = squeeze(TEXTUAL_FRAME)
    assert len(squeezed) < 0.75 * len(TEXTUAL_FRAME)
    assert shown(squeezed) == shown(TEXTUAL_FRAME)
    assert style == ""  # the frame ended with a reset


TOKENS = st.sampled_from(
    [
        "\x1b[0m",
        "\x1b[m",
        "\x1b[1m",
        "\x1b[0;1m",
        "\x1b[22m",
        "\x1b[7;38;5;32;48;5;233m",
        "\x1b[38;5;253;48;5;234m",
        "\x1b[1;38;5;195;48;5;32m",
        "\x1b[39m",
        "\x1b[38;2;10;20;30m",
        "\x1b[3;4H",
        "\x1b[1;1H",
        "\x1b[5;79H",
        "\n",
        "\r\n",
        "\r",
        "ab",
        " ",
        "…",
        "\x1b[?25l",
        "\x1b[K",
        "\x1b7",
        "\x1b8",
    ]
)


@settings(max_examples=400, deadline=None)
@given(st.lists(TOKENS, max_size=40), st.lists(TOKENS, max_size=40))
def test_squeezed_writes_show_exactly_what_the_writes_show(
    first: list[str], second: list[str]
) -> None:
    one, two = "".join(first), "".join(second)
    squeezed_one, style = squeeze(one)
    squeezed_two, _ = squeeze(two, style)  # the driver carries the style from write to write
    assert shown(squeezed_one + squeezed_two) == shown(one + two)


def test_glyph_mode_follows_the_locale_then_the_terminal() -> None:
    assert glyph_mode({"LANG": "en_US.UTF-8", "TERM": "xterm-256color"}) == "unicode"
    assert glyph_mode({"LANG": "en_US.utf8", "TERM": "linux"}) == "console"
    assert glyph_mode({"LC_ALL": "C", "LANG": "en_US.UTF-8", "TERM": "xterm"}) == "ascii"
    assert glyph_mode({"TERM": "xterm-256color"}) == "ascii"  # no locale: C, not UTF-8
    assert glyph_mode({"LANG": "C.UTF-8", "TERM": "linux"}) == "console"
    # LANG=C: Python itself sets LC_CTYPE=C.UTF-8 as it starts; the terminal is still ASCII.
    assert glyph_mode({"LANG": "C", "LC_CTYPE": "C.UTF-8", "TERM": "xterm"}) == "ascii"
    assert glyph_mode({"LC_CTYPE": "C.UTF-8", "TERM": "xterm"}) == "ascii"
    assert glyph_mode({"LANG": "de_DE.UTF-8", "LC_CTYPE": "C.UTF-8", "TERM": "xterm"}) == "unicode"


@given(st.text(max_size=40))
def test_ascii_output_is_ascii_and_keeps_every_cell(text: str) -> None:
    out = for_terminal(text, "ascii")
    assert out.isascii()
    printable = "".join(c for c in text if c.isprintable() and cell_len(c) > 0)
    assert cell_len(for_terminal(printable, "ascii")) == cell_len(printable)


def test_console_output_replaces_what_the_console_fonts_lack() -> None:
    out = for_terminal("▊▔▁▎◆✓⏎ ▶·…›✗↑🔎|", "console")
    assert out == "│──│■+< ▶·…›x↑> |"
    assert for_terminal("🔎|", "ascii") == "> |"  # the palette's icon, cell for cell

"""Benchmark: FileBrowser against Textual's DirectoryTree on a folder of 20,000 files + 500 certs.

Run:  .venv/bin/python benchmarks/file_browser.py [--files 20000] [--certs 500] [--moves 1000]

Measures, in-process with App.run_test(size=(80, 24)):
  * time from mount until the first rows are on screen (and until the whole folder is listed),
  * time to apply one filter keystroke (FileBrowser; DirectoryTree has no filter),
  * time to move the cursor 1,000 rows,
  * peak memory (tracemalloc, in a separate run so it does not slow the timings).
Targets: first rows <= 150 ms, filter keystroke <= 30 ms, >= 10x faster than DirectoryTree.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from textual import events
from textual.app import App, ComposeResult
from textual.strip import Strip
from textual.widget import Widget
from textual.widgets import DirectoryTree

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sevis_tui.tui.widgets.file_browser import FileBrowser
from sevis_tui.tui.widgets.file_list import FileList

TARGET_FIRST_ROWS = 0.150
TARGET_FILTER = 0.030
TARGET_RATIO = 10.0


def make_folder(root: Path, files: int, certs: int) -> None:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "benchmark")])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(1)
        .not_valid_before(now)
        .not_valid_after(now + datetime.timedelta(days=365))
        .sign(key, hashes.SHA256())
    )
    pem = cert.public_bytes(serialization.Encoding.PEM)
    der = cert.public_bytes(serialization.Encoding.DER)
    for index in range(files):
        (root / f"file-{index:05d}.txt").write_bytes(b"not a certificate\n")
    for index in range(certs):
        # Half by extension, half recognisable only by their contents.
        if index % 2:
            (root / f"cert-{index:03d}.pem").write_bytes(pem)
        else:
            (root / f"cert-{index:03d}.bin").write_bytes(der)


class Probe:
    """Records when a widget first draws a row of the folder, and when it last drew anything."""

    def __init__(self) -> None:
        self.first_row_at: float | None = None
        self.last_render_at = 0.0

    def saw(self, strip: Strip) -> None:
        now = time.perf_counter()
        self.last_render_at = now
        if self.first_row_at is None and ("file-" in strip.text or "cert-" in strip.text):
            self.first_row_at = now


PROBE = Probe()


class ProbedFileList(FileList):
    def render_line(self, y: int) -> Strip:
        strip = super().render_line(y)
        PROBE.saw(strip)
        return strip


class ProbedBrowser(FileBrowser):
    def compose(self) -> ComposeResult:
        for widget in super().compose():
            yield ProbedFileList(id="list") if isinstance(widget, FileList) else widget


class ProbedTree(DirectoryTree):
    def render_line(self, y: int) -> Strip:
        strip = super().render_line(y)
        PROBE.saw(strip)
        return strip


class Bench(App[None]):
    pass


async def wait_for(condition: object, timeout: float = 60.0) -> None:
    deadline = time.perf_counter() + timeout
    while not callable(condition) or not condition():
        if time.perf_counter() > deadline:
            raise TimeoutError("benchmark step did not finish")
        await asyncio.sleep(0.005)


async def measure(kind: str, folder: Path, moves: int) -> dict[str, float]:
    global PROBE
    PROBE = Probe()
    app = Bench()
    results: dict[str, float] = {}
    async with app.run_test(size=(80, 24)) as pilot:
        widget: Widget = ProbedBrowser(folder) if kind == "browser" else ProbedTree(folder)
        start = time.perf_counter()
        await app.mount(widget)
        widget.focus()
        await wait_for(lambda: PROBE.first_row_at is not None)
        assert PROBE.first_row_at is not None
        results["first_rows"] = PROBE.first_row_at - start
        if isinstance(widget, FileBrowser):
            # Large folders show a first sorted batch at once; this is the whole folder, sorted.
            browser = widget
            await wait_for(lambda: not browser.reading)
            results["complete"] = time.perf_counter() - start
        # DirectoryTree keeps a loader worker alive, so wait for its rows rather than workers.
        if isinstance(widget, DirectoryTree):
            tree = widget
            await wait_for(lambda: len(tree.root.children) > 0)
        else:
            await app.workers.wait_for_complete()
        await pilot.pause()
        widget.focus()
        if isinstance(widget, FileBrowser):
            await wait_for(lambda: not widget.checking_contents)
            await pilot.pause()
            started = time.perf_counter()
            app.post_message(events.Key("1", "1"))
            await wait_for(lambda: widget.filter_text == "1" and PROBE.last_render_at > started)
            results["filter"] = PROBE.last_render_at - started
            await pilot.press("escape")
            await pilot.pause()
        before, position = cursor_reader(widget)
        started = time.perf_counter()
        # Keys go straight into the app's queue: pilot.press waits for idleness after each key,
        # which would measure the test harness rather than the widget.
        for _ in range(moves):
            app.post_message(events.Key("down", None))
        await wait_for(lambda: position() == before + moves)
        await wait_for(lambda: PROBE.last_render_at > started)
        await pilot.pause()
        results["moves"] = time.perf_counter() - started
    return results


def cursor_reader(widget: Widget) -> tuple[int, Callable[[], int]]:
    if isinstance(widget, FileBrowser):
        file_list = widget.file_list
        return file_list.cursor, lambda: file_list.cursor
    assert isinstance(widget, DirectoryTree)
    tree = widget
    return tree.cursor_line, lambda: tree.cursor_line


async def peak_memory(kind: str, folder: Path) -> float:
    app = Bench()
    async with app.run_test(size=(80, 24)) as pilot:
        tracemalloc.start()
        widget: Widget = FileBrowser(folder) if kind == "browser" else DirectoryTree(folder)
        await app.mount(widget)
        if isinstance(widget, FileBrowser):
            await wait_for(lambda: not widget.checking_contents)
        elif isinstance(widget, DirectoryTree):
            await wait_for(lambda: len(widget.root.children) > 0)
        await pilot.pause()
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    return peak / (1024 * 1024)


def verdict(ok: bool) -> str:
    return "ok" if ok else "MISSED"


async def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=20_000)
    parser.add_argument("--certs", type=int, default=500)
    parser.add_argument("--moves", type=int, default=1_000)
    parser.add_argument("--runs", type=int, default=3, help="best of N for the browser")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="sevis-bench-") as temporary:
        folder = Path(temporary)
        make_folder(folder, args.files, args.certs)
        total = args.files + args.certs
        print(f"folder: {total:,} entries ({args.files:,} files + {args.certs:,} certificates)")
        runs = [await measure("browser", folder, args.moves) for _ in range(args.runs)]
        browser = {key: min(run[key] for run in runs) for key in runs[0]}
        tree = await measure("tree", folder, args.moves)
        browser_mb = await peak_memory("browser", folder)
        tree_mb = await peak_memory("tree", folder)

    ratio = tree["first_rows"] / browser["first_rows"]
    move_ratio = tree["moves"] / browser["moves"]
    print(f"{'':28}{'FileBrowser':>14}{'DirectoryTree':>16}{'ratio':>9}")
    print(
        f"{'first rows on screen':28}{browser['first_rows'] * 1000:>11.1f} ms"
        f"{tree['first_rows'] * 1000:>13.1f} ms{ratio:>8.1f}x"
    )
    print(
        f"{'whole folder listed, sorted':28}{browser['complete'] * 1000:>11.1f} ms"
        f"{tree['first_rows'] * 1000:>13.1f} ms{tree['first_rows'] / browser['complete']:>8.1f}x"
    )
    print(f"{'filter keystroke':28}{browser['filter'] * 1000:>11.1f} ms{'n/a':>16}")
    print(
        f"{f'cursor {args.moves:,} rows':28}{browser['moves'] * 1000:>11.1f} ms"
        f"{tree['moves'] * 1000:>13.1f} ms{move_ratio:>8.1f}x"
    )
    print(f"{'peak memory (tracemalloc)':28}{browser_mb:>11.1f} MB{tree_mb:>13.1f} MB")
    checks = [
        ("first rows <= 150 ms", browser["first_rows"] <= TARGET_FIRST_ROWS),
        ("filter keystroke <= 30 ms", browser["filter"] <= TARGET_FILTER),
        (">= 10x faster than DirectoryTree to first rows", ratio >= TARGET_RATIO),
    ]
    for label, ok in checks:
        print(f"target {label}: {verdict(ok)}")
    return 0 if all(ok for _, ok in checks) else 1


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))

"""Inspect many files, in order, using every core when there are enough files to pay for it.

Reports are streamed: at most a few chunks are in flight, so memory stays bounded however
many files there are. Workers are forked (they inherit the imported engine and the policy,
so nothing but paths goes out and reports come back). With few files, jobs=1 (the default),
or no fork on this platform, everything runs in this process. Forking is for single-threaded
callers such as the `inspect` command: do not ask for jobs > 1 from the app or the service,
whose threads a fork would copy in an unknown state.
"""

from __future__ import annotations

import multiprocessing
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from itertools import chain, islice
from typing import Any, TypeVar

from sevis_tui.cert.engine import KeyFile, inspect_path, scan_file
from sevis_tui.cert.model import FileReport, Policy
from sevis_tui.cert.reading import PathArg

# (path, explicit): explicit paths always get a report; files met in a folder only when
# their content looks like a certificate file (else None: skipped).
Item = tuple[PathArg, bool]
T = TypeVar("T")

_Setup = tuple[Policy, KeyFile | None, bytes | None, Callable[[FileReport], Any]]
_worker_setup: _Setup | None = None


def _inspect_one(
    item: Item, policy: Policy, key: KeyFile | None, password: bytes | None
) -> FileReport | None:
    path, explicit = item
    if explicit:
        return inspect_path(path, policy, key=key, password=password)
    return scan_file(path, policy, key=key, password=password)


def _init_worker(setup: _Setup) -> None:
    global _worker_setup
    _worker_setup = setup


def _work(items: list[Item]) -> list[Any]:
    assert _worker_setup is not None
    policy, key, password, transform = _worker_setup
    results = []
    for item in items:
        report = _inspect_one(item, policy, key, password)
        results.append(None if report is None else transform(report))
    return results


def inspect_many(
    items: Iterable[Item],
    policy: Policy,
    *,
    key: KeyFile | None = None,
    password: bytes | None = None,
    jobs: int = 1,
) -> Iterator[FileReport | None]:
    """One report per item, in the items' order (None: a folder's non-certificate file)."""
    return map_reports(items, policy, _same, key=key, password=password, jobs=jobs)


def _same(report: FileReport) -> FileReport:
    return report


def map_reports(
    items: Iterable[Item],
    policy: Policy,
    transform: Callable[[FileReport], T],
    *,
    key: KeyFile | None = None,
    password: bytes | None = None,
    jobs: int = 1,
    chunk: int = 128,
) -> Iterator[T | None]:
    """transform(report) for each item, in order; transform runs in the worker processes.

    Turning reports into what the caller needs there (a JSON line, say) keeps the main
    process from decoding and re-encoding every report. key is the --key file read once
    (`read_key_file`): every file is compared with it, and workers inherit it.
    """
    workers = jobs or 1
    iterator = iter(items)
    first = list(islice(iterator, chunk))
    forking = "fork" in multiprocessing.get_all_start_methods()
    if workers <= 1 or len(first) < chunk or not forking:
        for item in chain(first, iterator):
            report = _inspect_one(item, policy, key, password)
            yield None if report is None else transform(report)
        return
    chunks = chain([first], iter(lambda: list(islice(iterator, chunk)), []))
    setup: _Setup = (policy, key, password, transform)
    # Forked workers receive the setup (and the transform) without pickling.
    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(
        max_workers=workers, mp_context=context, initializer=_init_worker, initargs=(setup,)
    ) as pool:
        pending: deque[Future[list[Any]]] = deque()
        for items_chunk in chunks:
            pending.append(pool.submit(_work, items_chunk))
            if len(pending) >= 2 * workers:
                yield from pending.popleft().result()
        while pending:
            yield from pending.popleft().result()

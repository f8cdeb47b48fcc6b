"""The offline rules are loaded once, even when several thread workers ask at the same moment
(the preview, the chooser and a form job can all be first)."""

from __future__ import annotations

import threading
import time
from typing import Any

from sevis_tui.cert import Policy
from sevis_tui.settings.config import Settings
from sevis_tui.tui.app import SevisApp


def test_workers_asking_at_once_load_the_policy_once(plain_settings: Settings) -> None:
    calls: list[int] = []

    def slow_factory(settings: Settings, clock: Any) -> Policy:
        calls.append(1)
        # Stay inside long enough for the other workers to arrive: without the lock they
        # would each start a load of their own. (time.sleep, not a timed wait on an Event:
        # libfaketime, used to run the suite on other dates, breaks timed condition waits.)
        time.sleep(0.05)
        return Policy()

    app = SevisApp(plain_settings, policy_factory=slow_factory)
    start = threading.Barrier(8)
    got: list[Policy] = []

    def worker() -> None:
        start.wait()
        got.append(app.get_policy())

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(got) == 8
    assert calls == [1]
    assert all(policy is got[0] for policy in got)

"""A password never lands in the user-ID field, on screen or in a file (issue 21, item 1).

After one login the app remembers the user ID. The officer's habit, user ID Tab password Enter
(and Enter again when nothing seems to happen), must log in; a password typed where the user
ID goes must never show in clear nor be sent as a user ID. Keys arrive in one burst, as typed
ahead over SSH.
"""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Input

from sevis_tui.service.demo import DEMO_PASSWORD, DEMO_USER_ID
from sevis_tui.settings.config import Settings, State, StateStore, paths
from sevis_tui.tui.app import SevisApp
from sevis_tui.tui.screens.login import LoginScreen
from sevis_tui.tui.screens.programs import ProgramsScreen

from .pilot_support import message_text, settle
from .test_type_ahead import burst, keys_handled

PREFIX = DEMO_PASSWORD[:10]  # "SevisDemo#": what a 10-character field kept of the password


def remembered_app(settings: Settings) -> SevisApp:
    """The app as started after one login: the state file remembers the user ID."""
    assert StateStore(paths().state_file).save(State(last_user_id=DEMO_USER_ID))
    return SevisApp(settings)


class UserIdWatch:
    """Every value the user-ID field ever showed in clear (not masked)."""

    def __init__(self, app: SevisApp) -> None:
        self.seen: set[str] = set()
        field = app.screen.query_one("#user-id", Input)

        def shown(value: str) -> None:
            if not field.password:
                self.seen.add(value)

        shown(field.value)
        field.watch(field, "value", shown, init=False)


def files_holding(folder: Path, secret: bytes) -> list[Path]:
    return [p for p in folder.rglob("*") if p.is_file() and secret in p.read_bytes()]


async def test_the_habit_logs_in_with_a_remembered_user_id(plain_settings: Settings) -> None:
    app = remembered_app(plain_settings)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        field = app.screen.query_one("#user-id", Input)
        assert app.focused is field and field.selected_text == DEMO_USER_ID
        watch = UserIdWatch(app)
        burst(app, f"{DEMO_USER_ID}\t{DEMO_PASSWORD}\r")
        await keys_handled(pilot)
        await settle(pilot)
        assert isinstance(app.screen, ProgramsScreen), app.screen
        assert app.login is not None and app.login.user.user_id == DEMO_USER_ID
        assert not any("#" in value or "Sevis" in value for value in watch.seen)


async def test_only_the_password_typed_goes_to_password(plain_settings: Settings) -> None:
    # The other habit (the app used to put the cursor in Password): it logs in too.
    app = remembered_app(plain_settings)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        watch = UserIdWatch(app)
        burst(app, f"{DEMO_PASSWORD}\r")
        await keys_handled(pilot)
        await settle(pilot)
        assert isinstance(app.screen, ProgramsScreen), app.screen
        assert app.login is not None and app.login.user.user_id == DEMO_USER_ID
        # "SevisDemo" (9 letters) could still be a user ID, but not the remembered one: masked.
        assert not any("Sevis" in value for value in watch.seen), watch.seen


async def test_a_password_in_an_empty_user_id_field_is_never_sent(
    plain_settings: Settings,
) -> None:
    app = SevisApp(plain_settings)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        watch = UserIdWatch(app)
        burst(app, f"{DEMO_PASSWORD}\r")
        await keys_handled(pilot)
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, LoginScreen) and app.login is None
        assert screen.query_one("#user-id", Input).value == ""
        assert screen.query_one("#password", Input).value == DEMO_PASSWORD
        assert message_text(app).startswith("✗ Type your SEVIS user ID.")
        assert not any("#" in value for value in watch.seen), watch.seen


async def test_a_text_that_cannot_be_a_user_id_is_refused_before_sending(
    plain_settings: Settings, home: Path
) -> None:
    app = SevisApp(plain_settings)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        burst(app, f"abc\t{DEMO_PASSWORD}\r")
        await keys_handled(pilot)
        await settle(pilot)
        assert isinstance(app.screen, LoginScreen) and app.login is None
        text = message_text(app)
        assert "4 to 10 letters and digits" in text and "nothing was sent" in text
        assert "\n" not in text
        assert app.client is None  # the service was never asked


async def test_no_file_holds_the_password_after_the_habit(
    plain_settings: Settings, home: Path
) -> None:
    # The sequence, with the second Enter "when nothing seems to happen": today's app
    # sent "SevisDemo#" as the user ID and the service wrote it to its audit log and database.
    app = remembered_app(plain_settings)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        burst(app, f"{DEMO_USER_ID}\t{DEMO_PASSWORD}\r")
        await keys_handled(pilot)
        await settle(pilot)
        burst(app, "\r")
        await keys_handled(pilot)
        await settle(pilot)
        assert app.login is not None and app.login.user.user_id == DEMO_USER_ID
    assert paths().database.is_relative_to(home) and paths().database.exists()
    # The whole per-test folder: home, config, state, data (the database and its WAL).
    for secret in (DEMO_PASSWORD, PREFIX):
        assert files_holding(home, secret.encode()) == [], secret


async def test_another_user_id_is_masked_until_the_officer_moves_on(
    plain_settings: Settings,
) -> None:
    app = remembered_app(plain_settings)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        field = app.screen.query_one("#user-id", Input)
        burst(app, "jsm")  # the remembered ID typed again: in clear
        await keys_handled(pilot)
        assert field.value == "jsm" and not field.password
        burst(app, "\x7f\x7f\x7fmgarcia221")  # not the remembered ID: perhaps a password
        await keys_handled(pilot)
        assert field.value == "mgarcia221" and field.password
        burst(app, "\t")
        await keys_handled(pilot)
        assert not field.password and app.focused is app.screen.query_one("#password", Input)

"""Named environments: [servers.NAME] tables, --env NAME, and the name at the top of screens."""

from __future__ import annotations

from pathlib import Path

import pytest

from sevis_tui.settings.config import ConfigError, load_settings, shipped_settings

BETA = """
[servers.beta]
url = "https://reg-beta.example.org"
batch_url = "https://batch-beta.example.org"

[servers.production]
url = "https://reg.example.org"
batch_url = "https://batch.example.org"
colour = "magenta"
"""


def config(home: Path, text: str) -> dict[str, str]:
    path = home / "config.toml"
    path.write_text(text)
    return {"SEVIS_TUI_CONFIG": str(path), "XDG_DATA_HOME": str(home)}


def test_the_shipped_defaults_name_no_environment_and_run_the_demo() -> None:
    settings = shipped_settings()
    assert settings.servers == {}
    assert (settings.embedded, settings.environment_name, settings.environment_colour) == (
        True,
        "demo",
        "green",
    )


def test_env_chooses_the_table_and_its_two_addresses(isolated_home: Path) -> None:
    env = config(isolated_home, BETA)
    settings = load_settings(env, {"server": {"environment": "beta"}})
    assert settings.server.url == "https://reg-beta.example.org"
    assert settings.server.batch_url == "https://batch-beta.example.org"
    assert (settings.environment_name, settings.environment_colour) == ("beta", "yellow")
    production = load_settings({**env, "SEVIS_TUI_ENV": "production"})
    assert (production.server.url, production.environment_colour) == (
        "https://reg.example.org",
        "magenta",
    )
    demo = load_settings(env, {"server": {"environment": "demo"}})
    assert demo.embedded and demo.environment_name == "demo"


def test_an_unknown_environment_names_the_known_ones(isolated_home: Path) -> None:
    with pytest.raises(ConfigError) as error:
        load_settings(config(isolated_home, BETA), {"server": {"environment": "prod"}})
    message = str(error.value)
    assert "'prod'" in message and "beta, production" in message and "[servers.prod]" in message


def test_server_and_env_together_are_refused(isolated_home: Path) -> None:
    with pytest.raises(ConfigError, match="not both"):
        load_settings(
            config(isolated_home, BETA), {"server": {"url": "https://x", "environment": "beta"}}
        )


def test_a_server_table_with_a_wrong_key_says_where(isolated_home: Path) -> None:
    bad = '[servers.beta]\nurl = "https://a"\nbatchurl = "https://b"\n'
    with pytest.raises(ConfigError) as error:
        load_settings(config(isolated_home, bad))
    assert "servers" in str(error.value) and "batchurl" in str(error.value)


def test_without_env_a_server_url_is_named_by_its_host(isolated_home: Path) -> None:
    settings = load_settings(
        config(isolated_home, BETA), {"server": {"url": "https://sevis.example.edu"}}
    )
    assert (settings.environment_name, settings.environment_colour) == ("sevis.example.edu", "cyan")


@pytest.mark.parametrize("no_color", [False, True])
async def test_the_top_bar_names_the_environment_on_every_screen(
    isolated_home: Path, monkeypatch: pytest.MonkeyPatch, no_color: bool
) -> None:
    from sevis_tui.tui.app import SevisApp
    from sevis_tui.tui.widgets.top_bar import TopBar

    if no_color:
        monkeypatch.setenv("NO_COLOR", "1")
    settings = load_settings(config(isolated_home, BETA), {"server": {"environment": "beta"}})
    app = SevisApp(settings)
    async with app.run_test(size=(60, 20)) as pilot:
        await pilot.pause()
        bar = app.screen.query_one(TopBar)
        line = str(bar.render()).splitlines()[0]
        assert line.startswith("[BETA] sevis-tui")
        app.action_open_inspect()
        await pilot.pause()
        assert str(app.screen.query_one(TopBar).render()).startswith("[BETA]")

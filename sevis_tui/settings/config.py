"""Typed settings: shipped defaults < user file < environment < command line.

The settings are msgspec Structs without default values: every default lives in
config/defaults.toml (shipped inside the package as `sevis_tui/defaults.toml`), which also
documents each key. `config_layers` reads and checks each layer, so that a mistake is reported
with its file, line and key.

Also the places the program keeps things (config, state, data) and the small state file
(last folder, last user ID, last login per user). Never imports Textual, and never stores a
password.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from importlib.machinery import SourceFileLoader, SourcelessFileLoader
from pathlib import Path
from typing import TYPE_CHECKING, Any

import msgspec
import platformdirs

from sevis_tui.settings.key_names import id_problem, key_problem
from sevis_tui.settings.layers import Bytes, Days, Layers, Seconds, parse_toml, read_text
from sevis_tui.settings.layers import ConfigError as ConfigError
from sevis_tui.storage.atomic import write_atomic

if TYPE_CHECKING:
    from importlib.resources.abc import Traversable

APP_NAME = "sevis-tui"
ENV_PREFIX = "SEVIS_TUI_"


# --------------------------------------------------------------------------- the settings


class Section(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """One [table] of the config file. No defaults here: config/defaults.toml has them all.

    (Subclasses repeat frozen=True, which they inherit anyway, for mypy's sake.)
    """


class ServerSettings(Section, frozen=True):
    url: str
    batch_url: str
    environment: str
    timeout: Seconds
    verify_tls: bool
    ca_bundle: str


class EnvironmentSettings(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """One [servers.NAME] table: a SEVIS environment (beta, production) and its addresses.

    The user writes these tables; `colour` may be left out (then chosen by the name)."""

    url: str
    batch_url: str
    colour: str = ""


# The colour an environment's name is shown in (ANSI names: they work in 16 colours too).
ENVIRONMENT_COLOURS = {"production": "red", "prod": "red", "beta": "yellow", "demo": "green"}
DEMO_ENVIRONMENT = "demo"


class BrowserSettings(Section, frozen=True):
    start_folder: str
    extensions: tuple[str, ...]
    show_hidden: bool


class CertificateSettings(Section, frozen=True):
    expiry_warning_days: Days
    accepted_issuers: str
    max_file_bytes: Bytes


class UISettings(Section, frozen=True):
    mouse: bool
    print_folder: str


class Settings(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """Every setting in force. Build it with `load_settings` or `shipped_settings`."""

    # A field without a default is a setting (a [table] of the config file); the fields with
    # a default are bookkeeping that no file can set.
    server: ServerSettings
    # Named environments, [servers.NAME]: chosen with --env NAME (server.environment).
    servers: dict[str, EnvironmentSettings]
    browser: BrowserSettings
    certificates: CertificateSettings
    ui: UISettings
    # [keys]: binding id -> key(s), applied with Textual's keymap (docs/keys.md).
    keys: dict[str, str]
    # The layers that gave values, lowest first, for `sevis-tui locate`.
    sources: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()

    @property
    def embedded(self) -> bool:
        """True when no server is configured: the app runs the demo service in-process."""
        return not self.server.url

    @property
    def environment_name(self) -> str:
        """The environment's name for the top bar: the chosen one, "demo" when embedded, else
        the server's host."""
        if self.server.environment:
            return self.server.environment
        if self.embedded:
            return DEMO_ENVIRONMENT
        from urllib.parse import urlsplit

        return urlsplit(self.server.url).hostname or "server"

    @property
    def environment_colour(self) -> str:
        name = self.environment_name
        chosen = self.servers.get(name)
        if chosen is not None and chosen.colour:
            return chosen.colour
        return ENVIRONMENT_COLOURS.get(name.lower(), "cyan")

    @property
    def print_folder(self) -> Path:
        return Path(self.ui.print_folder).expanduser()

    @property
    def accepted_issuers_path(self) -> Path | None:
        value = self.certificates.accepted_issuers
        return Path(value).expanduser() if value else None


def _key_entry_problem(binding_id: str, keys: str) -> str | None:
    return id_problem(binding_id) or key_problem(binding_id, keys)


# Tables of free names, each entry checked on its own (config_layers.Layers).
ENTRIES = {"keys": _key_entry_problem}


# Environment variables that override one key each: NAME -> (section, key).
ENVIRONMENT_KEYS: dict[str, tuple[str, str]] = {
    "SERVER": ("server", "url"),
    "BATCH_URL": ("server", "batch_url"),
    "ENV": ("server", "environment"),
    "TIMEOUT": ("server", "timeout"),
    "VERIFY_TLS": ("server", "verify_tls"),
    "CA_BUNDLE": ("server", "ca_bundle"),
    "START_FOLDER": ("browser", "start_folder"),
    "EXPIRY_WARNING_DAYS": ("certificates", "expiry_warning_days"),
    "ACCEPTED_ISSUERS": ("certificates", "accepted_issuers"),
    "MOUSE": ("ui", "mouse"),
    "PRINT_FOLDER": ("ui", "print_folder"),
}


# --------------------------------------------------------------------------- places


@dataclass(frozen=True)
class Paths:
    config_file: Path
    state_dir: Path
    data_dir: Path
    # A Traversable: a plain file once installed, but importlib.resources does not promise it.
    defaults_file: Traversable

    @property
    def state_file(self) -> Path:
        return self.state_dir / "state.toml"

    @property
    def database(self) -> Path:
        """The embedded service's SQLite database."""
        return self.data_dir / "sevis.db"

    @property
    def demo_issuer_cert(self) -> Path:
        """The embedded demo service's issuing CA certificate (PEM), an accepted issuer there."""
        return self.data_dir / "demo" / "issuer-ca.pem"

    @property
    def demo_issuer_key(self) -> Path:
        """Its private key (PEM, mode 0600); only `demo-certs` and the demo seed use it."""
        return self.data_dir / "demo" / "issuer-ca.key"


def defaults_file() -> Traversable:
    """The shipped defaults, a resource of this package.

    The wheel carries config/defaults.toml as sevis_tui/defaults.toml (pyproject.toml); in a
    checkout, sevis_tui/defaults.toml is a symbolic link to it, so both find it the same way.
    """
    folder = _package_folder()
    if folder is not None:
        found: Traversable = folder / "defaults.toml"
    else:  # not plain files (a zip, say): importlib.resources finds it there
        from importlib import resources

        found = resources.files("sevis_tui").joinpath("defaults.toml")
    # Shown in messages and by `locate`: in a checkout, name the file to edit, not the link.
    return found.resolve() if isinstance(found, Path) else found


def _package_folder() -> Path | None:
    """This package's folder when it is loaded from plain files, as installed or checked out.

    importlib.resources answers the same folder there, but importing its readers (zipfile and
    more) costs some milliseconds of every start (benchmarks/startup.py).
    """
    loader = __spec__.loader
    if isinstance(loader, SourceFileLoader | SourcelessFileLoader) and __spec__.origin:
        return Path(__spec__.origin).parent.parent  # sevis_tui/, above settings/
    return None


def paths(environ: Mapping[str, str] | None = None, config_file: str | None = None) -> Paths:
    """Where things are. The config file: `config_file` (--config), else SEVIS_TUI_CONFIG from
    `environ` (default os.environ), else the XDG config folder's; the state and data folders
    are XDG's too: XDG_*_HOME from `environ` when set, else platformdirs' defaults."""
    env = os.environ if environ is None else environ
    named = config_file or env.get(ENV_PREFIX + "CONFIG")
    config_file_path = (
        Path(named).expanduser()
        if named
        else _xdg(env, "XDG_CONFIG_HOME", platformdirs.user_config_path(APP_NAME)) / "config.toml"
    )
    return Paths(
        config_file=config_file_path,
        state_dir=_xdg(env, "XDG_STATE_HOME", platformdirs.user_state_path(APP_NAME)),
        data_dir=_xdg(env, "XDG_DATA_HOME", platformdirs.user_data_path(APP_NAME)),
        defaults_file=defaults_file(),
    )


def _xdg(env: Mapping[str, str], name: str, fallback: Path) -> Path:
    # Read from `env`, not only os.environ (which is all platformdirs reads): a caller (a test,
    # a subprocess's environment being prepared) may name the folders of another run.
    value = env.get(name)
    return Path(value).expanduser() / APP_NAME if value else fallback


# --------------------------------------------------------------------------- loading


def load_settings(
    environ: Mapping[str, str] | None = None,
    overrides: Mapping[str, Mapping[str, Any]] | None = None,
    config_file: str | None = None,
) -> Settings:
    """Merge every layer into one Settings. `overrides` are command-line values by section;
    `config_file` is --config's value (it wins over SEVIS_TUI_CONFIG)."""
    env = os.environ if environ is None else environ
    where = paths(env, config_file)
    layers = Layers(Settings, where.defaults_file, ENTRIES)
    if where.config_file.exists():
        layers.add_file(where.config_file)
    elif config_file or ENV_PREFIX + "CONFIG" in env:
        raise ConfigError(
            f"config file {where.config_file} does not exist; "
            f"fix {ENV_PREFIX}CONFIG or --config, or create the file"
        )
    layers.add_environment(env, {ENV_PREFIX + k: v for k, v in ENVIRONMENT_KEYS.items()})
    # The flag's own name is cli's business; the source names the setting it sets.
    given = overrides or {}
    server = given.get("server", {})
    if server.get("url") is not None and server.get("environment") is not None:
        raise ConfigError("give --server URL or --env NAME, not both")
    layers.add_values(given, "command line")
    return with_environment(
        layers.build(sources=layers.sources, warnings=layers.warnings), where.config_file
    )


def with_environment(settings: Settings, config_file: Path | None = None) -> Settings:
    """`settings` with the chosen environment's addresses as server.url and server.batch_url.

    "demo" is the embedded demo service, unless a [servers.demo] table says otherwise.
    """
    name = settings.server.environment
    if not name:
        return settings
    chosen = settings.servers.get(name)
    if chosen is None and name == DEMO_ENVIRONMENT:
        chosen = EnvironmentSettings(url="", batch_url="")
    if chosen is None:
        known = ", ".join(sorted(settings.servers)) or "none yet"
        where = f" to {config_file}" if config_file else ""
        raise ConfigError(
            f"there is no environment {name!r} (known: {known}); add a [servers.{name}] table "
            f"with url and batch_url{where}, or choose another with --env"
        )
    server = msgspec.structs.replace(settings.server, url=chosen.url, batch_url=chosen.batch_url)
    return msgspec.structs.replace(settings, server=server)


def shipped_settings(values: Mapping[str, Mapping[str, Any]] | None = None) -> Settings:
    """The shipped defaults alone (no user file, no environment), with `values` on top.

    For code that must not depend on the officer's settings: the service's fallback, tests,
    benchmarks. `values` are checked like command-line values.
    """
    layers = Layers(Settings, defaults_file(), ENTRIES)
    layers.add_values(values or {}, "given")
    return layers.build(sources=layers.sources, warnings=layers.warnings)


def read_toml(path: Path) -> dict[str, Any]:
    """Read a TOML file, turning every failure into a one-line ConfigError."""
    return parse_toml(read_text(path), str(path))


# --------------------------------------------------------------------------- writing


def write_toml_atomic(path: Path, data: Mapping[str, Any], mode: int = 0o600) -> None:
    """Write TOML atomically (see `files.write_atomic`), mode 0600 by default."""
    import tomli_w  # only needed when writing

    write_atomic(path, tomli_w.dumps(dict(data)).encode("utf-8"), mode)


# --------------------------------------------------------------------------- state

# Keys a state file may hold. A password is never among them, and save() refuses others.
_STATE_KEYS = frozenset({"last_folder", "last_user_id", "last_login"})


@dataclass
class State:
    """What the app remembers between runs: last folder, last user ID, last login per user."""

    last_folder: str = ""
    last_user_id: str = ""
    last_login: dict[str, str] = field(default_factory=dict)


class StateStore:
    """Loads and saves State; if the folder is not writable, keeps going and says so once."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.problem: str | None = None

    def load(self) -> State:
        try:
            data = read_toml(self.path) if self.path.exists() else {}
        except ConfigError as error:
            self.problem = f"{error}; starting with a fresh state"
            return State()
        logins = data.get("last_login", {})
        return State(
            last_folder=str(data.get("last_folder", "")),
            last_user_id=str(data.get("last_user_id", "")),
            last_login={str(k): str(v) for k, v in logins.items()}
            if isinstance(logins, dict)
            else {},
        )

    def save(self, state: State) -> bool:
        """Write the state; False (and self.problem set once) when it cannot be kept."""
        data: dict[str, Any] = {
            "last_folder": state.last_folder,
            "last_user_id": state.last_user_id,
            "last_login": dict(state.last_login),
        }
        assert set(data) <= _STATE_KEYS
        try:
            write_toml_atomic(self.path, data)
        except OSError as error:
            if self.problem is None:
                self.problem = (
                    f"state will not be kept: cannot write {self.path} ({error.strerror}); "
                    "check the folder's permissions or set XDG_STATE_HOME"
                )
            return False
        return True

"""Typed settings: shipped defaults < user file < environment < command line.

Also the places the program keeps things (config, state, data) and the small
state file (last folder, last user ID, last login per user). Never imports
Textual, and never stores a password.
"""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

import platformdirs

from sevis_tui.files import write_atomic

APP_NAME = "sevis-tui"
ENV_PREFIX = "SEVIS_TUI_"


class ConfigError(Exception):
    """A configuration file or value that cannot be used; the message is fit to show."""


@dataclass(frozen=True)
class ServerSettings:
    url: str = ""
    timeout: float = 15.0
    verify_tls: bool = True
    ca_bundle: str = ""


@dataclass(frozen=True)
class BrowserSettings:
    start_folder: str = ""
    extensions: tuple[str, ...] = (".cer", ".pem", ".crt", ".der", ".p7b", ".p7c", ".p12", ".pfx")
    show_hidden: bool = False


@dataclass(frozen=True)
class CertificateSettings:
    expiry_warning_days: int = 30
    accepted_issuers: str = ""
    max_file_bytes: int = 1024 * 1024


@dataclass(frozen=True)
class UISettings:
    mouse: bool = True
    print_folder: str = "~/sevis-tui"


@dataclass(frozen=True)
class Settings:
    server: ServerSettings = field(default_factory=ServerSettings)
    browser: BrowserSettings = field(default_factory=BrowserSettings)
    certificates: CertificateSettings = field(default_factory=CertificateSettings)
    ui: UISettings = field(default_factory=UISettings)
    # The layers that gave values, lowest first, for `sevis-tui locate`; not a setting itself.
    sources: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()

    @property
    def embedded(self) -> bool:
        """True when no server is configured: the app runs the demo service in-process."""
        return not self.server.url

    @property
    def print_folder(self) -> Path:
        return Path(self.ui.print_folder).expanduser()

    @property
    def accepted_issuers_path(self) -> Path | None:
        value = self.certificates.accepted_issuers
        return Path(value).expanduser() if value else None


_SECTIONS: dict[str, type[Any]] = {
    "server": ServerSettings,
    "browser": BrowserSettings,
    "certificates": CertificateSettings,
    "ui": UISettings,
}

# Environment variables that override one key each: NAME -> (section, key).
ENVIRONMENT_KEYS: dict[str, tuple[str, str]] = {
    "SERVER": ("server", "url"),
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
    defaults_file: Path

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


def defaults_file() -> Path:
    """The shipped defaults: config/defaults.toml in a checkout, or the copy in the wheel."""
    checkout = Path(__file__).resolve().parent.parent / "config" / "defaults.toml"
    if checkout.is_file():
        return checkout
    # Installed from a wheel, the file sits beside this module (no importlib.resources needed).
    return Path(__file__).with_name("defaults.toml")


def paths(environ: Mapping[str, str] | None = None) -> Paths:
    env = os.environ if environ is None else environ
    named = env.get(ENV_PREFIX + "CONFIG")
    config_file = (
        Path(named).expanduser()
        if named
        else _xdg(env, "XDG_CONFIG_HOME", platformdirs.user_config_path(APP_NAME)) / "config.toml"
    )
    return Paths(
        config_file=config_file,
        state_dir=_xdg(env, "XDG_STATE_HOME", platformdirs.user_state_path(APP_NAME)),
        data_dir=_xdg(env, "XDG_DATA_HOME", platformdirs.user_data_path(APP_NAME)),
        defaults_file=defaults_file(),
    )


def _xdg(env: Mapping[str, str], name: str, fallback: Path) -> Path:
    # Read the variable ourselves so tests (and officers) can point one run elsewhere.
    value = env.get(name)
    return Path(value).expanduser() / APP_NAME if value else fallback


# --------------------------------------------------------------------------- loading


def read_toml(path: Path) -> dict[str, Any]:
    """Read a TOML file, turning every failure into a one-line ConfigError."""
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except tomllib.TOMLDecodeError as error:
        # Python 3.11's error has no line attribute; its message ends "(at line N, column M)".
        found = re.search(r"^(.*?) \(at line (\d+), column (\d+)\)$", str(error))
        if found:
            reason, line, column = found.groups()
            where = f" line {line}: {reason} (column {column})"
        else:
            where = f": {error}"
        raise ConfigError(f"config error in {path}{where}") from None
    except OSError as error:
        raise ConfigError(f"cannot read config file {path}: {error.strerror}") from None


def load_settings(
    environ: Mapping[str, str] | None = None,
    overrides: Mapping[str, Mapping[str, Any]] | None = None,
) -> Settings:
    """Merge every layer into one Settings. `overrides` are command-line values by section."""
    env = os.environ if environ is None else environ
    where = paths(env)
    values: dict[str, dict[str, Any]] = {name: {} for name in _SECTIONS}
    warnings: list[str] = []
    sources: list[str] = []

    for path, required in ((where.defaults_file, True), (where.config_file, False)):
        if not path.exists():
            if required or ENV_PREFIX + "CONFIG" in env:
                raise ConfigError(f"config file {path} does not exist")
            continue
        _merge_file(values, read_toml(path), path, warnings)
        sources.append(str(path))

    for suffix, (section, key) in ENVIRONMENT_KEYS.items():
        raw = env.get(ENV_PREFIX + suffix)
        if raw is not None:
            values[section][key] = _from_environment(ENV_PREFIX + suffix, raw, section, key)
            sources.append(f"${ENV_PREFIX}{suffix}")

    for section, keys in (overrides or {}).items():
        for key, value in keys.items():
            if value is not None:
                values[section][key] = value
                # The flag's own name is cli's business; name the setting it sets.
                sources.append(f"command line ({section}.{key})")

    built = {name: cls(**values[name]) for name, cls in _SECTIONS.items()}
    return Settings(**built, sources=tuple(sources), warnings=tuple(warnings))


def _merge_file(
    values: dict[str, dict[str, Any]], data: dict[str, Any], path: Path, warnings: list[str]
) -> None:
    for section, table in data.items():
        cls = _SECTIONS.get(section)
        if cls is None or not isinstance(table, dict):
            warnings.append(f"{path}: unknown section [{section}] ignored")
            continue
        known = {f.name: f for f in fields(cls)}
        for key, value in table.items():
            if key not in known:
                warnings.append(f"{path}: unknown key {section}.{key} ignored")
                continue
            values[section][key] = _check_type(
                value, known[key].default, f"{path}: {section}.{key}"
            )


def _check_type(value: Any, default: Any, where: str) -> Any:
    expected = type(default)
    if isinstance(default, bool):
        ok = isinstance(value, bool)
    elif isinstance(default, float):
        ok = isinstance(value, int | float) and not isinstance(value, bool)
        value = float(value) if ok else value
    elif isinstance(default, int):
        ok = isinstance(value, int) and not isinstance(value, bool)
    elif isinstance(default, tuple):
        ok = isinstance(value, list) and all(isinstance(item, str) for item in value)
        value = tuple(value) if ok else value
        expected = list
    else:
        ok = isinstance(value, expected)
    if not ok:
        raise ConfigError(
            f"config error in {where}: expected {_type_word(expected)}, "
            f"got {_type_word(type(value))} {value!r}"
        )
    return value


def _type_word(kind: type[Any]) -> str:
    return {
        bool: "true or false",
        int: "a whole number",
        float: "a number",
        str: "a string",
        list: "a list of strings",
    }.get(kind, kind.__name__)


def _from_environment(name: str, raw: str, section: str, key: str) -> Any:
    default = getattr(_SECTIONS[section](), key)
    parsers: dict[type[Any], Callable[[str], Any]] = {
        bool: _parse_bool,
        int: int,
        float: float,
    }
    parse = parsers.get(type(default))
    if parse is None:
        return raw
    try:
        return parse(raw)
    except ValueError:
        raise ConfigError(
            f"environment variable {name}={raw!r}: expected {_type_word(type(default))}"
        ) from None


def _parse_bool(raw: str) -> bool:
    lowered = raw.strip().lower()
    if lowered in {"1", "true", "yes", "on"}:
        return True
    if lowered in {"0", "false", "no", "off"}:
        return False
    raise ValueError(raw)


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

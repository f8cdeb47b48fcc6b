"""Layered TOML settings decoded into msgspec Structs, with messages that say where and what.

The lowest layer (the shipped defaults) must give every field of the Struct; each layer above
it is checked key by key against the fields' types before it is merged, so a mistake names
its file, line and key, what was expected and what to do. Unknown keys are warned about and
skipped. `settings/config.py` says which settings exist; this module knows nothing of them. No
Textual.
"""

from __future__ import annotations

import functools
import re
import tomllib
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Generic, TypeVar

import msgspec

if TYPE_CHECKING:
    from importlib.resources.abc import Traversable

S = TypeVar("S", bound=msgspec.Struct)

Seconds = Annotated[float, msgspec.Meta(gt=0)]
Days = Annotated[int, msgspec.Meta(ge=0)]
Bytes = Annotated[int, msgspec.Meta(gt=0)]

# What each type of setting accepts, in the words of the error messages.
EXPECTED: dict[Any, str] = {
    str: "a string",
    bool: "true or false",
    int: "a whole number",
    float: "a number",
    tuple[str, ...]: "a list of strings",
    Seconds: "a number of seconds above 0",
    Days: "a whole number of days, 0 or more",
    Bytes: "a whole number of bytes above 0",
}

_FIX = "fix the value, or remove the key to use the default"
_REINSTALL = "; reinstall sevis-tui"


class ConfigError(Exception):
    """A configuration file or value that cannot be used; the message is fit to show."""


@functools.cache
def setting_types(shape: type[msgspec.Struct]) -> dict[str, Any]:
    """The settings a Struct holds, name -> type: its fields without a default."""
    return {info.name: info.type for info in msgspec.structs.fields(shape) if info.required}


def _is_table(kind: Any) -> bool:
    return isinstance(kind, type) and issubclass(kind, msgspec.Struct)


# --------------------------------------------------------------------------- reading TOML


def read_text(path: Path | Traversable) -> str:
    try:
        return path.read_bytes().decode("utf-8")
    except UnicodeDecodeError as error:
        raise ConfigError(
            f"config error in {path}: not UTF-8 text (byte {error.start}); save it as UTF-8"
        ) from None
    except OSError as error:
        raise ConfigError(f"cannot read config file {path}: {error.strerror}") from None


def parse_toml(text: str, where: str, remedy: str = "") -> dict[str, Any]:
    """Parse TOML text read from `where`; a syntax error names the line, then `remedy`."""
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        # Python 3.11's error has no line attribute; its message ends "(at line N, column M)".
        found = re.search(r"^(.*?) \(at line (\d+), column (\d+)\)$", str(error))
        if found:
            reason, line, column = found.groups()
            detail = f" line {line}: {reason} (column {column})"
        else:
            detail = f": {error}"
        raise ConfigError(f"config error in {where}{detail}{remedy}") from None


_TABLE_LINE = re.compile(r"\s*\[\s*([^\[\]]+?)\s*\]")
_KEY_LINE = re.compile(r"""\s*([A-Za-z0-9_.-]+|"[^"]*"|'[^']*')\s*=""")


def line_of(text: str, names: tuple[str, ...]) -> int | None:
    """The line that writes `names` (a table's header, or a key in its table), if written plainly.

    Only for messages: tomllib does not say where a value came from. Dotted keys and inline
    tables are not followed (None: the message then names the key without a line).
    """
    table: tuple[str, ...] | None = ()
    for number, line in enumerate(text.splitlines(), 1):
        if line.lstrip().startswith("["):
            header = _TABLE_LINE.match(line)  # an [[array of tables]] gives None: not ours
            table = tuple(p.strip().strip("\"'") for p in header[1].split(".")) if header else None
            if table == names:
                return number
            continue
        key = _KEY_LINE.match(line)
        if key and table == names[:-1] and key[1].strip("\"'") == names[-1]:
            return number
    return None


# --------------------------------------------------------------------------- layering


# Checks one entry of a table of free names (e.g. [keys]): why (name, value) is wrong, or None.
EntryCheck = Callable[[str, str], str | None]


class Layers(Generic[S]):
    """Values merged layer by layer onto the shipped defaults, then decoded into `shape`.

    `entries` names the top-level tables whose keys are not fields but free names (a [keys]
    table: binding id -> key), each with the check of one entry.
    """

    def __init__(
        self, shape: type[S], shipped: Traversable, entries: Mapping[str, EntryCheck] | None = None
    ) -> None:
        self.entries = dict(entries or {})
        if not shipped.is_file():
            raise ConfigError(f"the shipped defaults {shipped} are missing{_REINSTALL}")
        self.shape = shape
        self.values = parse_toml(read_text(shipped), str(shipped), _REINSTALL)
        try:
            msgspec.convert(self.values, shape)
        except msgspec.ValidationError as error:
            raise ConfigError(
                f"the shipped defaults {shipped} do not fit this version of sevis-tui "
                f"({error}){_REINSTALL}"
            ) from None
        self.sources = [str(shipped)]
        self.warnings: list[str] = []

    def add_file(self, path: Path) -> None:
        text = read_text(path)
        data = parse_toml(text, str(path), "; fix the TOML syntax there")
        _merge(self.values, self._checked_table(data, self.shape, (), str(path), text))
        self.sources.append(str(path))

    def _checked_table(
        self, data: Mapping[str, Any], shape: Any, names: tuple[str, ...], where: str, text: str
    ) -> dict[str, Any]:
        kinds = setting_types(shape)
        kept: dict[str, Any] = {}
        for key, value in data.items():
            here = (*names, key)
            kind = kinds.get(key)
            if kind is None:
                line = line_of(text, here)
                at = f"{where} line {line}" if line else where
                what = f"key {'.'.join(here)}" if names else f"section [{key}]"
                self.warnings.append(f"{at}: unknown {what} ignored")
            elif _is_table(kind) and isinstance(value, dict):
                kept[key] = self._checked_table(value, kind, here, where, text)
            elif not names and key in self.entries and isinstance(value, dict):
                kept[key] = _checked_entries(value, self.entries[key], key, where, text)
            else:
                # A dict-typed setting ([servers.NAME] tables) is converted whole here; give it
                # a branch above to check its entries one by one, as [keys] has.
                kept[key] = _converted(value, kind, here, where, text)
        return kept

    def add_environment(self, env: Mapping[str, str], names: Mapping[str, tuple[str, str]]) -> None:
        """Variables that set one key each: NAME -> (table, key)."""
        for name, (table, key) in names.items():
            raw = env.get(name)
            if raw is None:
                continue
            kind = setting_types(setting_types(self.shape)[table])[key]
            try:
                value = (
                    parse_bool(raw) if kind is bool else msgspec.convert(raw, kind, strict=False)
                )
            except (ValueError, msgspec.ValidationError):
                raise ConfigError(
                    f"environment variable {name}={raw!r}: expected {EXPECTED[kind]}; "
                    "change it or unset it"
                ) from None
            _merge(self.values, {table: {key: value}})
            self.sources.append(f"${name}")

    def add_values(self, values: Mapping[str, Mapping[str, Any]], label: str) -> None:
        """Values given by the program (command-line flags) by table; None means "not given"."""
        for table, keys in values.items():
            kinds = setting_types(setting_types(self.shape)[table])
            for key, value in keys.items():
                if value is not None:
                    where = f"{label} ({table}.{key})"
                    _merge(
                        self.values, {table: {key: _converted(value, kinds[key], (), where, "")}}
                    )
                    self.sources.append(where)

    def build(self, **extra: Any) -> S:
        """The Struct; `extra` fills fields that are not settings (they have defaults)."""
        # Every value was checked on its way in: this cannot fail, it only builds the Structs.
        return msgspec.convert({**self.values, **extra}, self.shape)


def _checked_entries(
    data: Mapping[str, Any], check: EntryCheck, table: str, where: str, text: str
) -> dict[str, str]:
    """A [table] of free names, each a string that `check` accepts; dotted names flattened."""
    kept: dict[str, str] = {}
    for name, value in _flattened(data):
        line = line_of(text, (table, name))
        at = f"{where} line {line}" if line else where
        problem = (
            check(name, value)
            if isinstance(value, str)
            else f"expected a string, got {_shown(value)}"
        )
        if problem:
            raise ConfigError(f"config error in {at}: {table}.{name}: {problem}")
        kept[name] = value
    return kept


def _flattened(data: Mapping[str, Any], prefix: str = "") -> list[tuple[str, Any]]:
    # TOML reads `screen.help = "f2"` as a table inside a table; it names the id "screen.help".
    found: list[tuple[str, Any]] = []
    for name, value in data.items():
        if isinstance(value, dict):
            found.extend(_flattened(value, f"{prefix}{name}."))
        else:
            found.append((f"{prefix}{name}", value))
    return found


def _converted(value: Any, kind: Any, names: tuple[str, ...], where: str, text: str) -> Any:
    try:
        return msgspec.convert(value, kind)
    except msgspec.ValidationError as error:
        line = line_of(text, names) if names else None
        at = f"{where} line {line}" if line else where
        key = f"{'.'.join(names)}: " if names else ""
        if _is_table(kind):
            expected = f"a table [{'.'.join(names)}]"
        else:
            expected = EXPECTED.get(kind, f"a value that fits ({error})")
        raise ConfigError(
            f"config error in {at}: {key}expected {expected}, got {_shown(value)}; {_FIX}"
        ) from None


def _shown(value: Any) -> str:
    """A TOML value as a message shows it: what kind of value, where it helps, then the value."""
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, int | float):
        return repr(value)
    if hasattr(value, "isoformat"):  # TOML dates and times
        return f"a date or time {value.isoformat()}"
    kinds: dict[type[Any], str] = {str: "a string", list: "a list", dict: "a table"}
    kind = kinds.get(type(value), type(value).__name__)
    shown = repr(value)
    return f"{kind} {shown if len(shown) <= 60 else shown[:57] + '...'}"


def _merge(into: dict[str, Any], values: Mapping[str, Any]) -> None:
    for key, value in values.items():
        below = into.get(key)
        if isinstance(value, Mapping) and isinstance(below, dict):
            _merge(below, value)
        else:
            into[key] = value


def parse_bool(raw: str) -> bool:
    lowered = raw.strip().lower()
    if lowered in {"1", "true", "yes", "on"}:
        return True
    if lowered in {"0", "false", "no", "off"}:
        return False
    raise ValueError(raw)

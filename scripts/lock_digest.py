"""Tie the lock files to pyproject.toml: `write` stamps them, `check` stops a stale lock.

`build-requires` prints the build backend's requirements, so the lock pins them too.

The digest covers what the lock was resolved from (Python range, build requirements,
dependencies and extras), so adding a dependency without `make lock` is caught before any
install, with one line that says what to do.
"""

from __future__ import annotations

import hashlib
import json
import sys
import tomllib
from pathlib import Path

PREFIX = "# pyproject-digest: "


def digest(pyproject: Path) -> str:
    data = tomllib.loads(pyproject.read_text(encoding="utf-8"))
    project = data.get("project", {})
    resolved_from = {
        "requires-python": project.get("requires-python"),
        "build-system": data.get("build-system", {}).get("requires", []),
        "dependencies": project.get("dependencies", []),
        "optional-dependencies": project.get("optional-dependencies", {}),
    }
    text = json.dumps(resolved_from, sort_keys=True)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def stamped(lock: Path) -> str | None:
    for line in lock.read_text(encoding="utf-8").splitlines():
        if line.startswith(PREFIX):
            return line.removeprefix(PREFIX).strip()
    return None


def main(argv: list[str]) -> int:
    if argv == ["build-requires"]:
        data = tomllib.loads(Path("pyproject.toml").read_text(encoding="utf-8"))
        print("\n".join(data["build-system"]["requires"]))
        return 0
    if len(argv) < 2 or argv[0] not in {"write", "check"}:
        print("usage: lock_digest.py build-requires | write|check LOCK...", file=sys.stderr)
        return 2
    expected = digest(Path("pyproject.toml"))
    for name in argv[1:]:
        lock = Path(name)
        if argv[0] == "write":
            lines = [
                line
                for line in lock.read_text(encoding="utf-8").splitlines()
                if not line.startswith(PREFIX)
            ]
            lock.write_text("\n".join([PREFIX + expected, *lines]) + "\n", encoding="utf-8")
            continue
        if not lock.is_file():
            print(f"{lock} is missing: run `make lock` and commit it.", file=sys.stderr)
            return 1
        if stamped(lock) != expected:
            print(
                f"{lock} does not match pyproject.toml (a dependency changed): "
                "run `make lock`, review the diff and commit it.",
                file=sys.stderr,
            )
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

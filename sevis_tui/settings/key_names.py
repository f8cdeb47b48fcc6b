"""What a [keys] table may say: the ids of the bindings it can remap, and which keys exist.

The app applies the table with Textual's keymap (App.set_keymap); this module only checks it,
so that a wrong id or key is a config error with its file and line. No Textual here: the
config is read before Textual starts. The one source of the ids is the bindings the screens
and widgets declare: tests/foundation/test_keys_config.py fails when this copy (or
docs/keys.md's) differs from them, and when the key names differ from Textual's.
"""

from __future__ import annotations

import difflib
import unicodedata

# Every binding that has an id; the ids name what the key does, so that a remap says which.
BINDING_IDS = frozenset(
    {
        "access.again",
        "access.browse",
        "actions.close",
        "agreement.accept",
        "agreement.decline",
        "agreement.print",
        "app.quit",
        "batch.check",
        "batch.reload",
        "choice.next",
        "choice.previous",
        "confirm.no",
        "confirm.yes",
        "file_browser.clear_filter",
        "file_browser.close_goto",
        "file_browser.down",
        "file_browser.filter",
        "file_browser.first",
        "file_browser.goto",
        "file_browser.home",
        "file_browser.last",
        "file_browser.open",
        "file_browser.page_down",
        "file_browser.page_up",
        "file_browser.parent",
        "file_browser.reload",
        "file_browser.toggle_certificates",
        "file_browser.toggle_hidden",
        "file_browser.up",
        "form.edit",
        "help.close",
        "inspect.browse",
        "login.inspect",
        "login.request",
        "password.cancel",
        "path_input.complete",
        "multi.done",
        "multi.retry_failed",
        "multi.save_receipt",
        "multi.stop",
        "programs.clear_filter",
        "programs.mark",
        "programs.mark_all",
        "programs.register_marked",
        "programs.open",
        "programs.reload",
        "programs.renew",
        "programs.reverse",
        "programs.sort",
        "result.again",
        "result.done",
        "result.save",
        "save.cancel",
        "screen.back",
        "screen.help",
        "screen.retry",
        "send.browse",
        "sponsor.actions",
        "sponsor.check",
        "sponsor.reload",
        "sponsor.view",
        "upload.browse",
        "upload.upload",
    }
)

# On a list, letters and digits always type into its filter (tui/widgets/type_to_filter.py).
LIST_IDS = ("programs.", "file_browser.")

MODIFIERS = frozenset({"ctrl", "shift", "alt", "meta", "super", "hyper"})
NAMED_KEYS = frozenset(
    {
        "enter",
        "escape",
        "tab",
        "backspace",
        "delete",
        "insert",
        "home",
        "end",
        "pageup",
        "pagedown",
        "up",
        "down",
        "left",
        "right",
        "space",
        *(f"f{n}" for n in range(1, 25)),
    }
)


# Textual names a symbol after its Unicode name ("full_stop", "question_mark"), a few shorter.
_SHORTER = {"solidus": "slash", "reverse_solidus": "backslash", "commercial_at": "at"}
_SHORTER |= {"hyphen_minus": "minus", "plus_sign": "plus", "low_line": "underscore"}
SYMBOL_KEYS = frozenset(
    _SHORTER.get(name, name)
    for name in (
        unicodedata.name(chr(code)).lower().replace("-", "_").replace(" ", "_")
        for code in range(0x21, 0x7F)
        if not chr(code).isalnum()
    )
)


def id_problem(binding_id: str) -> str | None:
    """Why `binding_id` cannot be remapped, or None."""
    if binding_id in BINDING_IDS:
        return None
    close = difflib.get_close_matches(binding_id, sorted(BINDING_IDS), n=1)
    hint = f" (did you mean {close[0]}?)" if close else ""
    return f"no key has the id {binding_id}{hint}; docs/keys.md lists them"


def key_problem(binding_id: str, keys: str) -> str | None:
    """Why `keys` ("f2", "ctrl+x", or several: "y,enter") cannot be given to `binding_id`."""
    if not keys.strip():
        return 'no key given; name one (e.g. "f2" or "ctrl+x") or remove the line'
    for key in keys.split(","):
        *modifiers, name = key.strip().split("+")
        wrong = [m for m in modifiers if m not in MODIFIERS]
        if wrong:
            return f"{wrong[0]!r} in {key.strip()!r} is not ctrl, shift, alt or meta"
        if not _is_key_name(name):
            return f"{name!r} is not a key (use e.g. a, f2, enter, escape, pagedown, slash)"
        if not modifiers and _types_a_name(name) and binding_id.startswith(LIST_IDS):
            return (
                f"{name!r} types into the list's filter there; choose a Ctrl or F key or a symbol"
            )
    return None


def _is_key_name(name: str) -> bool:
    if len(name) == 1:
        return name.isprintable() and name != " "
    return name in NAMED_KEYS or name in SYMBOL_KEYS


def _types_a_name(name: str) -> bool:
    return len(name) == 1 and name.isalnum()

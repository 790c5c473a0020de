"""Typer's help formatter imported without the parts `publisher` never uses.

`typer.rich_utils` (typer 0.20, which draws every `--help`) imports `rich.markdown` (with
markdown-it, mdurl and Pygments) and `rich.traceback` (with attrs and `rich.pretty`) at
its top, whatever the markup mode: about 60 ms of CPU before any help is printed. Our
help is rich markup, never Markdown (`rich_markup_mode` stays "rich"), and pretty
tracebacks are off (`pretty_exceptions_enable=False`), so neither module is needed.

Invariant: `import_lean()` leaves nothing changed but `typer.rich_utils` imported. While
it imports, the two modules are stand-ins whose classes import the real module on first
use (so a Markdown help, were one ever written, still renders); the stand-ins are then
removed from `sys.modules`, and any later `import rich.markdown` gets the real module.
"""

from __future__ import annotations

import importlib
import sys
import types
from typing import Any

#: module -> the names typer.rich_utils imports from it
_DEFERRED = {"rich.markdown": ("Markdown",), "rich.traceback": ("Traceback",)}


class _Deferred(type):
    """The type of a stand-in class: what the class is asked for, the real class answers
    (importing its module then); dunder names excepted, which `typing` probes."""

    def __getattr__(cls, attr: str) -> Any:
        if attr.startswith("__"):
            raise AttributeError(attr)
        return getattr(cls._real(), attr)


def _stand_in(module: str, name: str) -> type:
    """A class standing for `module.name`: making one makes the real class's instance."""

    def real() -> Any:
        return getattr(importlib.import_module(module), name)

    def new(cls: type, *args: Any, **kwargs: Any) -> Any:
        return real()(*args, **kwargs)

    namespace = {"__new__": new, "_real": staticmethod(real), "__module__": module}
    return _Deferred(name, (), namespace)


def import_lean() -> None:
    """Import `typer.rich_utils` without `rich.markdown` and `rich.traceback`."""
    if "typer.rich_utils" in sys.modules:
        return
    stand_ins: dict[str, types.ModuleType] = {}
    for module, names in _DEFERRED.items():
        if module in sys.modules:  # already imported for real: nothing to save
            continue
        stand_in = types.ModuleType(module)
        for name in names:
            setattr(stand_in, name, _stand_in(module, name))
        stand_ins[module] = sys.modules[module] = stand_in
    try:
        importlib.import_module("typer.rich_utils")
    finally:
        for module, stand_in in stand_ins.items():
            if sys.modules.get(module) is stand_in:
                del sys.modules[module]

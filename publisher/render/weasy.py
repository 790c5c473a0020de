"""WeasyPrint, imported without the search for its libraries that costs a third of it.

WeasyPrint's `text/ffi.py` opens GObject, Pango, HarfBuzz and fontconfig by trying each
library's names for every platform in turn: `libgobject-2.0-0` (Windows) first, the
Linux soname `libgobject-2.0.so.0` last. cffi gives each name the dynamic linker cannot
open as it is to `ctypes.util.find_library`, which on Linux runs `ldconfig -p`, then
`gcc`, then `ld` to look for it (Kozea/WeasyPrint#1125): 15 processes and about 0.17 s
of the half second `import weasyprint` takes, in every process that renders (a build,
the PDF workers' forkserver on the critical path of `publisher site`, the review
server's renderer).

On Linux that search finds nothing the names at the end of each list do not: it gives a
soname, which the dynamic linker then opens by name, as it opens `libgobject-2.0.so.0`
directly (the same files: tests/render/test_weasy.py compares the libraries mapped). So
while WeasyPrint is imported, `find_library` answers None at once, and each library is
opened by its soname. Elsewhere (macOS, Windows) the import is left as it is.

Invariant: the package imports WeasyPrint through `load` (the first import in a process
is the one that opens the libraries; a test checks the sources), and `find_library` is
itself again when `load` returns or raises.
"""

from __future__ import annotations

import importlib
import sys
import threading
from types import ModuleType

_LOCK = threading.Lock()


def load() -> ModuleType:
    """The `weasyprint` module, imported now if it was not."""
    loaded = sys.modules.get("weasyprint")
    if loaded is not None:
        return loaded
    if not sys.platform.startswith("linux"):
        return importlib.import_module("weasyprint")
    import ctypes.util

    with _LOCK:
        search = ctypes.util.find_library
        ctypes.util.find_library = _not_searched
        try:
            return importlib.import_module("weasyprint")
        finally:
            ctypes.util.find_library = search


def _not_searched(name: str) -> None:
    """`ctypes.util.find_library` while WeasyPrint is imported: nothing found, at once."""
    return None

"""WeasyPrint imported through render/weasy.py: without the library search its import
starts (ldconfig, gcc and ld run for each library name that is not this platform's), with
the same libraries opened, and WeasyPrint working as before.

Each import runs in a fresh interpreter: this test process may have WeasyPrint imported.
"""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from publisher.publishing import forkserver
from tests.support.workspace import REPO

#: Run in a fresh interpreter: import WeasyPrint one way (argv[1]), then say which
#: processes the import started, which of the renderer's libraries it mapped, and
#: whether it renders.
PROBE = """
import json, sys
spawned = []
def audit(event, args):
    if event == "subprocess.Popen":
        spawned.append(str(args[0]))
sys.addaudithook(audit)
way = sys.argv[1]
if way == "plain":
    import weasyprint
elif way == "load":
    from publisher.render.weasy import load
    weasyprint = load()
else:
    import importlib
    importlib.import_module(way)
    weasyprint = sys.modules["weasyprint"]
import ctypes.util
KINDS = ("gobject", "glib", "pango", "harfbuzz", "fontconfig", "freetype", "ffi")
with open("/proc/self/maps") as maps:
    libs = sorted({line.split()[-1] for line in maps if any(k in line for k in KINDS)})
pdf = weasyprint.HTML(string="<p>English ខ្មែរ 中文</p>").write_pdf()
print(json.dumps({
    "spawned": spawned,
    "libs": libs,
    "pdf": pdf[:5].decode(),
    "find_library": ctypes.util.find_library.__module__ + "." + ctypes.util.find_library.__name__,
}))
"""


def _imported(way: str) -> dict[str, Any]:
    done = subprocess.run(
        [sys.executable, "-c", PROBE, way],
        capture_output=True,
        text=True,
        check=True,
        cwd=REPO,
    )
    result: dict[str, Any] = json.loads(done.stdout.splitlines()[-1])
    return result


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the search skipped on Linux")
def test_weasyprint_is_loaded_without_the_library_search_and_opens_the_same_libraries() -> None:
    plain, loaded = _imported("plain"), _imported("load")
    # WeasyPrint as it comes runs ldconfig, gcc and ld for names that are not Linux's
    assert any(Path(program).name.startswith(("gcc", "ld")) for program in plain["spawned"])
    assert loaded["spawned"] == []
    assert loaded["libs"] == plain["libs"]
    assert any("libpango-1.0.so" in lib for lib in loaded["libs"])
    assert loaded["pdf"] == plain["pdf"] == "%PDF-"
    assert loaded["find_library"] == "ctypes.util.find_library"  # itself again


def test_the_pdf_workers_forkserver_loads_weasyprint_so() -> None:
    assert forkserver.PRELOAD[-1] == "publisher.render.weasy_forkserver"
    preloaded = _imported("publisher.render.weasy_forkserver")
    assert preloaded["pdf"] == "%PDF-"
    if sys.platform.startswith("linux"):
        assert preloaded["spawned"] == []


def test_the_package_imports_weasyprint_only_through_load() -> None:
    """`import weasyprint` anywhere else would be the first import in some process, with
    the library search (a `from weasyprint.x import y` follows a `load()`)."""
    package = REPO / "publisher"
    found = []
    for path in sorted(package.rglob("*.py")):
        if path.name == "weasy.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import) and any(
                alias.name.split(".")[0] == "weasyprint" for alias in node.names
            ):
                found.append(f"{path.relative_to(REPO)}:{node.lineno}")
    assert found == []

"""Content hashes of everything a build step reads, so a cache key changes exactly
when an input does.

Why hashes rather than timestamps: a release folder copied, checked out again or
restored from a zip keeps its content but not its mtimes, and must not be
rendered again. Fonts are the exception (tens of megabytes each, and they only
change when packages are installed): their paths, sizes and mtimes stand in.

Everything here is cheap on purpose: a no-op rebuild of hundreds of releases
hashes every input in a few tens of milliseconds and imports no renderer.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path
from typing import Any

from publisher import __version__
from publisher.render import fonts

PACKAGE_ROOT = Path(__file__).resolve().parents[1]

#: Files of a release folder that are not inputs of any rendered output.
RELEASE_IGNORED = frozenset({"history.jsonl", ".lock"})


_REFERENCE = re.compile(r"""\{%-?\s*(?:include|extends|import|from)\s+["']([^"']+)["']""")


def digest(*parts: Any) -> str:
    """A stable SHA-256 of JSON-serialisable parts (the cache key of a step)."""
    payload = json.dumps(parts, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def file_hash(path: Path) -> str:
    """SHA-256 of a file's bytes; "missing" when there is no such file."""
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except (FileNotFoundError, IsADirectoryError):
        return "missing"


@lru_cache(maxsize=1)
def tool_fingerprint() -> str:
    """The version plus the package's own code: a developer's edit invalidates the cache
    even without a version bump (about 2 ms: ~60 small files)."""
    h = hashlib.sha256(__version__.encode())
    for path in sorted(PACKAGE_ROOT.rglob("*.py")):
        h.update(str(path.relative_to(PACKAGE_ROOT)).encode())
        h.update(path.read_bytes())
    return h.hexdigest()


def release_files(root: Path) -> dict[str, str]:
    """Relative path -> content hash of every input file of a release folder.

    history.jsonl is not an input of any output (it records who did what; the
    catalogs carry the approvals), so appending to it renders nothing again.
    """
    out: dict[str, str] = {}
    for path in sorted(root.rglob("*")):
        rel = path.relative_to(root)
        if any(part.startswith(".") for part in rel.parts) or rel.name in RELEASE_IGNORED:
            continue
        if path.is_file():
            out[rel.as_posix()] = file_hash(path)
    return out


def files_for_language(files: dict[str, str], lang: str) -> dict[str, str]:
    """The release inputs one language's PDF depends on: everything but the other
    languages' catalogs (approving a Khmer segment must not re-render the Chinese PDF)."""
    mine = f"translations/{lang}.po"
    return {
        name: value
        for name, value in files.items()
        if not name.startswith("translations/") or name == mine
    }


def fonts_fingerprint() -> str:
    """Paths, sizes and mtimes of the fonts the PDF renderer may choose.

    Reads fontconfig's list (one `fc-list` call, cached per process) and the PyPI
    font packages; no font file is opened, so installing a font invalidates the
    PDFs while a no-op rebuild stays cheap.
    """

    families = {
        name.casefold()
        for group in (
            fonts.KHMER_BODY_FAMILIES,
            fonts.KHMER_DISPLAY_FAMILIES,
            fonts.KHMER_BOLD_FAMILIES,
            fonts.CJK_SERIF_FAMILIES,
            fonts.CJK_SANS_FAMILIES,
            fonts.LATIN_SERIF_FAMILIES,
        )
        for name in group
    }
    paths: set[Path] = set()
    for entry in fonts._fontconfig_entries():
        if families & {name.casefold() for name in entry.families}:
            paths.add(entry.path)
    for extra in (
        fonts.pypi_noto_sans_khmer(),
        fonts.pypi_noto_sc("serif"),
        fonts.pypi_noto_sc("sans"),
    ):
        if extra is not None:
            paths.add(extra)
    return digest(sorted(_stat(path) for path in paths))


def _stat(path: Path) -> list[Any]:
    try:
        st = path.stat()
    except OSError:
        return [str(path), None, None]
    return [str(path), st.st_size, st.st_mtime_ns]


class TemplateHasher:
    """Hash of a template and everything it includes, imports or extends.

    A workspace's `templates/` overrides the package's, so each name is hashed as
    the file the loader would pick. Dependencies are read from the parsed template
    (`jinja2.meta`), so editing print.css re-renders the PDFs but not the web pages.
    """

    def __init__(self, dirs: Iterable[Path]) -> None:
        self.dirs = [d for d in dirs if d.is_dir()]
        self._closure: dict[str, dict[str, str]] = {}

    def resolve(self, name: str) -> Path | None:
        for folder in self.dirs:
            path = folder / name
            if path.is_file():
                return path
        return None

    def _references(self, name: str, source: str) -> list[str]:
        """Templates `name` includes, extends or imports by a literal name.

        A regular expression, not Jinja's parser: parsing every template on each
        build cost more than the rest of a no-op rebuild. Names built at render
        time are not followed (none of the shipped templates does that).
        """
        if not name.endswith((".html", ".xml", ".txt")):
            return []  # CSS is included as text, not parsed
        return sorted(set(_REFERENCE.findall(source)))

    def closure(self, name: str) -> dict[str, str]:
        """{template name: content hash} of `name` and its dependencies."""
        if name in self._closure:
            return self._closure[name]
        out: dict[str, str] = {}
        pending = [name]
        while pending:
            current = pending.pop()
            if current in out:
                continue
            path = self.resolve(current)
            if path is None:
                out[current] = "missing"
                continue
            data = path.read_bytes()
            out[current] = hashlib.sha256(data).hexdigest()
            pending.extend(self._references(current, data.decode("utf-8", "replace")))
        self._closure[name] = out
        return out

    def key(self, *names: str) -> str:
        merged: dict[str, str] = {}
        for name in names:
            merged.update(self.closure(name))
        return digest(merged)

"""Where `publisher site` writes: the output folder is the site's own.

`claim_output` takes a new or empty folder, or one an earlier `site` made (marked with
`.publisher-site`, or known to the cache's record of what it wrote there), and refuses
any other unless told to overwrite, so that `--out` pointed at an unrelated folder never
replaces its `index.html`. Light on purpose: the CLI checks the folder and answers a
no-op (publishing/site_memo.py) before it imports the engine.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

from publisher.core.fsutil import atomic_write_bytes
from publisher.core.workspace import Workspace
from publisher.errors import UsageError
from publisher.publishing.cache import CACHE_DIRNAME, Cache, OutputState

#: The file `publisher site` leaves in its output folder: this folder is a site's.
SITE_MARK = ".publisher-site"


def normalise_base_url(url: str | None) -> str | None:
    """`https://example.org/press` -> `https://example.org/press/`; refuse what is not one."""
    if not url:
        return None
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.query or parts.fragment:
        raise UsageError(
            f"--base-url must be an http(s) URL like https://example.org/press/, not {url!r}"
        )
    return url if url.endswith("/") else url + "/"


def claim_output(ws: Workspace, out_dir: Path, *, overwrite: bool) -> None:
    """Refuse `out_dir` with a UsageError when it is a file, or a folder holding files
    that no `publisher site` made (see the module docstring) and `overwrite` was not
    given. Writes nothing: `mark_output` marks the folder once the command goes ahead."""
    if out_dir.exists() and not out_dir.is_dir():
        raise UsageError(f"--out {out_dir} is a file, not a folder")
    mark = out_dir / SITE_MARK
    if out_dir.is_dir() and not mark.is_file() and not overwrite:
        made_here = OutputState(Cache(ws.root / CACHE_DIRNAME), out_dir).files
        if any(out_dir.iterdir()) and not made_here:
            raise UsageError(
                f"--out {out_dir}: the folder is not empty and was not made by `publisher "
                "site` (its files would be overwritten); choose an empty or new folder, or "
                "add --overwrite to write the site into it anyway"
            )


def mark_output(out_dir: Path) -> None:
    """Create `out_dir` if need be and mark it as a site's folder."""
    out_dir.mkdir(parents=True, exist_ok=True)
    mark = out_dir / SITE_MARK
    if not mark.is_file():
        atomic_write_bytes(mark, b"Written by `publisher site`: this folder is a site it made.\n")

"""How big an input may be: one place for every cap, each with a clear error.

A press release is a few pages. Without caps a 5 MB translation made `check`
take seconds and a draft PDF minutes, a 275 KB Word file unpacked into 150,000
segments, and `import /dev/zero` read until memory ran out. Each cap is far
above any real release and far below what hurts; files are read in chunks
that stop at the cap, so nothing unbounded is ever held in memory.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from publisher.errors import PublisherError

#: A source file (.txt, .md, .docx) as the press officer gives it.
MAX_SOURCE_BYTES = 5 * 1024 * 1024
#: What a .docx may unpack to (a zip bomb is refused before python-docx sees it).
MAX_DOCX_UNCOMPRESSED = 50 * 1024 * 1024
#: Its text (word/document.xml): a real release's is a few hundred KB.
MAX_DOCX_TEXT = 10 * 1024 * 1024
#: A translator's PO, XLIFF or TMX file.
MAX_IMPORT_BYTES = 20 * 1024 * 1024
#: One segment (a paragraph, a list item, a title), source or translation.
MAX_SEGMENT_CHARS = 20_000
#: Segments in one release.
MAX_SEGMENTS = 5_000
#: A media list file (CSV) and an image a release carries.
MAX_LIST_BYTES = 5 * 1024 * 1024
MAX_IMAGE_BYTES = 40 * 1024 * 1024

_CHUNK = 1024 * 1024


def megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.0f} MB" if size >= 1024 * 1024 else f"{size // 1024} KB"


def read_capped(
    path: Path,
    cap: int,
    error: type[PublisherError],
    what: str = "file",
    *,
    follow_links: bool = True,
) -> bytes:
    """The bytes of a regular file of at most `cap` bytes, read in chunks that stop at the cap.

    A device, a FIFO or a folder is refused (reading /dev/zero never ends); so is
    a file that grows past the cap while it is read. `follow_links=False` is for a
    workspace file (the caller has refused a link): one swapped in meanwhile fails.
    """
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0)
    if not follow_links:
        flags |= os.O_NOFOLLOW
    try:
        fd = os.open(path, flags)
    except FileNotFoundError:
        raise error(f"{what} not found", path=path) from None
    except IsADirectoryError:
        raise error(f"{what} is a folder, not a file", path=path) from None
    except OSError as exc:
        raise error(f"cannot read the {what}: {exc.strerror}", path=path) from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise error(
                f"not a regular file (a device, pipe or folder): not reading this {what}", path=path
            )
        if info.st_size > cap:
            raise error(
                f"the {what} is {megabytes(info.st_size)}; the limit is {megabytes(cap)}", path=path
            )
        chunks: list[bytes] = []
        total = 0
        while True:
            chunk = os.read(fd, _CHUNK)
            if not chunk:
                break
            total += len(chunk)
            if total > cap:
                raise error(f"the {what} is over the limit of {megabytes(cap)}", path=path)
            chunks.append(chunk)
        return b"".join(chunks)
    finally:
        os.close(fd)


def check_segment_length(text: str, error: type[PublisherError], where: str) -> None:
    if len(text) > MAX_SEGMENT_CHARS:
        raise error(
            f"{where} has {len(text):,} characters; a segment may have at most "
            f"{MAX_SEGMENT_CHARS:,} (split the paragraph)"
        )


def check_segment_count(count: int, error: type[PublisherError], where: str) -> None:
    if count > MAX_SEGMENTS:
        raise error(f"{where} has {count:,} segments; a release may have at most {MAX_SEGMENTS:,}")

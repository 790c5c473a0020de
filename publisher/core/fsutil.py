"""Crash-safe file writes, per-release locks, and no way out of the workspace.

Every file the tool writes goes through `atomic_write_*`: a temporary file in
the same folder, fsync, then rename, so a crash leaves either the old or the
new file, never half of one (a build's outputs, which a build makes again when
it finds them otherwise than it left them, are renamed without the fsyncs).
Commands that change a release hold its lock so two people working at once
cannot lose each other's updates.

None of these functions follows a symbolic link: a release's `source.md`
linked to /etc/passwd would otherwise be read into catalogs and sent to
translators, a linked `history.jsonl` would be appended to wherever it
points, and a dangling `.lock` link would create its target. Files are opened
with `O_NOFOLLOW`, and a symlink in the way is a `SymlinkRefused` error that
names it, with nothing read or written.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import os
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from publisher.errors import LockTimeout, PublisherError, SymlinkRefused

_UMASK = os.umask(0)
os.umask(_UMASK)


def refuse_symlink(path: Path) -> None:
    """Raise `SymlinkRefused` if `path` itself is a symbolic link (dangling or not)."""
    if path.is_symlink():
        raise SymlinkRefused(
            f"is a symbolic link (to {os.readlink(path)}); files of a workspace must be "
            "regular files inside it: replace the link with the file itself",
            path=path,
        )


def refuse_link_out(path: Path, root: Path, what: str) -> None:
    """Raise `SymlinkRefused` if `path` leads out of `root` through a symbolic link (the file
    itself or a folder on its way); a link to another file inside `root` is let through.
    For the files a workspace may share between its own folders (template overrides)."""
    if not os.path.lexists(path):
        return
    resolved = path.resolve()
    inside = root.resolve()
    if resolved == inside or inside in resolved.parents:
        return
    target = os.readlink(path) if path.is_symlink() else str(resolved)
    raise SymlinkRefused(
        f"is a symbolic link out of the workspace (to {target}); {what} must be a file "
        "inside the workspace: replace the link with the file itself",
        path=path,
    )


def read_bytes(path: Path | str) -> bytes:
    """A file's bytes, never through a symbolic link."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            refuse_symlink(Path(path))
        raise
    with os.fdopen(fd, "rb") as handle:
        return handle.read()


def read_utf8(path: Path, error: type[PublisherError], what: str = "file") -> str:
    """A UTF-8 text file, or `error` naming the file: missing, or the first bad byte."""
    try:
        return read_bytes(path).decode("utf-8")
    except FileNotFoundError:
        raise error(f"{what} not found", path=path) from None
    except IsADirectoryError:
        raise error(f"{what} is a folder, not a file", path=path) from None
    except UnicodeDecodeError as exc:
        raise error(f"not UTF-8 text (byte {exc.start})", path=path) from None


def atomic_write_bytes(path: Path, data: bytes, *, durable: bool = True) -> None:
    """Replace `path` with `data`: a crash leaves the old file or the new one, never half.

    Only a regular file (or nothing) is replaced: never a symbolic link, and never a
    device or a pipe (a rename over /dev/full would replace the device itself).

    `durable=False`: no fsync of the file and its folder. A crashed or killed process
    still leaves the old file or the new one; a power cut soon after may leave the old
    one or an empty one, so only a file that is made again when found so may be written
    this way (a build's outputs: publishing/cache.py, OutputState; the cache of file
    hashes: publishing/fingerprint.py, StatCache). Each fsync waits for the disk: 1 to 8
    ms on this machine's, two a file.
    """
    refuse_symlink(path)
    if path.exists() and not path.is_file():
        raise PublisherError("not a regular file; refusing to replace it", path=path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        os.fchmod(fd, 0o666 & ~_UMASK)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            if durable:
                handle.flush()
                os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException as exc:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        if isinstance(exc, OSError):
            raise _naming(exc, path) from exc
        raise
    if durable:
        fsync_dir(path.parent)


def _naming(exc: OSError, path: Path) -> OSError:
    """`exc` with the file it was about: a write or fsync that fails (a full disk) names no
    file, and "No space left on device" alone does not say which file was not written."""
    if exc.filename is not None or exc.errno is None:
        return exc
    return type(exc)(exc.errno, exc.strerror, str(path))


def atomic_write_text(path: Path, text: str) -> None:
    atomic_write_bytes(path, text.encode("utf-8"))


def append_lines(path: Path, lines: list[str]) -> None:
    """Append lines durably in one write: a crash keeps all of them or none.

    One `write(2)` on an `O_APPEND` descriptor is not interrupted by SIGKILL,
    so the log never ends in half a record from a killed command.
    """
    if not lines:
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    data = "".join(line.rstrip("\n") + "\n" for line in lines).encode("utf-8")
    refuse_symlink(path)
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT | os.O_NOFOLLOW, 0o666)
    try:
        written = os.write(fd, data)
        if written != len(data):  # only on a full disk; finish what can be finished
            os.write(fd, data[written:])
        os.fsync(fd)
    except OSError as exc:
        raise _naming(exc, path) from exc
    finally:
        os.close(fd)


def fsync_dir(folder: Path) -> None:
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


@contextlib.contextmanager
def locked(lock_path: Path, *, timeout: float = 30.0, what: str = "") -> Iterator[None]:
    """Hold an exclusive advisory lock on `lock_path` (created if missing)."""
    lock_path.parent.mkdir(parents=True, exist_ok=True)
    refuse_symlink(lock_path)
    fd = os.open(lock_path, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW, 0o644)
    try:
        deadline = time.monotonic() + timeout
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except OSError as exc:
                if exc.errno not in (errno.EAGAIN, errno.EACCES):
                    raise
                if time.monotonic() >= deadline:
                    raise LockTimeout(
                        f"{what or lock_path.parent.name} is being changed by another command "
                        f"(waited {timeout:.0f} s); try again when it has finished",
                        path=lock_path,
                    ) from None
                time.sleep(0.05)
        yield
    finally:
        os.close(fd)

"""Every error the publisher reports to a user, in one hierarchy (as httpx keeps its own).

Anything raised as a `PublisherError` is a problem with the user's input or
environment, never a bug: the CLI prints `path:line: message` without a
traceback and exits with `exit_code` (2). The errors survive the trip from a
build worker process to the CLI (pickling) and through the build cache (JSON)
with their type, message, path, line and attributes intact, so `build --jobs
2` reports exactly what `--jobs 1` does.
"""

from __future__ import annotations

import errno
from pathlib import Path
from typing import Any, ClassVar, TypeVar

E = TypeVar("E", bound="PublisherError")


class PublisherError(Exception):
    """A user-facing error: bad input, missing file, refused operation."""

    exit_code: ClassVar[int] = 2
    #: Every subclass by name, so that a cached or pickled error comes back as itself.
    _registry: ClassVar[dict[str, type[PublisherError]]] = {}

    def __init__(self, message: str, *, path: Path | str | None = None, line: int | None = None):
        self.message = message
        self.path = path
        self.line = line
        super().__init__(self.format())

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        PublisherError._registry[cls.__name__] = cls

    def format(self, root: Path | None = None) -> str:
        """`path:line: message`, as compilers and linters print it; a path inside `root`
        relative to it (the review app names a workspace's files from its folder)."""
        where = ""
        if self.path is not None:
            where = str(self.path)
            if root is not None and Path(self.path).is_relative_to(root):
                where = Path(self.path).relative_to(root).as_posix()
            if self.line is not None:
                where += f":{self.line}"
            where += ": "
        return where + self.message

    def extra(self) -> dict[str, Any]:
        """Attributes a subclass adds (JSON values), carried across processes."""
        return {}

    def to_dict(self) -> dict[str, Any]:
        return {
            "type": type(self).__name__,
            "message": self.message,
            "path": None if self.path is None else str(self.path),
            "line": self.line,
            "extra": self.extra(),
        }

    @staticmethod
    def from_dict(data: dict[str, Any]) -> PublisherError:
        """The error `to_dict` described, as its own type (PublisherError if unknown)."""
        cls = PublisherError._registry.get(str(data.get("type")), PublisherError)
        return _restore(cls, data["message"], data.get("path"), data.get("line"), data.get("extra"))

    def __reduce__(self) -> tuple[Any, ...]:
        return (_restore, (type(self), self.message, self.path, self.line, self.extra()))


PublisherError._registry["PublisherError"] = PublisherError


def _restore(
    cls: type[E], message: str, path: Path | str | None, line: int | None, extra: Any
) -> E:
    """Rebuild an error without calling a subclass's own constructor signature."""
    error = cls.__new__(cls)
    PublisherError.__init__(error, message, path=path, line=line)
    for key, value in (extra or {}).items():
        setattr(error, key, value)
    return error


class UsageError(PublisherError):
    """A command was asked for something it cannot do (unknown language, bad option)."""


class NotAReviewer(UsageError):
    """A name that is not a reviewer of the language in the workspace's register."""


class WorkspaceError(PublisherError):
    """The workspace or one of its configuration files is missing or malformed."""


class ReleaseError(PublisherError):
    """A release folder, its metadata or its source is missing or malformed."""


class MissingSetup(ReleaseError):
    """The workspace lacks something a release needs (the boilerplate, a contact's role):
    `status` says it as a reason and goes on; `build` stops."""


class SymlinkRefused(ReleaseError):
    """A file or folder of the workspace is a symbolic link, or leads outside it."""


class UnfinishedChange(ReleaseError):
    """A release has a change that was interrupted after it was committed to (see fsck)."""


class LockTimeout(ReleaseError):
    """Another command holds the release for longer than we are willing to wait."""


class CatalogError(PublisherError):
    """A translation catalog cannot be read or a state change is refused."""


class ReviewRefused(CatalogError):
    """A review decision the segment cannot take; the reviewer may choose again."""


class SegmentChanged(ReviewRefused):
    """Someone else changed the segment after the reviewer was shown it (a lost update
    avoided): the reviewer looks at it again before deciding."""


class InterchangeError(CatalogError):
    """An exchange file (XLIFF, PO, TMX) is unsafe, malformed or does not fit its release."""


class SourceError(PublisherError):
    """A source document cannot be imported."""


class PhotoError(PublisherError):
    """A photo cannot be taken into a release: not a JPEG or PNG, too big, damaged."""


class RenderError(PublisherError):
    """Publishing failed: missing glyphs, broken templates, renderer problems."""


class WorkerDied(RenderError):
    """A build step's worker process stopped abruptly; the step is reported, not retried."""


class Unpublishable(RenderError):
    """A language of a release that the publishing rule refuses to publish.

    `message` is the English sentence (the CLI's); `reason`, when the rule gave one, is
    the same sentence as a message id and its parameters in JSON form
    (`publisher.core.messages.Message.to_json`), so that the review page reads it in the
    reviewer's language, after a trip through a worker or the build cache too.
    """

    #: None for a refusal made before reasons were translatable (an old build cache)
    reason: dict[str, Any] | None = None

    def __init__(
        self,
        message: str,
        *,
        release: str,
        lang: str,
        blocking: list[str],
        path: Path | str | None = None,
        line: int | None = None,
        reason: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(message, path=path, line=line)
        self.release = release
        self.lang = lang
        self.blocking = list(blocking)
        self.reason = reason

    def extra(self) -> dict[str, Any]:
        return {
            "release": self.release,
            "lang": self.lang,
            "blocking": self.blocking,
            "reason": self.reason,
        }


class NotApproved(Unpublishable):
    """Segments of the language are below the workspace's required state."""


class QaBlocked(Unpublishable):
    """The language's translations still have QA errors."""


class WeakEvidence(Unpublishable):
    """Approvals of the language rest on weaker evidence than `[review] require` asks."""


class StorageError(PublisherError):
    """The disk or the file system failed (full disk, read-only, permission, I/O error).

    Not the user's input, so exit code 1; every write is atomic, so files already
    in place are as they were.
    """

    exit_code = 1

    @classmethod
    def from_os_error(cls, exc: OSError) -> StorageError:
        reason = exc.strerror or str(exc)
        if exc.errno == errno.ENOSPC:
            reason += " (the disk is full)"
        elif exc.errno == errno.EROFS:
            reason += " (the disk is read-only)"
        return cls(
            f"{reason}; files already in place were not changed",
            path=exc.filename if isinstance(exc.filename, str | Path) else None,
        )


class TranslationEngineError(PublisherError):
    """Machine translation is unavailable (no model for the pair, bad model file)."""


class MediaListError(PublisherError):
    """A media list (lists/<name>.csv) is missing, malformed or unsafe."""


class MailError(PublisherError):
    """Sending mail is impossible as configured: [smtp] settings, the server, the password."""


class SendRefused(MailError):
    """A send that would mail someone twice, or mail what may not be sent."""

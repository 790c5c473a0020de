"""Error types the CLI turns into one-line messages and exit code 2.

Anything raised as a `PublisherError` is a problem with the user's input or
environment, never a bug: the CLI prints it without a traceback.
"""

from __future__ import annotations

from pathlib import Path


class PublisherError(Exception):
    """A user-facing error: bad input, missing file, refused operation."""

    exit_code = 2

    def __init__(self, message: str, *, path: Path | str | None = None, line: int | None = None):
        self.message = message
        self.path = path
        self.line = line
        super().__init__(self.format())

    def format(self) -> str:
        where = ""
        if self.path is not None:
            where = str(self.path)
            if self.line is not None:
                where += f":{self.line}"
            where += ": "
        return where + self.message


class UsageError(PublisherError):
    """A command was asked for something it cannot do (unknown language, bad option)."""


class WorkspaceError(PublisherError):
    """The workspace or one of its configuration files is missing or malformed."""


class ReleaseError(PublisherError):
    """A release folder, its metadata or its source is missing or malformed."""


class CatalogError(PublisherError):
    """A translation catalog cannot be read or a state change is refused."""


class SourceError(PublisherError):
    """A source document cannot be imported."""


class RenderError(PublisherError):
    """Publishing failed: missing glyphs, unpublishable languages, renderer problems."""


class TranslationEngineError(PublisherError):
    """Machine translation is unavailable (no model for the pair, bad model file)."""

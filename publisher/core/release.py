"""A release folder: metadata, the source as Markdown, one catalog per language.

releases/<slug>/
    release.toml          date, place, languages, reference
    source.md             the source text (CommonMark; `# Title` first)
    segments.json         segment ids, as last synced
    translations/<lang>.po
    history.jsonl         every state change, append-only
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import tomli_w

from publisher.core import languages
from publisher.core.document import Document, parse_markdown
from publisher.core.fsutil import atomic_write_text, locked, read_utf8
from publisher.core.segments import Alignment, SegmentMap, align
from publisher.core.tomlfile import read_toml
from publisher.errors import ReleaseError, UsageError

SLUG_RE = re.compile(r"^[a-z0-9][a-z0-9-]{0,99}$")


def validate_slug(slug: str) -> str:
    if not SLUG_RE.match(slug):
        raise UsageError(
            f"invalid release name {slug!r}: use lower-case letters, digits and hyphens "
            "(at most 100), e.g. 2024-11-30-official-visit"
        )
    return slug


_SLUG_STOPWORDS = {"a", "an", "and", "the", "to", "of", "in", "on", "for", "at", "by", "with"}


def slugify(date: dt.date, title: str, max_words: int = 9) -> str:
    """`2024-11-30-samdech-techo-hun-sen-pay-official-goodwill-visit` from date and title."""
    words = re.findall(r"[a-z0-9]+", title.lower().replace("’", "").replace("'", ""))
    words = [w for w in words if w not in _SLUG_STOPWORDS] or words
    return validate_slug("-".join([date.isoformat(), *words[:max_words]])[:100].rstrip("-"))


@dataclass
class ReleaseMeta:
    slug: str
    date: dt.date
    place: str
    source_language: str
    target_languages: list[str]
    reference: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)
    #: The release's number in the office's series ("MFAIC/2024/031"), given at creation.
    number: str | None = None
    #: Nothing of the release may appear anywhere before this time (always with its zone).
    embargo: dt.datetime | None = None

    def to_toml(self) -> str:
        data: dict[str, Any] = {
            "date": self.date,
            "place": self.place,
            "source_language": self.source_language,
            "target_languages": self.target_languages,
        }
        if self.number:
            data["number"] = self.number
        if self.embargo is not None:
            data["embargo"] = self.embargo
        if self.reference:
            data["reference"] = self.reference
        data.update(self.extra)
        return tomli_w.dumps(data)

    @classmethod
    def from_toml(cls, slug: str, path: Path) -> ReleaseMeta:
        data = read_toml(path, ReleaseError)
        try:
            date = data.pop("date")
            if isinstance(date, str):
                try:
                    date = dt.date.fromisoformat(date)
                except ValueError:
                    raise ValueError(f"date must be a date like 2024-11-30, not {date!r}") from None
            if not isinstance(date, dt.date) or isinstance(date, dt.datetime):
                raise ValueError("date must be a date like 2024-11-30")
            place = str(data.pop("place", ""))
            source = languages.canonical(str(data.pop("source_language", "en")))
            targets = [languages.canonical(str(t)) for t in data.pop("target_languages", [])]
            if source in targets:
                raise ValueError(f"the source language {source} is also a target language")
            reference = data.pop("reference", None)
            number = data.pop("number", None)
            if number is not None and (not isinstance(number, str) or not number.strip()):
                raise ValueError('number must be a non-empty string like "MFAIC/2024/031"')
            embargo = parse_embargo(data.pop("embargo", None))
        except KeyError as exc:
            raise ReleaseError(f"missing key {exc.args[0]!r}", path=path) from None
        except (ValueError, TypeError) as exc:
            raise ReleaseError(str(exc), path=path) from None
        except UsageError as exc:
            raise ReleaseError(exc.message, path=path) from None
        return cls(
            slug, date, place, source, targets, str(reference) if reference else None, data,
            number, embargo,
        )  # fmt: skip


def parse_embargo(value: object) -> dt.datetime | None:
    """An embargo from release.toml: a date and time with its offset, or nothing.

    A date alone or a time without a zone is refused: "2 December" has let a wire
    publish at 00:01 in another time zone.
    """
    if value is None:
        return None
    if isinstance(value, str):
        try:
            value = dt.datetime.fromisoformat(value)
        except ValueError:
            raise ValueError(
                f"embargo must be a date and time with its offset, like "
                f"2024-12-02T08:00:00+07:00, not {value!r}"
            ) from None
    if isinstance(value, dt.datetime):
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError(
                "embargo needs a time zone offset, like 2024-12-02T08:00:00+07:00 "
                "(set it with `publisher embargo`, which adds the workspace's zone)"
            )
        return value
    if isinstance(value, dt.date):
        raise ValueError("embargo needs a time and a time zone, not only a date: "
                         "2024-12-02T08:00:00+07:00")  # fmt: skip
    raise ValueError("embargo must be a date and time like 2024-12-02T08:00:00+07:00")


@dataclass
class Release:
    root: Path
    meta: ReleaseMeta

    @property
    def slug(self) -> str:
        return self.meta.slug

    @property
    def source_path(self) -> Path:
        return self.root / "source.md"

    @property
    def segments_path(self) -> Path:
        return self.root / "segments.json"

    @property
    def history_path(self) -> Path:
        return self.root / "history.jsonl"

    @property
    def meta_path(self) -> Path:
        return self.root / "release.toml"

    def catalog_path(self, lang: str) -> Path:
        return self.root / "translations" / f"{lang}.po"

    @property
    def languages(self) -> list[str]:
        return [self.meta.source_language, *self.meta.target_languages]

    def require_target(self, lang: str) -> str:
        code = languages.canonical(lang)
        if code not in self.meta.target_languages:
            targets = ", ".join(self.meta.target_languages) or "none"
            raise UsageError(
                f"{self.slug} is not translated into {code} (its target languages: {targets})"
            )
        return code

    @classmethod
    def load(cls, root: Path) -> Release:
        if not root.is_dir():
            raise ReleaseError("release folder not found", path=root)
        return cls(root, ReleaseMeta.from_toml(root.name, root / "release.toml"))

    def read_source(self) -> str:
        return read_utf8(self.source_path, ReleaseError, "source.md")

    def document(self) -> Document:
        return parse_markdown(self.read_source())

    def segment_map(self) -> SegmentMap:
        return SegmentMap.load(self.segments_path)

    def aligned(self) -> tuple[Document, Alignment]:
        """The source document with segment ids, and what changed since the last sync."""
        document = self.document()
        return document, align(self.segment_map(), document)

    def synced_document(self) -> Document:
        """The source with ids, refusing if the source was edited after the last sync."""
        document, alignment = self.aligned()
        if not alignment.unchanged:
            raise ReleaseError(
                "the source changed since the catalogs were last synced; run "
                f"`publisher sync {self.slug}` first",
                path=self.source_path,
            )
        return document

    def lock(self, timeout: float = 30.0) -> Any:
        return locked(self.root / ".lock", timeout=timeout, what=f"release {self.slug}")

    def write_meta(self) -> None:
        atomic_write_text(self.meta_path, self.meta.to_toml())


def iter_releases(releases_dir: Path) -> Iterator[Release]:
    if not releases_dir.is_dir():
        return
    for folder in sorted(releases_dir.iterdir()):
        if folder.is_dir() and (folder / "release.toml").is_file():
            yield Release.load(folder)


def find_release(releases_dir: Path, name: str) -> Release:
    """A release by slug (or by a path to its folder)."""
    candidate = Path(name)
    if candidate.is_dir() and (candidate / "release.toml").is_file():
        resolved = candidate.resolve()
        if resolved.parent != releases_dir.resolve():
            raise UsageError(f"{name} is not a release of this workspace")
        return Release.load(resolved)
    if "/" in name or "\\" in name or name in (".", ".."):
        raise UsageError(f"invalid release name {name!r}")
    folder = releases_dir / name
    if not (folder / "release.toml").is_file():
        known = [r.slug for r in iter_releases(releases_dir)]
        hint = f"; releases: {', '.join(known)}" if known else "; there are no releases yet"
        raise UsageError(f"no release named {name!r}{hint}")
    return Release.load(folder)

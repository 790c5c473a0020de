"""A release folder: metadata, the source as Markdown, one catalog per language.

releases/<slug>/
    release.toml          date, place, languages, reference
    source.md             the source text (CommonMark; `# Title` first)
    segments.json         segment ids, as last synced
    photos/               the photos release.toml describes ([[photos]])
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
from publisher.core.document import Block, Document, normalise_text, parse_markdown
from publisher.core.fsutil import atomic_write_text, locked, read_utf8, refuse_symlink
from publisher.core.photos import Photo, photos_from_toml
from publisher.core.segments import Alignment, SegmentMap, align
from publisher.core.tomlfile import TomlReader, read_toml
from publisher.errors import PublisherError, ReleaseError, UsageError

SLUG_RE = re.compile(r"^[a-z0-9][a-z0-9-]{0,99}$")

#: The workspace's boilerplate: a release-shaped folder beside releases/ holding the texts
#: every release carries (the About paragraph, media-contact roles), translated and
#: approved once; commands name it like a release.
BOILERPLATE = "boilerplate"


def validate_slug(slug: str) -> str:
    if slug == BOILERPLATE:
        raise UsageError(f"{BOILERPLATE!r} names the workspace's boilerplate; choose another name")
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
    #: Whether the release carries the workspace's About paragraph (boilerplate/).
    about: bool = True
    #: The media contacts it names, by name (None: all of the workspace's).
    contacts: list[str] | None = None
    #: Its photos, in the order they are shown (files in photos/, captions are segments).
    photos: list[Photo] = field(default_factory=list)

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
        if not self.about:
            data["about"] = False
        if self.contacts is not None:
            data["contacts"] = self.contacts
        if self.reference:
            data["reference"] = self.reference
        data.update(self.extra)
        if self.photos:
            data["photos"] = [photo.to_toml() for photo in self.photos]
        return tomli_w.dumps(data)

    @classmethod
    def from_toml(cls, slug: str, path: Path, reader: TomlReader = read_toml) -> ReleaseMeta:
        """`reader` may be one that remembers parsed files (see publishing/fingerprint)."""
        data = dict(reader(path, ReleaseError))
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
            about = data.pop("about", True)
            if not isinstance(about, bool):
                raise ValueError("about must be true or false")
            contacts = data.pop("contacts", None)
            if contacts is not None and (
                not isinstance(contacts, list) or not all(isinstance(c, str) for c in contacts)
            ):
                raise ValueError('contacts must be a list of names, like ["Sok Dara"]')
            photos = photos_from_toml(data.pop("photos", None))
        except KeyError as exc:
            raise ReleaseError(f"missing key {exc.args[0]!r}", path=path) from None
        except (ValueError, TypeError) as exc:
            raise ReleaseError(str(exc), path=path) from None
        except UsageError as exc:
            raise ReleaseError(exc.message, path=path) from None
        return cls(
            slug,
            date,
            place,
            source,
            targets,
            str(reference) if reference else None,
            data,
            number,
            embargo,
            about,
            contacts,
            photos,
        )


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
        raise ValueError(
            "embargo needs a time and a time zone, not only a date: 2024-12-02T08:00:00+07:00"
        )
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
    def load(cls, root: Path, reader: TomlReader = read_toml) -> Release:
        for path in (root.parent, root, root / "translations"):
            refuse_symlink(path)
        if not root.is_dir():
            raise ReleaseError("release folder not found", path=root)
        return cls(root, ReleaseMeta.from_toml(root.name, root / "release.toml", reader))

    def title(self) -> str:
        """The `# Title` of source.md (read from its first lines, not parsed whole)."""
        try:
            with self.source_path.open(encoding="utf-8") as handle:
                for line in handle:
                    if line.startswith("# "):
                        return line[2:].strip().replace("\\", "")
                    if line.strip():
                        break
        except (OSError, UnicodeDecodeError):
            pass
        return self.slug

    @property
    def label(self) -> str:
        """How messages and pages name the release: its number and short title
        ("MFAIC/2024/031 Samdech Techo Hun Sen to Pay…"); the slug stays in paths."""
        if self.slug == BOILERPLATE:
            return BOILERPLATE
        short = short_title(self.title())
        return f"{self.meta.number} {short}" if self.meta.number else short

    @property
    def short_name(self) -> str:
        """The shortest name commands take for it: its number, else its slug."""
        return self.meta.number or self.slug

    def read_source(self) -> str:
        return read_utf8(self.source_path, ReleaseError, "source.md")

    def document(self) -> Document:
        return release_document(self.read_source(), self.meta.photos)

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


def short_title(title: str, words: int = 6) -> str:
    """The first `words` words of a title, with an ellipsis when it goes on (a title
    without spaces, Khmer or Chinese, is cut at 24 characters)."""
    parts = title.split()
    if len(parts) > words:
        return " ".join(parts[:words]) + "…"
    if len(parts) <= 1 and len(title) > 24:
        return title[:24] + "…"
    return title


def release_document(markdown: str, photos: list[Photo]) -> Document:
    """The source's blocks, then one figure per photo: its caption is a segment like the
    text's, so it is translated, reviewed and checked, and a caption edit is a source edit."""
    document = parse_markdown(markdown)
    for photo in photos:
        caption = Block("caption", normalise_text(photo.caption))
        document.blocks.append(Block("figure", photo=photo.file, children=[caption]))
    return document


def scan_releases(
    releases_dir: Path, reader: TomlReader = read_toml
) -> tuple[list[Release], list[PublisherError]]:
    """Every release that loads, and the error of each that does not.

    One broken release.toml must not stop `status`, `build` or `site` for the
    others: they report it and go on. `reader`: see ReleaseMeta.from_toml.
    """
    found = scan_release_folders(releases_dir, reader)
    return split_releases(found)


def scan_release_folders(
    releases_dir: Path, reader: TomlReader = read_toml
) -> dict[str, Release | PublisherError]:
    """Each release folder by name: its release, or the error that keeps it from loading
    (see `load_release_folder`; a long-lived caller reads again only the folders it knows
    changed, and `split_releases` gives what `scan_releases` gives)."""
    folders: dict[str, Release | PublisherError] = {}
    if releases_dir.is_dir():
        for folder in releases_dir.iterdir():
            found = load_release_folder(folder, reader)
            if found is not None:
                folders[folder.name] = found
    return folders


def split_releases(
    folders: dict[str, Release | PublisherError],
) -> tuple[list[Release], list[PublisherError]]:
    """The releases that load and the errors of those that do not, in folder-name order."""
    ordered = [folders[name] for name in sorted(folders)]
    releases = [found for found in ordered if isinstance(found, Release)]
    return releases, [found for found in ordered if not isinstance(found, Release)]


def load_release_folder(
    folder: Path, reader: TomlReader = read_toml
) -> Release | PublisherError | None:
    """One entry of the releases folder as `scan_releases` takes it: the release, the error
    that keeps it from loading, or None when it is no release (a dot folder: `publisher
    new` still staging or interrupted; a file; a folder without release.toml)."""
    if folder.name.startswith("."):
        return None
    if not (folder.is_dir() and (folder / "release.toml").is_file()):
        return None
    try:
        return Release.load(folder, reader)
    except PublisherError as error:
        return error


def iter_releases(releases_dir: Path) -> Iterator[Release]:
    if not releases_dir.is_dir():
        return
    for folder in sorted(releases_dir.iterdir()):
        # A dot folder is a `publisher new` still staging (or one that was interrupted).
        if folder.name.startswith("."):
            continue
        if folder.is_dir() and (folder / "release.toml").is_file():
            yield Release.load(folder)


def find_release(releases_dir: Path, name: str, *, exact: bool = False) -> Release:
    """A release by the name a user typed, or the workspace's boilerplate.

    The one resolver of every command's release parameter (as git resolves a
    short reference): the slug, a path to the release's folder, any unique
    prefix of a slug, or its number whole (`MFAIC/2024/031`) or by its last
    parts (`2024/031`, `031`). A name several releases answer to is refused with
    the candidates listed, never guessed. `exact`: the slug only (a name written by
    the tool itself: an exported file's release, a URL).
    """
    if name == BOILERPLATE:
        folder = releases_dir.parent / BOILERPLATE
        if not (folder / "release.toml").is_file():
            raise UsageError(
                "this workspace has no boilerplate/ (About paragraph, contact roles); "
                "create it with `publisher boilerplate init`"
            )
        return Release.load(folder)
    candidate = Path(name)
    if candidate.is_dir() and (candidate / "release.toml").is_file():
        resolved = candidate.resolve()
        if resolved.parent != releases_dir.resolve():
            raise UsageError(f"{name} is not a release of this workspace")
        return Release.load(resolved)
    if not name.strip() or "\\" in name or ".." in name.split("/") or "\0" in name:
        raise UsageError(f"invalid release name {name!r}")
    if "/" not in name:
        folder = releases_dir / name
        if (folder / "release.toml").is_file():
            return Release.load(folder)
    known, _broken = scan_releases(releases_dir)  # a broken one cannot be meant
    matches = [] if exact else _short_name_matches(known, name)
    if len(matches) == 1:
        return matches[0]
    if matches:
        listed = "; ".join(
            f"{r.slug}" + (f" ({r.meta.number})" if r.meta.number else "") for r in matches
        )
        raise UsageError(
            f"{name!r} names {len(matches)} releases: {listed}; type more of the slug or "
            "the whole number"
        )
    if not known:
        raise UsageError(f"no release named {name!r}; there are no releases yet")
    listed = ", ".join(r.label for r in known[:10])
    more = f" and {len(known) - 10} more" if len(known) > 10 else ""
    raise UsageError(
        f"no release named {name!r}; releases: {listed}{more} (`publisher status` lists them all)"
    )


def _short_name_matches(known: list[Release], name: str) -> list[Release]:
    """The releases `name` can mean: its whole number first, then the number's last parts,
    then a slug prefix (a name answering to several of one kind is ambiguous)."""
    wanted = name.strip().casefold()
    exact = [r for r in known if r.meta.number and r.meta.number.casefold() == wanted]
    if exact:
        return exact
    by_number = [
        r for r in known if r.meta.number and r.meta.number.casefold().endswith("/" + wanted)
    ]
    by_slug = [r for r in known if r.slug.startswith(wanted)] if "/" not in wanted else []
    return by_number + [r for r in by_slug if r not in by_number]

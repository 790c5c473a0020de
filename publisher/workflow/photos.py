"""Adding, describing and removing a release's photos: one change each, synced at once.

A photo is a file in the release's `photos/` folder and an entry of
release.toml; its caption is a segment. So adding one writes the image,
release.toml, segments.json and every catalog as one change (journal, lock,
history): the caption arrives untranslated in every language, and until it is
translated and approved the publishing rule holds that language back, as for
any new sentence. Editing a caption is editing the source (its translations
become stale); removing a photo keeps its caption's translations as obsolete,
like a removed paragraph. The image is checked completely before anything
changes (render/images.py).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from publisher.core import languages
from publisher.core.history import Event, now_iso
from publisher.core.links import check_links
from publisher.core.photos import (
    MAX_PHOTOS,
    PHOTOS_DIR,
    Photo,
    check_by_language,
    check_caption,
    check_line,
    photo_file_name,
)
from publisher.core.release import Release
from publisher.core.wording import counted
from publisher.errors import PhotoError, UsageError
from publisher.render import images
from publisher.workflow.session import Session, changing
from publisher.workflow.sync import SyncReport, sync_session


@dataclass(frozen=True)
class NewPhoto:
    """A photo to add: the file and what to say about it, as the user gave them."""

    file: Path
    caption: str
    credit: str
    copyright: str | None = None
    #: the credit and copyright as other languages write them: lang -> line
    credits: dict[str, str] = field(default_factory=dict)
    copyrights: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class CheckedPhoto:
    """A photo whose image and texts passed every check: ready to be written."""

    data: bytes
    facts: images.PhotoFacts
    source_name: str
    caption: str
    credit: str
    copyright: str | None
    credits: dict[str, str]
    copyrights: dict[str, str]


@dataclass
class PhotoReport:
    slug: str
    photo: Photo
    sync: SyncReport
    facts: images.PhotoFacts | None = None


def pair_photos(
    files: list[Path], captions: list[str], credits: list[str], copyrights: list[str]
) -> list[NewPhoto]:
    """`publisher new`'s --photo, --caption, --credit, --copyright paired in order (credit
    and copyright may be given once for every photo)."""
    if not files:
        if captions or credits or copyrights:
            raise UsageError("--caption, --credit and --copyright describe a --photo; give one")
        return []

    def each(values: list[str], option: str, required: bool) -> list[str | None]:
        if len(values) == len(files):
            return list(values)
        if len(values) == 1 and option != "--caption":
            return [values[0]] * len(files)
        if not values and not required:
            return [None] * len(files)
        raise UsageError(
            f"{counted(len(files), '--photo')} but {counted(len(values), option)}: give "
            f"one {option} per --photo, in the same order"
            + (" (or one for all)" if option != "--caption" else "")
        )

    return [
        NewPhoto(file, str(cap), str(cred), copy)
        for file, cap, cred, copy in zip(
            files,
            each(captions, "--caption", True),
            each(credits, "--credit", True),
            each(copyrights, "--copyright", False),
            strict=True,
        )
    ]


def check_new_photo(new: NewPhoto) -> CheckedPhoto:
    """The image read and checked, the texts cleaned; PhotoError/UsageError otherwise."""
    try:
        caption = check_caption(new.caption, f"--caption for {new.file.name}")
        credit = check_line(new.credit, f"--credit for {new.file.name}", required=True)
        copyright_line = check_line(
            new.copyright, f"--copyright for {new.file.name}", required=False
        )
        credits = check_by_language(new.credits, "--credit-in")
        copyrights = check_by_language(new.copyrights, "--copyright-in")
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    check_links(caption)
    data, facts = images.read_photo(new.file)
    return CheckedPhoto(
        data, facts, new.file.name, caption, credit, copyright_line or None, credits, copyrights
    )


def place_photo(release: Release, checked: CheckedPhoto, taken: set[str]) -> Photo:
    """The release.toml entry for a checked photo, under a file name not yet taken."""
    name = photo_file_name(checked.source_name, checked.facts.extension, taken)
    return Photo(
        name,
        checked.caption,
        checked.credit,
        checked.copyright,
        dict(checked.credits),
        dict(checked.copyrights),
    )


def add_photo(release: Release, new: NewPhoto, *, by: str | None = None) -> PhotoReport:
    """Add one photo to a release (see the module docstring)."""
    checked = check_new_photo(new)
    with changing(release, what="photo add") as session:
        meta = session.release.meta
        if len(meta.photos) >= MAX_PHOTOS:
            raise UsageError(f"{release.slug} already has {MAX_PHOTOS} photos, the most it may")
        taken = {p.file for p in meta.photos} | _files_in(session.release)
        photo = place_photo(session.release, checked, taken)
        meta.photos.append(photo)
        session.stage(f"{PHOTOS_DIR}/{photo.file}", checked.data)
        report = _commit_meta(session, by, f"added {PHOTOS_DIR}/{photo.file}", "photo-add")
    return PhotoReport(release.slug, photo, report, checked.facts)


def edit_photo(
    release: Release,
    name: str,
    *,
    caption: str | None = None,
    credit: str | None = None,
    copyright_line: str | None = None,
    credits: dict[str, str] | None = None,
    copyrights: dict[str, str] | None = None,
    by: str | None = None,
) -> PhotoReport:
    """Change what is said about a photo; a new caption is a source edit (stale translations).

    `credits` and `copyrights` replace a language's line (an empty one removes it)."""
    if (
        caption is None
        and credit is None
        and copyright_line is None
        and not (credits or copyrights)
    ):
        raise UsageError(
            "say what to change: --caption, --credit, --copyright, --credit-in or --copyright-in"
        )
    with changing(release, what="photo edit") as session:
        photo = _find(session.release, name)
        try:
            if caption is not None:
                photo.caption = check_caption(caption, "--caption")
                check_links(photo.caption)
            if credit is not None:
                photo.credit = check_line(credit, "--credit", required=True)
            if copyright_line is not None:
                photo.copyright = check_line(copyright_line, "--copyright", required=False) or None
            for given, lines, option in (
                (credits, photo.credits, "--credit-in"),
                (copyrights, photo.copyrights, "--copyright-in"),
            ):
                for lang, text in (given or {}).items():
                    code = languages.canonical(lang)
                    line = check_line(text, f"{option} {lang}", required=False)
                    if line:
                        lines[code] = line
                    else:
                        lines.pop(code, None)
        except ValueError as exc:
            raise UsageError(str(exc)) from None
        report = _commit_meta(session, by, f"changed {PHOTOS_DIR}/{photo.file}", "photo-edit")
    return PhotoReport(release.slug, photo, report)


def remove_photo(release: Release, name: str, *, by: str | None = None) -> PhotoReport:
    """Remove a photo and its file; its caption's translations are kept as obsolete."""
    with changing(release, what="photo remove") as session:
        photo = _find(session.release, name)
        session.release.meta.photos.remove(photo)
        session.remove(f"{PHOTOS_DIR}/{photo.file}")
        report = _commit_meta(session, by, f"removed {PHOTOS_DIR}/{photo.file}", "photo-remove")
    return PhotoReport(release.slug, photo, report)


def _commit_meta(session: Session, by: str | None, detail: str, action: str) -> SyncReport:
    """release.toml as the session's release now describes it, and the sync that follows."""
    session.stage("release.toml", session.release.meta.to_toml().encode("utf-8"))
    report = sync_session(session)
    session.events.append(Event(now_iso(), action, by=by, detail=detail))
    return report


def _find(release: Release, name: str) -> Photo:
    wanted = Path(name).name
    for photo in release.meta.photos:
        if photo.file == wanted:
            return photo
    listed = ", ".join(p.file for p in release.meta.photos) or "none"
    raise PhotoError(f"{release.slug} has no photo {wanted!r} (its photos: {listed})")


def _files_in(release: Release) -> set[str]:
    folder = release.root / PHOTOS_DIR
    return {p.name for p in folder.iterdir()} if folder.is_dir() else set()

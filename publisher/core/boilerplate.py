"""The workspace's boilerplate: the About paragraph and media-contact roles every release
carries, translated and approved once for the workspace, not again in every release.

It is a release-shaped folder (`boilerplate/` beside `releases/`: release.toml,
source.md, segments.json, translations/, history.jsonl), so the same commands
translate, review, approve, export and import it (`publisher approve boilerplate
--lang km ...`), its approved segments feed the translation memory, and QA checks
it. Its source has a fixed shape the office edits:

    # About the Ministry                 the About heading (segment `title`)
    The Ministry ... paragraphs.          the About text (until the first ## heading)
    ## Media contacts                     the heading of the contacts block
    - Spokesperson                        one item per contact role, the `role` of a
    - Press Officer                       [[contacts]] entry in publisher.toml

A release uses the About text unless its release.toml says `about = false`,
and the contacts of publisher.toml (all, or those its `contacts = [...]` names).
The publishing rule treats the segments a release uses as its own: an
unapproved Khmer About paragraph blocks the Khmer PDF and is named in the
refusal (as `boilerplate/s1`).
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field

from publisher.core.document import Document
from publisher.core.release import BOILERPLATE, Release
from publisher.core.workspace import Contact, Workspace
from publisher.errors import MissingSetup, ReleaseError

#: How a boilerplate segment is named beside a release's own (in refusals, in texts).
PREFIX = f"{BOILERPLATE}/"


@dataclass
class Parts:
    """Which boilerplate segment is which (segment ids)."""

    about_heading: str | None = None
    about: list[str] = field(default_factory=list)
    contacts_heading: str | None = None
    roles: dict[str, str] = field(default_factory=dict)  # role (source text) -> segment id


def parts(document: Document) -> Parts:
    """The About heading and paragraphs, the contacts heading and the roles of `document`."""
    found = Parts()
    in_contacts = False
    for block in document.blocks:
        if block.kind == "title":
            found.about_heading = block.segment
        elif block.kind == "heading" and not in_contacts:
            found.contacts_heading = block.segment
            in_contacts = True
        elif in_contacts:
            for leaf in block.leaves():
                if leaf.kind == "item" and leaf.segment:
                    found.roles[leaf.text or ""] = leaf.segment
        else:
            found.about += [leaf.segment for leaf in block.leaves() if leaf.segment]
    return found


def load(ws: Workspace) -> Release | None:
    """The workspace's boilerplate, or None when it has none."""
    root = ws.boilerplate_dir
    if not (root / "release.toml").is_file():
        return None
    return Release.load(root)


@dataclass
class Use:
    """What one release takes from the boilerplate."""

    about: list[str]  # segment ids, heading first
    contacts: list[Contact]
    contacts_heading: str | None
    roles: dict[str, str]  # contact name -> role segment id

    @property
    def segments(self) -> list[str]:
        ids = list(self.about)
        if self.contacts and self.contacts_heading:
            ids.append(self.contacts_heading)
        ids += [seg for seg in self.roles.values() if seg not in ids]
        return ids


def use(ws: Workspace, release: Release, document: Document | None) -> Use:
    """The boilerplate segments and contacts `release` carries (`document`: the boilerplate's)."""
    contacts = release_contacts(ws, release)
    if document is None:
        if contacts and any(c.role for c in contacts):
            raise MissingSetup(
                "the media contacts' roles are translated in the workspace's boilerplate, and "
                "there is none: create it with `publisher boilerplate init` (a commented "
                "template, or FILE.md: # About ..., the About text, ## Media contacts, "
                "- one role per item)",
                path=release.meta_path,
            )
        return Use([], contacts, None, {})
    found = parts(document)
    about = []
    if release.meta.about and found.about_heading:
        about = [found.about_heading, *found.about]
    roles = {}
    for contact in contacts:
        if not contact.role:
            continue
        seg = found.roles.get(contact.role)
        if seg is None:
            raise MissingSetup(
                f"the role {contact.role!r} of contact {contact.name!r} is not in "
                f"{BOILERPLATE}/source.md; add it as an item of the contacts list and run "
                f"`publisher sync {BOILERPLATE}`",
                path=ws.boilerplate_dir / "source.md",
            )
        roles[contact.name] = seg
    return Use(about, contacts, found.contacts_heading, roles)


def release_contacts(ws: Workspace, release: Release) -> list[Contact]:
    """The contacts a release names (release.toml `contacts`), or all of the workspace's."""
    if release.meta.contacts is None:
        return list(ws.config.contacts)
    by_name = {c.name: c for c in ws.config.contacts}
    unknown = [name for name in release.meta.contacts if name not in by_name]
    if unknown:
        known = ", ".join(by_name) or "none"
        raise ReleaseError(
            f"contacts {', '.join(unknown)} are not in publisher.toml's [[contacts]] "
            f"(known: {known})",
            path=release.meta_path,
        )
    return [by_name[name] for name in release.meta.contacts]


def contact_roles(shared: Release) -> Collection[str]:
    """The contact roles the boilerplate's source lists (parses its Markdown)."""
    return parts(shared.aligned()[0]).roles

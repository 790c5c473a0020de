"""The message of `publisher send` for each combination of languages, built once per run.

Everyone who reads the same language(s) gets the same subject, text, HTML and
attachments (the PDFs `publisher build` makes, the photos as it publishes
them); only the header block differs per recipient (publisher.mail.message).
A combination's version is built on first use, so a run builds as many as the
list has combinations, whatever its length.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from publisher.core.limits import megabytes
from publisher.core.release import Release
from publisher.core.workspace import CONFIG_NAME, Workspace
from publisher.errors import MailError, RenderError
from publisher.mail.flowed import Paragraph, flowed_text
from publisher.mail.html import Section, email_html
from publisher.mail.message import Attachment, Version
from publisher.mail.settings import SmtpSettings
from publisher.publishing.builders.mail_text import PhotoNote, flowing, text_section
from publisher.publishing.builders.wire import WIDTH
from publisher.publishing.engine import Plan
from publisher.publishing.view import embargo_line
from publisher.render.templating import locale_dirs, template_dirs, translations_for


class Versions:
    """The message body for each combination of languages, built on first use."""

    def __init__(
        self,
        ws: Workspace,
        list_name: str,
        release: Release,
        plan: Plan,
        settings: SmtpSettings,
        pages: dict[str, bytes],
        pdfs: dict[str, bytes],
        photos: list[Attachment],
    ) -> None:
        self.ws = ws
        self.list_name = list_name
        self.release = release
        self.plan = plan
        self.settings = settings
        self.pages = pages
        self.pdfs = pdfs
        self._cache: dict[tuple[str, ...], Version] = {}
        self._photos = photos
        self._css: str | None = None

    def get(self, langs: tuple[str, ...]) -> Version:
        if langs not in self._cache:
            self._cache[langs] = self._build(langs)
        return self._cache[langs]

    def css(self) -> str:
        if self._css is None:
            for folder in template_dirs(self.ws.templates_dir):
                path = folder / "email.css"
                if path.is_file():
                    self._css = path.read_text(encoding="utf-8")
                    break
            else:  # pragma: no cover - the package ships email.css
                raise RenderError("email.css not found in the templates")
        return self._css

    def photos(self) -> list[Attachment]:
        """The release's photos, as `publisher build` publishes the originals."""
        return self._photos

    def _build(self, langs: tuple[str, ...]) -> Version:
        meta = self.release.meta
        first = langs[0]
        attachments: list[Attachment] = []
        pdf_names: dict[str, str] = {}
        for lang in langs:
            gettext = _gettext(self.ws, lang)
            label = _safe_filename(gettext("Press Release"))
            stamp = _safe_filename(meta.number) if meta.number else meta.date.isoformat()
            filename = f"{label} {stamp}.pdf"
            if filename in pdf_names.values():
                filename = f"{label} {stamp} ({lang}).pdf"
            pdf_names[lang] = filename
            attachments.append(Attachment(filename, self.pdfs[lang], "application/pdf"))
        cap = self.settings.max_attachment_bytes
        pdf_size = sum(len(a.data) for a in attachments)
        if pdf_size > cap:
            raise MailError(
                f"the PDFs for {', '.join(langs)} are {megabytes(pdf_size)}, over [smtp] "
                f"max_attachment_mb ({megabytes(cap)})",
                path=self.ws.root / CONFIG_NAME,
            )
        photos = self.photos()
        attached = photos and pdf_size + sum(len(p.data) for p in photos) <= cap
        if attached:
            attachments.extend(photos)
        url = (
            self.settings.photos_url.replace("{release}", self.release.slug)
            if self.settings.photos_url
            else None
        )
        photo_note = PhotoNote({p.filename: p.filename for p in photos} if attached else {}, url)
        sections: list[Section] = []
        paragraphs: list[Paragraph] = []
        for lang in langs:
            gettext = _gettext(self.ws, lang)
            embargo = embargo_line(self.ws, self.release, lang, gettext)
            mine = [pdf_names[lang]] + [p.filename for p in photos if attached]
            note = gettext("Attached: %(files)s") % {"files": ", ".join(mine)}
            if photos and not attached and url:
                note += "\n" + gettext("Photos: %(url)s") % {"url": url}
            page = self.pages[lang]
            banner = embargo if embargo and embargo.encode("utf-8") not in page else None
            sections.append(Section(lang, page, banner, note))
            if paragraphs:
                paragraphs.append(Paragraph(["-" * WIDTH], fixed=True))
            paragraphs += text_section(self.ws, self.release, lang, gettext, photo_note)
            paragraphs += [flowing(line, lang) for line in note.split("\n")]
        footer = _footer(self.ws, self.settings, self.list_name, first)
        text = flowed_text(paragraphs, flowing(footer, first))
        subject = _subject(self.ws, self.release, self.plan, first)
        html = email_html(sections, self.css(), title=subject, footer=footer)
        return Version(langs, subject, text, html, attachments)


def _gettext(ws: Workspace, lang: str) -> Callable[[str], str]:
    return translations_for(lang, locale_dirs(ws.locales_dir)).gettext


def _subject(ws: Workspace, release: Release, plan: Plan, lang: str) -> str:
    """The subject in `lang`: the embargo line first if any, the number, the title."""
    gettext = _gettext(ws, lang)
    parts = [
        embargo_line(ws, release, lang, gettext),
        release.meta.number,
        plan.views[lang]["title"],
    ]
    return " – ".join(" ".join(p.split()) for p in parts if p)


def _footer(ws: Workspace, settings: SmtpSettings, list_name: str, lang: str) -> str:
    gettext = _gettext(ws, lang)
    organisation = ws.config.organisation.get(lang) or ws.config.organisation.get(
        ws.config.source_language, ""
    )
    address = settings.unsubscribe_mailto or settings.sender
    return gettext(
        "You are on the media list “%(list)s” of %(organisation)s. "
        "To unsubscribe, write to %(address)s."
    ) % {"list": list_name, "organisation": organisation, "address": address}


def contact_name(ws: Workspace, address: str | None, lang: str) -> str | None:
    if not address:
        return None
    for contact in ws.config.contacts:
        if contact.email.strip().lower() == address.lower():
            return contact.name_in(lang)
    return None


_UNSAFE_FILENAME = re.compile(r'[\x00-\x1f\x7f/\\:*?"<>|]+')


def _safe_filename(text: str) -> str:
    return " ".join(_UNSAFE_FILENAME.sub("-", text).split()).strip(" .-") or "release"

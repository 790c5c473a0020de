"""`publisher send`: a release to a media list, one message per journalist, never twice.

The output of this builder is mail. Like every builder it asks the publishing
rule what may go out (the engine's plan: approved languages with no QA error,
never a draft) and takes the PDFs and web pages from the incremental engine,
the same bytes `publisher build` writes. Each recipient gets one message in
the languages they asked for that are publishable; one who asked only for
languages that are not is skipped and reported, never sent another language.

This module decides who gets what (a `Job` per recipient: languages and
edition); the send loop that mails them, log first, is `send_run.SendRun`, and
the message of each language combination is `send_versions.Versions`.
An edition is a hash of everything a recipient would get in their languages
(the approved texts, About section and contacts included, title, number,
embargo, dateline, photos: see `_edition`): a changed release is a new
edition, and mailing it to someone who had the old one needs `resend`.

Messages are built lazily, one at a time, from a version per language
combination built once (PDFs read once): memory does not grow with the list.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from publisher.core import languages
from publisher.core.boilerplate import release_contacts
from publisher.core.document import Document
from publisher.core.medialists import Recipient, normalize_address, read_list
from publisher.core.photos import PHOTOS_DIR
from publisher.core.release import Release
from publisher.core.sendlog import SendLog
from publisher.core.unsubscribes import Record, read_record
from publisher.core.workspace import CONFIG_NAME, Workspace
from publisher.errors import MailError, UsageError
from publisher.mail.message import Attachment, Sender
from publisher.mail.settings import SmtpSettings, load_settings
from publisher.mail.transport import SmtpTransport
from publisher.publishing.builders.base import Builder
from publisher.publishing.builders.send_run import (
    SKIPPED,
    Job,
    Outcome,
    SendReport,
    SendRun,
    Transport,
    TransportFactory,
)
from publisher.publishing.builders.send_versions import Versions
from publisher.publishing.engine import Engine, Plan
from publisher.publishing.fingerprint import digest
from publisher.publishing.rule import choose
from publisher.publishing.workers import ProgressHook

EDITION_FORMAT = "publisher-edition/1"


def default_transport(settings: SmtpSettings, password: str | None) -> Transport:
    return SmtpTransport(settings, password)


class SendBuilder(Builder[SendReport]):
    """Sends (or writes as .eml files) one release to one media list."""

    name = "send"

    def __init__(
        self,
        ws: Workspace,
        *,
        list_name: str,
        tags: Sequence[str] = (),
        langs: Sequence[str] = (),
        dry_run_dir: Path | None = None,
        test_to: str | None = None,
        resend: bool = False,
        resend_unconfirmed: bool = False,
        password: str | None = None,
        transport: TransportFactory = default_transport,
        on_start: Callable[[str], None] | None = None,
        jobs: int | None = None,
        progress: ProgressHook | None = None,
        confirm: Callable[[str], bool] | None = None,
        yes: bool = False,
    ) -> None:
        """`confirm` is asked, with a summary, before mailing a release under embargo; with
        none (no terminal) such a send is refused unless `yes` (see SendRun)."""
        super().__init__(ws, jobs=jobs, progress=progress)
        self.list_name = list_name
        self.tags = {t.lower() for t in tags}
        self.langs = [languages.canonical(code) for code in langs]
        self.dry_run_dir = dry_run_dir
        self.test_to = test_to
        self.resend = resend
        self.resend_unconfirmed = resend_unconfirmed
        self.password = password
        self.transport = transport
        self.on_start = on_start or (lambda text: None)
        self.confirm = confirm
        self.yes = yes
        if dry_run_dir is not None and test_to is not None:
            raise UsageError("--dry-run and --test-to do not go together")

    # ------------------------------------------------------------------ the run

    def build(self, releases: Sequence[Release]) -> SendReport:
        if len(releases) != 1:
            raise UsageError("send one release at a time")
        release = releases[0]
        settings = load_settings(
            self.ws.config.raw, self.ws.root / CONFIG_NAME, need_server=self.dry_run_dir is None
        )
        if self.test_to is not None:
            self.test_to = normalize_address(self.test_to)
        allowed = [self.ws.config.source_language, *self.ws.config.target_languages]
        media = read_list(self.ws.root, self.list_name, allowed).require_valid()
        recipients = [r for r in media.recipients if not self.tags or self.tags & set(r.tags)]
        record = read_record(self.ws.root)
        mode = "dry-run" if self.dry_run_dir else "test" if self.test_to else "send"
        log = SendLog(release.root)
        report = SendReport(release.slug, self.list_name, mode, log_path=log.path)
        with self.engine() as engine:
            plan = engine.plans([release], draft=False)[0]
            if plan.error:
                raise plan.error
            report.not_approved = {lang: r.message for lang, r in plan.refused.items()}
            recipients = self._subscribed(recipients, record, report)
            jobs = self._jobs(release, plan, recipients, report)
            needed = sorted({lang for job in jobs for lang in job.langs})
            pages, pdfs = self._outputs(engine, plan, needed)
            photos = self._photos(engine, plan, release) if needed else []
        versions = Versions(self.ws, self.list_name, release, plan, settings, pages, pdfs, photos)
        run = SendRun(
            self.ws,
            jobs,
            log,
            versions,
            self._sender(settings, release),
            settings,
            report,
            self.transport,
            password=self.password,
            resend=self.resend,
            resend_unconfirmed=self.resend_unconfirmed,
            on_start=self.on_start,
            progress=self.progress,
            confirm=self.confirm,
            yes=self.yes,
            tags=tuple(sorted(self.tags)),
        )
        if self.dry_run_dir is not None:
            run.dry_run(self.dry_run_dir)
        elif self.test_to is not None:
            run.test(self.test_to)
        else:
            with log.locked():
                run.send()
        return report

    def _subscribed(
        self, recipients: list[Recipient], record: Record, report: SendReport
    ) -> list[Recipient]:
        """The recipients less those in the unsubscribe record (reported as skipped): an
        address that unsubscribed is never mailed again, whatever the list says."""
        kept: list[Recipient] = []
        for recipient in recipients:
            entry = record.find(self.list_name, recipient.key)
            if entry is None:
                kept.append(recipient)
                continue
            report.outcomes.append(
                Outcome(
                    recipient.email,
                    recipient.name,
                    list(recipient.languages),
                    SKIPPED,
                    f"unsubscribed ({record.where(entry)})",
                )
            )
        return kept

    def _jobs(
        self, release: Release, plan: Plan, recipients: list[Recipient], report: SendReport
    ) -> list[Job]:
        """Each recipient's languages (asked for, publishable, within --lang) and edition."""
        document = release.synced_document()
        editions: dict[str, str] = {}
        for lang in plan.published:
            editions[lang] = self._edition(release, document, plan, lang)
        jobs: list[Job] = []
        for recipient in recipients:
            asked = [lang for lang in recipient.languages if not self.langs or lang in self.langs]
            chosen = tuple(lang for lang in asked if lang in plan.published)
            if not chosen:
                if not asked:
                    reason = (
                        f"asked for {' '.join(recipient.languages)}; this send is "
                        f"--lang {' '.join(self.langs)}"
                    )
                else:
                    refused = [lang for lang in asked if lang not in plan.published]
                    reason = (
                        "asked only for " + ", ".join(refused) + ", not approved "
                        "for publishing (see `publisher status`)"
                    )
                report.outcomes.append(
                    Outcome(
                        recipient.email, recipient.name, list(recipient.languages), SKIPPED, reason
                    )
                )
                continue
            edition = digest(EDITION_FORMAT, [[lang, editions[lang]] for lang in chosen])
            jobs.append(Job(recipient, chosen, edition))
        return jobs

    def _edition(self, release: Release, document: Document, plan: Plan, lang: str) -> str:
        """A hash of everything a reader of `lang` gets: every text as published (the
        release's, and the boilerplate's About section and contact roles), the page's data
        (title, dateline, organisation, captions), the contacts, the office's conventions
        and motto, each photo (its file's content, credit and copyright) and the release's
        data (number, embargo, date, reference)."""
        ws, meta = self.ws, release.meta
        photos = [
            [p.file, plan.files.get(f"{PHOTOS_DIR}/{p.file}"), p.credit_in(lang)]
            for p in meta.photos
        ]
        return digest(
            lang,
            choose(ws, release, document, lang).publishable(
                release, ws.config.required_state, draft=False
            ),
            plan.views[lang],
            [[c.name_in(lang), c.role, c.phone, c.email] for c in release_contacts(ws, release)],
            [ws.convention(name, lang) for name in ("end_mark", "more_information")],
            ws.config.motto.get(lang),
            photos,
            [p.copyright_in(lang) for p in meta.photos],
            meta.number,
            meta.embargo.isoformat() if meta.embargo else None,
            meta.date.isoformat(),
            meta.reference,
        )

    def _outputs(
        self, engine: Engine, plan: Plan, needed: list[str]
    ) -> tuple[dict[str, bytes], dict[str, bytes]]:
        """The web page and PDF of every needed language, as `publisher build` makes them."""
        if not needed:
            return {}, {}
        page = engine.html([plan], draft=False, variant="build", params={"pdf": True})
        pdfs = engine.pdfs([(plan, lang) for lang in needed], draft=False)
        for step in [page[plan.slug], *pdfs.values()]:
            if step.error:
                raise step.error
        html = {
            lang: engine.cache.file(page[plan.slug].key, f"{lang}.html").read_bytes()
            for lang in needed
        }
        pdf = {
            lang: engine.cache.file(pdfs[(plan.slug, lang)].key, "out.pdf").read_bytes()
            for lang in needed
        }
        return html, pdf

    def _photos(self, engine: Engine, plan: Plan, release: Release) -> list[Attachment]:
        """The release's photos as attachments: the originals as `build` publishes them, with
        caption, credit, copyright and embargo in their IPTC/XMP fields."""
        out = []
        for photo in engine.photos([plan]).get(plan.slug, []):
            if photo.error:
                raise photo.error
            name, _, source = photo.outputs(engine.cache)[0]
            mime = "image/png" if name.endswith(".png") else "image/jpeg"
            out.append(Attachment(name, Path(source).read_bytes(), mime))
        return out

    def _sender(self, settings: SmtpSettings, release: Release) -> Sender:
        contact = next((c for c in self.ws.config.contacts if c.email), None)
        reply_to = settings.reply_to
        reply_name = None
        if reply_to is None and contact is not None:
            try:
                reply_to = normalize_address(contact.email)
            except UsageError as exc:
                raise MailError(
                    f"contact {contact.name}: {exc.message}", path=self.ws.root / CONFIG_NAME
                ) from None
            reply_name = contact.name
        return Sender(
            address=settings.sender,
            name=settings.sender_name,
            reply_to=reply_to,
            reply_to_name=reply_name,
            list_name=self.list_name,
            list_domain=settings.list_domain,
            unsubscribe_mailto=settings.unsubscribe_mailto,
            unsubscribe_url=settings.unsubscribe_url,
        )

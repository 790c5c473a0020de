"""`publisher send`: a release to a media list, one message per journalist, never twice.

The output of this builder is mail. Like every builder it asks the publishing
rule what may go out (the engine's plan: approved languages with no QA error,
never a draft) and takes the PDFs and web pages from the incremental engine,
the same bytes `publisher build` writes. Each recipient gets one message in
the languages they asked for that are publishable; one who asked only for
languages that are not is skipped and reported, never sent another language.

Never twice, never lost: the send log (publisher.core.sendlog) is written
before, at the commit point of, and after every message, under a lock held for
the whole run, and read again at the start of the next run, which then sends
only to those not yet confirmed. An edition is a hash of what a recipient
would get (the approved texts of their languages, title, number, embargo,
dateline): a changed release is a new edition, and mailing it to someone who
had the old one needs `resend`.

Messages are built lazily, one at a time, from a version per language
combination built once (PDFs read once): memory does not grow with the list.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol
from zoneinfo import ZoneInfo

from publisher.core import languages
from publisher.core.fsutil import atomic_write_bytes
from publisher.core.limits import megabytes
from publisher.core.medialists import Recipient, normalize_address, read_list
from publisher.core.release import Release
from publisher.core.sendlog import ATTEMPT, COMMIT, DONE, RESULT, TEST, UNCONFIRMED, SendLog
from publisher.core.workspace import CONFIG_NAME, Workspace
from publisher.errors import MailError, RenderError, SendRefused, UsageError
from publisher.mail.html import Section, email_html
from publisher.mail.message import Attachment, Sender, Version, compose, message_id
from publisher.mail.settings import SmtpSettings, load_settings
from publisher.mail.transport import ConnectionLost, Result, SmtpTransport
from publisher.publishing.builders.base import Builder
from publisher.publishing.builders.wire import wire_copy
from publisher.publishing.engine import Plan
from publisher.publishing.fingerprint import digest
from publisher.publishing.rule import translated_texts
from publisher.publishing.view import embargo_line
from publisher.publishing.workers import ProgressHook
from publisher.render.templating import locale_dirs, template_dirs, translations_for
from publisher.workflow.session import load_catalog

#: Statuses of a recipient in the report.
SENT, FAILED, DEFERRED, UNKNOWN = "sent", "failed", "deferred", "unknown"
SKIPPED, ALREADY, HELD, NOT_SENT, WRITTEN = "skipped", "already", "held", "not-sent", "written"

OUTBOX_MARK = ".publisher-outbox"
EDITION_FORMAT = "publisher-edition/1"


class Transport(Protocol):
    def __enter__(self) -> Transport: ...
    def __exit__(self, *exc: object) -> None: ...
    def send(
        self, sender: str, recipient: str, data: bytes, *, on_commit: Callable[[], None]
    ) -> Result: ...


TransportFactory = Callable[[SmtpSettings, str | None], Transport]


@dataclass
class Outcome:
    """What happened to one recipient in this run."""

    address: str
    name: str
    langs: list[str]
    status: str
    reason: str = ""
    message_id: str | None = None
    code: int | None = None

    def to_dict(self) -> dict[str, Any]:
        return {k: v for k, v in vars(self).items() if v not in (None, "")}


@dataclass
class SendReport:
    release: str
    list_name: str
    mode: str  # "send", "dry-run" or "test"
    outcomes: list[Outcome] = field(default_factory=list)
    #: Languages the publishing rule refused, with its reason.
    not_approved: dict[str, str] = field(default_factory=dict)
    #: Why the run stopped before the end of the list (connection lost, interrupted).
    stopped: str | None = None
    interrupted: bool = False
    out_dir: Path | None = None
    log_path: Path | None = None

    def with_status(self, status: str) -> list[Outcome]:
        return [o for o in self.outcomes if o.status == status]

    def counts(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for outcome in self.outcomes:
            out[outcome.status] = out.get(outcome.status, 0) + 1
        return out

    @property
    def ok(self) -> bool:
        """Everyone who could be sent the release has it (skips by the rule are not errors)."""
        bad = {FAILED, DEFERRED, UNKNOWN, HELD, NOT_SENT}
        return self.stopped is None and not any(o.status in bad for o in self.outcomes)

    def to_dict(self) -> dict[str, Any]:
        return {
            "release": self.release,
            "list": self.list_name,
            "mode": self.mode,
            "counts": self.counts(),
            "recipients": [o.to_dict() for o in self.outcomes],
            "not_approved": self.not_approved,
            "stopped": self.stopped,
            "out": str(self.out_dir) if self.out_dir else None,
            "log": str(self.log_path) if self.log_path else None,
            "ok": self.ok,
        }


@dataclass
class _Job:
    recipient: Recipient
    langs: tuple[str, ...]
    edition: str


def default_transport(settings: SmtpSettings, password: str | None) -> Transport:
    return SmtpTransport(settings, password)


class EmailBuilder(Builder[SendReport]):
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
    ) -> None:
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
        mode = "dry-run" if self.dry_run_dir else "test" if self.test_to else "send"
        log = SendLog(release.root)
        report = SendReport(release.slug, self.list_name, mode, log_path=log.path)
        with self.engine() as engine:
            plan = engine.plans([release], draft=False)[0]
            if plan.error:
                raise plan.error
            report.not_approved = {lang: r.message for lang, r in plan.refused.items()}
            jobs = self._jobs(release, plan, recipients, report)
            needed = sorted({lang for job in jobs for lang in job.langs})
            pages, pdfs = self._outputs(engine, plan, needed)
            photos = self._photos(engine, plan, release) if needed else []
        versions = _Versions(self, release, plan, settings, pages, pdfs, photos)
        sender = self._sender(settings, release)
        if mode == "dry-run":
            assert self.dry_run_dir is not None
            self._dry_run(jobs, log, versions, sender, report, self.dry_run_dir)
        elif mode == "test":
            self._test(jobs, log, versions, sender, settings, report)
        else:
            with log.locked():
                self._send(jobs, log, versions, sender, settings, report)
        return report

    def _jobs(
        self, release: Release, plan: Plan, recipients: list[Recipient], report: SendReport
    ) -> list[_Job]:
        """Each recipient's languages (asked for, publishable, within --lang) and edition."""
        document = release.synced_document()
        editions: dict[str, str] = {}
        for lang in plan.published:
            editions[lang] = self._edition(release, document, plan, lang)
        jobs: list[_Job] = []
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
            jobs.append(_Job(recipient, chosen, edition))
        return jobs

    def _edition(self, release: Release, document: Any, plan: Plan, lang: str) -> str:
        """A hash of what a reader of `lang` gets: the approved texts and the release's data."""
        catalog = None if lang == release.meta.source_language else load_catalog(release, lang)
        texts = translated_texts(
            document,
            catalog,
            self.ws.config.required_state,
            draft=False,
            release=release.slug,
            lang=lang,
        )
        meta = release.meta
        return digest(
            lang,
            texts,
            plan.views[lang]["title"],
            plan.views[lang]["dateline"],
            meta.number,
            meta.embargo.isoformat() if meta.embargo else None,
            meta.date.isoformat(),
            meta.reference,
        )

    def _outputs(
        self, engine: Any, plan: Plan, needed: list[str]
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

    def _photos(self, engine: Any, plan: Plan, release: Release) -> list[Attachment]:
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

    def _message(
        self,
        versions: _Versions,
        sender: Sender,
        job: _Job,
        msgid: str,
        to: str,
        name: str,
        *,
        subject_prefix: str = "",
    ) -> bytes:
        version = versions.get(job.langs)
        if subject_prefix:
            version = dataclasses.replace(version, subject=subject_prefix + version.subject)
        lang = job.langs[0]
        localized = Sender(
            sender.address,
            sender.name or self.ws.config.organisation.get(lang) or None,
            sender.reply_to,
            _contact_name(self.ws, sender.reply_to, lang) or sender.reply_to_name,
            sender.list_name,
            sender.list_domain,
            sender.unsubscribe_mailto,
            sender.unsubscribe_url,
        )
        date = dt.datetime.now(ZoneInfo(self.ws.config.time_zone)).replace(microsecond=0)
        return compose(version, localized, to_address=to, to_name=name, msgid=msgid, date=date)

    def _report(self, stage: str, done: int, total: int) -> None:
        if self.progress is not None:
            self.progress(stage, done, total)

    # ------------------------------------------------------------------ modes

    def _dry_run(
        self,
        jobs: list[_Job],
        log: SendLog,
        versions: _Versions,
        sender: Sender,
        report: SendReport,
        out_dir: Path,
    ) -> None:
        """Write each message that a send would send as a .eml file; send nothing."""
        _prepare_outbox(out_dir, self.ws.root)
        report.out_dir = out_dir
        todo = self._classify(jobs, log, report)
        self.on_start(f"writing {len(todo)} message(s) to {out_dir}")
        for index, job in enumerate(todo, 1):
            msgid = message_id(sender.list_domain)
            data = self._message(
                versions, sender, job, msgid, job.recipient.email, job.recipient.name
            )
            name = f"{index:04d}-{_safe_name(job.recipient.email)}.eml"
            atomic_write_bytes(out_dir / name, data)
            report.outcomes.append(self._outcome(job, WRITTEN, name, msgid))
            self._report("writing", index, len(todo))

    def _test(
        self,
        jobs: list[_Job],
        log: SendLog,
        versions: _Versions,
        sender: Sender,
        settings: SmtpSettings,
        report: SendReport,
    ) -> None:
        """One copy of each language version the list would get, to the press officer."""
        assert self.test_to is not None
        seen: dict[tuple[str, ...], _Job] = {}
        for job in jobs:
            seen.setdefault(job.langs, job)
        self.on_start(f"sending {len(seen)} test message(s) to {self.test_to}")
        with self.transport(settings, self.password) as transport:
            for index, job in enumerate(seen.values(), 1):
                msgid = message_id(sender.list_domain)
                data = self._message(
                    versions, sender, job, msgid, self.test_to, "", subject_prefix="[TEST] "
                )
                result = transport.send(sender.address, self.test_to, data, on_commit=_nothing)
                log.write(
                    TEST,
                    address=self.test_to,
                    langs=list(job.langs),
                    edition=job.edition,
                    message_id=msgid,
                    status=result.status,
                    code=result.code,
                    reply=result.reply,
                    list=self.list_name,
                )
                report.outcomes.append(
                    Outcome(
                        self.test_to,
                        "",
                        list(job.langs),
                        result.status,
                        result.reply if not result.delivered else "",
                        msgid,
                        result.code,
                    )
                )
                self._report("test messages", index, len(seen))

    def _classify(self, jobs: list[_Job], log: SendLog, report: SendReport) -> list[_Job]:
        """The jobs still to send, after what the send log says (see sendlog's rules)."""
        standings = log.standings({job.recipient.key: job.edition for job in jobs})
        had_old = [
            (job, standings[job.recipient.key])
            for job in jobs
            if standings[job.recipient.key].older and standings[job.recipient.key].state != DONE
        ]
        if had_old and not self.resend:
            names = ", ".join(job.recipient.email for job, _ in had_old[:10])
            more = f" and {len(had_old) - 10} more" if len(had_old) > 10 else ""
            raise SendRefused(
                f"the release changed since it was sent: {len(had_old)} recipient(s) already "
                f"had an earlier edition: {names}{more}. Add --resend to send them the new "
                "edition (everyone else on the list gets it too)",
                path=log.path,
            )
        todo: list[_Job] = []
        for job in jobs:
            standing = standings[job.recipient.key]
            if standing.state == DONE:
                sent = next(d for d in standing.deliveries if d.delivered)
                report.outcomes.append(
                    self._outcome(job, ALREADY, f"sent on {sent.time}", sent.message_id)
                )
            elif standing.state == UNCONFIRMED and not self.resend_unconfirmed:
                last = next(d for d in reversed(standing.deliveries) if d.uncertain)
                report.outcomes.append(
                    self._outcome(
                        job,
                        HELD,
                        f"handed to the server on {last.time} with no confirmation; it may "
                        "have been delivered. Check the server's log, then send again with "
                        "--resend-unconfirmed if it was not",
                        last.message_id,
                    )
                )
            else:
                todo.append(job)
        if had_old:
            for job, standing in had_old:
                last = standing.older[-1]
                self.on_start(
                    f"{job.recipient.email} had the earlier edition (sent {last.time}); "
                    "sending the new one"
                )
        return todo

    def _send(
        self,
        jobs: list[_Job],
        log: SendLog,
        versions: _Versions,
        sender: Sender,
        settings: SmtpSettings,
        report: SendReport,
    ) -> None:
        todo = self._classify(jobs, log, report)
        if not todo:
            return
        versions.get(todo[0].langs)  # build the first message before connecting
        done_before = len(report.with_status(ALREADY))
        try:
            with self.transport(settings, self.password) as transport:
                if done_before:
                    self.on_start(
                        f"resuming: {done_before} recipient(s) already have this edition; "
                        f"{len(todo)} to send"
                    )
                else:
                    self.on_start(f"sending to {len(todo)} recipient(s)")
                for index, job in enumerate(todo):
                    self._send_one(transport, job, log, versions, sender, report)
                    self._report("sending", index + 1, len(todo))
        except ConnectionLost as lost:
            report.stopped = lost.message
            self._not_sent(todo, report, "the connection was lost; run `publisher send` again")
        except KeyboardInterrupt:
            report.stopped = "interrupted"
            report.interrupted = True
            self._not_sent(todo, report, "interrupted; run `publisher send` again")

    def _send_one(
        self,
        transport: Transport,
        job: _Job,
        log: SendLog,
        versions: _Versions,
        sender: Sender,
        report: SendReport,
    ) -> None:
        recipient = job.recipient
        msgid = message_id(sender.list_domain)
        data = self._message(versions, sender, job, msgid, recipient.email, recipient.name)
        fields = {
            "address": recipient.email,
            "langs": list(job.langs),
            "edition": job.edition,
            "message_id": msgid,
            "list": self.list_name,
        }
        log.write(ATTEMPT, **fields)
        committed = False

        def commit() -> None:
            nonlocal committed
            log.write(COMMIT, address=recipient.email, message_id=msgid)
            committed = True

        try:
            result = transport.send(sender.address, recipient.email, data, on_commit=commit)
        except (KeyboardInterrupt, ConnectionLost):
            if committed:
                log.write(
                    RESULT,
                    address=recipient.email,
                    message_id=msgid,
                    status=UNKNOWN,
                    code=None,
                    reply="interrupted after the message was handed over",
                )
                report.outcomes.append(
                    self._outcome(
                        job, UNKNOWN, "interrupted after the message was handed over", msgid
                    )
                )
            raise
        log.write(
            RESULT,
            address=recipient.email,
            message_id=msgid,
            status=result.status,
            code=result.code,
            reply=result.reply,
            edition=job.edition,
        )
        reason = "" if result.delivered else f"{result.code or ''} {result.reply}".strip()
        report.outcomes.append(self._outcome(job, result.status, reason, msgid, result.code))

    def _not_sent(self, todo: list[_Job], report: SendReport, reason: str) -> None:
        handled = {o.address for o in report.outcomes}
        for job in todo:
            if job.recipient.email not in handled:
                report.outcomes.append(self._outcome(job, NOT_SENT, reason))

    @staticmethod
    def _outcome(
        job: _Job, status: str, reason: str = "", msgid: str | None = None, code: int | None = None
    ) -> Outcome:
        r = job.recipient
        return Outcome(r.email, r.name, list(job.langs), status, reason, msgid, code)


# --------------------------------------------------------------------------- versions


class _Versions:
    """The message body for each combination of languages, built on first use."""

    def __init__(
        self,
        builder: EmailBuilder,
        release: Release,
        plan: Plan,
        settings: SmtpSettings,
        pages: dict[str, bytes],
        pdfs: dict[str, bytes],
        photos: list[Attachment],
    ) -> None:
        self.ws = builder.ws
        self.list_name = builder.list_name
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
        photo_note: dict[str, str] = {}
        if photos and pdf_size + sum(len(p.data) for p in photos) <= cap:
            attachments.extend(photos)
        elif photos:
            for lang in langs:
                gettext = _gettext(self.ws, lang)
                if self.settings.photos_url:
                    url = self.settings.photos_url.replace("{release}", self.release.slug)
                    photo_note[lang] = gettext("Photos: %(url)s") % {"url": url}
        sections: list[Section] = []
        texts: list[str] = []
        for lang in langs:
            gettext = _gettext(self.ws, lang)
            embargo = embargo_line(self.ws, self.release, lang, gettext)
            mine = [pdf_names[lang]] + [p.filename for p in photos if p in attachments]
            note = gettext("Attached: %(files)s") % {"files": ", ".join(mine)}
            if lang in photo_note:
                note += "\n" + photo_note[lang]
            page = self.pages[lang]
            banner = embargo if embargo and embargo.encode("utf-8") not in page else None
            sections.append(Section(lang, page, banner, note))
            text = wire_copy(self.ws, self.release, lang)
            if embargo:
                text = embargo + "\n\n" + text
            texts.append(text.rstrip("\n") + "\n\n" + note + "\n")
        footer = _footer(self.ws, self.settings, self.list_name, first)
        text = ("\n" + "-" * 72 + "\n\n").join(texts) + "\n-- \n" + footer + "\n"
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


def _contact_name(ws: Workspace, address: str | None, lang: str) -> str | None:
    if not address:
        return None
    for contact in ws.config.contacts:
        if contact.email.strip().lower() == address.lower():
            return contact.name_in(lang)
    return None


_UNSAFE_FILENAME = re.compile(r'[\x00-\x1f\x7f/\\:*?"<>|]+')


def _safe_filename(text: str) -> str:
    return " ".join(_UNSAFE_FILENAME.sub("-", text).split()).strip(" .-") or "release"


def _safe_name(address: str) -> str:
    return re.sub(r"[^A-Za-z0-9@._+-]", "_", address)[:120]


def _nothing() -> None:
    return None


def _prepare_outbox(out_dir: Path, workspace_root: Path) -> None:
    """A folder of our own for .eml files: new, empty, or one we wrote before (its old .eml
    files are replaced); any other folder is refused rather than mixed into."""
    out_dir = out_dir.resolve()
    root = workspace_root.resolve()
    if out_dir == root or root.is_relative_to(out_dir) or out_dir.is_relative_to(root / "releases"):
        raise UsageError(
            f"--out {out_dir} would write into the workspace's own files; choose another folder"
        )
    if out_dir.exists() and not out_dir.is_dir():
        raise UsageError(f"--out {out_dir} is a file, not a folder")
    if out_dir.is_dir() and any(out_dir.iterdir()):
        if not (out_dir / OUTBOX_MARK).is_file():
            raise UsageError(
                f"--out {out_dir} is not empty and was not written by a dry run; choose an "
                "empty or new folder"
            )
        for old in out_dir.glob("*.eml"):
            old.unlink()
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / OUTBOX_MARK).write_text("written by `publisher send --dry-run`\n")

"""The send loop of `publisher send`: one run of one release to one list, in one of three modes.

A `SendRun` holds what every mode needs (the recipients' jobs, the send log,
the message versions, the sender, the SMTP settings and the report) and runs
one of them: `dry_run` writes .eml files, `test` sends one copy of each
language combination to the press officer, `send` mails the list.

Never twice, never lost: in `send` the log is written before (attempt), at the
commit point of (commit) and after (result) every message, under the log's lock
held by the caller for the whole run; `classify` reads it first and keeps only
the recipients not yet confirmed (see publisher.core.sendlog for the rules).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol
from zoneinfo import ZoneInfo

from publisher.core import dates
from publisher.core.fsutil import atomic_write_bytes
from publisher.core.medialists import Recipient
from publisher.core.sendlog import ATTEMPT, COMMIT, DONE, RESULT, TEST, UNCONFIRMED, SendLog
from publisher.core.workspace import Workspace
from publisher.errors import SendRefused, UsageError
from publisher.mail.message import Sender, compose, message_id
from publisher.mail.settings import SmtpSettings
from publisher.mail.transport import ConnectionLost, Result
from publisher.publishing.builders.send_versions import Versions, contact_name
from publisher.publishing.workers import ProgressHook

#: Statuses of a recipient in the report.
SENT, FAILED, DEFERRED, UNKNOWN = "sent", "failed", "deferred", "unknown"
SKIPPED, ALREADY, HELD, NOT_SENT, WRITTEN = "skipped", "already", "held", "not-sent", "written"

OUTBOX_MARK = ".publisher-outbox"


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
    #: Test copies: the subject and what the copy holds (languages, attachments).
    subject: str = ""
    contents: str = ""

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
class Job:
    """One recipient of this run: the languages they get and the edition of those."""

    recipient: Recipient
    langs: tuple[str, ...]
    edition: str


def test_prefix(langs: tuple[str, ...]) -> str:
    """`[TEST km+zh-Hans] `: a test copy's subject names its language combination."""
    return f"[TEST {'+'.join(langs)}] "


def _duration(left: dt.timedelta) -> str:
    minutes = max(0, int(left.total_seconds() // 60))
    days, minutes = divmod(minutes, 24 * 60)
    hours, minutes = divmod(minutes, 60)
    parts = [f"{days} day(s)"] if days else []
    if hours or days:
        parts.append(f"{hours} hour(s)")
    if not days:
        parts.append(f"{minutes} minute(s)")
    return " ".join(parts)


def outcome(
    job: Job, status: str, reason: str = "", msgid: str | None = None, code: int | None = None
) -> Outcome:
    r = job.recipient
    return Outcome(r.email, r.name, list(job.langs), status, reason, msgid, code)


@dataclass
class SendRun:
    """One run of the send loop over `jobs`; what happened goes into `report`."""

    ws: Workspace
    jobs: list[Job]
    log: SendLog
    versions: Versions
    sender: Sender
    settings: SmtpSettings
    report: SendReport
    transport: TransportFactory
    password: str | None = None
    resend: bool = False
    resend_unconfirmed: bool = False
    on_start: Callable[[str], None] = lambda text: None
    progress: ProgressHook | None = None
    #: Asked (with the summary) before mailing a release still under embargo; None: the
    #: caller cannot ask (no terminal), so such a send is refused unless `yes`.
    confirm: Callable[[str], bool] | None = None
    yes: bool = False
    #: What the run was asked for (`--tag`), shown in the summary.
    tags: tuple[str, ...] = ()

    def message(
        self, job: Job, msgid: str, to: str, name: str, *, subject_prefix: str = ""
    ) -> bytes:
        """The bytes of `job`'s message to `to`: its version under this run's header block."""
        version = self.versions.get(job.langs)
        if subject_prefix:
            version = dataclasses.replace(version, subject=subject_prefix + version.subject)
        lang = job.langs[0]
        sender = self.sender
        localized = Sender(
            sender.address,
            sender.name or self.ws.config.organisation.get(lang) or None,
            sender.reply_to,
            contact_name(self.ws, sender.reply_to, lang) or sender.reply_to_name,
            sender.list_name,
            sender.list_domain,
            sender.unsubscribe_mailto,
            sender.unsubscribe_url,
        )
        date = dt.datetime.now(ZoneInfo(self.ws.config.time_zone)).replace(microsecond=0)
        return compose(version, localized, to_address=to, to_name=name, msgid=msgid, date=date)

    def _progress(self, stage: str, done: int, total: int) -> None:
        if self.progress is not None:
            self.progress(stage, done, total)

    def embargo(self) -> dt.datetime | None:
        """The release's embargo while it has not lifted, in the office's zone."""
        embargo = self.versions.release.meta.embargo
        now = dt.datetime.now(dt.UTC)
        if embargo is None or embargo <= now:
            return None
        return embargo.astimezone(ZoneInfo(self.ws.config.time_zone))

    def summary(self, todo: list[Job]) -> str:
        """What is about to go out: the embargo (local time, zone and offset, how long until
        it lifts), the list and how many recipients in which languages."""
        release = self.versions.release
        lines = [f"release: {release.slug}"]
        embargo = self.embargo()
        if embargo is not None:
            left = embargo - dt.datetime.now(dt.UTC)
            lines.append(
                f"EMBARGOED until {embargo:%A %d %B %Y, %H:%M} {self.ws.config.time_zone} "
                f"({dates.format_utc_offset(embargo)}); it lifts in {_duration(left)}"
            )
        elif release.meta.embargo is not None:
            lines.append(f"embargo lifted at {release.meta.embargo.isoformat()}")
        else:
            lines.append("no embargo: for immediate release")
        by_lang: dict[str, int] = {}
        for job in todo:
            key = "+".join(job.langs)
            by_lang[key] = by_lang.get(key, 0) + 1
        langs = ", ".join(f"{key} {n}" for key, n in sorted(by_lang.items()))
        tags = f" (tags: {', '.join(self.tags)})" if self.tags else ""
        lines.append(f"list: {self.sender.list_name}{tags}")
        lines.append(f"recipients: {len(todo)}" + (f" ({langs})" if langs else ""))
        return "\n".join(lines)

    def _deliberate(self, todo: list[Job]) -> bool:
        """Show the summary; under embargo, go on only if confirmed (or `yes`)."""
        if self.embargo() is None:
            return True
        text = self.summary(todo)
        if self.yes:
            self.on_start(text)
            return True
        if self.confirm is None:
            raise SendRefused(
                f"{self.versions.release.slug} is under embargo; sending it is deliberate: "
                "run `publisher send` on a terminal to confirm, or add --yes\n" + text
            )
        return self.confirm(text)

    # ------------------------------------------------------------------ modes

    def dry_run(self, out_dir: Path) -> None:
        """Write each message that a send would send as a .eml file; send nothing."""
        _prepare_outbox(out_dir, self.ws.root)
        self.report.out_dir = out_dir
        todo = self.classify()
        self.on_start(self.summary(todo))
        self.on_start(f"writing {len(todo)} message(s) to {out_dir}")
        for index, job in enumerate(todo, 1):
            msgid = message_id(self.sender.list_domain)
            data = self.message(job, msgid, job.recipient.email, job.recipient.name)
            name = f"{index:04d}-{_safe_name(job.recipient.email)}.eml"
            atomic_write_bytes(out_dir / name, data)
            self.report.outcomes.append(outcome(job, WRITTEN, name, msgid))
            self._progress("writing", index, len(todo))

    def test(self, test_to: str) -> None:
        """One copy of each language version the list would get, to the press officer."""
        seen: dict[tuple[str, ...], Job] = {}
        for job in self.jobs:
            seen.setdefault(job.langs, job)
        self.on_start(f"sending {len(seen)} test message(s) to {test_to}")
        with self.transport(self.settings, self.password) as transport:
            for index, job in enumerate(seen.values(), 1):
                msgid = message_id(self.sender.list_domain)
                data = self.message(job, msgid, test_to, "", subject_prefix=test_prefix(job.langs))
                result = transport.send(self.sender.address, test_to, data, on_commit=_nothing)
                self.log.write(
                    TEST,
                    address=test_to,
                    langs=list(job.langs),
                    edition=job.edition,
                    message_id=msgid,
                    status=result.status,
                    code=result.code,
                    reply=result.reply,
                    list=self.sender.list_name,
                )
                version = self.versions.get(job.langs)
                contents = ", ".join(
                    [f"text and HTML in {' + '.join(job.langs)}"]
                    + [item.filename for item in version.attachments]
                )
                self.report.outcomes.append(
                    Outcome(
                        test_to,
                        "",
                        list(job.langs),
                        result.status,
                        result.reply if not result.delivered else "",
                        msgid,
                        result.code,
                        subject=test_prefix(job.langs) + version.subject,
                        contents=contents,
                    )
                )
                self._progress("test messages", index, len(seen))

    def classify(self) -> list[Job]:
        """The jobs still to send, after what the send log says (see sendlog's rules)."""
        jobs, report = self.jobs, self.report
        standings = self.log.standings({job.recipient.key: job.edition for job in jobs})
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
                path=self.log.path,
            )
        todo: list[Job] = []
        for job in jobs:
            standing = standings[job.recipient.key]
            if standing.state == DONE:
                sent = next(d for d in standing.deliveries if d.delivered)
                report.outcomes.append(
                    outcome(job, ALREADY, f"sent on {sent.time}", sent.message_id)
                )
            elif standing.state == UNCONFIRMED and not self.resend_unconfirmed:
                last = next(d for d in reversed(standing.deliveries) if d.uncertain)
                report.outcomes.append(
                    outcome(
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

    def send(self) -> None:
        """Mail everyone not yet confirmed (the caller holds the log's lock)."""
        todo = self.classify()
        if not todo:
            return
        report = self.report
        if not self._deliberate(todo):
            report.stopped = "not confirmed"
            self._not_sent(todo, "not confirmed; nothing was sent")
            return
        self.versions.get(todo[0].langs)  # build the first message before connecting
        done_before = len(report.with_status(ALREADY))
        try:
            with self.transport(self.settings, self.password) as transport:
                if done_before:
                    self.on_start(
                        f"resuming: {done_before} recipient(s) already have this edition; "
                        f"{len(todo)} to send"
                    )
                else:
                    self.on_start(f"sending to {len(todo)} recipient(s)")
                for index, job in enumerate(todo):
                    self._send_one(transport, job)
                    self._progress("sending", index + 1, len(todo))
        except ConnectionLost as lost:
            report.stopped = lost.message
            self._not_sent(todo, "the connection was lost; run `publisher send` again")
        except KeyboardInterrupt:
            report.stopped = "interrupted"
            report.interrupted = True
            self._not_sent(todo, "interrupted; run `publisher send` again")

    def _send_one(self, transport: Transport, job: Job) -> None:
        log, report = self.log, self.report
        recipient = job.recipient
        msgid = message_id(self.sender.list_domain)
        data = self.message(job, msgid, recipient.email, recipient.name)
        fields = {
            "address": recipient.email,
            "langs": list(job.langs),
            "edition": job.edition,
            "message_id": msgid,
            "list": self.sender.list_name,
        }
        log.write(ATTEMPT, **fields)
        committed = False

        def commit() -> None:
            nonlocal committed
            log.write(COMMIT, address=recipient.email, message_id=msgid)
            committed = True

        try:
            result = transport.send(self.sender.address, recipient.email, data, on_commit=commit)
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
                    outcome(job, UNKNOWN, "interrupted after the message was handed over", msgid)
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
        report.outcomes.append(outcome(job, result.status, reason, msgid, result.code))

    def _not_sent(self, todo: list[Job], reason: str) -> None:
        handled = {o.address for o in self.report.outcomes}
        for job in todo:
            if job.recipient.email not in handled:
                self.report.outcomes.append(outcome(job, NOT_SENT, reason))


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

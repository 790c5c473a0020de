"""Embargoes: nothing of a release appears anywhere before its time.

The time is always stored with its offset (a date alone, or a time without a
zone, has let a wire service publish hours early in another zone); a time typed
without one takes the workspace's zone. Setting, moving and lifting an embargo
are recorded in the release's history; lifting one before its time, or putting
an embargoed release on the public site early, is a decision someone must take
by name, with a reason (`--force --reason`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from publisher.core.dates import parse_moment
from publisher.core.history import Event, now_iso
from publisher.core.release import Release
from publisher.core.workspace import Workspace
from publisher.errors import UsageError
from publisher.workflow.session import changing


def now(clock: str | None, zone: str) -> dt.datetime:
    """The time to judge embargoes by: `clock` if given (`--now` for tests and previews)."""
    if clock:
        try:
            return parse_moment(clock, zone)
        except ValueError as exc:
            raise UsageError(f"--now: {exc}") from None
    return dt.datetime.now(dt.UTC)


def parse(ws: Workspace, text: str) -> dt.datetime:
    try:
        return parse_moment(text, ws.config.time_zone)
    except ValueError as exc:
        raise UsageError(str(exc)) from None


def in_force(release: Release, at: dt.datetime) -> bool:
    """Whether the release is still under embargo at `at`."""
    return release.meta.embargo is not None and release.meta.embargo > at


@dataclass
class EmbargoChange:
    before: dt.datetime | None
    after: dt.datetime | None


def check_change(
    slug: str,
    before: dt.datetime | None,
    moment: dt.datetime | None,
    *,
    at: dt.datetime,
    force: bool,
    reason: str | None,
) -> bool:
    """Whether changing the embargo `before` to `moment` publishes early (lifting it, or
    moving it earlier, while it is in force); refused then without `force` and a reason."""
    early = before is not None and before > at and (moment is None or moment < before)
    if before is not None and early and not (force and (reason or "").strip()):
        raise UsageError(
            f"{slug} is embargoed until {before.isoformat()}; lifting it (or moving it "
            "earlier) before that time needs --force and --reason TEXT, which are recorded"
        )
    return early


def set_embargo(
    ws: Workspace,
    release: Release,
    moment: dt.datetime | None,
    *,
    by: str,
    at: dt.datetime,
    force: bool = False,
    reason: str | None = None,
) -> EmbargoChange:
    """Set, move (`moment`) or lift (`moment=None`) the release's embargo, in its history.

    Lifting or moving earlier an embargo that is still in force needs `force` and a
    reason: it is the decision to publish early.
    """
    with changing(release, what="embargo") as session:
        meta = session.release.meta
        before = meta.embargo
        early = check_change(release.slug, before, moment, at=at, force=force, reason=reason)
        if moment == before:
            return EmbargoChange(before, moment)
        meta.embargo = moment
        session.stage("release.toml", meta.to_toml().encode("utf-8"))
        if moment is None:
            detail = f"lifted (was {before.isoformat()})" if before else "lifted"
        elif before is None:
            detail = f"set to {moment.isoformat()}"
        else:
            detail = f"moved from {before.isoformat()} to {moment.isoformat()}"
        session.events.append(
            Event(now_iso(), "embargo", by=by, comment=reason if early else None, detail=detail)
        )
    return EmbargoChange(before, moment)


def record_early_publication(release: Release, *, by: str, reason: str, where: str) -> None:
    """An embargoed release published before its time (`site --force`), in its history."""
    if not reason.strip():
        raise UsageError("publishing an embargoed release early needs --reason TEXT")
    with changing(release, what="early publication") as session:
        embargo = session.release.meta.embargo
        session.events.append(
            Event(
                now_iso(),
                "publish-early",
                by=by,
                comment=reason,
                detail=f"{where} before the embargo of "
                f"{embargo.isoformat() if embargo else 'its time'}",
            )
        )


def publish_early(
    releases: Sequence[Release],
    forced: Sequence[str],
    reason: str | None,
    at: dt.datetime,
    *,
    find: Callable[[str], Release],
    reviewer: Callable[[], str],
) -> list[str]:
    """The embargoed releases to publish on the site before their time (`site --force`),
    each decision recorded in its history; refused whole (nothing recorded) when a name is
    not an embargoed release or the reason is missing. `find` looks up a release not among
    `releases`; `reviewer` names who decides, asked once the request is known good."""
    if not forced:
        if reason:
            raise UsageError("--reason goes with --force RELEASE")
        return []
    if not (reason or "").strip():
        raise UsageError("publishing an embargoed release early needs --reason TEXT")
    by_slug = {r.slug: r for r in releases}
    early: dict[str, Release] = {}
    for slug in forced:
        release = by_slug.get(slug) or find(slug)
        if not in_force(release, at):
            raise UsageError(f"{slug} is not under embargo; --force is not needed")
        early[release.slug] = release
    # Recorded once every name is known good: a refused command records nothing.
    who = reviewer()
    for release in early.values():
        record_early_publication(
            release, by=who, reason=reason or "", where="published on the site"
        )
    return list(early)

"""What a workspace still lacks for a whole release, each with the way to add it.

Invariant: every gap names a file to edit or a command that exists and applies
(tests/cli/test_first_day_flow.py runs the commands); an absent optional part
(no [smtp]: `send --dry-run` still works) is a gap only where it stops a command.
Read by `publisher status`, so it loads nothing beyond the workspace's own files.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass

from publisher.core import boilerplate
from publisher.core.boilerplate import contact_roles
from publisher.core.medialists import lists_dir
from publisher.core.release import Release
from publisher.core.workspace import CONFIG_NAME, Workspace
from publisher.errors import PublisherError


@dataclass(frozen=True)
class Gap:
    what: str  # what is missing
    how: str  # how to add it

    def format(self) -> str:
        return f"{self.what}: {self.how}"


def setup_gaps(
    ws: Workspace, roles_of: Callable[[Release], Collection[str]] = contact_roles
) -> list[Gap]:
    """`roles_of`: the boilerplate's contact roles (`publisher status` passes one that
    reads them from the cache while the boilerplate is unchanged)."""
    gaps: list[Gap] = []
    config = ws.config
    if not config.number_pattern:
        gaps.append(
            Gap(
                "releases get no number",
                f'add [numbering] pattern = "MFAIC/{{year}}/{{seq:03d}}" to {CONFIG_NAME}',
            )
        )
    if not config.contacts:
        gaps.append(
            Gap(
                "no media contact",
                f"add a [[contacts]] table to {CONFIG_NAME} (name, role, phone, email) and "
                "its role as an item of boilerplate/source.md",
            )
        )
    shared = None
    try:
        shared = boilerplate.load(ws)
    except PublisherError as error:
        gaps.append(Gap("the boilerplate does not load", error.format()))
    if shared is None and not (ws.boilerplate_dir / "release.toml").is_file():
        gaps.append(
            Gap(
                "no boilerplate (About paragraph, contact roles)",
                "create it with `publisher boilerplate init`",
            )
        )
    elif shared is not None:
        try:
            roles = roles_of(shared)
        except PublisherError as error:
            gaps.append(Gap("the boilerplate does not load", error.format()))
        else:
            for contact in config.contacts:
                if contact.role and contact.role not in roles:
                    gaps.append(
                        Gap(
                            f"the role {contact.role!r} of {contact.name} is not in "
                            "boilerplate/source.md",
                            "add it as an item of its contacts list, then run "
                            "`publisher sync boilerplate`",
                        )
                    )
    folder = lists_dir(ws.root)
    if not folder.is_dir() or not any(folder.glob("*.csv")):
        gaps.append(
            Gap(
                "no media list",
                "add journalists with `publisher lists add press EMAIL --name NAME --lang km`",
            )
        )
    if "smtp" not in config.raw:
        gaps.append(
            Gap(
                "no [smtp] section (`publisher send --dry-run` works without it)",
                f"add one to {CONFIG_NAME} to send by e-mail (README, 'Sending a release "
                "by e-mail')",
            )
        )
    return gaps

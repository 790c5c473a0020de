"""`publisher init`: a workspace complete from its first command, as `hugo new site` and
`sphinx-quickstart` make one.

Invariant: a workspace this module creates holds every section of `publisher.toml`,
each with a comment saying what it is for (`[smtp]` commented out, with a pointer to
the README), a boilerplate imported from a commented template (its About paragraph
and one role per contact), and `lists/press.csv` with its header line; and it loads
(`Workspace.load`) without an error. Nothing is written when a value is refused.
"""

from __future__ import annotations

import re
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import tomli_w

from publisher.core import languages
from publisher.core.fsutil import atomic_write_text
from publisher.core.medialists import COLUMNS as LIST_COLUMNS
from publisher.core.release import Release
from publisher.core.workspace import (
    CONFIG_NAME,
    DEFAULT_CONFIG,
    DEFAULT_TIME_ZONE,
    Contact,
    Workspace,
    check_number_pattern,
)
from publisher.errors import UsageError, WorkspaceError
from publisher.workflow.create import init_boilerplate

#: The languages a new workspace publishes in (the product's three).
SOURCE_LANGUAGE = "en"
TARGET_LANGUAGES = ["km", "zh-Hans"]
LANGUAGES = [SOURCE_LANGUAGE, *TARGET_LANGUAGES]


@dataclass
class Answers:
    """What `init` asks (or takes from its flags)."""

    organisation: dict[str, str] = field(
        default_factory=lambda: dict(DEFAULT_CONFIG["organisation"])
    )
    time_zone: str = DEFAULT_TIME_ZONE
    #: None: releases are not numbered.
    numbering: str | None = None
    contact: Contact | None = None


def default_numbering(organisation: str) -> str:
    """`MFAIC/{year}/{seq:03d}` from "Ministry of Foreign Affairs and International
    Cooperation": the capitals of its words, as offices abbreviate their names."""
    initials = "".join(word[0] for word in re.findall(r"[A-Za-z][\w'’-]*", organisation))
    initials = "".join(c for c in initials if c.isupper()) or "PR"
    return f"{initials}/{{year}}/{{seq:03d}}"


def parse_organisation(values: list[str], answers: Answers) -> None:
    """`--organisation "Name"` (the source language) or `--organisation km=ឈ្មោះ`."""
    for value in values:
        lang, sep, name = value.partition("=")
        if sep and re.fullmatch(r"[A-Za-z]{2,3}([-_][A-Za-z0-9]+)*", lang.strip()):
            code = languages.canonical(lang.strip())
        else:
            code, name = SOURCE_LANGUAGE, value
        if not name.strip():
            raise UsageError(f"--organisation {value!r}: the name is empty")
        answers.organisation[code] = name.strip()


def parse_contact(value: str) -> Contact:
    """`--contact "Mr Sok Dara; Spokesperson; spokesperson@mfaic.gov.kh; +855 23 216 122"`:
    the name, then optionally the role, e-mail and phone, separated by semicolons (a
    role often holds a comma)."""
    parts = [part.strip() for part in value.split(";")]
    if not parts[0]:
        raise UsageError(
            f"--contact {value!r}: give at least a name: "
            '"Mr Sok Dara; Spokesperson; spokesperson@example.org; +855 23 216 122"'
        )
    if len(parts) > 4:
        raise UsageError(f"--contact {value!r}: at most name; role; e-mail; phone")
    name, role, email, phone = [*parts, "", "", ""][:4]
    if email and ("@" not in email or " " in email):
        raise UsageError(f"--contact {value!r}: {email!r} is not an e-mail address")
    return Contact(name, role, phone, email)


def check_answers(answers: Answers) -> None:
    try:
        ZoneInfo(answers.time_zone)
    except (ZoneInfoNotFoundError, ValueError):
        raise UsageError(
            f"--time-zone {answers.time_zone!r} is not a time zone; use an IANA name like "
            "Asia/Phnom_Penh"
        ) from None
    if answers.numbering is not None:
        try:
            check_number_pattern(answers.numbering, Path(CONFIG_NAME))
        except WorkspaceError as error:
            raise UsageError(f"--numbering: {error.message}") from None


def _value(value: object) -> str:
    """One TOML value, as tomli_w writes it."""
    return tomli_w.dumps({"v": value}).removeprefix("v = ").rstrip("\n")


def _table(data: dict[str, object]) -> str:
    return "".join(f"{_key(k)} = {_value(v)}\n" for k, v in data.items())


def _key(key: str) -> str:
    return key if re.fullmatch(r"[A-Za-z0-9_-]+", key) else _value(key)


def config_text(answers: Answers) -> str:
    """publisher.toml with every section, each said what it is for."""
    contact = answers.contact
    numbering = (
        f"pattern = {_value(answers.numbering)}\n"
        if answers.numbering
        else '# pattern = "MFAIC/{year}/{seq:03d}"\n'
    )
    if contact is not None:
        fields: dict[str, object] = {"name": contact.name}
        for key in ("role", "phone", "email"):
            if getattr(contact, key):
                fields[key] = getattr(contact, key)
        contacts = (
            "[[contacts]]\n"
            + _table(fields)
            + ('# names = { km = "...", zh-Hans = "..." }  # the name as each language writes it\n')
        )
    else:
        contacts = (
            "# [[contacts]]\n"
            '# name = "Mr Sok Dara"\n'
            '# role = "Spokesperson"        # also an item of boilerplate/source.md\n'
            '# phone = "+855 23 216 122"\n'
            '# email = "spokesperson@example.org"\n'
            '# names = { km = "លោក សុខ ដារា", zh-Hans = "索达拉先生" }\n'
        )
    places = "".join(
        f"\n[places.{_key(name)}]\n" + _table(dict(names))
        for name, names in DEFAULT_CONFIG["places"].items()
    )
    return f"""\
# publisher workspace configuration: every section is described here and in the README.

# The languages, the state a translation must reach to be published, the time zone.
[workspace]
# The language releases are written in, and the languages they are translated into.
source_language = {_value(SOURCE_LANGUAGE)}
target_languages = {_value(TARGET_LANGUAGES)}
# The state every segment must reach before a language is published: reviewed or approved.
required_state = "approved"
# The IANA time zone of an embargo time given without an offset ("08:00" means 08:00 here).
time_zone = {_value(answers.time_zone)}

# The organisation's name as each language writes it, at the top of every release.
[organisation]
{_table(dict(answers.organisation))}
# The national motto printed top right, one line per item, per language.
[motto]
{_table(dict(DEFAULT_CONFIG["motto"]))}
# How each language writes the place names of datelines (`publisher new --place`).
# Add a table per place: [places."Siem Reap"] en = "Siem Reap", km = "..."{places}
# Where `publisher models import` installs offline machine-translation packages.
[models]
directory = ".publisher/argos-packages"

# Release numbers: {{year}} and {{seq}} (the count of the year's releases), given by
# `publisher new` and recorded in numbers.jsonl. Comment the pattern out for no numbers.
[numbering]
{numbering}
# four_eyes = true: nobody approves a translation they last edited themselves.
[review]
four_eyes = false

# Media contacts printed on every release and used as the sender of mail. Each role is
# also an item of the list in boilerplate/source.md, where it is translated once.
{contacts}
# Per-language conventions (README, "Numbering and punctuation"): the end mark, the line
# above the contacts, and how list items and numbered paragraphs are numbered
# (list_numbering: "latin" 1. 2. 3., "khmer" ១. ២. ៣., "gbt9704" 一、（一）1.（1）).
[conventions]
end_mark = {{ en = "###", km = "៕", zh-Hans = "（完）" }}
# more_information = {{ en = "For more information: https://...", km = "...", zh-Hans = "..." }}
# list_numbering = {{ km = "khmer", zh-Hans = "latin" }}

# Sending releases by e-mail (`publisher send`); see the README, "Sending a release by
# e-mail". Without it, `publisher send --dry-run` writes the messages from the first
# contact's address. The password is never stored here: export PUBLISHER_SMTP_PASSWORD.
# [smtp]
# host = "smtp.example.org"
# port = 587
# security = "starttls"
# user = "press-office@example.org"
# from = "press-office@example.org"
# reply_to = "press-office@example.org"
"""


def boilerplate_template(organisation: dict[str, str], contacts: list[Contact]) -> str:
    """boilerplate/source.md: the About paragraph and one role per contact, with comments
    saying what each part is (comments are not content: they are never translated)."""
    name = organisation.get(SOURCE_LANGUAGE) or "the organisation"
    roles = list(dict.fromkeys(c.role for c in contacts if c.role))
    # A comment is a paragraph of its own, holding no Markdown structure (a "- " line
    # inside it would be read as a list item).
    items = "".join(f"- {role}\n" for role in roles) or (
        "<!-- No contact yet: add one item per role of a [[contacts]] entry in\n"
        "publisher.toml (for example: Spokesperson), then run `publisher sync boilerplate`. -->\n"
    )
    about = name if name.split()[0].lower() == "the" else f"the {name}"
    return f"""\
# About {about}

<!-- The About paragraph every release carries (a release.toml with about = false
leaves it out). Replace the paragraph below with the organisation's own words, then run
`publisher sync boilerplate` and translate it: `publisher translate boilerplate`. -->

{about[0].upper() + about[1:]} publishes its press releases in English, Khmer and Chinese.

## Media contacts

<!-- The heading of the contacts block, then the role of each media contact, exactly as
publisher.toml's [[contacts]] role says it. -->

{items}"""


def create_workspace(root: Path, answers: Answers) -> Workspace:
    """Write a complete workspace into `root` (see the module docstring)."""
    check_answers(answers)
    root = root.resolve()
    config_path = root / CONFIG_NAME
    if config_path.exists():
        raise WorkspaceError("a workspace already exists here", path=config_path)
    root.mkdir(parents=True, exist_ok=True)
    for name in ("releases", "templates", "locales", "lists"):
        (root / name).mkdir(exist_ok=True)
    atomic_write_text(config_path, config_text(answers))
    press = root / "lists" / "press.csv"
    if not press.exists():
        atomic_write_text(press, ",".join(LIST_COLUMNS) + "\n")
    ws = Workspace.load(root)
    write_boilerplate(ws)
    return ws


def write_boilerplate(ws: Workspace, source: Path | None = None) -> Release:
    """Import the boilerplate from `source`, or from the template (the workspace's
    organisation and contacts), keeping the template's comments in its source.md."""
    if source is not None:
        return init_boilerplate(ws, source)
    template = boilerplate_template(ws.config.organisation, ws.config.contacts)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "source.md"
        path.write_text(template, encoding="utf-8")
        release = init_boilerplate(ws, path)
    # The importer drops comments; source.md keeps them (they are not content, so the
    # catalogs stay in step: a comment-only paragraph is no segment).
    imported = release.source_path.read_text(encoding="utf-8")
    body = template.split("\n", 1)[1]
    atomic_write_text(release.source_path, imported.split("\n", 1)[0] + "\n" + body)
    release.synced_document()  # the comments kept, the catalogs still in step
    return release

"""The workspace: a folder with `publisher.toml`, like a Sphinx or MkDocs project.

Commands find it by walking up from the current folder (as git does) or take
it from `--workspace`. The configuration names the organisation and motto that
templates print, the languages, and the state a translation must reach before
it is published.
"""

from __future__ import annotations

import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import tomli_w

from publisher.core import languages, list_markers
from publisher.core.fsutil import atomic_write_text
from publisher.core.release import BOILERPLATE
from publisher.core.states import PUBLISHABLE_LEVELS, State
from publisher.core.text import clean_text
from publisher.core.tomlfile import read_toml
from publisher.errors import UsageError, WorkspaceError

CONFIG_NAME = "publisher.toml"

DEFAULT_CONFIG: dict[str, Any] = {
    "workspace": {
        "source_language": "en",
        "target_languages": ["km", "zh-Hans"],
        "required_state": "approved",
    },
    "organisation": {
        "en": "Ministry of Foreign Affairs and International Cooperation",
        "km": "ក្រសួងការបរទេស និងសហប្រតិបត្តិការអន្តរជាតិ",
        "zh-Hans": "柬埔寨外交与国际合作部",
    },
    "motto": {
        "en": ["Kingdom of Cambodia", "Nation Religion King"],
        "km": ["ព្រះរាជាណាចក្រកម្ពុជា", "ជាតិ សាសនា ព្រះមហាក្សត្រ"],
        "zh-Hans": ["柬埔寨王国", "民族　宗教　国王"],
    },
    "places": {
        "Phnom Penh": {"en": "Phnom Penh", "km": "ភ្នំពេញ", "zh-Hans": "金边"},
        "Beijing": {"en": "Beijing", "km": "ប៉េកាំង", "zh-Hans": "北京"},
    },
    "models": {"directory": ".publisher/argos-packages"},
}


DEFAULT_TIME_ZONE = "Asia/Phnom_Penh"


@dataclass(frozen=True)
class Contact:
    """A media contact of the office, printed on releases and used as the sender of mail.

    `names` holds the name as each language writes it (transliterated); the
    role is a label translated through the workspace's boilerplate catalogs.
    """

    name: str
    role: str = ""
    phone: str = ""
    email: str = ""
    names: dict[str, str] = field(default_factory=dict)

    def name_in(self, lang: str) -> str:
        return self.names.get(lang, self.name)


@dataclass
class WorkspaceConfig:
    source_language: str
    target_languages: list[str]
    required_state: State
    organisation: dict[str, str]
    motto: dict[str, list[str]]
    places: dict[str, dict[str, str]] = field(default_factory=dict)
    models_dir: str = ".publisher/argos-packages"
    #: IANA zone that fills a missing offset in embargo times ("08:00" means 08:00 here).
    time_zone: str = DEFAULT_TIME_ZONE
    #: [review] four_eyes: nobody approves a translation they last edited themselves.
    four_eyes: bool = False
    #: [review] require: the weakest evidence an approval may rest on for a language to be
    #: published ("link" or "signed"); None: any (see core/reviewers.py, Evidence).
    require: str | None = None
    #: [review] url: the address reviewers reach `publisher serve` at (personal links).
    review_url: str | None = None
    contacts: list[Contact] = field(default_factory=list)
    #: [numbering] pattern: how releases are numbered ("MFAIC/{year}/{seq:03d}"); None: no numbers.
    number_pattern: str | None = None
    #: [conventions] per-language texts that override the label catalogs' (end_mark, ...).
    conventions: dict[str, dict[str, str]] = field(default_factory=dict)
    #: The whole file, for the sections an adapter validates itself (e.g. [smtp]).
    raw: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def from_toml(cls, path: Path) -> WorkspaceConfig:
        data = _read_toml(path)
        try:
            ws = data.get("workspace", {})
            source = languages.canonical(ws.get("source_language", "en"))
            targets = [languages.canonical(t) for t in ws.get("target_languages", [])]
            required = State.parse(ws.get("required_state", "approved"))
            if required not in PUBLISHABLE_LEVELS:
                allowed = ", ".join(s.value for s in PUBLISHABLE_LEVELS)
                raise WorkspaceError(
                    f"required_state must be one of {allowed}, not {required.value!r}", path=path
                )
            organisation = {
                languages.canonical(k): str(v) for k, v in data.get("organisation", {}).items()
            }
            motto = {
                languages.canonical(k): [str(x) for x in v]
                for k, v in data.get("motto", {}).items()
            }
            places = {
                str(name): {languages.canonical(k): str(v) for k, v in names.items()}
                for name, names in data.get("places", {}).items()
            }
            models_dir = str(data.get("models", {}).get("directory", cls.models_dir))
            time_zone = str(ws.get("time_zone", DEFAULT_TIME_ZONE))
            try:
                ZoneInfo(time_zone)
            except (ZoneInfoNotFoundError, ValueError):
                raise WorkspaceError(
                    f"unknown time zone {time_zone!r}; use an IANA name like Asia/Phnom_Penh",
                    path=path,
                ) from None
            review = data.get("review", {})
            four_eyes = review.get("four_eyes", False)
            if not isinstance(four_eyes, bool):
                raise WorkspaceError("[review] four_eyes must be true or false", path=path)
            require = review.get("require")
            if require is not None and require not in ("typed", "link", "signed"):
                raise WorkspaceError(
                    f'[review] require must be "link" or "signed" (not {require!r})', path=path
                )
            review_url = review.get("url")
            if review_url is not None:
                review_url = check_review_url(str(review_url), "[review] url", path)
            contacts = [
                _contact(item, index, path)
                for index, item in enumerate(data.get("contacts", []), start=1)
            ]
            pattern = data.get("numbering", {}).get("pattern")
            if pattern is not None:
                check_number_pattern(str(pattern), path)
            conventions = {
                str(name): {languages.canonical(k): clean_text(str(v)) for k, v in values.items()}
                for name, values in data.get("conventions", {}).items()
            }
            for lang, style in conventions.get("list_numbering", {}).items():
                if style not in list_markers.STYLES:
                    raise WorkspaceError(
                        f"[conventions] list_numbering {lang} = {style!r}: use one of "
                        f"{', '.join(list_markers.STYLES)}",
                        path=path,
                    )
        except WorkspaceError:
            raise
        except (AttributeError, TypeError, ValueError) as exc:
            raise WorkspaceError(f"malformed configuration: {exc}", path=path) from None
        except Exception as exc:  # UsageError from an unknown language code
            message = getattr(exc, "message", str(exc))
            raise WorkspaceError(message, path=path) from None
        return cls(
            source,
            targets,
            required,
            organisation,
            motto,
            places,
            models_dir,
            time_zone,
            four_eyes,
            None if require in (None, "typed") else str(require),
            review_url,
            contacts,
            str(pattern) if pattern is not None else None,
            conventions,
            data,
        )


def check_review_url(url: str, what: str, path: Path | None = None) -> str:
    """The base address of the review app as reviewers reach it (http or https, a host,
    no query): personal links are made from it."""
    from urllib.parse import urlsplit

    parts = urlsplit(url.strip())
    try:
        parts.port  # noqa: B018 - raises ValueError for a port that is not a number 0-65535
    except ValueError:
        parts = parts._replace(netloc="")  # refused below, as an address without a host
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.query or parts.fragment:
        raise WorkspaceError(
            f"{what} must be an http(s) address such as https://review.example.org (not {url!r})",
            path=path,
        )
    if parts.username is not None or parts.password is not None:
        # Every personal link would carry them, and browsers send no Host with them.
        raise WorkspaceError(
            f"{what} must not hold a user name or password (the `user@` in {url!r})", path=path
        )
    return url.strip().rstrip("/")


#: Fields a release number pattern may use.
NUMBER_FIELDS = ("year", "seq")


def check_number_pattern(pattern: str, path: Path) -> None:
    """A pattern like "MFAIC/{year}/{seq:03d}": it must hold {seq} and nothing unknown."""
    try:
        pattern.format(year=2024, seq=1)
    except (KeyError, IndexError, ValueError) as exc:
        raise WorkspaceError(
            f"[numbering] pattern {pattern!r} is not valid: {exc}; use the fields "
            '{year} and {seq}, e.g. "MFAIC/{year}/{seq:03d}"',
            path=path,
        ) from None
    if "{seq" not in pattern:
        raise WorkspaceError(
            f"[numbering] pattern {pattern!r} has no {{seq}}: every number must be different",
            path=path,
        )


def _contact(item: Any, index: int, path: Path) -> Contact:
    if not isinstance(item, dict) or not str(item.get("name", "")).strip():
        raise WorkspaceError(f"contact {index} needs at least a name", path=path)
    names = {languages.canonical(k): str(v) for k, v in item.get("names", {}).items()}
    return Contact(
        str(item["name"]).strip(),
        str(item.get("role", "")),
        str(item.get("phone", "")),
        str(item.get("email", "")),
        names,
    )


def _read_toml(path: Path) -> dict[str, Any]:
    return read_toml(path, WorkspaceError)


@dataclass
class Workspace:
    root: Path
    config: WorkspaceConfig

    @property
    def releases_dir(self) -> Path:
        return self.root / "releases"

    @property
    def boilerplate_dir(self) -> Path:
        """The texts every release carries (About paragraph, contact roles), translated once."""
        return self.root / BOILERPLATE

    def list_numbering(self, lang: str) -> str:
        """How `lang` numbers list items ([conventions] list_numbering; see list_markers)."""
        return self.convention("list_numbering", lang) or list_markers.default_style(lang)

    def convention(self, name: str, lang: str) -> str | None:
        """A per-language text the office configured ([conventions] NAME), or None."""
        return self.config.conventions.get(name, {}).get(lang)

    @property
    def templates_dir(self) -> Path:
        return self.root / "templates"

    @property
    def locales_dir(self) -> Path:
        return self.root / "locales"

    def check_output(self, path: Path, *, folder: bool = False) -> Path:
        """`path` resolved, if a command may write its output there; else a UsageError.

        Outputs (exports, proofs, bundles, built sites) never land on the
        workspace's own files: not inside releases/, templates/, locales/,
        memory/, lists/ or the tool's folders, not onto publisher.toml,
        glossary.toml or any other file git tracks here, and an output folder
        is never the workspace itself or a folder that contains it.
        """
        target = path.expanduser().resolve()
        root = self.root.resolve()
        what = "output folder" if folder else "output file"
        if folder and (target == root or root.is_relative_to(target)):
            raise UsageError(
                f"--out {path}: the {what} would hold the workspace itself; "
                "choose a folder such as dist/ or site/"
            )
        for name in PROTECTED_FOLDERS:
            protected = root / name
            if target == protected or target.is_relative_to(protected):
                raise UsageError(
                    f"--out {path}: {name}/ belongs to the workspace; write the "
                    f"{what} elsewhere (for example dist/)"
                )
        if not folder and target.parent == root and target.name in PROTECTED_FILES:
            raise UsageError(f"--out {path}: that is the workspace's {target.name}")
        if not folder and target.is_relative_to(root) and target in _tracked_files(root):
            raise UsageError(
                f"--out {path}: that file is part of the workspace (tracked by "
                "git); write the output elsewhere"
            )
        return target

    @property
    def models_dir(self) -> Path:
        return (self.root / self.config.models_dir).resolve()

    @classmethod
    def load(cls, root: Path) -> Workspace:
        root = root.resolve()
        return cls(root, WorkspaceConfig.from_toml(root / CONFIG_NAME))


#: Folders and files of a workspace that no command output may replace.
PROTECTED_FOLDERS = (
    "releases",
    "templates",
    "locales",
    "memory",
    "lists",
    "boilerplate",
    ".publisher",
    ".publisher-cache",
    ".git",
)
PROTECTED_FILES = (CONFIG_NAME, "glossary.toml", "reviewers.toml")


def _tracked_files(root: Path) -> set[Path]:
    """Files git tracks in the workspace (none when it is not a git checkout)."""
    if not (root / ".git").exists():
        return set()
    try:
        listed = subprocess.run(
            ["git", "-C", str(root), "ls-files", "-z"], capture_output=True, timeout=10
        )
    except (OSError, subprocess.SubprocessError):
        return set()
    if listed.returncode != 0:
        return set()
    return {(root / name).resolve() for name in listed.stdout.decode().split("\0") if name}


def find_workspace(start: Path | None = None) -> Workspace:
    """Walk up from `start` (default: the current folder) to the nearest `publisher.toml`."""
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / CONFIG_NAME).is_file():
            return Workspace.load(folder)
    raise WorkspaceError(
        f"no {CONFIG_NAME} found in {here} or any parent folder; "
        "create a workspace with `publisher init DIR` or pass --workspace DIR"
    )


def config_for(path: Path) -> WorkspaceConfig | None:
    """The configuration of the workspace that holds `path`, or None outside any."""
    here = path.resolve()
    for folder in (here, *here.parents):
        if (folder / CONFIG_NAME).is_file():
            return WorkspaceConfig.from_toml(folder / CONFIG_NAME)
    return None


def open_workspace(explicit: Path | None) -> Workspace:
    if explicit is None:
        return find_workspace()
    if not (explicit / CONFIG_NAME).is_file():
        raise WorkspaceError(f"not a workspace: no {CONFIG_NAME} here", path=explicit)
    return Workspace.load(explicit)


def init_workspace(root: Path) -> Workspace:
    """Create a workspace: the default configuration, releases/, and empty templates/
    and locales/ folders for overrides.

    No template or label catalog is copied: the package's defaults serve until
    the office overrides one (`publisher templates copy NAME`), so a fix to a
    default reaches every workspace.
    """
    root = root.resolve()
    config_path = root / CONFIG_NAME
    if config_path.exists():
        raise WorkspaceError("a workspace already exists here", path=config_path)
    root.mkdir(parents=True, exist_ok=True)
    for name in ("releases", "templates", "locales"):
        (root / name).mkdir(exist_ok=True)
    atomic_write_text(config_path, _CONFIG_HEADER + tomli_w.dumps(DEFAULT_CONFIG))
    return Workspace.load(root)


_CONFIG_HEADER = """\
# publisher workspace configuration.
# organisation and motto are printed on every release, per language.
# required_state: the state every segment must reach before a language is
# published (reviewed or approved).
# places: how each language writes the place names used in datelines.

"""

"""The workspace: a folder with `publisher.toml`, like a Sphinx or MkDocs project.

Commands find it by walking up from the current folder (as git does) or take
it from `--workspace`. The configuration names the organisation and motto that
templates print, the languages, and the state a translation must reach before
it is published.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import tomli_w

from publisher.core import languages
from publisher.core.fsutil import atomic_write_text
from publisher.core.states import PUBLISHABLE_LEVELS, State
from publisher.core.tomlfile import read_toml
from publisher.errors import WorkspaceError

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
    contacts: list[Contact] = field(default_factory=list)
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
            contacts = [_contact(item, index, path) for index, item in
                        enumerate(data.get("contacts", []), start=1)]  # fmt: skip
        except WorkspaceError:
            raise
        except (AttributeError, TypeError, ValueError) as exc:
            raise WorkspaceError(f"malformed configuration: {exc}", path=path) from None
        except Exception as exc:  # UsageError from an unknown language code
            message = getattr(exc, "message", str(exc))
            raise WorkspaceError(message, path=path) from None
        return cls(
            source, targets, required, organisation, motto, places, models_dir,
            time_zone, four_eyes, contacts, data,
        )  # fmt: skip


def _contact(item: Any, index: int, path: Path) -> Contact:
    if not isinstance(item, dict) or not str(item.get("name", "")).strip():
        raise WorkspaceError(f"contact {index} needs at least a name", path=path)
    names = {languages.canonical(k): str(v) for k, v in item.get("names", {}).items()}
    return Contact(
        str(item["name"]).strip(), str(item.get("role", "")), str(item.get("phone", "")),
        str(item.get("email", "")), names,
    )  # fmt: skip


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
    def templates_dir(self) -> Path:
        return self.root / "templates"

    @property
    def locales_dir(self) -> Path:
        return self.root / "locales"

    @property
    def models_dir(self) -> Path:
        return (self.root / self.config.models_dir).resolve()

    @classmethod
    def load(cls, root: Path) -> Workspace:
        root = root.resolve()
        return cls(root, WorkspaceConfig.from_toml(root / CONFIG_NAME))


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

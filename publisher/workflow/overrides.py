"""A workspace's template overrides: only what the office changed, the rest from the package.

As MkDocs' `custom_dir` overrides a theme: a file in the workspace's
`templates/` replaces the package default of the same name, every other
template comes from the installed package, so a fix to a default reaches
every existing workspace. `copy_template` takes one default out for editing.
"""

from __future__ import annotations

import filecmp
import shutil
from dataclasses import dataclass
from pathlib import Path

from publisher.core.workspace import Workspace
from publisher.errors import UsageError
from publisher.render.templating import PACKAGE_TEMPLATES


@dataclass(frozen=True)
class TemplateFile:
    name: str  # relative to the templates folder, e.g. "print.css"
    default: Path | None  # the package's file (None: a workspace-only template)
    override: Path | None  # the workspace's file, when there is one

    @property
    def status(self) -> str:
        if self.override is None:
            return "default"
        if self.default is None:
            return "workspace only"
        if filecmp.cmp(self.default, self.override, shallow=False):
            return "overridden (same as default)"
        return "overridden"


def _names(folder: Path) -> set[str]:
    if not folder.is_dir():
        return set()
    return {
        p.relative_to(folder).as_posix()
        for p in folder.rglob("*")
        if p.is_file()
        and not p.name.startswith(".")
        and p.name != "README.md"
        and "__pycache__" not in p.parts
    }


def list_templates(ws: Workspace) -> list[TemplateFile]:
    """Every template the workspace renders with, and where each comes from."""
    defaults, overrides = _names(PACKAGE_TEMPLATES), _names(ws.templates_dir)
    return [
        TemplateFile(
            name,
            PACKAGE_TEMPLATES / name if name in defaults else None,
            ws.templates_dir / name if name in overrides else None,
        )
        for name in sorted(defaults | overrides)
    ]


def copy_template(ws: Workspace, name: str, *, force: bool = False) -> Path:
    """Copy the package default `name` into the workspace's templates/ for editing."""
    defaults = _names(PACKAGE_TEMPLATES)
    if name not in defaults:
        known = ", ".join(sorted(defaults))
        raise UsageError(f"no default template named {name!r}; templates: {known}")
    target = ws.templates_dir / name
    if target.exists() and not force:
        raise UsageError(
            f"templates/{name} already exists (your override); add --force to replace it "
            "with the package default"
        )
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(PACKAGE_TEMPLATES / name, target)
    return target

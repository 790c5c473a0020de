"""Jinja2 templates and the translated labels they print.

Templates come from the workspace's `templates/` first, then the package's
defaults (as MkDocs' `custom_dir` overrides a theme). An override is the office's
own trusted content, but never a symbolic link out of the workspace
(`templates/web.css -> /etc/passwd` would put that file into every page): such a
template (or label catalog) is refused before it is read. Labels ("Press
Release", "Page 1 of 2") come from the Babel catalogs in `locales/`,
compiled in memory at build time, so no `.mo` file is ever committed.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations
from jinja2 import (
    BaseLoader,
    BytecodeCache,
    ChoiceLoader,
    Environment,
    FileSystemBytecodeCache,
    FileSystemLoader,
    StrictUndefined,
)
from jinja2.loaders import split_template_path

from publisher.core import languages
from publisher.core.fsutil import refuse_link_out
from publisher.errors import RenderError
from publisher.render.html import words

PACKAGE_TEMPLATES = Path(__file__).resolve().parents[1] / "resources" / "templates"
PACKAGE_LOCALES = Path(__file__).resolve().parents[1] / "resources" / "locales"


def catalog_paths(locales_dir: Path, lang: str) -> list[Path]:
    folder = languages.get(lang).babel if lang != "en" else "en"
    names = {folder, lang.replace("-", "_"), lang}
    return [locales_dir / name / "LC_MESSAGES" / "messages.po" for name in sorted(names)]


def _compile(path: Path) -> Translations:
    try:
        with open(path, "rb") as handle:
            catalog = read_po(handle, abort_invalid=True)
    except Exception as exc:
        raise RenderError(f"cannot read label catalog: {exc}", path=path) from None
    buffer = io.BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)
    buffer.seek(0)
    return Translations(buffer)


def translations_for(lang: str, locales_dirs: list[Path]) -> NullTranslations:
    """Label translations for `lang`: the workspace's catalog first, package defaults behind."""
    paths: list[Path] = []
    for folder in locales_dirs:
        for path in catalog_paths(folder, lang):
            if folder != PACKAGE_LOCALES:  # the workspace's override: never a link out of it
                refuse_link_out(path, folder.parent, "a label catalog override")
            if path.is_file() and path.resolve() not in paths:
                paths.append(path.resolve())
    return _chain(tuple((p, p.stat().st_mtime_ns) for p in paths))


@lru_cache(maxsize=16)
def _chain(paths: tuple[tuple[Path, int], ...]) -> NullTranslations:
    """Compiled once per process and catalog version."""
    if not paths:
        return NullTranslations()
    first = _compile(paths[0][0])
    for path, _ in paths[1:]:
        first.add_fallback(_compile(path))
    return first


def css_string(value: str) -> str:
    """Escape text for a CSS string literal in double quotes."""
    return re.sub(r'["\\\n]', lambda m: "\\" + format(ord(m.group()), "x") + " ", value)


def check_override(path: Path, templates_dir: Path) -> None:
    """Refuse a workspace template that leads out of the workspace through a symbolic link."""
    if templates_dir != PACKAGE_TEMPLATES:
        refuse_link_out(path, templates_dir.parent, "a template override")


class _OverrideLoader(FileSystemLoader):
    """The workspace's templates/: each template checked by `check_override` before it is read."""

    def __init__(self, folder: Path) -> None:
        super().__init__(str(folder))
        self.folder = folder

    def get_source(
        self, environment: Environment, template: str
    ) -> tuple[str, str, Callable[[], bool]]:
        check_override(self.folder.joinpath(*split_template_path(template)), self.folder)
        return super().get_source(environment, template)


@lru_cache(maxsize=8)
def _environment(templates_dirs: tuple[Path, ...]) -> Environment:
    """One environment per template search path: templates compile once per process."""
    loaders: list[BaseLoader] = [
        FileSystemLoader(str(d)) if d == PACKAGE_TEMPLATES else _OverrideLoader(d)
        for d in templates_dirs
        if d.is_dir()
    ]
    env = Environment(
        loader=ChoiceLoader(loaders),
        bytecode_cache=_bytecode_cache(templates_dirs[0].parent if templates_dirs else None),
        autoescape=True,
        extensions=["jinja2.ext.i18n"],
        undefined=StrictUndefined,
        keep_trailing_newline=True,
    )
    env.filters["css_string"] = css_string
    env.filters["words"] = words
    return env


def _bytecode_cache(workspace_root: Path | None) -> BytecodeCache | None:
    """Compiled templates kept in the workspace's cache: a CLI run does not recompile them.

    Jinja keys each entry by the template's source checksum, so an edited
    template is recompiled; without a writable workspace there is no cache.
    """
    if workspace_root is None:
        return None
    folder = workspace_root / ".publisher-cache" / "jinja"
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        return None
    return FileSystemBytecodeCache(str(folder))


def forget_compiled_templates() -> None:
    """Drop the environments compiled in this process, so a new override is seen.

    Jinja does not notice a workspace template created after a template of the
    same name was first loaded from the package; a long-lived process (the tests,
    the web review) calls this before a build.
    """
    _environment.cache_clear()


def make_environment(templates_dirs: list[Path], translations: NullTranslations) -> Environment:
    """The template environment, speaking the language of `translations`.

    Rendering is sequential, so switching the installed translations on a shared
    environment is safe and spares recompiling every template per language.
    """
    env = _environment(tuple(templates_dirs))
    env.install_gettext_translations(translations, newstyle=True)  # type: ignore[attr-defined]  # added by jinja2.ext.i18n
    return env


def template_dirs(workspace_templates: Path) -> list[Path]:
    return [workspace_templates, PACKAGE_TEMPLATES]


def locale_dirs(workspace_locales: Path) -> list[Path]:
    return [workspace_locales, PACKAGE_LOCALES]


def language_environment(
    templates_dir: Path, locales_dir: Path, lang: str
) -> tuple[Environment, NullTranslations]:
    """The workspace's templates speaking `lang`, and the label translations behind them."""
    translations = translations_for(lang, locale_dirs(locales_dir))
    return make_environment(template_dirs(templates_dir), translations), translations

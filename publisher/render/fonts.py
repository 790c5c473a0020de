"""Which font files render each language of the PDF, and how WeasyPrint finds them.

Why this module exists:

* Cambodian official documents use the Khmer OS fonts (Debian `fonts-khmeros`):
  Khmer OS Muol Light for the motto and headings, Khmer OS Siemreap for body
  text (chosen over Battambang after comparing both rendered: cleaner strokes,
  narrower, closer to what ministries print). None of them has a bold face and
  WeasyPrint never synthesises bold, so Khmer bold comes from Noto Sans Khmer.
* Chinese uses Debian `fonts-noto-cjk` (Noto Serif CJK SC for text, Noto Sans
  CJK SC bold for headings). These are `.ttc` collections whose first face is
  the *Japanese* one: an `@font-face { src: url(....ttc) }` makes WeasyPrint
  embed the JP face (wrong glyph forms for Simplified Chinese, and twice the
  render time). Collection faces are therefore used by their fontconfig family
  name, never through `@font-face`.
* Variable CJK fonts cost 2-7 s per render (WeasyPrint instantiates them with
  fontTools), so they are never chosen. The small variable Noto Sans Khmer is fine.
* When fontconfig has none of these (a plain `pip install`), the fonts shipped
  by the PyPI packages `fontpkg-noto-sans-khmer` and `pylopdf-fonts-zh-cn` take
  over, so every glyph still renders (with less typographic variety).

Usage: `fontset("km")` gives a `FontSet`; put `font_face_css(fs)` in the PDF
stylesheet and use `fs.css_family(role)` / `fs.declarations(role)` in rules.
`check_glyphs()` fails the build naming a character no chosen font can draw.

Importing this module is cheap: fontTools, fontconfig and WeasyPrint are only
touched when a function needs them.
"""

from __future__ import annotations

import ctypes
import hashlib
import json
import shutil
import subprocess
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

from publisher.core.languages import canonical
from publisher.errors import RenderError
from publisher.render import font_coverage

Role = Literal["body", "bold", "italic", "bold_italic", "heading", "motto"]
ROLES: tuple[Role, ...] = ("body", "bold", "italic", "bold_italic", "heading", "motto")

#: Roles drawn with one CSS family (picked by font-weight / font-style).
TEXT_ROLES: tuple[Role, ...] = ("body", "bold", "italic", "bold_italic")

_COLLECTION_SUFFIXES = (".ttc", ".otc")


@dataclass(frozen=True)
class FontFace:
    """One face of one font file, as WeasyPrint will use it."""

    family: str  # family name in the file (what fontconfig knows it by)
    path: Path
    index: int = 0  # face number inside a .ttc collection
    weight: int = 400  # CSS weight this face is used for (a variable font is instanced at it)
    style: str = "normal"  # "normal" or "italic"
    variable: bool = False
    origin: str = "fontconfig"  # or the PyPI distribution that ships the file
    #: font-size multiplier that makes this face look as big as the body face (Noto Sans
    #: Khmer's letters are 20% smaller than Khmer OS Siemreap's at the same font-size).
    scale: float = 1.0

    @property
    def in_collection(self) -> bool:
        """True for a face inside a .ttc: usable by family name only (see module doc)."""
        return self.index > 0 or self.path.suffix.lower() in _COLLECTION_SUFFIXES


@dataclass(frozen=True)
class FontSet:
    """The faces that render one language, by role.

    `body`/`bold`/`italic`/`bold_italic` share one CSS family (`css_family("body")`),
    so `<b>` and `<i>` pick the right face; `heading` and `motto` have their own.
    `italic` and `bold_italic` are None when the language has no italic design
    (Khmer, Chinese): WeasyPrint then draws the upright face.
    """

    language: str
    body: FontFace
    bold: FontFace
    heading: FontFace
    motto: FontFace
    italic: FontFace | None = None
    bold_italic: FontFace | None = None
    notes: tuple[str, ...] = field(default=(), compare=False)

    def faces(self) -> dict[Role, FontFace]:
        """The faces by role, roles without a face left out."""
        found: dict[Role, FontFace | None] = {role: getattr(self, role) for role in ROLES}
        return {role: face for role, face in found.items() if face is not None}

    def _group(self, role: Role) -> str:
        """Which CSS family serves `role`: "text", "heading" or "motto".

        A heading or motto face that is also a text face (Chinese motto = bold
        text face) reuses the text family, so the same file is not declared (and
        copied by WeasyPrint at each render) twice.
        """
        if role in TEXT_ROLES:
            return "text"
        face = getattr(self, role)
        if face in [getattr(self, text_role) for text_role in TEXT_ROLES]:
            return "text"
        if role == "motto" and face == self.heading:
            return "heading"
        return role

    def paths(self) -> list[Path]:
        """Distinct font files, for `missing_glyphs` and `describe`."""
        return list(dict.fromkeys(face.path for face in self.faces().values()))

    def css_family(self, role: Role) -> str:
        """The CSS font-family name (quoted) that selects `role`'s face.

        A private alias declared by `font_face_css` (e.g. "publisher-km-text"), or
        the fontconfig family name for faces inside a collection.
        """
        group = self._group(role)
        face: FontFace = self.body if group == "text" else getattr(self, group)
        if face.in_collection:
            return _quote(face.family)
        return _quote(f"publisher-{self.language.lower()}-{group}")

    def declarations(self, role: Role) -> str:
        """CSS declarations that draw text with `role`'s face, for a template rule."""
        face = getattr(self, role) or self.body
        declarations = (
            f"font-family: {self.css_family(role)}; font-weight: {face.weight}; "
            f"font-style: {face.style}"
        )
        if face.scale != 1.0 and role in TEXT_ROLES:
            # Relative to the surrounding body text: meant for inline <b>/<strong>.
            declarations += f"; font-size: {face.scale:g}em"
        return declarations


# --------------------------------------------------------------------------- fontconfig


@dataclass(frozen=True)
class _FcEntry:
    path: Path
    index: int
    families: tuple[str, ...]
    weight: float  # fontconfig scale: 80 regular, 200 bold
    slant: int  # 0 roman, 100 italic, 110 oblique
    variable: bool


@lru_cache(maxsize=1)
def _fontconfig_entries() -> tuple[_FcEntry, ...]:
    """Every font fontconfig knows, via one `fc-list` call (about 10 ms).

    Empty when fontconfig's command-line tools are missing: then only the PyPI
    fonts are used.
    """
    fc_list = shutil.which("fc-list")
    if fc_list is None:
        return ()
    fmt = "%{file}\t%{index}\t%{family}\t%{weight}\t%{slant}\t%{variable}\n"
    try:
        output = subprocess.run(
            [fc_list, "-f", fmt], capture_output=True, text=True, check=True, timeout=30
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return ()
    entries = []
    for line in output.splitlines():
        parts = line.split("\t")
        if len(parts) != 6:
            continue
        path, index, families, weight, slant, variable = parts
        try:
            entries.append(
                _FcEntry(
                    Path(path),
                    int(index or 0),
                    tuple(name.strip() for name in families.split(",")),
                    _parse_number(weight),
                    int(_parse_number(slant)),
                    variable.strip().lower() == "true",
                )
            )
        except ValueError:
            continue
    return tuple(entries)


def _parse_number(value: str) -> float:
    """fontconfig prints a range for variable fonts ("[0 210]"): take the low end."""
    value = value.strip().strip("[]").split()[0] if value.strip() else "0"
    return float(value)


#: fontconfig weight -> CSS weight (FcWeightToOpenType's anchor points).
_FC_TO_CSS = (
    (0, 100),
    (40, 200),
    (50, 300),
    (80, 400),
    (100, 500),
    (180, 600),
    (200, 700),
    (205, 800),
    (210, 900),
)


def _css_weight(fc_weight: float) -> int:
    return min(_FC_TO_CSS, key=lambda pair: abs(pair[0] - fc_weight))[1]


def find_system_face(
    family: str,
    *,
    weight: int = 400,
    italic: bool = False,
    allow_variable: bool = False,
) -> FontFace | None:
    """The face of `family` that fontconfig has for this weight and style, or None.

    Exact family match only (`fc-match` would happily substitute DejaVu). A bold
    request (weight >= 600) is only satisfied by a face of weight >= 600, and a
    regular one by a face below 600, so a missing bold is reported as missing
    rather than silently served by the regular face.
    """
    wanted = family.casefold()
    best: tuple[float, _FcEntry] | None = None
    for entry in _fontconfig_entries():
        if wanted not in (name.casefold() for name in entry.families):
            continue
        if entry.variable and not allow_variable:
            continue
        if (entry.slant != 0) != italic:
            continue
        css = _css_weight(entry.weight)
        if entry.variable:
            css = weight  # instanced at the requested weight
        if (css >= 600) != (weight >= 600):
            continue
        distance = abs(css - weight) + entry.index / 100  # prefer face 0 on ties
        if best is None or distance < best[0]:
            best = (distance, entry)
    if best is None:
        return None
    entry = best[1]
    return FontFace(
        family=family,
        path=entry.path,
        index=entry.index,
        weight=weight if entry.variable else _css_weight(entry.weight),
        style="italic" if italic else "normal",
        variable=entry.variable,
    )


# --------------------------------------------------------------------------- PyPI fallbacks


def pypi_noto_sans_khmer() -> Path | None:
    """Noto Sans Khmer (variable wdth/wght) from `fontpkg-noto-sans-khmer`, if installed."""
    try:
        import fontpkg_noto_sans_khmer
    except ImportError:
        return None
    files = sorted((Path(fontpkg_noto_sans_khmer.ROOT) / "files").glob("*.ttf"))
    return files[0] if files else None


def pypi_noto_sc(kind: Literal["serif", "sans"]) -> Path | None:
    """Noto Serif SC or Noto Sans SC (static, regular only) from `pylopdf-fonts-zh-cn`."""
    try:
        import pylopdf_fonts_zh_cn
    except ImportError:
        return None
    path = Path(
        pylopdf_fonts_zh_cn.serif_path() if kind == "serif" else pylopdf_fonts_zh_cn.sans_path()
    )
    return path if path.is_file() else None


def _pypi_face(
    path: Path | None, family: str, origin: str, *, weight: int = 400, variable: bool = False
) -> FontFace | None:
    if path is None:
        return None
    return FontFace(family, path, 0, weight, "normal", variable, origin)


def _khmer_pypi(weight: int) -> FontFace | None:
    return _pypi_face(
        pypi_noto_sans_khmer(),
        "Noto Sans Khmer",
        "fontpkg-noto-sans-khmer",
        weight=weight,
        variable=True,
    )


def _sc_pypi(kind: Literal["serif", "sans"]) -> FontFace | None:
    family = "Noto Serif SC" if kind == "serif" else "Noto Sans SC"
    return _pypi_face(pypi_noto_sc(kind), family, "pylopdf-fonts-zh-cn")


# --------------------------------------------------------------------------- selection

#: Khmer body candidates, best first. Siemreap reads best as body text (see module doc).
KHMER_BODY_FAMILIES = (
    "Khmer OS Siemreap",
    "Khmer OS Battambang",
    "Khmer OS",
    "Noto Serif Khmer",
    "Noto Sans Khmer",
)
KHMER_DISPLAY_FAMILIES = ("Khmer OS Muol Light", "Khmer OS Muol")
KHMER_BOLD_FAMILIES = ("Noto Sans Khmer", "Noto Serif Khmer")
CJK_SERIF_FAMILIES = ("Noto Serif CJK SC", "Source Han Serif SC", "Noto Serif SC")
CJK_SANS_FAMILIES = ("Noto Sans CJK SC", "Source Han Sans SC", "Noto Sans SC")
LATIN_SERIF_FAMILIES = (
    "Liberation Serif",
    "Noto Serif",
    "DejaVu Serif",
    "FreeSerif",
    "Times New Roman",
)


def _first_system(
    families: Iterable[str], *, weight: int = 400, italic: bool = False, allow_variable: bool
) -> FontFace | None:
    for family in families:
        face = find_system_face(family, weight=weight, italic=italic, allow_variable=allow_variable)
        if face is not None:
            return face
    return None


def _khmer(system: bool) -> FontSet:
    notes: list[str] = []

    def pick(families: Sequence[str], weight: int) -> FontFace | None:
        if system:
            face = _first_system(families, weight=weight, allow_variable=True)
            if face is not None:
                return face
        return _khmer_pypi(weight)

    body = pick(KHMER_BODY_FAMILIES, 400)
    if body is None:
        raise RenderError(
            "no Khmer font found: install the Debian package fonts-khmeros or the PyPI "
            "package fontpkg-noto-sans-khmer"
        )
    bold = pick(KHMER_BOLD_FAMILIES, 700)
    if bold is None:
        bold = replace(body, weight=700) if body.variable else body
        notes.append("no bold Khmer face: bold Khmer text is drawn with the regular face")
    elif bold.path != body.path:
        bold = replace(bold, scale=relative_scale(body, bold))
    display = pick(KHMER_DISPLAY_FAMILIES, 400)
    if display is None or display.family not in KHMER_DISPLAY_FAMILIES:
        notes.append("Khmer OS Muol Light missing (fonts-khmeros): headings use the bold face")
        display = bold
    return FontSet("km", body, bold, heading=display, motto=display, notes=tuple(notes))


def _chinese(system: bool) -> FontSet:
    notes: list[str] = []

    def pick(families: Sequence[str], weight: int, pypi: Literal["serif", "sans"]) -> FontFace:
        if system:
            face = _first_system(families, weight=weight, allow_variable=False)
            if face is not None:
                return face
        face = _sc_pypi(pypi)
        if face is None:
            raise RenderError(
                "no Simplified Chinese font found: install the Debian package fonts-noto-cjk "
                "or the PyPI package pylopdf-fonts-zh-cn"
            )
        if weight >= 600:
            notes.append(f"no bold {face.family}: bold Chinese text is drawn regular")
        return face

    body = pick(CJK_SERIF_FAMILIES, 400, "serif")
    bold = pick(CJK_SERIF_FAMILIES, 700, "serif")
    if body.in_collection and bold.family != body.family:
        bold = body  # one family name must serve both weights (see FontSet.css_family)
    heading = pick(CJK_SANS_FAMILIES, 700, "sans")
    motto = bold
    return FontSet("zh-Hans", body, bold, heading, motto, notes=tuple(dict.fromkeys(notes)))


def _latin(system: bool) -> FontSet:
    if system:
        for family in LATIN_SERIF_FAMILIES:
            body = find_system_face(family)
            if body is None:
                continue
            bold = find_system_face(family, weight=700) or body
            italic = find_system_face(family, italic=True)
            bold_italic = find_system_face(family, weight=700, italic=True)
            return FontSet("en", body, bold, bold, bold, italic, bold_italic)
    # Noto Serif SC has a full Latin alphabet: a plain pip install still prints English.
    face = _sc_pypi("serif")
    if face is None:
        raise RenderError(
            "no Latin font found: install the Debian package fonts-liberation or the PyPI "
            "package pylopdf-fonts-zh-cn"
        )
    note = "no Latin serif font installed: English uses Noto Serif SC's Latin letters"
    return FontSet("en", face, face, face, face, notes=(note,))


_BUILDERS = {"km": _khmer, "zh-Hans": _chinese, "en": _latin}


def fontset(language: str, *, system: bool = True) -> FontSet:
    """The fonts for `language` (a code or alias: "km", "zh-CN", "en").

    `system=False` ignores fontconfig and uses only the PyPI fonts (what a plain
    pip install on a machine without the Debian font packages gets).
    """

    return _fontset(canonical(language), system)


@lru_cache(maxsize=16)
def _fontset(code: str, system: bool) -> FontSet:
    """Cached: the build asks once per language and per PDF; the answer only changes
    when fonts are installed, i.e. not during one process."""
    return _BUILDERS[code](system)


def fontsets(*, system: bool = True) -> dict[str, FontSet]:
    """A `FontSet` for every language the publisher knows."""
    return {code: _fontset(code, system) for code in _BUILDERS}


# --------------------------------------------------------------------------- CSS


def _quote(name: str) -> str:
    return '"' + name.replace("\\", "\\\\").replace('"', '\\"') + '"'


def font_face_css(fontset: FontSet) -> str:
    """`@font-face` rules declaring `fontset`'s private families with file:// URLs.

    Faces inside a .ttc are skipped (used by family name: see module doc); all
    other faces get a rule, so the result does not depend on which fonts the
    machine happens to have under which names. Put it in the PDF stylesheet
    only; the HTML edition must not point browsers at file:// URLs.
    """
    rules: list[str] = []
    declared: set[tuple[str, int, str]] = set()
    for role, face in fontset.faces().items():
        family = fontset.css_family(role)
        if face.in_collection:
            rules.append(f"/* {fontset.language} {role}: {family} (system font collection) */")
            continue
        if (family, face.weight, face.style) in declared:
            continue  # e.g. Chinese bold served by the regular face: declaring it again is waste
        declared.add((family, face.weight, face.style))
        rules.append(
            "@font-face {\n"
            f"  font-family: {family};\n"
            f"  src: url({_quote(face.path.resolve().as_uri())});\n"
            f"  font-weight: {face.weight};\n"
            f"  font-style: {face.style};\n"
            "}"
        )
    return "\n".join(rules) + "\n"


#: Khmer consonants whose outlines give a font's apparent size (no ascender/descender).
_KHMER_SIZE_SAMPLE = "កគនមសអ"


@lru_cache(maxsize=16)
def _letter_height(path: Path, index: int, sample: str) -> float | None:
    """Mean height of `sample`'s glyph outlines, in em: how big the letters look."""
    from fontTools.pens.boundsPen import BoundsPen
    from fontTools.ttLib import TTFont

    with TTFont(str(path), fontNumber=index, lazy=True) as font:
        cmap = font.getBestCmap() or {}
        glyphs = font.getGlyphSet()
        upem = font["head"].unitsPerEm
        heights = []
        for char in sample:
            name = cmap.get(ord(char))
            if name is None:
                continue
            pen = BoundsPen(glyphs)
            glyphs[name].draw(pen)
            if pen.bounds is not None:
                heights.append((pen.bounds[3] - pen.bounds[1]) / upem)
    return sum(heights) / len(heights) if heights else None


def relative_scale(reference: FontFace, face: FontFace, sample: str = _KHMER_SIZE_SAMPLE) -> float:
    """Font-size multiplier so that `face`'s letters look as tall as `reference`'s.

    Rounded to 0.05; 1.0 when either font lacks the sample letters. WeasyPrint 70
    has no `size-adjust` descriptor, so this goes into the CSS as `font-size: Nem`.
    """
    ours = _letter_height(reference.path, reference.index, sample)
    theirs = _letter_height(face.path, face.index, sample)
    if not ours or not theirs:
        return 1.0
    return round(ours / theirs * 20) / 20


# --------------------------------------------------------------------------- glyph coverage


def _ignorable(char: str) -> bool:
    """Characters that need no glyph: whitespace, controls, format chars, selectors."""
    if char.isspace():
        return True
    category = unicodedata.category(char)
    if category in ("Cc", "Cf", "Zs", "Zl", "Zp"):  # controls, ZWSP/ZWJ/ZWNJ/bidi, spaces
        return True
    code = ord(char)
    return 0xFE00 <= code <= 0xFE0F or 0xE0100 <= code <= 0xE01EF  # variation selectors


@lru_cache(maxsize=32)
def _cmap(path: Path, index: int | None) -> frozenset[int]:
    """Code points a font file maps (all faces of a collection when index is None): read
    once per machine (font_coverage), then once per process."""
    return font_coverage.code_points(path, index)


def missing_glyphs(text: str, fonts: Sequence[Path | FontFace]) -> list[str]:
    """Characters of `text` that none of `fonts` has a glyph for, in order of appearance.

    A `FontFace` checks its own face; a bare path to a .ttc checks every face in it.
    Whitespace, ZWSP/ZWJ/ZWNJ, bidi and other format characters, controls and
    variation selectors are ignored: they are not drawn. cmaps are cached, so
    checking every segment of a release costs one font load per file.
    """
    cmaps = [
        _cmap(item.path, item.index) if isinstance(item, FontFace) else _cmap(Path(item), None)
        for item in fonts
    ]
    missing: dict[str, None] = {}
    for char in dict.fromkeys(text):
        if _ignorable(char):
            continue
        if not any(ord(char) in cmap for cmap in cmaps):
            missing[char] = None
    return list(missing)


def check_glyphs(text: str, fonts: FontSet | Sequence[Path | FontFace], *, where: str = "") -> None:
    """Raise `RenderError` naming the first characters no font can draw.

    `fonts` is usually a `FontSet` (all its faces are searched, as the browser or
    WeasyPrint would fall back from one role's face to another's only via the CSS
    stack, this is the lenient check). `where` prefixes the message, e.g. "km segment 12".
    """
    faces: Sequence[Path | FontFace] = (
        list(fonts.faces().values()) if isinstance(fonts, FontSet) else fonts
    )
    missing = missing_glyphs(text, faces)
    if not missing:
        return
    shown = ", ".join(
        f"{char!r} (U+{ord(char):04X} {unicodedata.name(char, '?')})" for char in missing[:5]
    )
    more = f" and {len(missing) - 5} more" if len(missing) > 5 else ""
    names = ", ".join(sorted({_face_name(face) for face in faces}))
    prefix = f"{where}: " if where else ""
    raise RenderError(f"{prefix}no glyph for {shown}{more} in the fonts {names}")


def _face_name(face: Path | FontFace) -> str:
    return face.family if isinstance(face, FontFace) else Path(face).name


# --------------------------------------------------------------------------- doctor


def _load_library(*names: str) -> ctypes.CDLL | None:
    for name in names:
        try:
            return ctypes.CDLL(name)
        except OSError:
            continue
    return None


def harfbuzz_subset_available() -> bool:
    """Whether libharfbuzz-subset with `hb_subset_or_fail` loads, as WeasyPrint needs it.

    Without it WeasyPrint subsets fonts with fontTools: a 2-page trilingual PDF then
    takes 9-17 s instead of about 0.4 s (Debian: `apt-get install libharfbuzz-subset0`).
    Same library names WeasyPrint tries.
    """
    library = _load_library(
        "libharfbuzz-subset.so.0",
        "libharfbuzz-subset-0",
        "harfbuzz-subset",
        "libharfbuzz-subset.0.dylib",
        "libharfbuzz-subset-0.dll",
    )
    return library is not None and hasattr(library, "hb_subset_or_fail")


def _version_string(library_names: Sequence[str], function: str) -> str | None:
    library = _load_library(*library_names)
    if library is None or not hasattr(library, function):
        return None
    getter = getattr(library, function)
    getter.restype = ctypes.c_char_p
    value = getter()
    return value.decode() if value else None


def pango_version() -> str | None:
    """Pango's version (WeasyPrint 70 needs >= 1.44), without importing WeasyPrint."""
    return _version_string(
        ("libpango-1.0.so.0", "libpango-1.0-0", "libpango-1.0.dylib", "libpango-1.0-0.dll"),
        "pango_version_string",
    )


def harfbuzz_version() -> str | None:
    """HarfBuzz's version (WeasyPrint's subsetting path needs >= 4.1)."""
    return _version_string(
        ("libharfbuzz.so.0", "libharfbuzz-0", "libharfbuzz.0.dylib", "libharfbuzz-0.dll"),
        "hb_version_string",
    )


def _distribution_version(name: str) -> str | None:
    import importlib.metadata  # ~40 ms: only `doctor` needs it

    try:
        return importlib.metadata.version(name)
    except importlib.metadata.PackageNotFoundError:
        return None


def describe(*, system: bool = True) -> list[tuple[str, str]]:
    """(label, value) lines for `publisher doctor`: fonts per language and the render stack.

    Cheap: reads versions from package metadata and the C libraries directly,
    without importing WeasyPrint (about 1 s).
    """
    lines: list[tuple[str, str]] = []
    weasyprint = _distribution_version("weasyprint")
    lines.append(("WeasyPrint", weasyprint or "not installed"))
    lines.append(("Pango", pango_version() or "not found"))
    lines.append(("HarfBuzz", harfbuzz_version() or "not found"))
    lines.append(
        (
            "HarfBuzz subsetting",
            "yes (hb_subset)"
            if harfbuzz_subset_available()
            else "NO: PDFs render 20-40x slower; apt-get install libharfbuzz-subset0",
        )
    )
    for code in _BUILDERS:
        try:
            fs = fontset(code, system=system)
        except RenderError as error:
            lines.append((f"fonts {code}", f"MISSING: {error.message}"))
            continue
        for role, face in fs.faces().items():
            where = f"{face.path}" + (f" #{face.index}" if face.index else "")
            origin = "" if face.origin == "fontconfig" else f" [{face.origin}]"
            weight = f" {face.weight}" + (" variable" if face.variable else "")
            lines.append((f"fonts {code} {role}", f"{face.family}{weight}{origin} ({where})"))
        for note in fs.notes:
            lines.append((f"fonts {code} note", note))
    return lines


def fingerprint() -> str:
    """Paths, sizes and mtimes of the fonts the PDF renderer may choose (a PDF's cache key).

    Reads fontconfig's list (one `fc-list` call, cached per process) and the PyPI
    font packages; no font file is opened, so installing a font invalidates the
    PDFs while a no-op rebuild stays cheap.
    """

    families = {
        name.casefold()
        for group in (
            KHMER_BODY_FAMILIES,
            KHMER_DISPLAY_FAMILIES,
            KHMER_BOLD_FAMILIES,
            CJK_SERIF_FAMILIES,
            CJK_SANS_FAMILIES,
            LATIN_SERIF_FAMILIES,
        )
        for name in group
    }
    paths: set[Path] = set()
    for entry in _fontconfig_entries():
        if families & {name.casefold() for name in entry.families}:
            paths.add(entry.path)
    for extra in (
        pypi_noto_sans_khmer(),
        pypi_noto_sc("serif"),
        pypi_noto_sc("sans"),
    ):
        if extra is not None:
            paths.add(extra)
    stats = sorted(_path_stat(path) for path in paths)
    return hashlib.sha256(json.dumps(stats).encode()).hexdigest()


def _path_stat(path: Path) -> list[Any]:
    try:
        st = path.stat()
    except OSError:
        return [str(path), None, None]
    return [str(path), st.st_size, st.st_mtime_ns]

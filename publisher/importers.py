"""Turn a press officer's file (.txt, .md, .docx) into the CommonMark we store.

Each importer returns an `ImportedSource`: the body as Markdown plus the title
if the file names one. Plain text follows the conventions press offices use:
one paragraph per line (or blank-line separated), `- ` bullets, numbered
paragraphs, and short `Conclusion:`-style lines as headings.
"""

from __future__ import annotations

import re
import unicodedata
import zipfile
from dataclasses import dataclass
from pathlib import Path

from publisher.errors import SourceError

MAX_SOURCE_BYTES = 5 * 1024 * 1024  # a press release is a few pages; refuse anything absurd
TITLE_MAX_CHARS = 160
HEADING_MAX_WORDS = 8

_BULLET = re.compile(r"^\s*[-•*–]\s+(.*)$")
_NUMBERED = re.compile(r"^\s*(\d{1,3})[.)]\s+(.*)$")
_HEADING_COLON = re.compile(r"^([^.!?។]{1,80})[:：]\s*$")
_MD_HEADING = re.compile(r"^#{1,6}\s+")


@dataclass
class ImportedSource:
    markdown: str  # body only, without the title
    title: str | None  # from the file, if it has one


def read_source(path: Path, *, title: str | None = None) -> ImportedSource:
    """Import `path` by its extension; `title`, if given, overrides any title found."""
    suffix = path.suffix.lower()
    if not path.is_file():
        raise SourceError("file not found", path=path)
    size = path.stat().st_size
    if size == 0:
        raise SourceError("the file is empty", path=path)
    if size > MAX_SOURCE_BYTES:
        raise SourceError(
            f"the file is {size / 1e6:.1f} MB; a release source must be under "
            f"{MAX_SOURCE_BYTES // 1_000_000} MB",
            path=path,
        )
    if suffix in (".txt", ".text"):
        imported = import_text(_decode(path), explicit_title=title is not None, path=path)
    elif suffix in (".md", ".markdown"):
        imported = import_markdown(_decode(path), explicit_title=title is not None, path=path)
    elif suffix == ".docx":
        imported = import_docx(path, explicit_title=title is not None)
    else:
        raise SourceError(
            f"unsupported source type {suffix or '(none)'!r}; use .txt, .md or .docx", path=path
        )
    if title is not None:
        imported.title = _clean_title(title)
    check_links(imported.markdown, path)
    if not imported.title:
        raise SourceError("no title found; pass --title TEXT", path=path)
    if not imported.markdown.strip():
        raise SourceError("the release has a title but no body text", path=path)
    return imported


def _decode(path: Path) -> str:
    data = path.read_bytes()
    if b"\x00" in data[:4096] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise SourceError("this is a binary file, not text", path=path)
    for bom, codec in (
        (b"\xef\xbb\xbf", "utf-8-sig"),
        (b"\xff\xfe", "utf-16"),
        (b"\xfe\xff", "utf-16"),
    ):
        if data.startswith(bom):
            try:
                return _normalise(data.decode(codec))
            except UnicodeDecodeError as exc:
                raise SourceError(
                    f"invalid {codec.upper()} at byte {exc.start}", path=path
                ) from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise SourceError(
            f"not valid UTF-8 (byte {exc.start}); save the file as UTF-8", path=path, line=line
        ) from None
    return _normalise(text)


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u202a-\u202e\u2066-\u2069]")


def _normalise(text: str) -> str:
    """NFC, Unix newlines, no control characters or bidi overrides; everything else kept."""
    text = unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))
    return _CONTROL.sub("", text)


def _clean_title(title: str) -> str:
    return " ".join(_normalise(title).split())


def _is_short_line(line: str) -> bool:
    return len(line) <= TITLE_MAX_CHARS and not re.search(r"[.!?។]\s*$", line)


# ---------------------------------------------------------------- links

_MD_LINK = re.compile(r"!?\[(?:[^\]\\]|\\.)*\]\(\s*<?([^)\s>]+)")
_AUTOLINK = re.compile(r"<([A-Za-z][A-Za-z0-9+.-]{1,31}:[^\s<>]*)>")
_SAFE_SCHEMES = ("http", "https", "mailto", "tel")


def check_links(markdown: str, path: Path | None = None) -> None:
    """Refuse links and images a published page must never carry.

    The PDF renderer would try to fetch an image; a journalist's browser would
    follow a link. A press release has no business pointing at local files,
    this machine, the office's private network or inline `data:` payloads.
    """
    for number, line in enumerate(markdown.splitlines(), start=1):
        for match in (*_MD_LINK.finditer(line), *_AUTOLINK.finditer(line)):
            problem = link_problem(match.group(1))
            if problem:
                raise SourceError(f"{problem}: {match.group(1)[:80]}", path=path, line=number)


def link_problem(url: str) -> str | None:
    """Why `url` may not appear in a release, or None if it may."""
    import ipaddress
    from urllib.parse import urlsplit

    if url.startswith(("#", "/")) or ":" not in url.split("/")[0]:
        return None  # relative link inside the page or site
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme not in _SAFE_SCHEMES:
        return f"links with the scheme {scheme!r} are not allowed (only http, https, mailto, tel)"
    if scheme in ("http", "https"):
        host = (parts.hostname or "").lower()
        if not host or host == "localhost" or host.endswith((".localhost", ".local", ".internal")):
            return "links to this machine or a local network are not allowed"
        try:
            address = ipaddress.ip_address(host)
        except ValueError:
            return None
        if not address.is_global:
            return "links to private or local addresses are not allowed"
    return None


# ---------------------------------------------------------------- plain text

_ESCAPE = re.compile(r"([\\`*\[\]])")
_UNDERSCORE_EDGE = re.compile(r"(?<![0-9A-Za-z])_|_(?![0-9A-Za-z])")


def escape_inline(text: str) -> str:
    """Escape what CommonMark would read as markup, so plain text stays literal."""
    text = _ESCAPE.sub(r"\\\1", text)
    text = _UNDERSCORE_EDGE.sub(r"\\_", text)
    return text.replace("<", "\\<")


def _escape_block_start(text: str) -> str:
    """A paragraph must not start with something CommonMark takes as block syntax."""
    if re.match(r"^(#{1,6}\s|>|[-+*]\s|\d{1,9}[.)]\s|={3,}|-{3,}|_{3,})", text):
        return "\\" + text
    return text


def import_text(text: str, *, explicit_title: bool, path: Path | None = None) -> ImportedSource:
    raw_lines = [line.rstrip() for line in text.split("\n")]
    while raw_lines and not raw_lines[0].strip():
        raw_lines.pop(0)
    if not raw_lines:
        raise SourceError("the file has no text", path=path)
    title: str | None = None
    if not explicit_title:
        first = raw_lines[0].strip()
        if not _is_short_line(first) or _BULLET.match(first):
            raise SourceError(
                "the first line is a long paragraph, not a title; pass --title TEXT",
                path=path,
                line=1,
            )
        title = _clean_title(first)
        raw_lines = raw_lines[1:]
    paragraphs = _split_paragraphs(raw_lines)
    out: list[str] = []
    previous_kind = ""
    for index, para in enumerate(paragraphs):
        kind, body = _classify(para, paragraphs[index + 1] if index + 1 < len(paragraphs) else None)
        if kind == "heading":
            out.append(f"## {escape_inline(body)}")
        elif kind == "bullet":
            out.append(f"- {escape_inline(body)}")
        elif kind == "number":
            out.append(f"1. {escape_inline(body)}")
        else:
            out.append(_escape_block_start(escape_inline(body)))
        # Items of one list stay together; everything else is separated by a blank line.
        joined = kind in ("bullet", "number") and kind == previous_kind
        if joined:
            out[-2:] = [out[-2] + "\n" + out[-1]]
        previous_kind = kind
    return ImportedSource("\n\n".join(out) + "\n", title)


def _split_paragraphs(lines: list[str]) -> list[str]:
    """Blank-line separated paragraphs if the text uses them, else one paragraph a line."""
    body = [line for line in lines]
    uses_blank_lines = any(not line.strip() for line in body) and any(
        body[i].strip()
        and body[i + 1].strip()
        and not _BULLET.match(body[i + 1])
        and not _NUMBERED.match(body[i + 1])
        for i in range(len(body) - 1)
    )
    paragraphs: list[str] = []
    if uses_blank_lines:
        current: list[str] = []
        for line in [*body, ""]:
            if not line.strip() or _BULLET.match(line) or _NUMBERED.match(line):
                if current:
                    paragraphs.append(" ".join(part.strip() for part in current))
                    current = []
                if line.strip():
                    current = [line]
                continue
            current.append(line)
        return paragraphs
    return [line.strip() for line in body if line.strip()]


def _classify(para: str, following: str | None) -> tuple[str, str]:
    if m := _BULLET.match(para):
        return "bullet", m.group(1).strip()
    if m := _NUMBERED.match(para):
        return "number", m.group(2).strip()
    if following is not None and (m := _HEADING_COLON.match(para)):
        words = m.group(1).split()
        if len(words) <= HEADING_MAX_WORDS:
            return "heading", m.group(1).strip()
    return "paragraph", para.strip()


# ---------------------------------------------------------------- Markdown


def import_markdown(text: str, *, explicit_title: bool, path: Path | None = None) -> ImportedSource:
    """Keep the author's Markdown; take a leading `# Title` out as the title."""
    from publisher.document import parse_markdown

    lines = text.split("\n")
    while lines and not lines[0].strip():
        lines.pop(0)
    title: str | None = None
    if lines and re.match(r"^#\s+", lines[0]):
        title = _clean_title(re.sub(r"^#\s+|\s+#+\s*$", "", lines[0]))
        lines = lines[1:]
    elif not explicit_title:
        first = lines[0].strip() if lines else ""
        if not first or not _is_short_line(first) or _MD_HEADING.match(first):
            raise SourceError(
                "the file starts with neither a `# Title` heading nor a short title line; "
                "pass --title TEXT",
                path=path,
                line=1,
            )
        title = _clean_title(first)
        lines = lines[1:]
    body = "\n".join(lines).strip() + "\n"
    # A second level-1 heading would be taken for the title; keep headings below it.
    body = re.sub(r"(?m)^# ", "## ", body)
    parse_markdown(body)  # fail early on anything the parser cannot take
    return ImportedSource(body, title)


# ---------------------------------------------------------------- Word

MAX_DOCX_UNCOMPRESSED = 50 * 1024 * 1024


def import_docx(path: Path, *, explicit_title: bool) -> ImportedSource:
    """Headings, list paragraphs and plain paragraphs from a Word file, bold/italic kept."""
    try:
        with zipfile.ZipFile(path) as archive:
            total = sum(info.file_size for info in archive.infolist())
            if total > MAX_DOCX_UNCOMPRESSED:
                raise SourceError(
                    f"the .docx unpacks to {total / 1e6:.0f} MB; refusing (zip bomb?)", path=path
                )
            if "word/document.xml" not in archive.namelist():
                raise SourceError("not a Word document (no word/document.xml)", path=path)
    except zipfile.BadZipFile:
        raise SourceError("not a valid .docx file (not a zip archive)", path=path) from None
    import docx  # python-docx; imported here to keep CLI start-up fast

    try:
        document = docx.Document(str(path))
    except Exception as exc:  # python-docx raises many kinds on broken files
        raise SourceError(f"cannot read the .docx: {exc}", path=path) from None
    title: str | None = None
    out: list[str] = []
    previous_kind = ""
    for para in document.paragraphs:
        text = _normalise(_docx_runs(para)).strip()
        plain = _normalise(para.text).strip()
        if not plain:
            continue
        style = (para.style.name if para.style is not None else "") or ""
        kind = _docx_kind(para, style)
        if kind == "title" and title is None and not out:
            title = _clean_title(plain)
            continue
        if title is None and not out and not explicit_title and kind == "paragraph":
            if not _is_short_line(plain):
                raise SourceError(
                    "the first paragraph is long, not a title; pass --title TEXT", path=path
                )
            title = _clean_title(plain)
            continue
        if kind.startswith("heading"):
            level = max(2, min(6, int(kind[7:] or 2) + 1))
            line = f"{'#' * level} {text}"
        elif kind == "bullet":
            line = f"- {text}"
        elif kind == "number":
            line = f"1. {text}"
        elif kind == "quote":
            line = f"> {text}"
        elif (
            kind == "paragraph"
            and (m := _HEADING_COLON.match(plain))
            and len(m.group(1).split()) <= HEADING_MAX_WORDS
        ):
            line = f"## {escape_inline(m.group(1).strip())}"
            kind = "heading"
        else:
            line = _escape_block_start(text)
        if kind in ("bullet", "number") and kind == previous_kind:
            out[-1] = out[-1] + "\n" + line
        else:
            out.append(line)
        previous_kind = kind
    return ImportedSource("\n\n".join(out) + "\n", title)


def _docx_kind(para: object, style: str) -> str:
    name = style.lower()
    if name == "title":
        return "title"
    if m := re.match(r"heading\s*(\d)", name):
        return f"heading{m.group(1)}"
    if "list bullet" in name:
        return "bullet"
    if "list number" in name:
        return "number"
    if "quote" in name:
        return "quote"
    ppr = para._p.pPr  # type: ignore[attr-defined]
    if ppr is not None and ppr.numPr is not None:
        return "bullet"
    return "paragraph"


def _docx_runs(para: object) -> str:
    parts: list[str] = []
    for run in para.runs:  # type: ignore[attr-defined]
        text = escape_inline(run.text)
        if not text.strip():
            parts.append(text)
            continue
        lead = text[: len(text) - len(text.lstrip())]
        trail = text[len(text.rstrip()) :]
        core = text.strip()
        if run.bold:
            core = f"**{core}**"
        if run.italic:
            core = f"*{core}*"
        parts.append(lead + core + trail)
    return "".join(parts).replace("****", "")

"""Markdown sources: the author's CommonMark, with what is not content taken out.

The file is parsed (CommonMark, GFM tables, raw HTML recognised) and its body
written again block by block, so that what the author meant survives and what
a reader must not see does not:

* YAML (`---`) or TOML (`+++`) front matter is read as the release's metadata
  (title, date, place, slug, reference), never printed;
* HTML comments are left out; raw HTML from Word-to-web exports (`<span
  style=...>`, `<o:p>`, footnote anchors `<a href="#_ftn1">[1]</a>`) keeps its
  text and loses its tags, links stay links, bold and italic stay so;
* a setext heading (`Title` over `=====`) is a heading, tables stay tables with
  a segment per cell, lists keep their items' own numbers, reference links
  become inline links (a segment is rendered alone, without the definitions);
* an end mark (`###`, `\\###`, `-END-`) is recognised, not printed twice;
* pictures next to the file are copied into the release (media/NAME).

Every change of that kind is reported as a note or a warning, with its line.
"""

from __future__ import annotations

import datetime as dt
import html
import re
import tomllib
from functools import lru_cache
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from markdown_it import MarkdownIt
from markdown_it.common.utils import normalizeReference
from markdown_it.token import Token

from publisher.core import media
from publisher.errors import SourceError
from publisher.sources.common import (
    ImportedSource,
    Notice,
    TitleChoice,
    Unit,
    assemble,
    escape_block_start,
    escape_inline,
    signature_rows,
    table_markdown,
    take_title,
)

#: Front matter keys the release takes, by the names authors give them.
METADATA_KEYS = {
    "title": "title",
    "date": "date",
    "place": "place",
    "location": "place",
    "dateline": "place",
    "slug": "slug",
    "reference": "reference",
    "lang": "source_language",
    "language": "source_language",
    "source_language": "source_language",
}


@lru_cache(maxsize=1)
def _parser() -> MarkdownIt:
    """The author's Markdown as CommonMark reads it, raw HTML recognised (to be removed)."""
    return MarkdownIt("commonmark", {"html": True}).enable("table")


def import_markdown(
    text: str,
    *,
    title: TitleChoice | None = None,
    path: Path | None = None,
) -> ImportedSource:
    """The author's Markdown as the release's body, its front matter as metadata."""
    notices: list[Notice] = []
    metadata, body = front_matter(text, notices, path)
    choice = title or TitleChoice()
    if choice.given is None and "title" in metadata:
        choice = TitleChoice(
            given=str(metadata["title"]),
            first_line=choice.first_line,
            given_by="the front matter's title",
        )
    reader = _Reader(notices, path)
    env: dict[str, Any] = {}
    tokens = _parser().parse(body, env)
    reader.references = env.get("references", {})
    units = reader.units(tokens)
    found_title, units = take_title(units, choice, notices, path)
    markdown = assemble(units, notices, colon_headings=False)
    if reader.tags_removed:
        names = ", ".join(f"<{name}>" for name in sorted(reader.tags_removed)[:6])
        notices.append(Notice("note", f"HTML tags removed, their text kept: {names}"))
    return ImportedSource(markdown, found_title, notices, metadata, reader.media)


# ---------------------------------------------------------------- front matter

_YAML_FENCE = re.compile(r"\A---[ \t]*\n(.*?\n)(?:---|\.\.\.)[ \t]*(?:\n|\Z)", re.DOTALL)
_TOML_FENCE = re.compile(r"\A\+\+\+[ \t]*\n(.*?\n)\+\+\+[ \t]*(?:\n|\Z)", re.DOTALL)


def front_matter(text: str, notices: list[Notice], path: Path | None) -> tuple[dict[str, Any], str]:
    """Metadata from a leading `---` YAML or `+++` TOML block, and the text without it.

    The block's lines become blank lines, so line numbers still count from the
    file's own first line.
    """
    yaml_block = _YAML_FENCE.match(text)
    toml_block = None if yaml_block else _TOML_FENCE.match(text)
    block = yaml_block or toml_block
    if block is None:
        return {}, text
    raw = block.group(1)
    # PyYAML costs 13 ms to import: only files with front matter pay for it.
    import yaml

    try:
        data = yaml.safe_load(raw) if yaml_block else tomllib.loads(raw)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 2 if mark is not None else None
        problem = getattr(exc, "problem", None) or "not valid YAML"
        raise SourceError(f"front matter: {problem}", path=path, line=line) from None
    except tomllib.TOMLDecodeError as exc:
        raise SourceError(f"front matter: {exc}", path=path, line=1) from None
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise SourceError("front matter must be `key: value` lines", path=path, line=2)
    metadata: dict[str, Any] = {}
    unused: list[str] = []
    for key, value in data.items():
        name = METADATA_KEYS.get(str(key).strip().lower())
        if name is None:
            unused.append(str(key))
            continue
        metadata[name] = _metadata_value(name, value, path)
    if unused:
        notices.append(Notice("note", f"front matter not used: {', '.join(unused)}", 1))
    consumed = block.group(0).count("\n")
    return metadata, "\n" * consumed + text[block.end() :]


def _metadata_value(name: str, value: Any, path: Path | None) -> Any:
    if name == "date":
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        try:
            return dt.date.fromisoformat(str(value).strip())
        except ValueError:
            raise SourceError(
                f"front matter: date must look like 2024-11-30, not {str(value)[:40]!r}",
                path=path,
            ) from None
    if not isinstance(value, str | int | float) or isinstance(value, bool):
        raise SourceError(f"front matter: {name} must be text", path=path)
    return " ".join(str(value).split())


# ---------------------------------------------------------------- blocks


class _Reader:
    """Turns the parsed file into units, taking out what is not content."""

    def __init__(self, notices: list[Notice], path: Path | None) -> None:
        self.notices = notices
        self.path = path
        self.folder = path.parent if path is not None else None
        self.references: dict[str, dict[str, str]] = {}
        self.media: dict[str, bytes] = {}
        self._pictures: dict[Path, str] = {}
        self.tags_removed: set[str] = set()

    def warn(self, message: str, line: int | None) -> None:
        self.notices.append(Notice("warning", message, line))

    def units(self, tokens: list[Token]) -> list[Unit]:
        out: list[Unit] = []
        i = 0
        while i < len(tokens):
            tok = tokens[i]
            line = tok.map[0] + 1 if tok.map else None
            if tok.type == "heading_open":
                text = self.inline(tokens[i + 1], line)
                if text.strip():
                    out.append(
                        Unit("heading", text, line=line, lines=[text], level=int(tok.tag[1:]))
                    )
                elif tok.markup == "###":
                    # "###" alone is an empty heading to CommonMark: here, an end mark
                    out.append(Unit("paragraph", "###", line=line))
                i += 3
            elif tok.type == "paragraph_open":
                out.extend(self.paragraph(tokens[i + 1], line))
                i += 3
            elif tok.type in ("bullet_list_open", "ordered_list_open", "blockquote_open"):
                end = _closing(tokens, i)
                block = self.container(tokens[i:end], "")
                if block.strip():
                    out.append(Unit("raw", line=line, markdown=block))
                i = end
            elif tok.type == "table_open":
                end = _closing(tokens, i)
                out.append(self.table(tokens[i:end], line))
                i = end
            elif tok.type == "hr":
                out.append(Unit("rule", line=line, markdown="* * *"))
                i += 1
            elif tok.type in ("fence", "code_block"):
                if tok.content.strip():
                    escaped = [escape_inline(part.strip()) for part in tok.content.splitlines()]
                    out.append(Unit("paragraph", " ".join(p for p in escaped if p), line=line))
                i += 1
            elif tok.type == "html_block":
                out.extend(self.html_block(tok.content, line))
                i += 1
            else:
                i += 1
        return out

    def paragraph(self, inline: Token, line: int | None) -> list[Unit]:
        raw_lines = inline.content.split("\n")
        rows = signature_rows(raw_lines) if len(raw_lines) > 1 or "\t" in inline.content else None
        if rows is None and len(raw_lines) == 1:
            rows = signature_rows(raw_lines)
        if rows is not None:
            cells = [[self.clean(cell, [], line) for cell in row] for row in rows]
            return [Unit("table", line=line, markdown=table_markdown(cells))]
        text = self.inline(inline, line)
        if not text.strip():
            return []
        heard = len(self.notices)  # each line again, for --first-line-title: heard once
        lines = [self.clean(part, inline.children or [], line) for part in raw_lines]
        del self.notices[heard:]
        return [Unit("paragraph", text, line=line, lines=[p for p in lines if p.strip()])]

    def inline(self, inline: Token, line: int | None) -> str:
        """The inline Markdown of a block, one line, cleaned."""
        text = self.clean(inline.content, inline.children or [], line)
        return " ".join(part.strip() for part in text.split("\n") if part.strip())

    def container(self, tokens: list[Token], indent: str) -> str:
        """A list or block quote written again: items with their own numbers, empty
        items left out, everything inside cleaned like the rest of the body."""
        head = tokens[0]
        if head.type == "blockquote_open":
            inner = self.children(tokens[1:-1], "")
            return "\n".join(("> " + line).rstrip() for line in inner.split("\n"))
        items: list[str] = []
        i = 1
        while i < len(tokens) - 1:
            tok = tokens[i]
            if tok.type != "list_item_open":
                i += 1
                continue
            end = _closing(tokens, i)
            marker = f"{tok.info}{tok.markup} " if head.type == "ordered_list_open" else "- "
            body = self.children(tokens[i + 1 : end - 1], " " * len(marker))
            line = tok.map[0] + 1 if tok.map else None
            if not body.strip():
                self.warn(f"empty list item “{marker.strip()}” left out", line)
            else:
                items.append(marker + body)
            i = end
        return "\n".join(items)

    def children(self, tokens: list[Token], indent: str) -> str:
        """The blocks inside a list item or quote, as Markdown indented by `indent`."""
        parts: list[str] = []
        i = 0
        while i < len(tokens):
            tok = tokens[i]
            line = tok.map[0] + 1 if tok.map else None
            if tok.type == "paragraph_open":
                text = self.inline(tokens[i + 1], line)
                if text.strip():
                    parts.append(escape_block_start(text))
                i += 3
            elif tok.type == "heading_open":
                text = self.inline(tokens[i + 1], line)
                if text.strip():
                    parts.append(f"{'#' * max(2, int(tok.tag[1:]))} {text}")
                i += 3
            elif tok.type in ("bullet_list_open", "ordered_list_open", "blockquote_open"):
                end = _closing(tokens, i)
                block = self.container(tokens[i:end], "")
                if block.strip():
                    parts.append(block)
                i = end
            elif tok.type == "table_open":
                end = _closing(tokens, i)
                parts.append(self.table(tokens[i:end], line).markdown)
                i = end
            elif tok.type == "html_block":
                for unit in self.html_block(tok.content, line):
                    parts.append(unit.markdown or unit.text)
                i += 1
            elif tok.type in ("fence", "code_block"):
                if tok.content.strip():
                    parts.append(escape_inline(" ".join(tok.content.split())))
                i += 1
            else:
                i += 1
        text = "\n\n".join(parts)
        lines = text.split("\n")
        return "\n".join([lines[0], *[(indent + x) if x.strip() else "" for x in lines[1:]]])

    def table(self, tokens: list[Token], line: int | None) -> Unit:
        header: list[str] = []
        rows: list[list[str]] = []
        aligns: list[str | None] = []
        in_head = False
        for index, tok in enumerate(tokens):
            if tok.type == "thead_open":
                in_head = True
            elif tok.type == "thead_close":
                in_head = False
            elif tok.type == "tr_open" and not in_head:
                rows.append([])
            elif tok.type in ("th_open", "td_open"):
                cell = self.inline(tokens[index + 1], line)
                (header if in_head else rows[-1]).append(cell)
                if in_head:
                    m = re.search(r"text-align:(left|center|right)", str(tok.attrGet("style")))
                    aligns.append(m.group(1) if m else None)
        table = table_markdown(rows or [[]], header=header, aligns=aligns)
        return Unit("table", line=line, markdown=table)

    # ------------------------------------------------------------ inline content

    def clean(self, content: str, children: list[Token], line: int | None) -> str:
        """Inline Markdown without HTML, reference links made inline, pictures copied."""
        html_seen = any(c.type == "html_inline" for c in children)
        pieces = _CODE_SPAN.split(content)
        out: list[str] = []
        for index, piece in enumerate(pieces):
            if index % 3 == 1 or index % 3 == 2:  # inside a code span: kept as written
                if index % 3 == 1:
                    out.append(piece + pieces[index + 1] + piece)
                continue
            if html_seen or "<!--" in piece:
                piece = self.inline_html(piece, line)
            piece = self.reference_links(piece)
            piece = self.pictures(piece, line)
            out.append(piece)
        return "".join(out)

    def inline_html(self, text: str, line: int | None) -> str:
        def comment(m: re.Match[str]) -> str:
            self.warn(f"HTML comment left out: “{_excerpt(m.group(1))}”", line)
            return ""

        text = _COMMENT.sub(comment, text)

        def dropped(m: re.Match[str]) -> str:
            inner = _TAG.sub("", m.group(2)).strip()
            what = "deleted text" if m.group(1).lower() == "del" else f"<{m.group(1)}> content"
            if inner:
                self.warn(f"HTML {what} left out: “{_excerpt(inner)}”", line)
            return ""

        text = _DROPPED.sub(dropped, text)
        text = _ANCHOR.sub(lambda m: self._anchor(m, line), text)
        text = _STRONG.sub(lambda m: _wrap(m.group(2), "**"), text)
        text = _EMPHASIS.sub(lambda m: _wrap(m.group(2), "*"), text)
        text = _IMG.sub(lambda m: self._img(m, line), text)
        text = _BREAK.sub(" ", text)

        def tag(m: re.Match[str]) -> str:
            self.tags_removed.add(m.group(1).lower())
            return ""

        text = _TAG.sub(tag, text)
        return re.sub(r"(?<=\S)[ \t]{2,}(?=\S)", " ", text)  # where a tag or comment was

    def _anchor(self, m: re.Match[str], line: int | None) -> str:
        attrs, inner = m.group(1), m.group(2)
        href = _attribute(attrs, "href")
        self.tags_removed.add("a")
        if href and re.match(r"(?i)^(https?:|mailto:|tel:)", href):
            return f"[{inner}]({_destination(href)})"
        if re.fullmatch(r"\s*\[\s*\w{1,4}\s*\]\s*", _TAG.sub("", inner)):
            # a footnote anchor ("[1]"): its marker stays as text, the jump does not
            return escape_inline(_TAG.sub("", inner).strip())
        return inner

    def _img(self, m: re.Match[str], line: int | None = None) -> str:
        src = _attribute(m.group(1), "src") or ""
        alt = _attribute(m.group(1), "alt") or ""
        if not _usable_picture(src):
            self.warn(f"HTML picture {src[:60]!r} left out: not a file next to the source", line)
            return escape_inline(alt)
        return f"![{escape_inline(alt)}]({_destination(src)})"

    def reference_links(self, text: str) -> str:
        """`[text][ref]`, `[ref][]` and `[ref]` as inline links (their definitions are
        not part of any segment, which is rendered alone)."""
        if not self.references:
            return text

        def inline(m: re.Match[str]) -> str:
            label = m.group("label") if m.group("label") else m.group("text")
            ref = self.references.get(_normalise_label(label))
            if ref is None:
                return m.group(0)
            title = ref.get("title") or ""
            suffix = f' "{title}"' if title else ""
            return (
                f"{m.group('bang') or ''}[{m.group('text')}]({_destination(ref['href'])}{suffix})"
            )

        return _REFERENCE_LINK.sub(inline, text)

    def pictures(self, text: str, line: int | None) -> str:
        """Pictures next to the source are copied into the release; remote ones become links."""

        def picture(m: re.Match[str]) -> str:
            alt, src = m.group(1), m.group(2).strip("<>")
            if re.match(r"(?i)^https?:", src):
                self.warn(
                    f"the picture {src[:80]} is on the web, not in the release; it is kept as "
                    "a link (save it next to the source to publish it)",
                    line,
                )
                return f"[{alt or src}]({_destination(src)})"
            if ":" in src.split("/")[0] or src.startswith("#"):
                return m.group(0)  # refused or kept by the link check, not a file here
            name = self.copy_picture(src, line)
            return f"![{alt}]({media.MEDIA_DIR}/{name})"

        return _PICTURE.sub(picture, text)

    def copy_picture(self, src: str, line: int | None) -> str:
        folder = (self.folder or Path.cwd()).resolve()
        target = (folder / unquote(src)).resolve()
        if not target.is_relative_to(folder):
            raise SourceError(
                f"the picture {src[:80]} is outside the source's folder; "
                "put it next to the source (or in a folder below it)",
                path=self.path,
                line=line,
            )
        if target in self._pictures:
            return self._pictures[target]
        data = media.read_picture(target)
        name = media.unique_name(target.name, self.media)
        self.media[name] = data
        self._pictures[target] = name
        return name

    # ------------------------------------------------------------ HTML blocks

    def html_block(self, content: str, line: int | None) -> list[Unit]:
        """A block of raw HTML: comments left out, the rest kept as its text."""
        if not _COMMENT.sub("", content).strip():
            for m in _COMMENT.finditer(content):
                self.warn(f"HTML comment left out: “{_excerpt(m.group(1))}”", line)
            return []
        converter = _HtmlText(self, line)
        converter.feed(content)
        converter.close()
        return converter.finish()


class _HtmlText(HTMLParser):
    """The text of an HTML block as units: paragraphs, headings, list items, tables."""

    _BLOCKS = frozenset(
        [
            "p",
            "div",
            "section",
            "article",
            "header",
            "footer",
            "h1",
            "h2",
            "h3",
            "h4",
            "h5",
            "h6",
            "li",
            "ul",
            "ol",
            "blockquote",
            "table",
            "tr",
            "br",
            "hr",
            "center",
        ]
    )

    def __init__(self, reader: _Reader, line: int | None) -> None:
        super().__init__(convert_charrefs=True)
        self.reader = reader
        self.line = line
        self.units: list[Unit] = []
        self.parts: list[str] = []
        self.kind = "paragraph"
        self.level = 2
        self.skip = 0
        self.link: str | None = None
        self.link_start = 0
        self.rows: list[list[str]] | None = None
        self.in_cell = False
        self.cell: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        tag = tag.lower()
        values = {k.lower(): v or "" for k, v in attrs}
        if tag in ("script", "style"):
            self.skip += 1
            return
        if tag == "table":
            self.flush()
            self.rows = []
            return
        if self.rows is not None:
            if tag == "tr":
                self.rows.append([])
            elif tag in ("td", "th"):
                self.in_cell, self.cell = True, []
            elif tag == "br":
                self.cell.append(" ")
            return
        if tag in self._BLOCKS:
            self.flush()
            if tag in ("p", "div", "section", "article", "header", "footer", "center"):
                self.reader.tags_removed.add(tag)
            if tag in ("h1", "h2", "h3", "h4", "h5", "h6"):
                self.kind, self.level = "heading", int(tag[1])
            elif tag == "li":
                self.kind = "bullet"
            elif tag == "blockquote":
                self.kind = "quote"
            return
        if tag == "a" and re.match(r"(?i)^(https?:|mailto:|tel:)", values.get("href", "")):
            self.link, self.link_start = values["href"], len(self.parts)
        elif tag == "img" and values.get("src"):
            alt = escape_inline(values.get("alt", ""))
            src = values["src"]
            if _usable_picture(src):
                self.parts.append(self.reader.pictures(f"![{alt}]({src})", self.line))
            else:
                self.reader.warn(
                    f"HTML picture {src[:60]!r} left out: not a file next to the source", self.line
                )
                self.parts.append(alt)
        elif tag in ("b", "strong"):
            self.parts.append("**")
        elif tag in ("i", "em"):
            self.parts.append("*")
        else:
            self.reader.tags_removed.add(tag)

    def handle_endtag(self, tag: str) -> None:
        tag = tag.lower()
        if tag in ("script", "style"):
            self.skip = max(0, self.skip - 1)
            if not self.skip:
                self.reader.warn(f"HTML <{tag}> left out", self.line)
            return
        if self.rows is not None:
            if tag in ("td", "th") and self.in_cell:
                if self.rows:
                    self.rows[-1].append(" ".join("".join(self.cell).split()))
                self.in_cell = False
            elif tag == "table":
                rows = [r for r in self.rows if any(c.strip() for c in r)]
                self.rows = None
                if rows:
                    self.units.append(
                        Unit(
                            "table",
                            line=self.line,
                            markdown=table_markdown(rows[1:] or [[]], header=rows[0]),
                        )
                    )
            return
        if tag == "a" and self.link is not None:
            inner = "".join(self.parts[self.link_start :]).strip()
            del self.parts[self.link_start :]
            self.parts.append(f"[{inner}]({_destination(self.link)})" if inner else "")
            self.link = None
        elif tag in ("b", "strong"):
            self.parts.append("**")
        elif tag in ("i", "em"):
            self.parts.append("*")
        elif tag in self._BLOCKS:
            self.flush()

    def handle_data(self, data: str) -> None:
        if self.skip:
            return
        if self.rows is not None:
            if self.in_cell:
                self.cell.append(escape_inline(data))
            return
        self.parts.append(escape_inline(data))

    def handle_comment(self, data: str) -> None:
        if data.strip():
            self.reader.warn(f"HTML comment left out: “{_excerpt(data)}”", self.line)

    def flush(self) -> None:
        text = " ".join("".join(self.parts).split())
        text = re.sub(r"\*\*\s*\*\*|(?<!\*)\*\s*\*(?!\*)", "", text)
        text = re.sub(r"(\*\*?)\s+(.*?)\s+\1", r"\1\2\1", text)
        if text:
            self.units.append(Unit(self.kind, text, line=self.line, level=self.level))
        self.parts = []
        self.kind, self.level = "paragraph", 2

    def finish(self) -> list[Unit]:
        self.flush()
        return self.units


# ---------------------------------------------------------------- helpers

_CODE_SPAN = re.compile(r"(?<!\\)(`+)(.+?)(?<!`)\1(?!`)", re.DOTALL)
_COMMENT = re.compile(r"<!--(.*?)-->", re.DOTALL)
_DROPPED = re.compile(r"<(script|style|del)\b[^>]*>(.*?)</\1\s*>", re.DOTALL | re.IGNORECASE)
_ANCHOR = re.compile(r"<a\b([^>]*)>(.*?)</a\s*>", re.DOTALL | re.IGNORECASE)
_STRONG = re.compile(r"<(b|strong)\b[^>]*>(.*?)</\1\s*>", re.DOTALL | re.IGNORECASE)
_EMPHASIS = re.compile(r"<(i|em)\b[^>]*>(.*?)</\1\s*>", re.DOTALL | re.IGNORECASE)
_IMG = re.compile(r"<img\b([^>]*?)/?>", re.IGNORECASE)
_BREAK = re.compile(r"<br\b[^>]*>", re.IGNORECASE)
_TAG = re.compile(r"(?<!\\)</?([A-Za-z][A-Za-z0-9:-]*)\b[^<>]*>")
_PICTURE = re.compile(r"!\[((?:[^\]\\]|\\.)*)\]\(\s*(<[^>]*>|[^)\s]+)(?:\s+\"[^\"]*\")?\s*\)")
_REFERENCE_LINK = re.compile(
    r"(?P<bang>!?)(?<!\\)\[(?P<text>(?:[^\]\\]|\\.)+)\](?:\[(?P<label>(?:[^\]\\]|\\.)*)\])?(?![(:])"
)


def _attribute(attrs: str, name: str) -> str | None:
    m = re.search(rf"""(?i)\b{name}\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))""", attrs)
    if m is None:
        return None
    return html.unescape(next(g for g in m.groups() if g is not None))


def _usable_picture(src: str) -> bool:
    """An HTML picture worth keeping: a file beside the source, or on the web (as a link)."""
    scheme = src.split("/")[0]
    return bool(src) and (":" not in scheme or bool(re.match(r"(?i)^https?:", src)))


def _destination(url: str) -> str:
    """A link destination CommonMark reads back as written (spaces and parentheses)."""
    return f"<{url}>" if re.search(r"[\s()<>]", url) else url


def _wrap(inner: str, marker: str) -> str:
    core = inner.strip()
    if not core:
        return inner
    lead = inner[: len(inner) - len(inner.lstrip())]
    trail = inner[len(inner.rstrip()) :]
    return f"{lead}{marker}{core}{marker}{trail}"


def _normalise_label(label: str) -> str:
    return normalizeReference(label) if label else ""


def _excerpt(text: str, limit: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _closing(tokens: list[Token], start: int) -> int:
    """The index after the token closing `tokens[start]` (same nesting level)."""
    depth = 0
    for index in range(start, len(tokens)):
        depth += tokens[index].nesting
        if depth == 0:
            return index + 1
    return len(tokens)

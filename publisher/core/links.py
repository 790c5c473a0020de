"""Links a published release may carry, wherever they appear in its text.

The PDF renderer would try to fetch an image; a journalist's browser (or mail
client) would follow a link. A press
release has no business pointing at local files, this machine, the office's
private network or inline `data:` payloads.

Links are found on the parsed Markdown (every link and image destination,
reference definitions and autolinks included, wherever they sit: title, list,
table, a destination on the next line); a URL in running text is text, never
turned into a link by our outputs. Each is
normalised as a browser would read it (tabs and newlines removed, backslashes
as slashes, percent-escapes in the host decoded, protocol-relative `//host`
as http) and its host decided with the standard library: `ipaddress` for
addresses, and `socket.inet_aton` for the shorthand IPv4 forms browsers
accept (`127.1`, `0x7f000001`, `2130706433`, `0177.0.0.1`). An IPv6 address
that carries an IPv4 one (IPv4-mapped `::ffff:127.0.0.1`, IPv4-compatible
`::127.0.0.1`) is judged as the IPv4 address it carries.
"""

from __future__ import annotations

import copy
import ipaddress
import re
import socket
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import unquote, urlsplit

from publisher.core.document import markdown_parser
from publisher.core.memos import memo
from publisher.core.messages import N_, Message
from publisher.errors import SourceError

if TYPE_CHECKING:  # markdown-it is loaded by markdown_parser(), when a text is read
    from markdown_it import MarkdownIt
    from markdown_it.token import Token


@lru_cache(maxsize=1)
def _inspecting_parser() -> MarkdownIt:
    """The document's parser, but keeping every destination as a link.

    markdown-it leaves `javascript:`, `file:` and most `data:` links as plain
    text (its `validateLink`); for checking, they must be seen as the links the
    author meant, so the author is told rather than surprised.
    """
    parser = copy.copy(markdown_parser())
    parser.validateLink = lambda url: True  # type: ignore[method-assign]  # see docstring
    return parser


_SAFE_SCHEMES = ("http", "https", "mailto", "tel")
_LOCAL_SUFFIXES = (".localhost", ".local", ".internal", ".lan", ".home", ".intranet", ".corp")
_URL_NOISE = re.compile(r"[\t\n\r]")


@dataclass(frozen=True)
class Link:
    """A destination found in Markdown, with the line of the text it was found in."""

    url: str
    line: int  # 1-based, counted in the Markdown given
    image: bool = False


def find_links(markdown: str) -> list[Link]:
    """Every link and image destination of `markdown` (a URL in running text is text)."""
    return list(_links(markdown))


@memo(maxsize=8192)
def _links(markdown: str) -> tuple[Link, ...]:
    """`find_links`, remembered for the texts seen last: the publishing rule asks it of
    every segment for every page and PDF of a build (108 parses of the sample)."""
    lines = markdown.splitlines()
    found: list[Link] = []
    for token in _inspecting_parser().parse(markdown):
        start = token.map[0] if token.map else 0
        end = token.map[1] if token.map else len(lines)
        for child in _walk(token):
            url = child.attrGet("href") if child.type == "link_open" else None
            if child.type == "image":
                url = child.attrGet("src")
            if isinstance(url, str):
                found.append(Link(url, _line_of(url, lines, start, end), child.type == "image"))
    return tuple(found)


def _walk(token: Token) -> Iterator[Token]:
    for child in token.children or []:
        yield child
        yield from _walk(child)


def _line_of(url: str, lines: list[str], start: int, end: int) -> int:
    """The line of the block where `url` is written (a reference definition may be elsewhere)."""
    probe = url[:40]
    for number in range(start, min(end, len(lines))):
        if probe in lines[number]:
            return number + 1
    for number, line in enumerate(lines):
        if probe in line:
            return number + 1
    return start + 1


def check_links(markdown: str, path: Path | None = None, *, first_line: int = 1) -> None:
    """Refuse the first link or image a published page must never carry.

    `first_line` is the line of `path` where `markdown` starts, so that the
    error names the file's own line.
    """
    for link in find_links(markdown):
        problem = link_problem(link.url)
        if problem:
            shown = link.url if len(link.url) <= 80 else link.url[:77] + "..."
            raise SourceError(f"{problem}: {shown}", path=path, line=link.line + first_line - 1)


def unsafe_links(markdown: str) -> list[tuple[Link, str]]:
    """Every link of `markdown` that may not be published, with the reason."""
    return [(link, reason.english()) for link, reason in unsafe_link_reasons(markdown)]


def unsafe_link_reasons(markdown: str) -> list[tuple[Link, Message]]:
    """Every link of `markdown` that may not be published, with the reason to translate."""
    out = []
    for link in find_links(markdown):
        problem = link_reason(link.url)
        if problem:
            out.append((link, problem))
    return out


def link_problem(url: str) -> str | None:
    """Why `url` may not appear in a release (in English), or None if it may."""
    reason = link_reason(url)
    return None if reason is None else reason.english()


def link_reason(url: str) -> Message | None:
    """Why `url` may not appear in a release, or None if it may."""
    url = _URL_NOISE.sub("", url).strip().replace("\\", "/")
    if not url or url.startswith("#"):
        return None  # a fragment of the page itself
    if url.startswith("//"):
        url = "http:" + url  # protocol-relative: the page's own scheme, http or https
    head = url.split("/", 1)[0]
    if ":" not in head:
        if ".." in url.split("/"):
            return Message.of(N_("links may not leave the release folder (..)"))
        return None  # a relative link inside the release
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme not in _SAFE_SCHEMES:
        return Message.of(
            N_("links with the scheme %(scheme)s are not allowed (only http, https, mailto, tel)"),
            scheme=repr(scheme),
        )
    if scheme in ("http", "https"):
        try:
            host = unquote(parts.hostname or "").lower().rstrip(".")
        except ValueError:
            return Message.of(N_("a link with a malformed host is not allowed"))
        return host_reason(host)
    return None


def host_problem(host: str) -> str | None:
    """Why a link to `host` may not be published (in English), or None."""
    reason = host_reason(host)
    return None if reason is None else reason.english()


def host_reason(host: str) -> Message | None:
    """Why a link to `host` may not be published (a local or private one), or None."""
    if not host:
        return Message.of(N_("a link without a host is not allowed"))
    address = _address(host)
    if address is not None:
        address = carried_ipv4(address)
        if not address.is_global:
            return Message.of(N_("links to private or local addresses are not allowed"))
        return None
    if host == "localhost" or host.endswith(_LOCAL_SUFFIXES) or "." not in host:
        return Message.of(N_("links to this machine or a local network are not allowed"))
    return None


#: IPv4-compatible IPv6 addresses (`::a.b.c.d`, RFC 4291 2.5.5.1, deprecated): `::` and
#: `::1` aside, an address of this block reaches the IPv4 host in its last 32 bits.
_IPV4_COMPATIBLE = ipaddress.IPv6Network("::/96")


def carried_ipv4(
    address: ipaddress.IPv4Address | ipaddress.IPv6Address,
) -> ipaddress.IPv4Address | ipaddress.IPv6Address:
    """The IPv4 address an IPv6 one carries (IPv4-mapped `::ffff:a.b.c.d` or IPv4-compatible
    `::a.b.c.d`), else `address` itself: a host is judged as the address it reaches."""
    if not isinstance(address, ipaddress.IPv6Address):
        return address
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address in _IPV4_COMPATIBLE and int(address) > 1:
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return address


def _address(host: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    """The IP address `host` names, in any notation a browser accepts; None for a name."""
    try:
        return ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        pass
    if re.fullmatch(r"[0-9a-fx.]+", host):
        try:
            return ipaddress.IPv4Address(socket.inet_aton(host))
        except OSError:
            return None
    return None

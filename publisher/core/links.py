"""Links a published release may carry, wherever they appear in its text.

The PDF renderer would try to fetch an image; a journalist's browser would
follow a link. A press release has no business pointing at local files, this
machine, the office's private network or inline `data:` payloads, so sources
and translations are both checked here before anything is stored or published.
"""

from __future__ import annotations

import ipaddress
import re
from pathlib import Path
from urllib.parse import urlsplit

from publisher.errors import SourceError

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

"""The HTML part of a message, made from the release's own web page.

The page `publisher build` writes (the same bytes, from the engine's cache) is
cut down to what a mail client should show: the letterhead, the embargo line,
the release and its end mark, with the CSS inlined into style attributes (mail
clients drop <style> blocks and ignore variables and flex). Nothing that would
reach out or run is left: no script, no remote image, stylesheet, frame, form,
meta refresh or event handler, no `url()` in any style, and no relative link
(it would point nowhere in a mailbox); http(s), mailto and tel links stay.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import css_inline
from lxml import etree
from lxml import html as lxml_html

_DROP_TAGS = (
    "script",
    "noscript",
    "iframe",
    "frame",
    "frameset",
    "object",
    "embed",
    "applet",
    "form",
    "input",
    "button",
    "select",
    "textarea",
    "link",
    "meta",
    "base",
    "style",
    "nav",
    "svg",
    "math",
    "template",
    "video",
    "audio",
    "source",
    "track",
    "picture",
)
_DROP_CLASSES = ("download", "languages")
_SAFE_HREF = re.compile(r"^(https?:|mailto:|tel:)", re.IGNORECASE)
_URL_IN_STYLE = re.compile(r"url\s*\(|expression\s*\(|@import", re.IGNORECASE)
#: <wbr> (the web page's break opportunities between Khmer words) is a void element that
#: libxml2's HTML parser does not know: it stands in as a private-use character meanwhile.
_WBR = re.compile(r"<wbr\s*/?>", re.IGNORECASE)
_WBR_MARK = "\ue000"


@dataclass(frozen=True)
class Section:
    """One language of the release, as it goes into a message."""

    lang: str
    page: bytes
    #: Shown above the title (the embargo line), plain text.
    banner: str | None = None
    #: "Attached: ..." under the release, plain text.
    note: str | None = None


def _clean(root: etree._Element) -> None:
    for element in list(root.iter()):
        if not isinstance(element.tag, str):  # comments, processing instructions
            parent = element.getparent()
            if parent is not None:
                element.drop_tree()
            continue
        tag = element.tag.lower()
        classes = set((element.get("class") or "").split())
        if tag in _DROP_TAGS or classes & set(_DROP_CLASSES):
            element.drop_tree()
            continue
        if tag == "img":  # no remote images: photos are attached or linked instead
            alt = element.get("alt") or ""
            parent = element.getparent()
            if alt and parent is not None:
                span = lxml_html.Element("span")
                span.text = f"[{alt}]"
                span.tail = element.tail
                parent.replace(element, span)
            else:
                element.drop_tree()
            continue
        for name in list(element.attrib):
            lowered = name.lower()
            if lowered.startswith("on") or lowered in ("srcset", "background", "formaction"):
                del element.attrib[name]
        href = element.get("href")
        if href is not None and not _SAFE_HREF.match(href.strip()):
            del element.attrib["href"]
            for extra in ("hreflang", "download", "type"):
                element.attrib.pop(extra, None)


def _section(section: Section) -> etree._Element:
    page = _WBR.sub(_WBR_MARK, section.page.decode("utf-8").replace(_WBR_MARK, ""))
    document = lxml_html.document_fromstring(page)
    body = document.find("body")
    if body is None:
        raise ValueError("the web page has no body")
    _clean(body)
    classes = " ".join(c for c in (body.get("class") or "").split() if c != "draft")
    wrapper = lxml_html.Element("div", {"class": f"mail {classes}".strip(), "lang": section.lang})
    for child in list(body):
        wrapper.append(child)
    if section.banner:
        banner = lxml_html.Element("p", {"class": "embargo"})
        banner.text = section.banner
        header = wrapper.find("header")
        if header is not None:
            header.addnext(banner)
        else:
            wrapper.insert(0, banner)
    if section.note:
        note = lxml_html.Element("p", {"class": "attached"})
        note.text = section.note
        article = wrapper.find(".//article")
        (article if article is not None else wrapper).append(note)
    return wrapper


def email_html(sections: Sequence[Section], css: str, *, title: str, footer: str) -> str:
    """One HTML document for the message: each language's page, then the list's footer."""
    lang = sections[0].lang
    document = lxml_html.document_fromstring(
        f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title></title><style></style></head><body></body></html>"
    )
    head_title = document.find(".//title")
    assert head_title is not None
    head_title.text = title
    style = document.find(".//style")
    assert style is not None
    style.text = css
    body = document.find("body")
    assert body is not None
    for index, section in enumerate(sections):
        if index:
            body.append(lxml_html.Element("hr", {"class": "language-break"}))
        body.append(_section(section))
    end = lxml_html.Element("p", {"class": "mail-footer"})
    end.text = footer
    body.append(end)
    text = lxml_html.tostring(document, encoding="unicode", doctype="<!DOCTYPE html>")
    inlined = css_inline.CSSInliner(
        keep_style_tags=False, keep_link_tags=False, load_remote_stylesheets=False
    ).inline(text)
    return _strip_remote_styles(inlined)


def _strip_remote_styles(text: str) -> str:
    """Drop any style declaration that could fetch something (a workspace's email.css)."""
    document = lxml_html.document_fromstring(text)
    for element in document.iter():
        style = element.get("style") if isinstance(element.tag, str) else None
        if style and _URL_IN_STYLE.search(style):
            kept = [d for d in style.split(";") if d.strip() and not _URL_IN_STYLE.search(d)]
            element.set("style", ";".join(kept))
    for element in document.iter("style", "link", "script"):
        element.drop_tree()
    out: str = lxml_html.tostring(document, encoding="unicode", doctype="<!DOCTYPE html>")
    return out.replace(_WBR_MARK, "<wbr>")

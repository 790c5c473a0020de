"""The web edition, the print HTML and the release's index page, from templates.

A broken template (a user's override in the workspace) is reported as a
one-line error naming the template and line, not a traceback.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from jinja2 import Environment, TemplateError, TemplateSyntaxError
from markupsafe import Markup, escape

from publisher.errors import RenderError
from publisher.render.khmer_breaks import insert_break_opportunities
from publisher.render.model import Publication


def render_template(env: Environment, name: str, **context: Any) -> str:
    """Render `name`; a broken (user-overridden) template is a one-line RenderError."""
    with _reported(name):
        return env.get_template(name).render(**context)


@contextmanager
def _reported(name: str) -> Iterator[None]:
    try:
        yield
    except TemplateSyntaxError as exc:
        raise RenderError(
            f"template error: {exc.message}", path=exc.filename or exc.name, line=exc.lineno
        ) from None
    except TemplateError as exc:
        raise RenderError(f"template error in {name}: {exc}") from None


@dataclass(frozen=True)
class PrintHtml:
    """The print page and its stylesheets, in cascade order (all of the same origin for
    WeasyPrint, after its own; none of them is in the page). The sheets of print.html:
    the language's (its fonts, bold and running heads), then print.css."""

    html: str
    stylesheets: tuple[str, ...] = ()


def render_print(env: Environment, pub: Publication, **context: Any) -> PrintHtml:
    """print.html, with the `stylesheets` it sets (none from an override that styles the
    page itself in a <style> element)."""
    with _reported("print.html"):
        page = env.get_template("print.html").make_module({"pub": pub, **context})
        sheets = getattr(page, "stylesheets", None) or ()
        if not isinstance(sheets, list | tuple) or not all(isinstance(s, str) for s in sheets):
            raise RenderError("template error in print.html: `stylesheets` is not a list of texts")
        return PrintHtml(str(page), tuple(str(sheet) for sheet in sheets))


TextFilter = Callable[[str], str]


def web_filters(lang: str, keep: frozenset[str] = frozenset()) -> dict[str, TextFilter]:
    """Khmer word boundaries for browsers, which do not all find them (as `<wbr>`);
    `keep`: names never broken inside (see khmer_breaks.insert_break_opportunities)."""
    if lang != "km":
        return {}
    return {
        "text_filter": functools.partial(insert_break_opportunities, keep=keep),
        "html_filter": khmer_wbr,
    }


def words(text: str, lang: str) -> Markup | str:
    """A template filter (`{{ e.title | words(e.lang) }}`): a Khmer text outside the
    segments (a site listing's title or summary) with its words kept whole, as a
    release page's are; any other text as it is (escaped by the template)."""
    if lang != "km":
        return text
    return Markup(khmer_wbr(insert_break_opportunities(str(escape(text)))))


_KHMER_WORD = re.compile("[\u1780-\u17ff\u19e0-\u19ff]+")


_TAG_OR_TEXT = re.compile(r"(<[^>]*>)")


def khmer_wbr(html_text: str) -> str:
    """Khmer words kept whole in browsers: each ICU word unbreakable, `<wbr>` between.

    Browsers break Khmer between syllables wherever a line runs out (CSS
    `word-break: keep-all` does not apply to it), which cuts words in two. The
    PDF renderer's U+200B word boundaries become `<wbr>`, and each Khmer word
    between them a `nowrap` span (a short run, such as a personal name, has no
    boundary inside: see khmer_breaks.WHOLE_RUN_MAX); copied text is unchanged.
    """
    parts = _TAG_OR_TEXT.split(html_text)
    for index, part in enumerate(parts):
        if not part or part.startswith("<"):
            continue
        words = part.split("\u200b")
        parts[index] = "<wbr>".join(
            _KHMER_WORD.sub(lambda m: f'<span class="w">{m.group()}</span>', word) for word in words
        )
    return "".join(parts)

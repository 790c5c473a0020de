"""The app's own pages: Jinja2 templates from the package, every value escaped.

Autoescaping is on for every template and nothing is marked safe, so a
segment, a name or a comment containing `<script>` is shown as text. The
templates carry no inline script and no style attribute: behaviour is in
static/app.js, looks in static/app.css (the Content-Security-Policy forbids
anything else). Static files are named with a hash of their content, so a
browser never runs yesterday's script against today's page.
"""

from __future__ import annotations

import hashlib
import json
from functools import cache
from pathlib import Path
from typing import Any

import jinja2

from publisher.core import languages
from publisher.core.messages import Message
from publisher.core.states import State
from publisher.qa import Finding, markup
from publisher.web import i18n, inline, words

PACKAGE = Path(__file__).resolve().parent
TEMPLATES = PACKAGE / "templates"
STATIC = PACKAGE / "static"

#: The files /static/ serves, and their types: a fixed list, never a path from a request.
STATIC_FILES: dict[str, str] = {
    "htmx.min.js": "text/javascript; charset=utf-8",
    "app.js": "text/javascript; charset=utf-8",
    "app.css": "text/css; charset=utf-8",
}

#: htmx settings for this app: no eval, no scripts from responses, no page snapshots in
#: the browser's storage, and refusals (409 changed meanwhile, 422 refused) swapped in
#: like answers, since they carry the segment as it is now.
HTMX_CONFIG = {
    "includeIndicatorStyles": False,
    "allowEval": False,
    "allowScriptTags": False,
    "historyCacheSize": 0,
    "historyEnabled": False,
    "attributesToSettle": ["class", "width", "height"],  # not "style": the CSP refuses it
    "selfRequestsOnly": True,
    "responseHandling": [
        {"code": "204", "swap": False},
        {"code": "[23]..", "swap": True},
        {"code": "409", "swap": True, "error": False},
        {"code": "422", "swap": True, "error": False},
        {"code": "[45]..", "swap": False, "error": True},
    ],
}


@cache
def static_version(name: str) -> str:
    return hashlib.sha256((STATIC / name).read_bytes()).hexdigest()[:12]


def static_url(name: str) -> str:
    return f"/static/{name}?v={static_version(name)}"


def lang_name(code: str, ui: str = "en") -> str:
    """A language's name as the reader of `ui` calls it (Khmer, ខ្មែរ, 高棉语)."""
    try:
        canonical = languages.get(code).code
    except Exception:  # an unknown code in an old history line is shown as it is
        return code
    gettext = i18n.translations(ui).gettext
    return gettext(words.LANGUAGES.get(canonical, canonical))


_MARKUP = {"bold": words.N_("bold"), "italic": words.N_("italics"), "code": words.N_("code")}


@cache
def environment(ui: str) -> jinja2.Environment:
    """The templates speaking `ui`: one environment per language, so that requests in
    different languages, answered in parallel threads, never share installed gettext."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        auto_reload=False,
        extensions=["jinja2.ext.i18n"],
    )
    translations = i18n.translations(ui)
    env.install_gettext_translations(translations, newstyle=True)  # type: ignore[attr-defined]  # added by jinja2.ext.i18n

    def say(text: Message | Finding | str | None) -> str:
        """A QA finding or a publishing-rule reason in the reader's language (an English
        sentence from elsewhere, an error's, as it is)."""
        if isinstance(text, Finding):
            return text.render(translations, ui)
        if isinstance(text, Message):
            return text.render(translations, ui)
        return text or ""

    def word(table: str, code: str | None) -> str:
        known = words.TABLES[table].get(code or "")
        return translations.gettext(known) if known else (code or "")

    def markup_differences(source: str, text: str) -> tuple[list[str], list[str]]:
        """What markup the source has and `text` lacks, and the reverse, in words."""
        have, want = markup.elements(text), markup.elements(source)
        missing: list[str] = []
        extra: list[str] = []
        for name in sorted(set(have) | set(want)):
            kind, _, address = name.partition(" ")
            if kind == "link":
                phrase = translations.gettext("the link to %(address)s") % {"address": address}
            else:
                phrase = translations.gettext(_MARKUP[kind])
            if have.get(name, 0) < want.get(name, 0):
                missing.append(phrase)
            elif have.get(name, 0) > want.get(name, 0):
                extra.append(phrase)
        return missing, extra

    env.globals.update(
        markup_differences=markup_differences,
        static_url=static_url,
        htmx_config=json.dumps(HTMX_CONFIG, separators=(",", ":")),
        State=State,
        lang_name=lambda code: lang_name(code, ui),
        native_name=languages.native_name,
        ui=ui,
        ui_languages=i18n.UI_LANGUAGES,
        word=word,
        say=say,
        num=lambda value: i18n.number(value, ui),
    )
    env.filters.update(
        when=lambda iso: i18n.when(iso, ui),
        moment=lambda value: i18n.moment(value, ui),
        day=lambda value: i18n.day(value, ui),
        num=lambda value: i18n.number(value, ui),
        inline=inline.render,
    )
    return env


def render(template: str, ui: str, /, **context: Any) -> str:
    """`template` rendered in the UI language `ui`."""
    return environment(ui).get_template(template).render(**context)

"""The app's own pages: Jinja2 templates from the package, every value escaped.

Autoescaping is on for every template and nothing is marked safe, so a
segment, a name or a comment containing `<script>` is shown as text. The
templates carry no inline script and no style attribute: behaviour is in
static/app.js, looks in static/app.css (the Content-Security-Policy forbids
anything else). Static files are named with a hash of their content, so a
browser never runs yesterday's script against today's page.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from functools import cache
from pathlib import Path
from typing import Any

import jinja2

from publisher.core import languages
from publisher.core.states import State

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


def when(iso: str | None) -> str:
    """A history time as people read it: `2026-12-01 21:18 UTC`."""
    if not iso:
        return ""
    try:
        moment = dt.datetime.fromisoformat(iso.replace("Z", "+00:00"))
    except ValueError:
        return iso
    if moment.tzinfo is None:
        return moment.strftime("%Y-%m-%d %H:%M")
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")


def moment(value: dt.datetime | None) -> str:
    """An embargo time with its offset: `2024-12-02 08:00 (UTC+07:00)`."""
    if value is None:
        return ""
    offset = value.strftime("%z")
    sign, hours, minutes = offset[:1], offset[1:3], offset[3:5]
    return f"{value.strftime('%Y-%m-%d %H:%M')} (UTC{sign}{hours}:{minutes})"


def lang_name(code: str) -> str:
    try:
        return languages.get(code).english_name
    except Exception:  # an unknown code in an old history line is shown as it is
        return code


@cache
def environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        auto_reload=False,
    )
    env.globals.update(
        static_url=static_url,
        htmx_config=json.dumps(HTMX_CONFIG, separators=(",", ":")),
        State=State,
        lang_name=lang_name,
        native_name=languages.native_name,
    )
    env.filters.update(when=when, moment=moment)
    return env


def render(template: str, **context: Any) -> str:
    return environment().get_template(template).render(**context)

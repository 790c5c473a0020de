"""The web edition: a publication through web.html, and the release's index page."""

from __future__ import annotations

from dataclasses import dataclass

from jinja2 import Environment

from publisher.publication import Alternate, Publication


def render_web(env: Environment, pub: Publication) -> str:
    return env.get_template("web.html").render(pub=pub)


def render_print(env: Environment, pub: Publication, **context: object) -> str:
    return env.get_template("print.html").render(pub=pub, **context)


@dataclass
class ReleaseIndex:
    title_text: str
    organisation: str
    doctype: str
    default_lang: str
    languages: list[Alternate]


def render_index(env: Environment, index: ReleaseIndex) -> str:
    return env.get_template("index.html").render(rel=index)

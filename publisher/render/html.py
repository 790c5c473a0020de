"""The web edition, the print HTML and the release's index page, from templates.

A broken template (a user's override in the workspace) is reported as a
one-line error naming the template and line, not a traceback.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from jinja2 import Environment, TemplateError, TemplateSyntaxError

from publisher.errors import RenderError
from publisher.publication import Alternate, Publication


def render_template(env: Environment, name: str, **context: Any) -> str:
    """Render `name`; a broken (user-overridden) template is a one-line RenderError."""
    try:
        return env.get_template(name).render(**context)
    except TemplateSyntaxError as exc:
        raise RenderError(
            f"template error: {exc.message}", path=exc.filename or exc.name, line=exc.lineno
        ) from None
    except TemplateError as exc:
        raise RenderError(f"template error in {name}: {exc}") from None


def render_print(env: Environment, pub: Publication, **context: Any) -> str:
    return render_template(env, "print.html", pub=pub, **context)


@dataclass
class ReleaseIndex:
    title_text: str
    organisation: str
    doctype: str
    default_lang: str
    languages: list[Alternate]

"""The review app: pages and decisions over HTTP, on top of the workflow functions.

Every change goes through the same functions as the CLI (`decisions.decide`,
`decide_shown`, `revert.revert_to_approved`), so it takes the release's lock,
is validated completely, written atomically and recorded in the history, with
the reviewer's name. The app keeps nothing of its own: the name lives in a
cookie, decisions in the release folders, previews in the workspace's cache.

Each decision is bound to what the reviewer was shown (the approval hash of
the source and translation, and the state): if somebody changed the segment
meanwhile, the decision is refused (409) and the segment is shown as it is now,
with the reviewer's own typed text kept in the editor.

Requests reach these endpoints only through `security.Guard` (host, token,
CSRF, body cap, headers).
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, unquote

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, RedirectResponse, Response
from starlette.routing import Route

from publisher.core import languages
from publisher.core.history import person_name
from publisher.core.release import Release, find_release, validate_slug
from publisher.core.states import State
from publisher.core.workspace import Workspace
from publisher.errors import (
    CatalogError,
    LockTimeout,
    PublisherError,
    ReviewRefused,
    SegmentChanged,
    UsageError,
)
from publisher.web import model, preview
from publisher.web.render import STATIC, STATIC_FILES, render
from publisher.web.security import FORM_KEY, PREVIEW_CSP, Guard, Settings
from publisher.workflow.decisions import Decision, Shown, decide, decide_shown
from publisher.workflow.revert import revert_to_approved
from publisher.workflow.session import load_catalog

_SEGMENT = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$")
#: Names are kept for a year in the browser (the reviewer gives theirs once).
NAME_MAX_AGE = 365 * 24 * 3600

_ACTIONS = {
    "approve": Decision.APPROVE,
    "review": Decision.REVIEW,
    "reject": Decision.REJECT,
    "edit": Decision.EDIT,
    "keep": Decision.EDIT,
}
_DONE = {
    "approve": "approved",
    "review": "marked reviewed",
    "reject": "rejected: back to draft",
    "edit": "saved",
    "keep": "kept: the translation now stands for the new source",
    "revert": "back to the approved text (approve it again)",
}


@dataclass
class Answer:
    """What a decision on one segment gives back: the status, a message, its tone."""

    status: int
    message: str
    tone: str
    kept: str | None = None  # the reviewer's text that was not saved


class ReviewApp:
    """The endpoints, sharing the settings and the server's memos."""

    def __init__(self, settings: Settings, caches: model.Caches) -> None:
        self.settings = settings
        self.caches = caches
        self.static = {name: (STATIC / name).read_bytes() for name in STATIC_FILES}

    # ------------------------------------------------------------- helpers

    def workspace(self) -> Workspace:
        return Workspace.load(self.settings.root)

    def reviewer(self, request: Request) -> str | None:
        raw = request.cookies.get(self.settings.reviewer_cookie)
        if not raw:
            return None
        try:
            return person_name(unquote(raw), "your name")
        except UsageError:
            return None

    def context(self, request: Request, **values: Any) -> dict[str, Any]:
        here = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return {
            "csrf": self.settings.csrf,
            "reviewer": self.reviewer(request),
            "here": here,
            "workspace": self.settings.root.name,
            "filters": model.FILTERS,
            "flash": None,
            "tone": "ok",
            **values,
        }

    @staticmethod
    def release(ws: Workspace, slug: str) -> Release:
        try:
            return find_release(ws.releases_dir, validate_slug(slug))
        except UsageError:
            raise HTTPException(404, f"There is no release {slug!r} in this workspace.") from None

    @staticmethod
    def target(release: Release, lang: str) -> str:
        try:
            return release.require_target(languages.canonical(lang))
        except UsageError as exc:
            raise HTTPException(404, exc.message) from None

    @staticmethod
    def segment(name: str) -> str:
        if not _SEGMENT.match(name):
            raise HTTPException(404, "There is no such segment.")
        return name

    @staticmethod
    def form(request: Request) -> dict[str, list[str]]:
        form: dict[str, list[str]] = request.scope.get(FORM_KEY, {})
        return form

    @staticmethod
    def field(form: dict[str, list[str]], name: str) -> str:
        values = form.get(name) or [""]
        return values[-1]

    # ------------------------------------------------------------- pages

    async def releases(self, request: Request) -> Response:
        def page() -> str:
            ws = self.workspace()
            summaries = model.release_summaries(ws, self.caches)
            return render(
                "releases.html",
                **self.context(request, releases=summaries, states=model.ORDER),
            )

        return HTMLResponse(await run_in_threadpool(page))

    async def review(self, request: Request) -> Response:
        filter_name = request.query_params.get("filter", model.DEFAULT_FILTER)

        def page() -> str:
            ws = self.workspace()
            release = self.release(ws, request.path_params["slug"])
            lang = self.target(release, request.path_params["lang"])
            data = model.review_page(
                ws, release, lang, filter_name, self.reviewer(request), self.caches
            )
            return render("review.html", **self.context(request, page=data))

        return HTMLResponse(await run_in_threadpool(page))

    async def history(self, request: Request) -> Response:
        def page() -> str:
            ws = self.workspace()
            release = self.release(ws, request.path_params["slug"])
            lang = request.path_params.get("lang") or request.query_params.get("lang")
            segment = request.path_params.get("segment")
            entry = None
            if lang:
                lang = self.target(release, lang)
            if segment:
                assert lang is not None
                try:
                    entry = load_catalog(release, lang).get(self.segment(segment))
                except CatalogError as exc:
                    raise HTTPException(404, exc.message) from None
            return render(
                "history.html",
                **self.context(
                    request,
                    release=release,
                    title=model.release_title(release, self.caches),
                    lang=lang,
                    segment=segment,
                    entry=entry,
                    events=model.segment_history(release, lang, segment),
                ),
            )

        return HTMLResponse(await run_in_threadpool(page))

    async def suggestions(self, request: Request) -> Response:
        def page() -> str:
            ws = self.workspace()
            release = self.release(ws, request.path_params["slug"])
            lang = self.target(release, request.path_params["lang"])
            segment = self.segment(request.path_params["segment"])
            try:
                found = model.suggestions(ws, release, lang, segment, self.caches)
            except CatalogError as exc:
                raise HTTPException(404, exc.message) from None
            return render(
                "suggestions.html", suggestions=found, lang=lang, target=f"text-{segment}"
            )

        return HTMLResponse(await run_in_threadpool(page))

    # ------------------------------------------------------------- the reviewer's name

    async def name_form(self, request: Request) -> Response:
        next_page = _local(request.query_params.get("next", "/"))
        return HTMLResponse(
            render(
                "name.html",
                **self.context(
                    request, next=next_page, name=self.reviewer(request) or "", error=None
                ),
            )
        )

    async def name_save(self, request: Request) -> Response:
        form = self.form(request)
        next_page = _local(self.field(form, "next"))
        raw = self.field(form, "name")
        try:
            if not raw.strip():
                raise UsageError("give your name: it is recorded with every decision you take")
            name = person_name(raw, "your name")
        except UsageError as exc:
            page = render(
                "name.html",
                **self.context(request, next=next_page, name=raw, error=exc.message),
            )
            return HTMLResponse(page, status_code=422)
        response = RedirectResponse(next_page, status_code=303)
        response.set_cookie(
            self.settings.reviewer_cookie,
            quote(name),
            max_age=NAME_MAX_AGE,
            path="/",
            httponly=True,
            samesite="strict",
        )
        return response

    # ------------------------------------------------------------- decisions

    async def decide_segment(self, request: Request) -> Response:
        form = self.form(request)
        action = self.field(form, "action")
        filter_name = self.field(form, "filter") or model.DEFAULT_FILTER
        htmx = request.headers.get("hx-request") == "true"
        reviewer = self.reviewer(request)

        def work() -> tuple[Answer, str, str, str, str | None, str]:
            """The decision, then (for htmx) the segment and counts as they are now."""
            ws = self.workspace()
            release = self.release(ws, request.path_params["slug"])
            lang = self.target(release, request.path_params["lang"])
            segment = self.segment(request.path_params["segment"])
            started = time.perf_counter()
            answer = self._apply(release, lang, segment, action, form, reviewer)
            decided = _ms(started)
            answering = time.perf_counter()
            if not htmx:
                return answer, release.slug, lang, segment, None, ""
            page, view = model.decision_answer(
                ws, release, lang, segment, filter_name, reviewer, self.caches
            )
            if answer.status == 200 and action in ("approve", "review") and view.errors:
                n = view.errors
                answer.message += (
                    f"; note: {n} QA error{'s' * (n != 1)} remain{'s' * (n == 1)}: the build "
                    f"refuses {'it' if n == 1 else 'them'}"
                )
                answer.tone = "warning"
            fragment = render(
                "segment.html",
                **self.context(
                    request,
                    page=page,
                    view=view,
                    flash=answer.message,
                    tone=answer.tone,
                    kept=answer.kept,
                ),
            )
            # How long the server spent (a Server-Timing header: the browser's developer
            # tools and benchmarks/serve.py read it).
            timing = f"decide;dur={decided}, answer;dur={_ms(answering)}"
            return answer, release.slug, lang, segment, fragment, timing

        answer, slug, lang, segment, fragment, timing = await run_in_threadpool(work)
        if fragment is None:
            if answer.status >= 400:
                return self._error_page(request, "Not saved", answer.message, answer.status)
            url = f"/r/{slug}/{lang}?filter={quote(filter_name)}#seg-{segment}"
            return RedirectResponse(url, status_code=303)
        headers = {"server-timing": timing}
        if answer.status == 200:
            headers["HX-Trigger"] = json.dumps(
                {"segment-decided": {"segment": segment, "action": action}}
            )
        return HTMLResponse(fragment, status_code=answer.status, headers=headers)

    def _apply(
        self,
        release: Release,
        lang: str,
        segment: str,
        action: str,
        form: dict[str, list[str]],
        reviewer: str | None,
    ) -> Answer:
        """Take the reviewer's decision on one segment through the workflow."""
        text = _lines(self.field(form, "text"))
        kept = text if action == "edit" else None
        if reviewer is None:
            return Answer(
                422,
                "Give your name first (top right): it is recorded with the decision.",
                "error",
                kept,
            )
        if action not in _ACTIONS and action != "revert":
            return Answer(400, f"Unknown action {action!r}.", "error", kept)
        state = self.field(form, "state")
        shown = Shown(
            approval_hash=self.field(form, "hash") or None,
            state=State(state) if state in {s.value for s in State} else None,
        )
        if shown.approval_hash is None or shown.state is None:
            return Answer(400, "This form lacks what it was shown; reload the page.", "error")
        try:
            if action == "revert":
                revert_to_approved(release, lang, segment, by=reviewer, shown=shown)
                return Answer(200, f"{segment}: {_DONE[action]}", "ok")
            if action == "keep":
                text = load_catalog(release, lang).get(segment).target
            stored = decide(
                release,
                lang,
                segment,
                _ACTIONS[action],
                by=reviewer,
                shown=shown,
                comment=_lines(self.field(form, "comment")).strip() or None,
                text=text,
            )
        except SegmentChanged as exc:
            return Answer(409, exc.message, "error", kept)
        except LockTimeout as exc:
            return Answer(409, exc.message, "error", kept)
        except ReviewRefused as exc:
            return Answer(422, exc.message, "error", kept)
        except CatalogError as exc:
            return Answer(404, exc.message, "error", kept)
        if stored is None:
            if action in ("edit", "keep"):
                return Answer(200, f"{segment}: the translation is unchanged", "info")
            return Answer(200, f"{segment}: already {action}d, nothing to save", "info")
        if stored.review is not None and stored.review.by != reviewer and action == "approve":
            return Answer(
                200,
                f"{segment}: {stored.review.by} approved it meanwhile; your approval is "
                "recorded in the history too",
                "ok",
            )
        return Answer(200, f"{segment}: {_DONE[action]}", "ok")

    async def decide_all(self, request: Request) -> Response:
        form = self.form(request)
        action = self.field(form, "action") or "approve"
        filter_name = self.field(form, "filter") or model.DEFAULT_FILTER
        reviewer = self.reviewer(request)
        htmx = request.headers.get("hx-request") == "true"

        def work() -> str:
            ws = self.workspace()
            release = self.release(ws, request.path_params["slug"])
            lang = self.target(release, request.path_params["lang"])
            flash, tone = self._apply_all(release, lang, action, form, reviewer)
            page = model.review_page(ws, release, lang, filter_name, reviewer, self.caches)
            context = self.context(request, page=page, flash=flash, tone=tone)
            return render("_review_main.html" if htmx else "review.html", **context)

        return HTMLResponse(await run_in_threadpool(work))

    def _apply_all(
        self,
        release: Release,
        lang: str,
        action: str,
        form: dict[str, list[str]],
        reviewer: str | None,
    ) -> tuple[str, str]:
        if reviewer is None:
            return "Give your name first (top right): it is recorded with every decision.", "error"
        if action not in ("approve", "review"):
            return f"Unknown action {action!r}.", "error"
        shown: dict[str, Shown] = {}
        for value in form.get("shown", []):
            parts = value.split(" ")
            if len(parts) != 3 or parts[2] not in {s.value for s in State}:
                return "This form is damaged; reload the page.", "error"
            shown[parts[0]] = Shown(approval_hash=parts[1], state=State(parts[2]))
        try:
            report = decide_shown(release, lang, shown, _ACTIONS[action], by=reviewer)
        except PublisherError as exc:
            return exc.message, "error"
        verb = "approved" if action == "approve" else "marked reviewed"
        parts = [f"{len(report.decided)} {verb}"]
        if report.unchanged:
            parts.append(f"{len(report.unchanged)} already {verb}")
        if report.confirmed:
            parts.append(f"your approval of {', '.join(report.confirmed)} is recorded too")
        message = "; ".join(parts) + "."
        if report.refused:
            listed = "; ".join(f"{reason}" for reason in report.refused.values())
            message += f" Not {verb}: {listed}"
            return message, "warning"
        return message, "ok"

    # ------------------------------------------------------------- preview and files

    async def preview_page(self, request: Request) -> Response:
        build = request.method == "POST"

        def page() -> str:
            ws = self.workspace()
            release = self.release(ws, request.path_params["slug"])
            lang = request.path_params["lang"]
            if lang != release.meta.source_language:
                lang = self.target(release, lang)
            made = (
                preview.build(ws, release, lang) if build else preview.existing(ws, release, lang)
            )
            return render(
                "preview.html",
                **self.context(
                    request,
                    release=release,
                    lang=lang,
                    files=made.files,
                    built=made.built,
                    problems=made.problems,
                ),
            )

        return HTMLResponse(await run_in_threadpool(page))

    async def preview_file(self, request: Request) -> Response:
        ws = self.workspace()
        release = self.release(ws, request.path_params["slug"])
        path = preview.preview_file(ws, release, request.path_params["name"])
        if path is None:
            raise HTTPException(404, "No such preview: build it from the preview page first.")
        if path.suffix == ".html":
            return FileResponse(
                path,
                media_type="text/html; charset=utf-8",
                headers={"content-security-policy": PREVIEW_CSP},
            )
        return FileResponse(
            path,
            media_type="application/pdf",
            headers={"content-disposition": f'inline; filename="{release.slug}-{path.name}"'},
        )

    async def static_file(self, request: Request) -> Response:
        name = request.path_params["name"]
        if name not in self.static:
            raise HTTPException(404, "No such file.")
        return Response(
            self.static[name],
            media_type=STATIC_FILES[name],
            headers={"cache-control": "private, max-age=86400"},
        )

    # ------------------------------------------------------------- errors

    def _error_page(self, request: Request, heading: str, message: str, status: int) -> Response:
        page = render("error.html", **self.context(request, heading=heading, message=message))
        return HTMLResponse(page, status_code=status)

    async def http_error(self, request: Request, exc: Exception) -> Response:
        assert isinstance(exc, HTTPException)
        heading = "Not found" if exc.status_code == 404 else "Refused"
        return self._error_page(request, heading, str(exc.detail), exc.status_code)

    async def publisher_error(self, request: Request, exc: Exception) -> Response:
        assert isinstance(exc, PublisherError)
        status = 409 if isinstance(exc, LockTimeout) else 400
        return self._error_page(request, "Something is wrong", exc.format(), status)


def _ms(since: float) -> str:
    return f"{(time.perf_counter() - since) * 1000:.1f}"


def _lines(text: str) -> str:
    """Form text with the browser's CRLF line ends made LF, as the catalogs keep them."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _local(target: str) -> str:
    """A page of this app to go back to, never another site (`//evil`, `https:`)."""
    if not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target


Endpoint = Callable[[Request], Awaitable[Response]]


def create_app(settings: Settings, caches: model.Caches | None = None) -> Guard:
    """The ASGI app for `settings`, wrapped in its guard (`caches`: the memos to use)."""
    app = ReviewApp(settings, caches or model.Caches())
    routes = [
        Route("/", app.releases),
        Route("/name", app.name_form, methods=["GET"]),
        Route("/name", app.name_save, methods=["POST"]),
        Route("/static/{name}", app.static_file),
        Route("/preview/{slug}/{name}", app.preview_file),
        Route("/r/{slug}/history", app.history),
        Route("/r/{slug}/{lang}", app.review),
        Route("/r/{slug}/{lang}/all", app.decide_all, methods=["POST"]),
        Route("/r/{slug}/{lang}/preview", app.preview_page, methods=["GET", "POST"]),
        Route("/r/{slug}/{lang}/s/{segment}", app.decide_segment, methods=["POST"]),
        Route("/r/{slug}/{lang}/s/{segment}/history", app.history),
        Route("/r/{slug}/{lang}/s/{segment}/suggestions", app.suggestions),
    ]
    starlette = Starlette(
        routes=routes,
        exception_handlers={
            HTTPException: app.http_error,
            PublisherError: app.publisher_error,
        },
    )
    return Guard(starlette, settings)

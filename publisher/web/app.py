"""The review app: pages and decisions over HTTP, on top of the workflow functions.

Every change goes through the same functions as the CLI (`decisions.decide`,
`decide_shown`, `revert.revert_to_approved`), so it takes the release's lock,
is validated completely, written atomically and recorded in the history, with
the reviewer's name. The app keeps nothing of its own: decisions live in the
release folders, previews in the workspace's cache, and who decides comes
from the request (`security.Visitor`):

* with a register of reviewers, a personal link's reviewer decides, under the
  register's name, with `link` evidence sealed by this machine's link key
  (core/link_mac.py), and only in their languages; the office link views
  everything and decides nothing; there is no name form;
* without one, the reviewer types a name once (kept in a cookie), recorded as
  `typed` evidence.

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
from typing import Any
from urllib.parse import quote, unquote

from babel.support import NullTranslations
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, RedirectResponse, Response
from starlette.routing import Route

from publisher.core import languages
from publisher.core.approvals import load_catalog
from publisher.core.history import person_name
from publisher.core.link_mac import ensure_key
from publisher.core.release import BOILERPLATE, Release, find_release, validate_slug
from publisher.core.reviewers import Evidence
from publisher.core.states import ORDER, State
from publisher.core.workspace import Workspace
from publisher.errors import (
    CatalogError,
    LockTimeout,
    PublisherError,
    ReviewRefused,
    SegmentChanged,
    UnfinishedChange,
    UsageError,
)
from publisher.publishing.resident import ResidentRenderer
from publisher.web import i18n, model, preview
from publisher.web.answers import ACTIONS, Answer, done, form_text, not_yours
from publisher.web.render import STATIC, STATIC_FILES, render
from publisher.web.security import (
    FORM_KEY,
    PREVIEW_CSP,
    VISITOR_KEY,
    Guard,
    Settings,
    Visitor,
    csrf_token,
    local_path,
)
from publisher.workflow.decisions import Shown, decide, decide_shown
from publisher.workflow.revert import revert_to_approved

_SEGMENT = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$")
#: Names are kept for a year in the browser (the reviewer gives theirs once).
NAME_MAX_AGE = 365 * 24 * 3600


class ReviewApp:
    """The endpoints, sharing the settings and the server's memos."""

    def __init__(
        self, settings: Settings, caches: model.Caches, renderer: ResidentRenderer | None = None
    ) -> None:
        self.settings = settings
        self.caches = caches
        #: the server's warm renderer for draft previews (None: they render in this process)
        self.renderer = renderer
        self.static = {name: (STATIC / name).read_bytes() for name in STATIC_FILES}

    # ------------------------------------------------------------- helpers

    def workspace(self) -> Workspace:
        return Workspace.load(self.settings.root)

    @staticmethod
    def visitor(request: Request) -> Visitor:
        found = request.scope.get(VISITOR_KEY)
        return found if isinstance(found, Visitor) else Visitor(None, "office")

    def reviewer(self, request: Request) -> str | None:
        """Who decides: a personal link's reviewer, else (without a register) the name the
        reviewer typed; None for the office link of a workspace with a register."""
        visitor = self.visitor(request)
        if visitor.reviewer is not None:
            return visitor.reviewer.name
        if visitor.registered:
            return None
        raw = request.cookies.get(self.settings.reviewer_cookie)
        if not raw:
            return None
        try:
            return person_name(unquote(raw), "your name")
        except UsageError:
            return None

    def reviewer_language(self, request: Request) -> str | None:
        """The first language of the reviewer's register entry, when they came by their
        personal link (the office link and typed names: the browser and the switch)."""
        visitor = self.visitor(request)
        if visitor.reviewer is not None and visitor.reviewer.langs:
            return visitor.reviewer.langs[0]
        return None

    def ui(self, request: Request) -> str:
        """The language the pages speak to this reviewer (see i18n.choose)."""
        return i18n.choose(
            request.cookies.get(i18n.COOKIE),
            self.reviewer_language(request),
            request.headers.get("accept-language"),
        )

    def tr(self, request: Request) -> NullTranslations:
        return i18n.translations(self.ui(request))

    def page(self, request: Request, template: str, **values: Any) -> str:
        """`template` rendered for this request, in the reviewer's language."""
        context = self.context(request, **values)
        return render(template, context["ui"], **context)

    def context(self, request: Request, **values: Any) -> dict[str, Any]:
        here = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        visitor = self.visitor(request)
        return {
            "ui": self.ui(request),
            "csrf": csrf_token(self.settings, visitor),
            "reviewer": self.reviewer(request),
            "by_link": visitor.by_link,
            "view_only": visitor.registered and not visitor.by_link,
            "here": here,
            "workspace": self.settings.root.name,
            "filters": model.FILTERS,
            "flash": None,
            "tone": "ok",
            **values,
        }

    def release(self, request: Request, ws: Workspace, slug: str) -> Release:
        """A release of the workspace, or its boilerplate (reviewed like a release)."""
        try:
            return find_release(
                ws.releases_dir,
                slug if slug == BOILERPLATE else validate_slug(slug),
                exact=True,
            )
        except UsageError:
            if slug == BOILERPLATE:
                message = self.tr(request).gettext("This workspace has no boilerplate.")
            else:
                message = self.tr(request).gettext(
                    "There is no release %(slug)s in this workspace."
                ) % {"slug": repr(slug)}
            raise HTTPException(404, message) from None

    def target(self, request: Request, release: Release, lang: str) -> str:
        try:
            return release.require_target(languages.canonical(lang))
        except UsageError:
            raise HTTPException(
                404,
                self.tr(request).gettext("This release is not translated into %(lang)s.")
                % {"lang": lang},
            ) from None

    def addressed(self, request: Request) -> tuple[Workspace, Release, str, str]:
        """The workspace, release, language and segment a segment's URL names (404 for
        one that does not exist)."""
        ws = self.workspace()
        release = self.release(request, ws, request.path_params["slug"])
        lang = self.target(request, release, request.path_params["lang"])
        return ws, release, lang, self.segment(request, request.path_params["segment"])

    def segment(self, request: Request, name: str) -> str:
        if not _SEGMENT.match(name):
            raise HTTPException(404, self.tr(request).gettext("There is no such segment."))
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
            return self.page(
                request,
                "releases.html",
                releases=summaries,
                states=ORDER,
                boilerplate=model.boilerplate_summary(ws, self.caches),
                held_back=model.held_back(summaries),
            )

        return HTMLResponse(await run_in_threadpool(_settled, page))

    async def review(self, request: Request) -> Response:
        filter_name = request.query_params.get("filter", model.DEFAULT_FILTER)

        def page() -> str:
            ws = self.workspace()
            release = self.release(request, ws, request.path_params["slug"])
            lang = self.target(request, release, request.path_params["lang"])
            data = model.review_page(
                ws, release, lang, filter_name, self.reviewer(request), self.caches
            )
            return self.page(request, "review.html", page=data)

        return HTMLResponse(await run_in_threadpool(_settled, page))

    async def history(self, request: Request) -> Response:
        def page() -> str:
            ws = self.workspace()
            release = self.release(request, ws, request.path_params["slug"])
            lang = request.path_params.get("lang") or request.query_params.get("lang")
            segment = request.path_params.get("segment")
            entry = None
            if lang:
                lang = self.target(request, release, lang)
            if segment:
                assert lang is not None
                try:
                    entry = load_catalog(release, lang).get(self.segment(request, segment))
                except CatalogError:
                    raise HTTPException(
                        404, self.tr(request).gettext("There is no such segment.")
                    ) from None
            return self.page(
                request,
                "history.html",
                release=release,
                title=model.release_title(release, self.caches),
                lang=lang,
                segment=segment,
                entry=entry,
                events=model.segment_history(release, lang, segment),
            )

        return HTMLResponse(await run_in_threadpool(_settled, page))

    async def suggestions(self, request: Request) -> Response:
        def page() -> str:
            ws, release, lang, segment = self.addressed(request)
            try:
                found = model.suggestions(ws, release, lang, segment, self.caches)
            except CatalogError as exc:
                raise HTTPException(404, exc.message) from None
            return render(
                "suggestions.html",
                self.ui(request),
                suggestions=found,
                lang=lang,
                target=f"text-{segment}",
            )

        return HTMLResponse(await run_in_threadpool(_settled, page))

    async def rendered(self, request: Request) -> Response:
        """The editor's live preview: the typed text as readers will see it, and the
        markup it lost or gained against the source. Nothing is saved."""
        form = self.form(request)

        def page() -> str:
            ws, release, lang, segment = self.addressed(request)
            try:
                source, terms = model.segment_source(ws, release, lang, segment)
            except CatalogError as exc:
                raise HTTPException(404, exc.message) from None
            return render(
                "_rendered.html",
                self.ui(request),
                text=form_text(self.field(form, "text")),
                source=source,
                terms=terms,
                lang=lang,
            )

        return HTMLResponse(await run_in_threadpool(_settled, page))

    # ------------------------------------------------------------- the reviewer's name

    def _no_names(self, request: Request) -> Response | None:
        """With a register, nobody types a name: reviewers come through personal links."""
        visitor = self.visitor(request)
        if not visitor.registered:
            return None
        t = self.tr(request)
        who = visitor.reviewer.name if visitor.reviewer is not None else None
        if who:
            message = t.gettext("You are %(name)s, by your personal link: nothing to type.") % {
                "name": who
            }
        else:
            message = t.gettext(
                "Names are not typed here: each reviewer opens the personal link the press "
                "office sent them (publisher reviewers invite NAME). This office link can view "
                "everything but decide nothing."
            )
        heading = t.gettext("Reviewers come by personal link")
        return self._error_page(request, heading, message, 403)

    async def name_form(self, request: Request) -> Response:
        refused = self._no_names(request)
        if refused is not None:
            return refused
        next_page = local_path(request.query_params.get("next", "/"))
        return HTMLResponse(
            self.page(
                request, "name.html", next=next_page, name=self.reviewer(request) or "", error=None
            )
        )

    async def language(self, request: Request) -> Response:
        """The switch on every page: remember the reviewer's language, go back."""
        next_page = local_path(request.query_params.get("next", "/"))
        response = RedirectResponse(next_page, status_code=303)
        chosen = i18n.known(request.query_params.get("to"))
        if chosen is not None:
            response.set_cookie(
                i18n.COOKIE,
                chosen,
                max_age=i18n.COOKIE_MAX_AGE,
                path="/",
                httponly=True,
                samesite="strict",
                secure=self.settings.secure_cookies,
            )
        return response

    async def name_save(self, request: Request) -> Response:
        refused = self._no_names(request)
        if refused is not None:
            return refused
        form = self.form(request)
        next_page = local_path(self.field(form, "next"))
        raw = self.field(form, "name")
        t = self.tr(request)
        try:
            name = person_name(raw, "your name")
        except UsageError:
            if raw.strip():
                message = t.gettext(
                    "Your name must be one plain line of at most 100 characters, "
                    "without [ ] or control characters."
                )
            else:
                message = t.gettext("Give your name: it is recorded with every decision you take.")
            page = self.page(request, "name.html", next=next_page, name=raw, error=message)
            return HTMLResponse(page, status_code=422)
        response = RedirectResponse(next_page, status_code=303)
        response.set_cookie(
            self.settings.reviewer_cookie,
            quote(name),
            max_age=NAME_MAX_AGE,
            path="/",
            httponly=True,
            samesite="strict",
            secure=self.settings.secure_cookies,
        )
        return response

    # ------------------------------------------------------------- decisions

    async def decide_segment(self, request: Request) -> Response:
        form = self.form(request)
        action = self.field(form, "action")
        filter_name = self.field(form, "filter") or model.DEFAULT_FILTER
        htmx = request.headers.get("hx-request") == "true"
        reviewer = self.reviewer(request)
        t = self.tr(request)
        visitor = self.visitor(request)

        def work() -> tuple[Answer, str, str, str, str | None, str]:
            """The decision, then (for htmx) the segment and counts as they are now."""
            ws, release, lang, segment = self.addressed(request)
            started = time.perf_counter()
            answer = self._apply(t, release, lang, segment, action, form, reviewer, visitor)
            decided = _ms(started)
            answering = time.perf_counter()
            if not htmx:
                return answer, release.slug, lang, segment, None, ""
            page, view = model.decision_answer(
                ws, release, lang, segment, filter_name, reviewer, self.caches
            )
            if answer.status == 200 and action in ("approve", "review") and view.errors:
                n = view.errors
                answer.message += " " + t.ngettext(
                    "Note: %(num)s QA error remains; the build refuses it.",
                    "Note: %(num)s QA errors remain; the build refuses them.",
                    n,
                ) % {"num": i18n.number(n, self.ui(request))}
                answer.tone = "warning"
            fragment = self.page(
                request,
                "segment.html",
                page=page,
                view=view,
                flash=answer.message,
                tone=answer.tone,
                kept=answer.kept,
            )
            # How long the server spent (a Server-Timing header: the browser's developer
            # tools and benchmarks/serve.py read it).
            timing = f"decide;dur={decided}, answer;dur={_ms(answering)}"
            return answer, release.slug, lang, segment, fragment, timing

        answer, slug, lang, segment, fragment, timing = await run_in_threadpool(work)
        if fragment is None:
            if answer.status >= 400:
                return self._error_page(
                    request, t.gettext("Not saved"), answer.message, answer.status
                )
            url = f"/r/{slug}/{lang}?filter={quote(filter_name)}#seg-{segment}"
            return RedirectResponse(url, status_code=303)
        headers = {"server-timing": timing}
        # The page's script says in the toast what was decided and where the focus went
        # (ASCII JSON: a header carries no Khmer bytes).
        event = "segment-decided" if answer.status == 200 else "segment-refused"
        headers["HX-Trigger"] = json.dumps(
            {event: {"segment": segment, "action": action, "message": answer.message}}
        )
        return HTMLResponse(fragment, status_code=answer.status, headers=headers)

    def _apply(
        self,
        t: NullTranslations,
        release: Release,
        lang: str,
        segment: str,
        action: str,
        form: dict[str, list[str]],
        reviewer: str | None,
        visitor: Visitor,
    ) -> Answer:
        """Take the reviewer's decision on one segment through the workflow."""
        text = form_text(self.field(form, "text"))
        kept = text if action == "edit" else None
        refusal = not_yours(t, visitor, lang)
        if refusal is not None:  # 422 as a refused decision: the segment shows why
            return Answer(422, refusal, "error", kept)
        if reviewer is None:
            return Answer(
                422,
                t.gettext("Give your name first (top right): it is recorded with the decision."),
                "error",
                kept,
            )
        if action not in ACTIONS and action != "revert":
            return Answer(
                400,
                t.gettext("Unknown action %(action)s.") % {"action": repr(action)},
                "error",
                kept,
            )
        state = self.field(form, "state")
        shown = Shown(
            approval_hash=self.field(form, "hash") or None,
            state=State(state) if state in {s.value for s in State} else None,
        )
        if shown.approval_hash is None or shown.state is None:
            return Answer(
                400, t.gettext("This form lacks what it was shown; reload the page."), "error"
            )
        refused = t.gettext("Segment %(segment)s not saved: %(reason)s")
        try:
            link_key = ensure_key() if visitor.by_link else None
        except UsageError as exc:  # the server's key cannot be made or read: say so
            return Answer(503, refused % {"segment": segment, "reason": exc.message}, "error", kept)
        try:
            if action == "revert":
                revert_to_approved(release, lang, segment, by=reviewer, shown=shown)
                return Answer(200, done(t, action, segment), "ok")
            if action == "keep":
                text = load_catalog(release, lang).get(segment).target
            stored = decide(
                release,
                lang,
                segment,
                ACTIONS[action],
                by=reviewer,
                shown=shown,
                comment=form_text(self.field(form, "comment")).strip() or None,
                text=text,
                evidence=Evidence.LINK if visitor.by_link else Evidence.TYPED,
                link_key=link_key,
            )
        except (SegmentChanged, LockTimeout) as exc:
            return Answer(409, refused % {"segment": segment, "reason": exc.message}, "error", kept)
        except ReviewRefused as exc:
            return Answer(422, refused % {"segment": segment, "reason": exc.message}, "error", kept)
        except CatalogError as exc:
            return Answer(404, refused % {"segment": segment, "reason": exc.message}, "error", kept)
        if stored is None:
            if action in ("edit", "keep"):
                message = t.gettext("Segment %(segment)s: the translation is unchanged.")
            else:
                message = t.gettext("Segment %(segment)s was already so; nothing to save.")
            return Answer(200, message % {"segment": segment}, "info")
        if stored.review is not None and stored.review.by != reviewer and action == "approve":
            return Answer(
                200,
                t.gettext(
                    "Segment %(segment)s: %(name)s approved it meanwhile; your approval is "
                    "recorded in the history too."
                )
                % {"segment": segment, "name": stored.review.by},
                "ok",
            )
        return Answer(200, done(t, action, segment), "ok")

    async def decide_all(self, request: Request) -> Response:
        form = self.form(request)
        action = self.field(form, "action") or "approve"
        filter_name = self.field(form, "filter") or model.DEFAULT_FILTER
        reviewer = self.reviewer(request)
        visitor = self.visitor(request)
        htmx = request.headers.get("hx-request") == "true"

        def work() -> str:
            ws = self.workspace()
            release = self.release(request, ws, request.path_params["slug"])
            lang = self.target(request, release, request.path_params["lang"])
            flash, tone = self._apply_all(
                self.ui(request), release, lang, action, form, reviewer, visitor
            )
            page = model.review_page(ws, release, lang, filter_name, reviewer, self.caches)
            template = "_review_main.html" if htmx else "review.html"
            return self.page(request, template, page=page, flash=flash, tone=tone)

        return HTMLResponse(await run_in_threadpool(work))

    def _apply_all(
        self,
        ui: str,
        release: Release,
        lang: str,
        action: str,
        form: dict[str, list[str]],
        reviewer: str | None,
        visitor: Visitor,
    ) -> tuple[str, str]:
        t = i18n.translations(ui)
        refusal = not_yours(t, visitor, lang)
        if refusal is not None:
            return refusal, "error"
        if reviewer is None:
            message = t.gettext(
                "Give your name first (top right): it is recorded with every decision."
            )
            return message, "error"
        if action not in ("approve", "review"):
            return t.gettext("Unknown action %(action)s.") % {"action": repr(action)}, "error"
        shown: dict[str, Shown] = {}
        for value in form.get("shown", []):
            parts = value.split(" ")
            if len(parts) != 3 or parts[2] not in {s.value for s in State}:
                return t.gettext("This form is damaged; reload the page."), "error"
            shown[parts[0]] = Shown(approval_hash=parts[1], state=State(parts[2]))
        try:
            report = decide_shown(
                release,
                lang,
                shown,
                ACTIONS[action],
                by=reviewer,
                evidence=Evidence.LINK if visitor.by_link else Evidence.TYPED,
                link_key=ensure_key() if visitor.by_link else None,
            )
        except PublisherError as exc:
            return exc.message, "error"
        n = len(report.decided)
        if action == "approve":
            parts = [t.ngettext("%(num)s segment approved.", "%(num)s segments approved.", n)]
            already = t.gettext("%(num)s were already approved.")
        else:
            parts = [
                t.ngettext(
                    "%(num)s segment marked reviewed.", "%(num)s segments marked reviewed.", n
                )
            ]
            already = t.gettext("%(num)s were already marked reviewed.")
        parts[0] %= {"num": i18n.number(n, ui)}
        if report.unchanged:
            parts.append(already % {"num": i18n.number(len(report.unchanged), ui)})
        if report.confirmed:
            parts.append(
                t.gettext("Your approval of %(segments)s is recorded too.")
                % {"segments": ", ".join(report.confirmed)}
            )
        message = " ".join(parts)
        if report.refused:
            listed = "; ".join(f"{reason}" for reason in report.refused.values())
            message += " " + t.gettext("Not decided: %(reasons)s") % {"reasons": listed}
            return message, "warning"
        return message, "ok"

    # ------------------------------------------------------------- preview and files

    async def preview_page(self, request: Request) -> Response:
        build = request.method == "POST"

        def page() -> str:
            ws = self.workspace()
            release = self.release(request, ws, request.path_params["slug"])
            if release.slug == BOILERPLATE:
                raise HTTPException(
                    404,
                    self.tr(request).gettext(
                        "The boilerplate has no preview of its own: preview a release that "
                        "carries it."
                    ),
                )
            lang = request.path_params["lang"]
            if lang != release.meta.source_language:
                lang = self.target(request, release, lang)
            made = (
                preview.build(ws, release, lang, self.renderer)
                if build
                else preview.existing(ws, release, lang)
            )
            return self.page(
                request,
                "preview.html",
                release=release,
                lang=lang,
                files=made.files,
                built=made.built,
                problems=made.problems,
            )

        return HTMLResponse(await run_in_threadpool(page))

    async def preview_file(self, request: Request) -> Response:
        ws = self.workspace()
        release = self.release(request, ws, request.path_params["slug"])
        path = preview.preview_file(ws, release, request.path_params["name"])
        if path is None:
            raise HTTPException(
                404,
                self.tr(request).gettext("No such preview: build it from the preview page first."),
            )
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
            raise HTTPException(404, self.tr(request).gettext("No such file."))
        return Response(
            self.static[name],
            media_type=STATIC_FILES[name],
            headers={"cache-control": "private, max-age=86400"},
        )

    # ------------------------------------------------------------- errors

    def _error_page(self, request: Request, heading: str, message: str, status: int) -> Response:
        page = self.page(request, "error.html", heading=heading, message=message)
        return HTMLResponse(page, status_code=status)

    async def http_error(self, request: Request, exc: Exception) -> Response:
        assert isinstance(exc, HTTPException)
        t = self.tr(request)
        heading = t.gettext("Not found") if exc.status_code == 404 else t.gettext("Refused")
        return self._error_page(request, heading, str(exc.detail), exc.status_code)

    async def publisher_error(self, request: Request, exc: Exception) -> Response:
        assert isinstance(exc, PublisherError)
        status = 409 if isinstance(exc, LockTimeout) else 400
        heading = self.tr(request).gettext("Something is wrong")
        return self._error_page(request, heading, exc.format(), status)


def _settled(read: Callable[[], str]) -> str:
    """`read()`, waiting for a change another request is committing right now.

    A release being written has its journal's manifest on disk until the writer has
    applied it (a few milliseconds); a reader that comes in between is refused as if the
    change had been interrupted. Reading again shortly after gives what was committed;
    a journal that stays is a real interrupted change, reported as before.
    """
    for _ in range(40):
        try:
            return read()
        except UnfinishedChange:
            time.sleep(0.025)
    return read()


def _ms(since: float) -> str:
    return f"{(time.perf_counter() - since) * 1000:.1f}"


Endpoint = Callable[[Request], Awaitable[Response]]


def create_app(
    settings: Settings,
    caches: model.Caches | None = None,
    renderer: ResidentRenderer | None = None,
) -> Guard:
    """The ASGI app for `settings`, wrapped in its guard (`caches`: the memos to use;
    `renderer`: the warm renderer that builds draft previews)."""
    app = ReviewApp(settings, caches or model.Caches(), renderer)
    routes = [
        Route("/", app.releases),
        Route("/name", app.name_form, methods=["GET"]),
        Route("/name", app.name_save, methods=["POST"]),
        Route("/language", app.language, methods=["GET"]),
        Route("/static/{name}", app.static_file),
        Route("/preview/{slug}/{name}", app.preview_file),
        Route("/r/{slug}/history", app.history),
        Route("/r/{slug}/{lang}", app.review),
        Route("/r/{slug}/{lang}/all", app.decide_all, methods=["POST"]),
        Route("/r/{slug}/{lang}/preview", app.preview_page, methods=["GET", "POST"]),
        Route("/r/{slug}/{lang}/s/{segment}", app.decide_segment, methods=["POST"]),
        Route("/r/{slug}/{lang}/s/{segment}/history", app.history),
        Route("/r/{slug}/{lang}/s/{segment}/suggestions", app.suggestions),
        Route("/r/{slug}/{lang}/s/{segment}/render", app.rendered, methods=["POST"]),
    ]
    starlette = Starlette(
        routes=routes,
        exception_handlers={
            HTTPException: app.http_error,
            PublisherError: app.publisher_error,
        },
    )
    return Guard(starlette, settings)

"""What `publisher site` keeps of a release it fails to build: what was published before.

A failed step (an error: a damaged or missing photo, a PDF that does not render, a release
that cannot be read) says nothing about whether a release belongs on the site; the
publishing rule, an embargo and the release's removal do. So a build that fails a release
leaves what an earlier build published of it as it was, as a static-site tool leaves its
output when a page fails, and says so; it never deletes published pages (nor, at the next
`rsync --delete`, the web server's copy, breaking every link to them) because of a failure.

A release is kept whole, all its languages from the one earlier build that published it,
even when only one language failed: a language's pages then never say something other
than the others' (the office's translations say what the source says), and the new
version appears, every language at once, at the first build where it builds in full.

What is kept:

- its files: every file an earlier build wrote under `releases/<slug>/` is left as it is
  (not pruned), but for the languages the publishing rule no longer allows (refused, or no
  longer a language of the release), which are removed as they are without a failure. A
  release whose plan failed (a photo that cannot be read) is judged by the rule alone for
  this; one that cannot be judged (unreadable, or in the middle of a change) drops nothing;
- its place in the listings (home pages, year pages, feeds, the sitemap) and its own index
  page, with the titles, sizes and thumbnails of that earlier version, when the site index
  (publishing/site_index.py `published`) has the earlier build's record of it, every file
  that record names is still as that build left it, and its listing texts are in the cache.

A failed release with no such record (never published in full, the record or the cache
gone, a file of it edited on the site, or built by `publisher preview`, which keeps no
index) keeps its files, unlisted, and the languages of it that built are published.

A language is dropped from a kept release when the rule refuses it now, when the release
no longer has it, or when the site no longer publishes it (no longer a language of the
workspace). The kept pages of its other languages named it (language links, hreflang
alternates, that language's home and feed): `relink` rewrites them without the links to
files this build does not publish (publishing/site_links.py), so that no page of the site
links to a page that is not in it.

Invariant: a build that fails a release removes none of its files but those of languages
the rule or the site does not allow now, lists it only as one earlier build published it,
whole, and leaves no link of its kept pages to a file the site no longer has.

A worker that dies is not a failed step but a failed build: see builders/site.py.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from publisher.core.release import Release
from publisher.core.workspace import Workspace
from publisher.errors import PublisherError, UnfinishedChange, Unpublishable, WorkerDied
from publisher.publishing.cache import Cache, OutputState
from publisher.publishing.engine import PhotoFiles, Plan, Step, full_views
from publisher.publishing.fingerprint import digest
from publisher.publishing.rule import judge
from publisher.publishing.site_index import IndexedRelease, SiteIndex
from publisher.publishing.site_links import without_missing_links

#: The files of one language of a release on the site: its page, its PDF, its thumbnail.
LANGUAGE_FILES = (".html", ".pdf", ".png")

#: A failed step: the language it was for (None: the whole release) and its error.
Failure = tuple[str | None, PublisherError]


@dataclass
class Kept:
    """A failed release as an earlier build published it, less the languages dropped now."""

    release: IndexedRelease
    #: whether languages were dropped (the release's own index page is made again)
    shrunk: bool
    #: why the rule refuses languages of a release whose plan failed (judged alone)
    refused: list[str]

    def take(self, pdfs: dict[tuple[str, str], Step], thumbs: dict[tuple[str, str], Step]) -> None:
        """Put the kept PDFs and thumbnails among the build's, where the listings read them."""
        slug = self.release.plan.slug
        for lang in self.release.langs:
            pdfs[(slug, lang)] = self.release.pdfs[lang]
            if lang in self.release.thumbs:
                thumbs[(slug, lang)] = self.release.thumbs[lang]


def step_failures(
    plan: Plan,
    page: Step | None,
    pdfs: Mapping[tuple[str, str], Step],
    photos: Iterable[PhotoFiles] | None,
) -> list[Failure]:
    """Every step that failed for a release this build took in full, in the order the
    site reports them: its plan, its web pages, each language's PDF, its photos."""
    if plan.error is not None:
        return [(None, plan.error)]
    failures: list[Failure] = []
    if page is not None and page.error is not None:
        failures.append((None, page.error))
    for lang in plan.published:
        pdf = pdfs.get((plan.slug, lang))
        if pdf is not None and pdf.error is not None:
            failures.append((lang, pdf.error))
    failures += [(None, photo.error) for photo in photos or [] if photo.error is not None]
    return failures


def unreadable_plans(
    errors: Iterable[PublisherError], releases_dir: Path
) -> tuple[list[Plan], list[PublisherError]]:
    """A failed plan for each release whose folder `scan_releases` could not load (its
    release.toml damaged, say), and the errors that name no release's folder."""
    plans: list[Plan] = []
    others: list[PublisherError] = []
    for error in errors:
        where = Path(error.path) if error.path is not None else None
        folder = where.parent if where is not None and where.name == "release.toml" else where
        if folder is not None and folder.parent == releases_dir:
            plans.append(Plan(folder.name, "", {}, error=error))
        else:
            others.append(error)
    return plans, others


def worker_died(
    plans: Iterable[Plan],
    steps: Iterable[Step],
    photos: Iterable[list[PhotoFiles]],
) -> WorkerDied | None:
    """The first step a dead worker took down, if any (the build is then not written)."""
    errors: list[PublisherError | None] = [plan.error for plan in plans]
    errors += [step.error for step in steps]
    errors += [photo.error for files in photos for photo in files]
    return next((error for error in errors if isinstance(error, WorkerDied)), None)


def keep_published(
    ws: Workspace,
    plan: Plan,
    state: OutputState,
    index: SiteIndex | None,
    cache: Cache,
    site_langs: Collection[str],
) -> Kept | None:
    """Leave the files an earlier build wrote for a release this build failed (`plan`:
    its plan now, which may have failed too) where they are, but for the languages the
    rule no longer allows or the site (`site_langs`) no longer publishes; and the earlier
    build's record of it, to list it as it was, if there is one whose files are all still
    as written (see the module docstring)."""
    slug = plan.slug
    folder = f"releases/{slug}/"
    earlier = index.published(slug) if index is not None else None
    recorded = state.under(folder)
    verdict = _verdict(ws, plan) if recorded else None  # nothing published: nothing to drop
    known = {*plan.languages, *(earlier.langs if earlier is not None else [])}
    dropped = known - set(site_langs)
    if verdict is not None:
        dropped |= known - set(verdict.published)

    def allowed(rel: str) -> bool:
        lang, dot, suffix = rel[len(folder) :].rpartition(".")
        return not (f"{dot}{suffix}" in LANGUAGE_FILES and lang in dropped)

    state.keep(rel for rel in recorded if allowed(rel))
    if earlier is None:
        return None
    langs = [lang for lang in earlier.langs if lang not in dropped]
    outputs = {rel: key for rel, key in earlier.outputs.items() if allowed(rel)}
    if not langs or not all(state.up_to_date(rel, key) for rel, key in outputs.items()):
        return None
    earlier.plan._load_views = partial(full_views, cache, earlier.plan.key)
    if not all(lang in earlier.plan.views for lang in langs):  # the cache was cleared
        return None
    release = IndexedRelease(
        earlier.plan,
        earlier.page,
        {lang: step for lang, step in earlier.pdfs.items() if lang in langs},
        {lang: step for lang, step in earlier.thumbs.items() if lang in langs},
        earlier.photos,
        langs,
        outputs,
    )
    shrunk = langs != earlier.langs
    if shrunk:  # its own index page is made again, without the languages dropped
        outputs.pop(f"{folder}index.html", None)
    judged = plan.error is not None and verdict is not None  # refusals not said yet
    refused = [r.message for r in verdict.refused.values()] if judged and verdict else []
    return Kept(release, shrunk, refused)


def relink(kept: Kept, state: OutputState, base: str | None) -> list[str]:
    """Rewrite the kept pages of a release that link to files this build does not publish
    (after every file of the build is written or kept), each under a new key that its
    record then carries; the pages rewritten."""
    live = state.live()
    written: list[str] = []
    for rel, key in sorted(kept.release.outputs.items()):
        if not rel.endswith(".html") or rel not in live:
            continue
        found = without_missing_links(state.read(rel), rel, live.__contains__, base)
        if found is None:
            continue
        data, missing = found
        new_key = digest("relinked", key, missing)
        state.write(rel, new_key, data)
        kept.release.outputs[rel] = new_key
        written.append(rel)
    return written


@dataclass
class _Verdict:
    published: list[str]
    refused: dict[str, Unpublishable]


def _verdict(ws: Workspace, plan: Plan) -> _Verdict | None:
    """What the publishing rule allows of a release now: its plan's verdict, or for a
    release whose plan failed (a photo that cannot be read, say), the rule applied alone;
    None when it cannot be judged (the release cannot be read, or is in the middle of a
    change): nothing of it is then known to be refused."""
    if plan.error is None:
        return _Verdict(plan.published, plan.refused)
    if isinstance(plan.error, UnfinishedChange):
        return None
    try:
        release = Release.load(ws.releases_dir / plan.slug)
        verdict = judge(ws, release, release.synced_document(), draft=False)
    except (PublisherError, OSError):
        return None
    return _Verdict(verdict.published, verdict.refused)


def failure_lines(slug: str, failures: Iterable[Failure], *, kept: bool) -> list[str]:
    """What the report says of a failed release (the CLI prints each after "error: "): one
    line per cause, naming the languages it failed for when it did not fail the release
    as a whole (a damaged photo fails every PDF and the web pages: one line)."""
    causes: dict[str, list[str | None]] = {}
    for lang, error in failures:
        causes.setdefault(error.format(), []).append(lang)
    lines = []
    for why, langs in causes.items():
        whole = None in langs
        what = slug if whole else ", ".join(f"{slug}/{lang}" for lang in langs)
        if not kept:
            lines.append(f"{what} is not on the site: {why}")
        elif whole:
            lines.append(f"{what} failed: {why}; the version published before is kept")
        else:
            lines.append(
                f"{what} failed: {why}; the version of {slug} published before is kept, "
                "in every language"
            )
    return lines

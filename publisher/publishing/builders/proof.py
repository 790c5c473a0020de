"""`publisher proof`: a bilingual proof of one language for reviewers on paper or on screen.

A proof is never a publication: it prints every segment whatever its state,
side by side with its source (one table row per segment, so the two texts
stay aligned across page breaks), with its id, state, origin and QA
findings, a sign-off block, and DRAFT on every page.

The PDF goes through the same machinery as `publisher build` (fonts chosen
per language, Khmer break opportunities in the PDF only, the `/ActualText`
text layer, the restricted fetcher), so what reviewers see on the proof is
how the fonts will really set the text. The HTML is the same template with
system font stacks and no external resources, so it can be mailed as one file.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from markupsafe import Markup

from publisher.core import languages
from publisher.core.approvals import load_catalog
from publisher.core.fsutil import atomic_write_bytes, atomic_write_text
from publisher.core.history import now_iso
from publisher.core.release import Release
from publisher.core.states import ORDER, State
from publisher.core.workspace import Workspace
from publisher.errors import UsageError
from publisher.publishing.builders.base import PAGE_FORMATS, Builder
from publisher.qa import Finding
from publisher.render import pdf
from publisher.render.html import render_template
from publisher.render.templating import PACKAGE_TEMPLATES, language_environment
from publisher.workflow.checking import check_release, workspace_glossary

# Browsers' fonts for the HTML proof (as web.css): the PDF uses the build's own font files.
HTML_FONT_STACKS = {
    "en": '"Noto Serif", Georgia, "Times New Roman", serif',
    "km": '"Khmer OS Siemreap", "Noto Sans Khmer", "Khmer OS", "Khmer UI", '
    '"Leelawadee UI", "Khmer Sangam MN", sans-serif',
    "zh-Hans": '"Noto Serif CJK SC", "Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", '
    '"PingFang SC", "Microsoft YaHei", serif',
}

TextFilter = Callable[[str], str]


@dataclass
class ProofRow:
    """One segment: the two texts to compare and what the reviewer must know about them."""

    id: str
    kind: str
    source: str
    target: str
    state: str
    origin: str
    findings: list[Finding] = field(default_factory=list)
    rejection: str | None = None
    #: the translator's own comments (a doubt about the source, for the press officer)
    notes: list[str] = field(default_factory=list)

    @property
    def errors(self) -> int:
        return sum(1 for f in self.findings if f.is_error)


@dataclass
class Proof:
    slug: str
    title: str
    date: str
    source_lang: str
    lang: str
    source_name: str
    target_name: str
    generated: str
    rows: list[ProofRow]
    counts: dict[str, int]

    @property
    def errors(self) -> int:
        return sum(r.errors for r in self.rows)

    @property
    def warnings(self) -> int:
        return sum(len(r.findings) - r.errors for r in self.rows)


def build_proof(ws: Workspace, release: Release, lang: str) -> Proof:
    """Every live segment of `lang` in reading order, with its QA findings."""
    code = release.require_target(lang)
    catalog = load_catalog(release, code)
    findings = check_release(release, [code], glossary=workspace_glossary(ws.root, release))
    by_segment: dict[str, list[Finding]] = {}
    for f in findings:
        by_segment.setdefault(f.segment, []).append(f.finding)
    rows = [
        ProofRow(
            e.id,
            e.kind,
            e.source,
            e.target,
            e.state.value,
            e.origin or "",
            by_segment.get(e.id, []),
            e.rejection,
            [note.strip() for note in e.notes if note.strip()],
        )
        for e in catalog
    ]
    counts = catalog.counts()
    source_lang = catalog.source_lang or release.meta.source_language
    title = next((r.source for r in rows if r.id == "title"), release.slug)
    return Proof(
        release.slug,
        title,
        release.meta.date.isoformat(),
        source_lang,
        code,
        languages.get(source_lang).native_name,
        languages.get(code).native_name,
        now_iso()[:10],
        rows,
        {s.value: counts[s] for s in ORDER if counts[s]},
    )


def default_path(ws: Workspace, proof: Proof, fmt: str) -> Path:
    return ws.root / "dist" / proof.slug / f"proof-{proof.lang}.{fmt}"


def proof_html(
    ws: Workspace,
    proof: Proof,
    *,
    fmt: str,
    fonts: dict[str, str],
    font_faces: str = "",
    text_filters: dict[str, TextFilter | None] | None = None,
) -> str:
    """proof.html with the labels in the target language (the reviewer's language)."""

    filters = text_filters or {}

    def shown(text: str, lang: str) -> str:
        """The text as the renderer must get it (Khmer: with break opportunities, PDF only)."""
        apply = filters.get(lang)
        return apply(text) if apply else text

    env, _ = language_environment(ws.templates_dir, ws.locales_dir, proof.lang)
    return render_template(
        env,
        "proof.html",
        proof=proof,
        fmt=fmt,
        fonts={k: Markup(v) for k, v in fonts.items()},
        font_faces=Markup(font_faces),
        shown=shown,
        state_label={s.value: s.value for s in State},
    )


def proof_pdf(ws: Workspace, release: Release, proof: Proof) -> bytes:
    """Landscape A4 through WeasyPrint, with the build's fonts, text layer and fetcher."""

    source_fonts = pdf.print_fonts(proof.source_lang)
    target_fonts = pdf.print_fonts(proof.lang)
    html = proof_html(
        ws,
        proof,
        fmt="pdf",
        fonts={"source": source_fonts.body, "target": target_fonts.body},
        # Both stacks draw on the same three font sets: one set of @font-face rules serves both.
        font_faces=target_fonts.faces_css,
        text_filters={
            proof.source_lang: pdf.text_filter_for(proof.source_lang),
            proof.lang: pdf.text_filter_for(proof.lang),
        },
    )
    files = list(dict.fromkeys([*source_fonts.font_files, *target_fonts.font_files]))
    fetcher = pdf.restricted_fetcher([ws.templates_dir, PACKAGE_TEMPLATES, release.root], files)
    return pdf.write_pdf(html, base_dir=release.root, fetcher=fetcher)


class ProofBuilder(Builder[tuple[Path, Proof]]):
    """A bilingual proof of one language of one release, as PDF or HTML.

    Not a publication: it shows every segment whatever its state, so it does
    not go through the publishing rule or the cache.
    """

    name = "proof"

    def __init__(
        self, ws: Workspace, *, lang: str, fmt: str = "pdf", out: Path | None = None
    ) -> None:
        super().__init__(ws)
        self.lang = lang
        self.fmt = fmt.strip().lower()
        if self.fmt not in PAGE_FORMATS:
            raise UsageError(f"--format must be pdf or html, not {fmt!r}")
        self.out = out

    def build(self, releases: Sequence[Release]) -> tuple[Path, Proof]:
        """Build and write the proof; returns where it went and what it holds."""
        if len(releases) != 1:
            raise UsageError("a proof shows exactly one release")
        ws, release = self.ws, releases[0]
        proof = build_proof(ws, release, self.lang)
        path = self.out or default_path(ws, proof, self.fmt)
        if self.fmt == "pdf":
            atomic_write_bytes(path, proof_pdf(ws, release, proof))
        else:
            fonts = {
                "source": HTML_FONT_STACKS.get(proof.source_lang, "serif"),
                "target": HTML_FONT_STACKS.get(proof.lang, "serif"),
            }
            atomic_write_text(path, proof_html(ws, proof, fmt="html", fonts=fonts))
        return path, proof

"""Machine drafts and terminology commands: translate, models, memory, glossary."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Annotated

import typer

from publisher.cli import params
from publisher.core.approvals import load_catalog
from publisher.core.glossary import Glossary
from publisher.errors import UsageError
from publisher.interchange.tmx import read_tmx, write_tmx
from publisher.mt import packaging, store
from publisher.mt.families import FAMILIES
from publisher.workflow.drafting import DraftReport, fill_drafts
from publisher.workflow.memory import MEMORY_DIR, build_memory
from publisher.workflow.scorecard import Scorecard, score_models
from publisher.workflow.status import resolve_releases

app = typer.Typer()
models_app = typer.Typer(
    help="Offline machine-translation models.\n\nArgos packages, installed from files only, "
    "and multilingual CTranslate2 models (NLLB-200, MADLAD-400, M2M-100, OPUS-MT) imported "
    "as Argos packages.",
    no_args_is_help=True,
)
glossary_app = typer.Typer(
    help="The protocol glossary.\n\nRequired translations of names and titles, in glossary.toml.",
    no_args_is_help=True,
)
memory_app = typer.Typer(
    help="The translation memory.\n\nEvery approved segment, and TMX files in memory/.",
    no_args_is_help=True,
)
app.add_typer(models_app, name="models")
app.add_typer(glossary_app, name="glossary")
app.add_typer(memory_app, name="memory")


@app.command()
def translate(
    release: Annotated[
        str | None,
        typer.Argument(
            help="Release: slug, unique prefix or number (default: all, boilerplate too)"
        ),
    ] = None,
    lang: Annotated[
        str | None,
        typer.Option("--lang", help="Target language (default: every target language)"),
    ] = None,
    engine: Annotated[
        str,
        typer.Option(
            help="auto: memory, then an installed model if there is one; memory: memory only; "
            "argos: memory, then a model, which must be installed"
        ),
    ] = "auto",
    segment: Annotated[list[str] | None, typer.Option("--segment", help="Segment id (repeat)")] = (
        None
    ),
    force: Annotated[bool, typer.Option(help="Also redraft translated/reviewed/approved")] = False,
) -> None:
    """Fill untranslated and stale segments with drafts.

    Translation memory first, then an installed offline model; every target language
    of every release (and the boilerplate) unless a release and --lang are given.
    """
    ws = params.workspace()
    if (segment or force) and release is None:
        raise UsageError(
            "--segment and --force need a release: publisher translate RELEASE --force"
        )
    targets = (
        [params.release(release, ws)]
        if release is not None
        else resolve_releases(ws, [], with_boilerplate=True)
    )
    no_model = ""
    with params.progress_bar() as bar:
        for rel in targets:
            langs = [rel.require_target(lang)] if lang else list(rel.meta.target_languages)
            for code in langs:
                stage = f"drafts {code}"

                def progress(done: int, total: int, stage: str = stage) -> None:
                    bar(stage, done, total)

                report = fill_drafts(
                    rel,
                    code,
                    workspace_root=ws.root,
                    models_dir=ws.models_dir,
                    engine=engine,
                    segments=segment or [],
                    force=force,
                    progress=progress,
                )
                _say(rel.label, report, bool(segment))
                no_model = no_model or ((report.no_model or "") if report.left else "")
    if no_model:
        typer.echo(
            "install a model with `publisher models install FILE.argosmodel` or "
            "`publisher models import DIR`",
            err=True,
        )


def _say(label: str, report: DraftReport, by_segment: bool) -> None:
    parts = [f"{_count(len(report.from_memory), 'draft')} from memory"]
    if report.model:
        parts.append(f"{_count(len(report.from_machine), 'machine draft')} ({report.model})")
    elif report.no_model:
        parts.append(f"no machine drafts: {report.no_model}")
    if report.empty:
        parts.append(f"{_count(len(report.empty), 'empty machine translation')} left untranslated")
    if report.suggested:
        parts.append(f"{len(report.suggested)} with fuzzy suggestions")
    if report.skipped and by_segment:
        parts.append(f"{len(report.skipped)} already translated (use --force)")
    typer.echo(f"{label} {report.lang}: {', '.join(parts)}")
    if report.left:
        typer.echo(
            f"{label} {report.lang}: no draft for {_count(len(report.left), 'segment')}: "
            f"{', '.join(report.left)}",
            err=True,
        )


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}" + ("" if number == 1 else "s")


# ---------------------------------------------------------------- models


@models_app.command("list")
def models_list(json_output: params.JsonOpt = False) -> None:
    """Installed models: each language pair and the package that serves it."""

    ws = params.workspace()
    models = store.list_models(ws.models_dir)
    shared: dict[tuple[int, int], list[str]] = {}
    for m in models:
        files = m.files_id()
        if files is not None:
            shared.setdefault(files, []).append(m.name)
    if json_output:
        rows = [
            {
                "pair": m.pair,
                "package": m.name,
                "version": m.version,
                "family": m.model.family if m.model else None,
                "model": m.model.model if m.model else None,
                "description": m.description,
                "shares_files_with": [
                    n for n in shared.get(m.files_id() or (-1, -1), []) if n != m.name
                ],
            }
            for m in models
        ]
        typer.echo(json.dumps(rows, indent=2, ensure_ascii=False))
        return
    if not models:
        typer.echo(
            f"no models installed in {ws.models_dir}; install one with `publisher models "
            "install FILE.argosmodel` or `publisher models import DIR`"
        )
        return
    rows_text = [("pair", "package", "model"), *((m.pair, m.name, m.description) for m in models)]
    widths = [max(len(row[i]) for row in rows_text) for i in range(2)]
    for pair, name, description in rows_text:
        typer.echo(f"{pair:<{widths[0]}}  {name:<{widths[1]}}  {description}")
    for names in shared.values():
        if len(names) > 1:
            typer.echo(
                f"one copy of the model files serves {len(names)} packages: {', '.join(names)}"
            )


@models_app.command("install")
def models_install(
    archive: Annotated[Path, typer.Argument(help="An .argosmodel file", dir_okay=False)],
) -> None:
    """Install a model from a file (never from the network)."""

    info = store.install_model(archive, params.workspace().models_dir)
    typer.echo(f"installed {info.name} ({info.pair}, {info.description})")


@models_app.command("import")
def models_import(
    directory: Annotated[
        Path, typer.Argument(help="A CTranslate2 model directory", file_okay=False)
    ],
    family: Annotated[
        str, typer.Option("--family", help=f"The model's family: {', '.join(FAMILIES)}")
    ],
    from_lang: Annotated[
        list[str], typer.Option("--from", help="Source language (repeat for several)")
    ],
    to_lang: Annotated[
        list[str], typer.Option("--to", help="Target language (repeat for several)")
    ],
    sentencepiece: Annotated[
        list[Path] | None,
        typer.Option(
            "--sentencepiece",
            help="The model's SentencePiece file, if the model directory lacks it "
            "(Marian: give source.spm, then target.spm)",
            dir_okay=False,
        ),
    ] = None,
    name: Annotated[
        str | None, typer.Option(help="The model's name (default: the directory's name)")
    ] = None,
    out: Annotated[
        Path | None,
        typer.Option(
            "--out",
            help="Write the packages as .argosmodel files into this folder instead",
            file_okay=False,
        ),
    ] = None,
) -> None:
    """Make Argos packages of a multilingual CTranslate2 model, one per language pair.

    Every --from language is paired with every --to language.  The packages of
    one model share its files on disk.
    """

    pairs = [
        (params.lang(source), params.lang(target))
        for source in from_lang
        for target in to_lang
        if params.lang(source) != params.lang(target)
    ]
    ws = params.workspace()
    spm_files = sentencepiece or ()
    if out is not None:
        archives = packaging.export_packages(
            directory, family, pairs, out, sentencepiece=spm_files, name=name
        )
        for archive in archives:
            typer.echo(f"wrote {archive}")
        return
    installed = packaging.import_model(
        directory, family, pairs, ws.models_dir, sentencepiece=spm_files, name=name
    )
    for info in installed:
        typer.echo(f"installed {info.name} ({info.pair}, {info.description})")


@models_app.command("remove")
def models_remove(
    name: Annotated[
        str, typer.Argument(help="Package name, FROM->TO, or an imported model's name")
    ],
) -> None:
    """Remove an installed model."""

    for info in store.remove_model(name, params.workspace().models_dir):
        typer.echo(f"removed {info.name} ({info.pair})")


@models_app.command("score")
def models_score(
    lang: params.TargetLangOpt,
    model: Annotated[
        list[str] | None, typer.Option("--model", help="Package name or FROM->TO (repeat)")
    ] = None,
    releases: Annotated[
        list[str] | None, typer.Option("--releases", "--release", help="Release (repeat)")
    ] = None,
    raw: Annotated[
        bool,
        typer.Option(
            "--raw", help="Score the model alone: no protected spans, no glossary substitution"
        ),
    ] = False,
    json_output: params.JsonOpt = False,
) -> None:
    """Score models on the workspace's approved translations (chrF, BLEU, terms, numbers).

    The sources of the approved segments (the translation memory) are translated
    as `publisher translate` drafts them and compared with the approved text.
    """

    ws = params.workspace()
    with params.progress_bar() as progress:
        card = score_models(
            ws.root,
            ws.models_dir,
            params.lang(lang),
            models=model or (),
            releases=releases or (),
            protected=not raw,
            progress=progress,
        )
    if json_output:
        typer.echo(json.dumps(card.to_json(), indent=2, ensure_ascii=False))
        return
    _print_scorecard(card)


def _print_scorecard(card: Scorecard) -> None:
    samples = ", ".join(f"{count} from {src}" for src, count in card.samples.items())
    mode = "drafts as `translate` makes them" if card.protected else "the models alone (--raw)"
    typer.echo(f"scorecard for {card.lang}: approved segments {samples}; scoring {mode}")
    for score in card.scores:
        terms, items = score.coverage.terms, score.coverage.items
        typer.echo("")
        typer.echo(f"{score.package} {score.version}: {score.description}, {score.pair}")
        typer.echo(f"  segments         {score.segments} ({score.seconds:.1f} s)")
        typer.echo(f"  {score.chrf.metric:<16} {score.chrf.score:5.1f}  {score.chrf.signature}")
        typer.echo(f"  {score.bleu.metric:<16} {score.bleu.score:5.1f}  {score.bleu.signature}")
        typer.echo(f"  glossary terms   {_share(score.coverage.terms_kept, terms, 'respected')}")
        typer.echo(
            f"  protected items  {_share(score.coverage.items_kept, items, 'kept')} "
            "(URLs, e-mail addresses, phone numbers, numbers, dates)"
        )


def _share(part: int, whole: int, verb: str) -> str:
    if not whole:
        return "none in these sources"
    return f"{part}/{whole} {verb} ({100 * part / whole:.1f} %)"


# ---------------------------------------------------------------- glossary


@glossary_app.command("list")
def glossary_list() -> None:
    """Every term with its Khmer and Chinese equivalents."""
    from rich.table import Table

    ws = params.workspace()
    glossary = Glossary.load(ws.root)
    langs = [ws.config.source_language, *ws.config.target_languages]
    table = Table(*langs, "note", show_lines=False)
    for term in glossary.terms:
        table.add_row(*(term.names.get(lang, "") for lang in langs), term.note)
    params.console().print(table)


@glossary_app.command("add")
def glossary_add(
    term: Annotated[str, typer.Argument(help="The term in the source language")],
    km: Annotated[str | None, typer.Option("--km", help="Khmer equivalent")] = None,
    zh: Annotated[str | None, typer.Option("--zh-Hans", "--zh", help="Chinese equivalent")] = (
        None
    ),
    en: Annotated[str | None, typer.Option("--en", help="English equivalent")] = None,
    note: Annotated[str, typer.Option(help="Usage note")] = "",
) -> None:
    """Add a term."""

    ws = params.workspace()
    names = {ws.config.source_language: term}
    for code, value in (("km", km), ("zh-Hans", zh), ("en", en)):
        if value:
            names[code] = value
    if len(names) < 2:
        raise UsageError("give at least one equivalent, e.g. --km TEXT or --zh-Hans TEXT")
    glossary = Glossary.load(ws.root)
    glossary.add(names, note)
    glossary.save()
    typer.echo(f"added {term!r} ({len(glossary.terms)} terms)")


@glossary_app.command("check")
def glossary_check(
    release: params.ReleaseArg,
    lang: Annotated[list[str] | None, typer.Option("--lang", help="Language (repeat)")] = None,
) -> None:
    """List each translated segment that lacks a required glossary term."""

    ws = params.workspace()
    rel = params.release(release)
    glossary = Glossary.load(ws.root)
    problems = 0
    for code in [params.lang(x) for x in lang] if lang else rel.meta.target_languages:
        mapping = glossary.mapping(rel.meta.source_language, code)
        for entry in load_catalog(rel, code):
            if not entry.target.strip():
                continue
            for source_term, target_term in mapping.items():
                if source_term in entry.source and target_term not in entry.target:
                    problems += 1
                    typer.echo(
                        f"{rel.slug} {code} {entry.id}: {source_term!r} must be "
                        f"translated as {target_term!r}"
                    )
    if problems:
        raise typer.Exit(1)
    typer.echo("all glossary terms used")


# ---------------------------------------------------------------- memory


@memory_app.command("export")
def memory_export(
    out: Annotated[Path, typer.Option("--out", help="TMX file to write")] = Path("memory.tmx"),
) -> None:
    """Write the translation memory as TMX 1.4."""

    ws = params.workspace()
    target = ws.check_output(out)
    count = write_tmx(build_memory(ws.root).units, target, ws.config.source_language)
    typer.echo(f"wrote {count} translation units to {out}")


@memory_app.command("import")
def memory_import(
    tmx: Annotated[Path, typer.Argument(help="A TMX file", dir_okay=False, exists=True)],
) -> None:
    """Add a TMX file to the workspace's memory (copied into memory/)."""

    ws = params.workspace()
    units = read_tmx(tmx)
    target = ws.root / MEMORY_DIR / tmx.name
    if target.exists():
        raise UsageError(f"{MEMORY_DIR}/{tmx.name} already exists; rename the file")
    target.parent.mkdir(exist_ok=True)
    shutil.copyfile(tmx, target)
    typer.echo(f"imported {len(units)} translation units into {MEMORY_DIR}/{tmx.name}")

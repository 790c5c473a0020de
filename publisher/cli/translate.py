"""Machine drafts and terminology commands: translate, models, memory, glossary."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Annotated

import typer

from publisher.cli import params
from publisher.core.glossary import Glossary
from publisher.errors import UsageError
from publisher.interchange.tmx import read_tmx, write_tmx
from publisher.mt import store
from publisher.workflow.drafting import fill_drafts
from publisher.workflow.memory import MEMORY_DIR, build_memory
from publisher.workflow.session import load_catalog

app = typer.Typer()
models_app = typer.Typer(
    help="Offline machine-translation models.\n\nArgos packages, installed from files only.",
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
    release: params.ReleaseArg,
    lang: params.TargetLangOpt,
    engine: Annotated[str, typer.Option(help="auto (memory, then Argos), memory or argos")] = (
        "auto"
    ),
    segment: Annotated[list[str] | None, typer.Option("--segment", help="Segment id (repeat)")] = (
        None
    ),
    force: Annotated[bool, typer.Option(help="Also redraft translated/reviewed/approved")] = False,
) -> None:
    """Fill untranslated and stale segments with drafts.

    Translation memory first, then an installed offline model.
    """
    from rich.progress import Progress

    ws = params.workspace()
    rel = params.release(release)
    with Progress(transient=True, console=params.console()) as bar:
        task = bar.add_task("machine translation", total=None)

        def progress(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        report = fill_drafts(
            rel,
            params.lang(lang),
            workspace_root=ws.root,
            models_dir=ws.models_dir,
            engine=engine,
            segments=segment or [],
            force=force,
            progress=progress,
        )
    typer.echo(
        f"{rel.slug} {report.lang}: {len(report.from_memory)} from memory, "
        f"{len(report.from_machine)} machine drafts"
        + (f" ({report.model})" if report.model else "")
        + (f", {len(report.suggested)} with fuzzy suggestions" if report.suggested else "")
        + (
            f", {len(report.skipped)} already translated (use --force)"
            if report.skipped and segment
            else ""
        )
    )
    if report.left:
        typer.echo(f"no draft for: {', '.join(report.left)}", err=True)


# ---------------------------------------------------------------- models


@models_app.command("list")
def models_list() -> None:
    """Installed models with their language pairs and versions."""

    ws = params.workspace()
    models = store.list_models(ws.models_dir)
    if not models:
        typer.echo(
            f"no models installed in {ws.models_dir}; "
            "install one with `publisher models install FILE.argosmodel`"
        )
        return
    for m in models:
        typer.echo(f"{m.name}\t{m.from_code}->{m.to_code}\t{m.version}")


@models_app.command("install")
def models_install(
    archive: Annotated[Path, typer.Argument(help="An .argosmodel file", dir_okay=False)],
) -> None:
    """Install a model from a file (never from the network)."""

    info = store.install_model(archive, params.workspace().models_dir)
    typer.echo(f"installed {info.name} ({info.from_code}->{info.to_code} {info.version})")


@models_app.command("remove")
def models_remove(name: Annotated[str, typer.Argument(help="Model name, or FROM->TO")]) -> None:
    """Remove an installed model."""

    info = store.remove_model(name, params.workspace().models_dir)
    typer.echo(f"removed {info.name} ({info.from_code}->{info.to_code})")


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
    count = write_tmx(build_memory(ws.root).units, out, ws.config.source_language)
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

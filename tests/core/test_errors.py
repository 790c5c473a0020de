"""One exception hierarchy: errors keep their type, path and line across processes and the
cache, so `build --jobs 2` reports exactly what `--jobs 1` does."""

from __future__ import annotations

import pickle
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from publisher import errors
from publisher.errors import NotApproved, PublisherError, QaBlocked, RenderError
from tests.support.workspace import SAMPLE_NUMBER, SAMPLE_SLUG, Cli


def _every_error_class() -> list[type[PublisherError]]:
    found = [PublisherError]
    pending = [PublisherError]
    while pending:
        for sub in pending.pop().__subclasses__():
            found.append(sub)
            pending.append(sub)
    return found


@pytest.mark.parametrize("cls", _every_error_class(), ids=lambda c: c.__name__)
def test_every_error_survives_pickle_and_json(cls: type[PublisherError]) -> None:
    assert getattr(errors, cls.__name__) is cls  # all of them live in publisher.errors
    if issubclass(cls, errors.Unpublishable):
        error: PublisherError = cls("km not published", release="r", lang="km", blocking=["s3"])
    else:
        error = cls("something is wrong", path=Path("releases/r/source.md"), line=7)
    for copy in (pickle.loads(pickle.dumps(error)), PublisherError.from_dict(error.to_dict())):
        assert type(copy) is cls
        assert copy.format() == error.format()
        assert str(copy.path) == str(error.path) and copy.line == error.line
        assert copy.extra() == error.extra()


def test_refusal_message_names_segments() -> None:
    error = NotApproved(
        "r: km not published: 1 segment(s)", release="r", lang="km", blocking=["s2"]
    )
    restored = pickle.loads(pickle.dumps(error))
    assert isinstance(restored, errors.Unpublishable) and restored.blocking == ["s2"]
    assert issubclass(QaBlocked, RenderError)


def _four_releases(root: Path) -> list[str]:
    """The shipped sample under four names: enough steps that the engine uses workers."""
    source = root / "releases" / SAMPLE_SLUG
    slugs = [SAMPLE_SLUG]
    for n in range(1, 4):
        slug = f"2024-11-3{n}-copy-{n}"
        shutil.copytree(source, root / "releases" / slug)
        meta = root / "releases" / slug / "release.toml"
        text = meta.read_text(encoding="utf-8")
        meta.write_text(text.replace(SAMPLE_NUMBER, f"MFAIC/2024/10{n}"), encoding="utf-8")
        slugs.append(slug)
    return slugs


def _break_a_number(cli: Cli, root: Path, slug: str) -> None:
    """A translation whose date no longer matches the source: a QA error, then approved."""
    po = root / "releases" / slug / "translations" / "zh-Hans.po"
    text = po.read_text(encoding="utf-8")
    assert "2024年12月2日至4日" in text
    po.write_text(text.replace("2024年12月2日至4日", "2024年12月3日至4日", 1), encoding="utf-8")
    cli("approve", slug, "--lang", "zh-Hans", "--all", "--by", "Li Wei")


def _build(cli: Cli, root: Path, jobs: int, *, cold: bool) -> tuple[int, list[str]]:
    if cold:
        shutil.rmtree(root / ".publisher-cache", ignore_errors=True)
    result = cli("build", "--jobs", str(jobs), "--format", "html", ok=False)
    return result.exit_code, sorted(line for line in result.stderr.splitlines() if line)


@pytest.mark.slow
def test_worker_side_qa_refusal_reads_as_in_one_process(repo_workspace: Path) -> None:
    cli = Cli(repo_workspace)
    slugs = _four_releases(repo_workspace)
    _break_a_number(cli, repo_workspace, slugs[2])
    two = _build(cli, repo_workspace, 2, cold=True)
    one = _build(cli, repo_workspace, 1, cold=True)
    cached = _build(cli, repo_workspace, 1, cold=False)
    assert two == one == cached
    code, lines = two
    assert code == 1
    assert lines == [
        "hint: `publisher build --draft` publishes them anyway, marked DRAFT on every page",
        "not published: MFAIC/2024/102 Samdech Techo Hun Sen to Pay…: zh-Hans not published: "
        "1 QA error: s1 date-missing (see `publisher check MFAIC/2024/102`)",
    ]


@pytest.mark.slow
def test_worker_side_render_error_keeps_template_path_and_line(repo_workspace: Path) -> None:
    cli = Cli(repo_workspace)
    _four_releases(repo_workspace)
    broken = repo_workspace / "templates" / "print.html"
    broken.parent.mkdir(exist_ok=True)
    broken.write_text("<html>\n<body>\n{% if %}\n</body>\n</html>\n", encoding="utf-8")
    two = _build_pdf(cli, repo_workspace, 2)
    one = _build_pdf(cli, repo_workspace, 1)
    assert two == one
    code, lines = two
    # four releases, three languages each, one error: said once (BuildReport.fail)
    assert code == 1
    assert lines == [
        f"error: {broken}:3: template error: Expected an expression, got 'end of statement block'"
    ]


def _build_pdf(cli: Cli, root: Path, jobs: int) -> tuple[int, list[str]]:
    shutil.rmtree(root / ".publisher-cache", ignore_errors=True)
    result = cli("build", "--jobs", str(jobs), "--format", "pdf", ok=False)
    return result.exit_code, [line for line in result.stderr.splitlines() if line]


@pytest.mark.slow
def test_one_release_on_two_cores_gives_the_same_files_and_errors(
    repo_workspace: Path, tmp_path: Path
) -> None:
    """A single release's PDFs go to workers forked from the CLI (its own process, with
    no other thread): the files are byte for byte those of --jobs 1, and an error raised
    in a forked worker reads as it does in one process."""

    def build(jobs: str, out: Path) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [
                sys.executable,
                "-m",
                "publisher",
                "--workspace",
                str(repo_workspace),
                "build",
                "--jobs",
                jobs,
                "--out",
                str(out),
            ],
            capture_output=True,
            text=True,
            check=False,
        )

    cache = repo_workspace / ".publisher-cache"
    one = build("1", tmp_path / "one")
    shutil.rmtree(cache)
    two = build("2", tmp_path / "two")
    assert one.returncode == two.returncode == 0, (one.stderr, two.stderr)
    assert "Rendered 3 PDFs" in two.stdout
    for lang in ("en", "km", "zh-Hans"):
        name = f"{SAMPLE_SLUG}/{lang}.pdf"
        assert (tmp_path / "one" / name).read_bytes() == (tmp_path / "two" / name).read_bytes()
    # a template error raised in a forked worker: same one line as in one process
    templates = repo_workspace / "templates"
    (templates / "print.html").write_text("{% if %}\n", encoding="utf-8")
    shutil.rmtree(cache)
    broken = [build(jobs, tmp_path / f"broken-{jobs}") for jobs in ("1", "2")]
    assert broken[0].returncode == broken[1].returncode == 1
    assert broken[0].stderr == broken[1].stderr
    assert "print.html:1:" in broken[0].stderr and "Traceback" not in broken[1].stderr

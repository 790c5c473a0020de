"""The sample release and the CLI as the tests type it: paths, the sample's title and slug,
`Cli` (runs `publisher` in-process against one workspace), a copy of this repository's
workspace, and a snapshot of a whole workspace ("nothing changed" checks)."""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from pathlib import Path

from typer.testing import CliRunner

from publisher.cli.app import app

REPO = Path(__file__).resolve().parents[2]
SAMPLE_TXT = REPO.parent / "shared" / "samples" / "visit-china-2024-12.en.txt"
if not SAMPLE_TXT.exists():  # the sample also ships inside the repository's release
    SAMPLE_TXT = REPO / "tests" / "data" / "visit-china-2024-12.en.txt"
SAMPLE_TITLE = "Samdech Techo Hun Sen to Pay Official and Goodwill Visit to China"
SAMPLE_SLUG = "2024-11-30-samdech-techo-hun-sen-pay-official-goodwill-visit-china"
#: How messages name the shipped sample: its number and short title (the slug names folders).
SAMPLE_NUMBER = "MFAIC/2024/001"
SAMPLE_SHORT_TITLE = "Samdech Techo Hun Sen to Pay…"
SAMPLE_LABEL = f"{SAMPLE_NUMBER} {SAMPLE_SHORT_TITLE}"  # where releases are numbered


@dataclass
class Result:
    exit_code: int
    stdout: str
    stderr: str


class Cli:
    """Runs `publisher` in-process against one workspace, as a user would type it."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.runner = CliRunner()

    def __call__(
        self,
        *args: str,
        input: str | None = None,
        env: dict[str, str] | None = None,
        ok: bool = True,
    ) -> Result:
        result = self.runner.invoke(
            app,
            ["--workspace", str(self.root), *args],
            input=input,
            env=env,
            catch_exceptions=False,
        )
        out = Result(result.exit_code, result.stdout, result.stderr)
        if ok:
            assert out.exit_code == 0, f"{args}: exit {out.exit_code}\n{out.stdout}\n{out.stderr}"
        return out


def copy_repo_workspace(root: Path) -> Path:
    """This repository's workspace copied to `root`: configuration, glossary, release
    numbers, the boilerplate and the releases (the shipped sample, approved)."""
    root.mkdir(parents=True, exist_ok=True)
    for name in ("publisher.toml", "glossary.toml", "numbers.jsonl"):
        shutil.copy(REPO / name, root / name)
    for name in ("releases", "boilerplate", "templates", "locales"):
        shutil.copytree(
            REPO / name,
            root / name,
            ignore=shutil.ignore_patterns("*.mo", ".lock", ".send.lock", "sends.jsonl"),
        )
    return root


def tree_bytes(
    root: Path, *, locks: bool = True, cache: bool = True, folders: bool = False
) -> dict[str, bytes | None]:
    """Every file under `root` (hidden ones too) and its bytes, a link as `-> target` (never
    followed): "nothing changed" means equal.

    `locks=False` leaves out the empty lock files a command that takes a lock creates on
    first use (a successful command that changes nothing may still take the lock);
    `cache=False` leaves out `.publisher-cache/` (derived results: `status` caches its
    verdicts); `folders=True` lists folders too (as None), so a new empty one counts."""
    found: dict[str, bytes | None] = {}
    for path in sorted(root.rglob("*")):
        name = path.relative_to(root).as_posix()
        if not cache and ".publisher-cache" in path.relative_to(root).parts:
            continue
        if path.is_symlink():
            found[name] = b"-> " + os.readlink(path).encode()
        elif path.is_dir():
            if folders:
                found[name + "/"] = None
        elif locks or not path.name.endswith(".lock"):
            found[name] = path.read_bytes()
    return found


def set_review(root: Path, **values: object) -> None:
    """Set keys of the workspace's [review] section (four_eyes, require, url), keeping the
    rest of publisher.toml and its comments."""
    import tomlkit

    path = root / "publisher.toml"
    config = tomlkit.parse(path.read_text(encoding="utf-8"))
    section = config.setdefault("review", tomlkit.table())
    for key, value in values.items():
        section[key] = value
    path.write_text(tomlkit.dumps(config), encoding="utf-8")


def reopen(
    cli: Cli, *segments: str, by: str = "Press Secretary", comment: str = "check the wording again"
) -> None:
    """Send approved Khmer segments of the sample back to draft, as a reviewer with
    doubts would (`publisher reject`)."""
    for segment in segments:
        cli(
            "reject",
            SAMPLE_SLUG,
            "--lang",
            "km",
            "--segment",
            segment,
            "--by",
            by,
            "--comment",
            comment,
        )

"""A template override that is a link out of the workspace is refused (issue 20, item 5).

Overrides in `templates/` are the office's own trusted content, but a link such as
`templates/web.css -> /etc/passwd` would put another file's content into every page
published: the build stops, naming the link, and writes no page.
"""

from __future__ import annotations

from pathlib import Path

from tests.support.workspace import SAMPLE_SLUG, Cli

SECRET = "/* OUTSIDE-THE-WORKSPACE 4f1c */"


def _pages(folder: Path) -> list[Path]:
    return sorted(folder.rglob("*.html")) if folder.exists() else []


def test_a_css_override_linked_out_of_the_workspace_stops_the_build(
    repo_workspace: Path, tmp_path: Path
) -> None:
    cli = Cli(repo_workspace)
    outside = tmp_path / "outside.css"
    outside.write_text(f"{SECRET}\nbody {{ color: red }}\n", encoding="utf-8")
    link = repo_workspace / "templates" / "web.css"
    link.symlink_to(outside)
    out = tmp_path / "dist"
    result = cli("build", SAMPLE_SLUG, "--format", "html", "--out", str(out), ok=False)
    assert result.exit_code != 0
    assert (
        f"{link}: is a symbolic link out of the workspace (to {outside}); a template "
        "override must be a file inside the workspace"
    ) in result.stderr
    assert "Traceback" not in result.stderr
    assert not any(SECRET in page.read_text(encoding="utf-8") for page in _pages(out))


def test_the_site_refuses_it_too(repo_workspace: Path, tmp_path: Path) -> None:
    cli = Cli(repo_workspace)
    (repo_workspace / "templates" / "site.css").symlink_to("/etc/passwd")
    out = tmp_path / "site"
    result = cli("site", "--out", str(out), ok=False)
    assert result.exit_code != 0
    assert "templates/site.css: is a symbolic link out of the workspace (to /etc/passwd)" in (
        result.stderr
    )
    assert not any("root:x:0:0" in page.read_text(encoding="utf-8") for page in _pages(out))


def test_a_link_to_a_file_inside_the_workspace_is_an_override_like_any_other(
    repo_workspace: Path, tmp_path: Path
) -> None:
    cli = Cli(repo_workspace)
    shared = repo_workspace / "templates" / "shared"
    shared.mkdir()
    (shared / "office.css").write_text(
        (Path(__file__).parents[2] / "publisher" / "resources" / "templates" / "web.css").read_text(
            encoding="utf-8"
        )
        + "\n/* office colours */\n",
        encoding="utf-8",
    )
    (repo_workspace / "templates" / "web.css").symlink_to(Path("shared") / "office.css")
    out = tmp_path / "dist"
    cli("build", SAMPLE_SLUG, "--format", "html", "--out", str(out))
    page = (out / SAMPLE_SLUG / "en.html").read_text(encoding="utf-8")
    assert "/* office colours */" in page


def test_a_label_catalog_linked_out_of_the_workspace_stops_the_build(
    repo_workspace: Path, tmp_path: Path
) -> None:
    cli = Cli(repo_workspace)
    folder = repo_workspace / "locales" / "km" / "LC_MESSAGES"
    folder.mkdir(parents=True, exist_ok=True)
    link = folder / "messages.po"
    link.unlink(missing_ok=True)
    link.symlink_to("/etc/passwd")
    result = cli("build", SAMPLE_SLUG, "--format", "html", "--out", str(tmp_path / "d"), ok=False)
    assert result.exit_code != 0
    assert (
        f"{link}: is a symbolic link out of the workspace (to /etc/passwd); a label catalog "
        "override must be a file inside the workspace"
    ) in result.stderr

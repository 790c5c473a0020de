"""A corpus of hostile and broken input, each refused cleanly.

Every case runs the command that would receive the input and must give a
one-line error naming what is wrong, exit code 2, no traceback, and leave the
workspace exactly as it was (compared by a hash of every file).
"""

from __future__ import annotations

import shutil
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.support.word import WordFile
from tests.support.workspace import REPO, SAMPLE_SLUG, Cli, tree_bytes

BAD = REPO / "tests" / "data" / "bad"
RELEASE = f"releases/{SAMPLE_SLUG}"


@dataclass(frozen=True)
class Case:
    name: str
    args: tuple[str, ...]
    expect: str  # a fragment of the one-line error
    setup: tuple[tuple[str, str], ...] = ()  # (bad file, where it goes in the workspace)


def new(source: str, *extra: str) -> tuple[str, ...]:
    return ("new", source, "--title", "A Title", "--date", "2025-01-01", "--slug", "bad", *extra)


CASES = [
    # sources
    Case("empty source", new("{bad}/empty.txt"), "empty"),
    Case("binary source", new("{bad}/binary.txt"), "binary"),
    Case("huge source", new("{tmp}/huge.txt"), "MB"),
    Case("invalid UTF-8", new("{bad}/invalid-utf8.txt"), "UTF-8"),
    Case("invalid UTF-16", new("{bad}/invalid-utf16.txt"), "UTF-16"),
    Case("docx that is not a zip", new("{bad}/not-a-zip.docx"), "not a valid .docx"),
    Case("docx zip bomb", new("{tmp}/bomb.docx"), "zip bomb"),
    Case("zip without a document", new("{bad}/no-document.docx"), "not a Word document"),
    Case("title only", ("new", "{bad}/only-title.md", "--slug", "bad"), "no body"),
    Case("unsupported type", new("{bad}/unsupported.rtf"), "unsupported source type"),
    Case("file: link", new("{bad}/file-link.md"), "scheme 'file'"),
    Case("image of /etc/passwd", new("{bad}/image-passwd.md"), "scheme 'file'"),
    Case("link to 127.0.0.1", new("{bad}/localhost-link.md"), "private or local"),
    Case("data: image", new("{bad}/data-image.md"), "scheme 'data'"),
    Case("javascript: link", new("{bad}/javascript-link.md"), "scheme 'javascript'"),
    Case("long first line", ("new", "{bad}/long-first-line.txt", "--slug", "bad"), "--title"),
    Case("missing source", new("{bad}/no-such-file.txt"), "not found"),
    Case(
        "bad date",
        ("new", "{bad}/long-first-line.txt", "--title", "T", "--date", "2024-13-45"),
        "--date",
    ),
    Case("unknown language", new("{bad}/long-first-line.txt", "--lang", "fr"), "unknown language"),
    Case(
        "docx with tracked changes",
        ("new", "{tmp}/tracked.docx", "--slug", "bad"),
        "accept or reject them in Word first",
    ),
    Case("front matter syntax", new("{bad}/front-matter-syntax.md"), "front matter"),
    Case("front matter date", new("{bad}/front-matter-date.md"), "front matter: date"),
    Case("picture that is not one", new("{bad}/picture-not-image.md"), "not a PNG, JPEG"),
    Case("picture outside the folder", new("{bad}/picture-outside.md"), "outside the source"),
    Case(
        "title twice",
        ("new", "{bad}/long-first-line.txt", "--title", "T", "--first-line-title"),
        "either --title or --first-line-title",
    ),
    Case(
        "accept changes of a text file",
        new("{bad}/long-first-line.txt", "--accept-changes"),
        "for Word files",
    ),
    Case("list before any title", ("new", "{bad}/list-first.txt", "--slug", "bad"), "--title"),
    # slugs, release names, ids
    Case("slug ../", (*new("{bad}/long-first-line.txt")[:-1], "../evil"), "invalid release name"),
    Case(
        "absolute slug",
        (*new("{bad}/long-first-line.txt")[:-1], "/tmp/evil"),
        "invalid release name",
    ),
    Case(
        "slug with NUL", (*new("{bad}/long-first-line.txt")[:-1], "a\x00b"), "invalid release name"
    ),
    Case(
        "slug with control",
        (*new("{bad}/long-first-line.txt")[:-1], "a\x07b"),
        "invalid release name",
    ),
    Case(
        "slug with RTL override",
        (*new("{bad}/long-first-line.txt")[:-1], "abc\u202egpj"),
        "invalid release name",
    ),
    Case("release ../", ("status", "../../etc"), "invalid release name"),
    Case("release absolute", ("status", "/etc"), "release"),
    Case(
        "segment ../",
        ("approve", SAMPLE_SLUG, "--lang", "km", "--segment", "../x", "--by", "R"),
        "no segment",
    ),
    Case(
        "segment RTL",
        ("approve", SAMPLE_SLUG, "--lang", "km", "--segment", "s1\u202e", "--by", "R"),
        "no segment",
    ),
    Case(
        "lang ../",
        ("approve", SAMPLE_SLUG, "--lang", "../../km", "--all", "--by", "R"),
        "unknown language",
    ),
    Case(
        "empty reviewer",
        ("approve", SAMPLE_SLUG, "--lang", "km", "--all", "--by", ""),
        "--by is empty",
    ),
    Case(
        "accept a suggestion that is not there",
        ("suggestions", "accept", SAMPLE_SLUG, "--lang", "km", "--segment", "s1", "--by", "R"),
        "no suggestions",
    ),
    Case(
        "reviewer with newline",
        ("approve", SAMPLE_SLUG, "--lang", "km", "--all", "--by", "Eve\n# approved by X"),
        "--by",
    ),
    # configuration files
    Case(
        "release.toml syntax",
        ("status",),
        "invalid TOML",
        (("release-syntax.toml", f"{RELEASE}/release.toml"),),
    ),
    Case(
        "release.toml without date",
        ("status",),
        "missing key 'date'",
        (("release-no-date.toml", f"{RELEASE}/release.toml"),),
    ),
    Case(
        "release.toml bad date",
        ("status",),
        "date",
        (("release-bad-date.toml", f"{RELEASE}/release.toml"),),
    ),
    Case(
        "release.toml bad language",
        ("status",),
        "unknown language",
        (("release-bad-lang.toml", f"{RELEASE}/release.toml"),),
    ),
    Case(
        "publisher.toml syntax",
        ("status",),
        "invalid TOML",
        (("publisher-syntax.toml", "publisher.toml"),),
    ),
    Case(
        "publisher.toml bad state",
        ("status",),
        "unknown state",
        (("publisher-bad-state.toml", "publisher.toml"),),
    ),
    Case(
        "publisher.toml bad language",
        ("status",),
        "unknown language",
        (("publisher-bad-lang.toml", "publisher.toml"),),
    ),
    # PO catalogs
    Case(
        "PO syntax error",
        ("status",),
        "invalid PO syntax",
        (("po-syntax.po", f"{RELEASE}/translations/km.po"),),
    ),
    Case(
        "PO duplicate ids",
        ("status",),
        "already exists",
        (("po-duplicate.po", f"{RELEASE}/translations/km.po"),),
    ),
    Case(
        "PO bad plural header",
        ("status",),
        "Plural-Forms",
        (("po-plural.po", f"{RELEASE}/translations/km.po"),),
    ),
    Case(
        "PO invalid UTF-8",
        ("status",),
        "UTF-8",
        (("po-invalid-utf8.po", f"{RELEASE}/translations/km.po"),),
    ),
    Case(
        "PO without msgctxt",
        ("status",),
        "msgctxt",
        (("po-no-msgctxt.po", f"{RELEASE}/translations/km.po"),),
    ),
    Case(
        "PO import, unknown language",
        ("import", "{bad}/po-wrong-language.po", "--by", "R"),
        "unknown language",
    ),
    Case("PO import, syntax error", ("import", "{bad}/po-syntax.po", "--by", "R"), "PO"),
    # XLIFF
    Case("XLIFF external entity", ("import", "{bad}/xxe.xlf", "--by", "R"), "DOCTYPE"),
    Case("XLIFF billion laughs", ("import", "{bad}/billion-laughs.xlf", "--by", "R"), "DOCTYPE"),
    Case(
        "XLIFF wrong namespace", ("import", "{bad}/wrong-namespace.xlf", "--by", "R"), "namespace"
    ),
    Case("XLIFF wrong version", ("import", "{bad}/wrong-version.xlf", "--by", "R"), "version"),
    Case("XLIFF unknown ids", ("import", "{bad}/unknown-ids.xlf", "--by", "R"), "s999"),
    Case("XLIFF traversal id", ("import", "{bad}/traversal-id.xlf", "--by", "R"), "etc/passwd"),
    Case("XLIFF not XML", ("import", "{bad}/not-xml.xlf", "--by", "R"), "xlf"),
    # glossary, memory, models
    Case(
        "glossary syntax",
        ("glossary", "list"),
        "invalid TOML",
        (("glossary-syntax.toml", "glossary.toml"),),
    ),
    Case(
        "glossary 1000-char term",
        ("glossary", "list"),
        "at most 200",
        (("glossary-long-term.toml", "glossary.toml"),),
    ),
    Case(
        "glossary add 1000-char term", ("glossary", "add", "x" * 1000, "--km", "y"), "at most 200"
    ),
    Case("TMX with entity", ("memory", "import", "{bad}/entity.tmx"), "entit"),
    Case(
        "model that is not a zip",
        ("models", "install", "{bad}/not-a-model.argosmodel"),
        "argosmodel",
    ),
]


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Inputs too big to commit (a 50 MB text, a .docx that unpacks to 200 MB) or made
    as Word writes them (a .docx with a tracked change)."""
    folder = tmp_path_factory.mktemp("generated")
    with open(folder / "huge.txt", "wb") as handle:
        handle.write(b"Title\n\n")
        line = b"The ministry announced a visit. " * 32 + b"\n"
        for _ in range((50 * 1024 * 1024) // len(line) + 1):
            handle.write(line)
    word = WordFile()
    word.paragraph("A Title", style="Title")
    word.xml_paragraph(
        '<w:r><w:t xml:space="preserve">The visit starts</w:t></w:r>'
        '<w:ins w:id="1" w:author="X" w:date="2024-11-29T10:00:00Z">'
        '<w:r><w:t xml:space="preserve"> on Monday</w:t></w:r></w:ins>'
    )
    word.save(folder / "tracked.docx")
    with zipfile.ZipFile(folder / "bomb.docx", "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", b"<w:document>" + b"\0" * (200 * 1024 * 1024))
    return folder


def test_corpus_has_at_least_40_cases() -> None:
    assert len(CASES) >= 40
    assert len({c.name for c in CASES}) == len(CASES)


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_bad_input_is_refused_cleanly(case: Case, repo_workspace: Path, generated: Path) -> None:
    shutil.copy(REPO / "glossary.toml", repo_workspace / "glossary.toml")
    for source, target in case.setup:
        shutil.copy(BAD / source, repo_workspace / target)
    before = tree_bytes(repo_workspace, locks=False, cache=False, folders=True)
    args = [a.format(bad=BAD, tmp=generated) for a in case.args]
    result = Cli(repo_workspace)(*args, ok=False)
    lines = result.stderr.strip().splitlines()
    assert result.exit_code == 2, f"exit {result.exit_code}: {result.stdout}{result.stderr}"
    assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
    assert case.expect.lower() in lines[0].lower(), lines[0]
    assert "Traceback" not in result.stdout + result.stderr
    assert tree_bytes(repo_workspace, locks=False, cache=False, folders=True) == before, (
        "the workspace changed"
    )
